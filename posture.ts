/**
 * The production posture as data: the values AKS accepts for each setting, the VM sizes whose
 * local disk can hold an Ephemeral OS disk, and the maintenance window's format. Pure: config.ts
 * validates with it, cluster.ts builds the inputs from it, the policy pack reads the same names.
 */

/** AKS's control-plane tiers (sku.tier). Standard carries the API server's SLA; Premium adds long-term support. */
export const SKU_TIERS = ["Free", "Standard", "Premium"] as const;
export type SkuTier = (typeof SKU_TIERS)[number];

/** autoUpgradeProfile.upgradeChannel (learn.microsoft.com/azure/aks/auto-upgrade-cluster). */
export const UPGRADE_CHANNELS = ["rapid", "stable", "patch", "node-image", "none"] as const;
export type UpgradeChannel = (typeof UPGRADE_CHANNELS)[number];
/** Channels that move the cluster to a new minor version by themselves. */
export const MINOR_UPGRADING_CHANNELS: readonly UpgradeChannel[] = ["rapid", "stable"];

/** autoUpgradeProfile.nodeOSUpgradeChannel (learn.microsoft.com/azure/aks/auto-upgrade-node-os-image). */
export const NODE_OS_UPGRADE_CHANNELS = ["None", "Unmanaged", "NodeImage", "SecurityPatch"] as const;
export type NodeOsUpgradeChannel = (typeof NODE_OS_UPGRADE_CHANNELS)[number];

/** The availability zones a pool may name. */
export const AVAILABILITY_ZONES = ["1", "2", "3"] as const;

/** networkProfile.networkPolicy (learn.microsoft.com/azure/aks/use-network-policies). */
export const NETWORK_POLICIES = ["none", "calico", "azure", "cilium"] as const;
export type NetworkPolicy = (typeof NETWORK_POLICIES)[number];

export const OS_DISK_TYPES = ["Managed", "Ephemeral"] as const;
export type OsDiskType = (typeof OS_DISK_TYPES)[number];

/** Keeps everything but critical add-ons off the system pool (learn.microsoft.com/azure/aks/use-system-pools). */
export const SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule";
/** The label AKS puts on every node with its pool's mode (System or User). */
export const POOL_MODE_LABEL = "kubernetes.azure.com/mode";
/** The user pool's name (Linux pool names: lower-case letters and digits, at most 12). */
export const USER_POOL_NAME = "user";

/** AKS's two fixed maintenance configuration names (learn.microsoft.com/azure/aks/planned-maintenance). */
export const MAINTENANCE_CONFIG_NAMES = {
    autoUpgrade: "aksManagedAutoUpgradeSchedule",
    nodeOsUpgrade: "aksManagedNodeOSUpgradeSchedule",
} as const;

/** The image cleaner's scan interval when on (AKS's default: 7 days; learn.microsoft.com/azure/aks/image-cleaner). */
export const IMAGE_CLEANER_INTERVAL_HOURS = 168;

/** AKS accepts at most 200 authorized IP ranges (learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges). */
export const MAX_AUTHORIZED_IP_RANGES = 200;

/**
 * "Kubernetes cluster pod security baseline standards for Linux-based workloads", the built-in
 * initiative Azure Policy for Kubernetes offers (learn.microsoft.com/azure/aks/use-azure-policy;
 * AKS-Construction assigns the same one), assigned with effect audit: findings, no denials.
 */
export const POD_SECURITY_BASELINE_INITIATIVE =
    "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d";

/**
 * The OS disk AKS creates when osDiskSizeGB is not set: "the AKS default VM size Standard_DS2_v2
 * SKU with the default OS disk size of 100 GiB" (learn.microsoft.com/azure/aks/concepts-storage,
 * Ephemeral OS disk). This program does not set osDiskSizeGB.
 */
export const DEFAULT_OS_DISK_GIB = 100;

/**
 * Where an Ephemeral OS disk can live on a VM size: its cache, or on the newer series (which have
 * no cache) its temporary disk; 0 = neither (remote storage only). GiB, from Microsoft's size pages
 * (learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/: dsv2-series "cache size in
 * GiB", dsv3-series, dsv5-series "Remote Storage Only", ddsv5-series and dadsv5-series temp storage;
 * memory-optimized/ebdsv5-series as concepts-storage quotes it). Sizes not listed are not checked.
 */
export const EPHEMERAL_OS_CAPACITY_GIB: Readonly<Record<string, { readonly gib: number; readonly where: string }>> =
    Object.freeze({
        Standard_DS2_v2: { gib: 86, where: "cache" },
        Standard_DS3_v2: { gib: 172, where: "cache" },
        Standard_DS4_v2: { gib: 344, where: "cache" },
        Standard_D2s_v3: { gib: 50, where: "cache" },
        Standard_D4s_v3: { gib: 100, where: "cache" },
        Standard_D8s_v3: { gib: 200, where: "cache" },
        Standard_D16s_v3: { gib: 400, where: "cache" },
        Standard_D2s_v5: { gib: 0, where: "no cache or temp disk" },
        Standard_D4s_v5: { gib: 0, where: "no cache or temp disk" },
        Standard_D8s_v5: { gib: 0, where: "no cache or temp disk" },
        Standard_D16s_v5: { gib: 0, where: "no cache or temp disk" },
        Standard_D2ds_v5: { gib: 75, where: "temp disk" },
        Standard_D4ds_v5: { gib: 150, where: "temp disk" },
        Standard_D8ds_v5: { gib: 300, where: "temp disk" },
        Standard_D16ds_v5: { gib: 600, where: "temp disk" },
        Standard_D2ads_v5: { gib: 75, where: "temp disk" },
        Standard_D4ads_v5: { gib: 150, where: "temp disk" },
        Standard_D8ads_v5: { gib: 300, where: "temp disk" },
        Standard_E2bds_v5: { gib: 75, where: "temp disk" },
        Standard_E4bds_v5: { gib: 150, where: "temp disk" },
    });

/** The listed sizes that hold the default OS disk, smallest first: what an error suggests. */
export function ephemeralCapableSizes(): string[] {
    return Object.entries(EPHEMERAL_OS_CAPACITY_GIB)
        .filter(([, { gib }]) => gib >= DEFAULT_OS_DISK_GIB)
        .sort(([, a], [, b]) => a.gib - b.gib)
        .map(([size]) => size);
}

export const WEEK_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/** A weekly maintenance window, as MaintenanceConfiguration's maintenanceWindow takes it. */
export interface MaintenanceWindow {
    readonly dayOfWeek: WeekDay;
    /** "HH:mm". */
    readonly startTime: string;
    /** 4 to 24 (the API's range). */
    readonly durationHours: number;
    /** "+HH:mm" or "-HH:mm". */
    readonly utcOffset: string;
}

/** The format users type, documented in docs/configuration.md. */
export const MAINTENANCE_WINDOW_FORMAT =
    '"<Day> <HH:mm> <hours>h [UTC offset]", e.g. "Sunday 02:00 4h" or "Saturday 22:00 6h +01:00"';
export const MIN_WINDOW_HOURS = 4;
export const MAX_WINDOW_HOURS = 24;

/** A maintenance window as typed, or why it is not one. */
export function parseMaintenanceWindow(
    text: string,
): { ok: true; value: MaintenanceWindow } | { ok: false; reason: string } {
    const match = /^(\w+)\s+(\d{1,2}):(\d{2})\s+(\d+)h(?:\s+([+-])(\d{2}):(\d{2}))?$/.exec(text.trim());
    const refuse = (why: string) => ({
        ok: false as const,
        reason: `"${text}" ${why}; use ${MAINTENANCE_WINDOW_FORMAT}`,
    });
    if (!match) return refuse("is not a weekly window");
    const [, dayText, hour, minute, hours, sign, offsetHours, offsetMinutes] = match;
    const day = WEEK_DAYS.find((candidate) => candidate.toLowerCase() === dayText.toLowerCase());
    if (!day) return refuse(`names no day of the week ("${dayText}")`);
    if (Number(hour) > 23 || Number(minute) > 59) return refuse(`starts at no time of day (${hour}:${minute})`);
    const durationHours = Number(hours);
    if (durationHours < MIN_WINDOW_HOURS || durationHours > MAX_WINDOW_HOURS)
        return refuse(`lasts ${durationHours} hours, and AKS takes ${MIN_WINDOW_HOURS} to ${MAX_WINDOW_HOURS}`);
    if (sign && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59))
        return refuse(`has no UTC offset (${sign}${offsetHours}:${offsetMinutes})`);
    return {
        ok: true,
        value: {
            dayOfWeek: day,
            startTime: `${hour.padStart(2, "0")}:${minute}`,
            durationHours,
            utcOffset: sign ? `${sign}${offsetHours}:${offsetMinutes}` : "+00:00",
        },
    };
}

/** The tag that marks a cluster built with production=true; the policy pack's production rules read it. */
export const POSTURE_TAG = "aks-kubenet-posture";
export const PRODUCTION_POSTURE = "production";
