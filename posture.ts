/**
 * The production posture as data: the values AKS accepts for each setting, what the program sends
 * for them, the Ephemeral OS disk's rule, and the maintenance window's format. Pure: config/
 * validates with it, clusterPosture.ts builds the inputs from it, the policy pack reads the same names.
 */
import { VM_SIZES } from "./vmSizes";

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
 * An Ephemeral OS disk without osDiskSizeGB (this program never sets it): AKS sizes it from the VM's
 * cache or temp disk only when that disk holds at least 128 GiB (learn.microsoft.com/azure/aks/
 * concepts-storage, Ephemeral OS disk, as issue #32 quotes it; the version of the page stored in
 * MicrosoftDocs/azure-aks-docs at commit 074b3dae still gives the older 100 GiB examples, and its
 * default OS disk sizing gives 1-7 vCPU sizes a 128 GiB disk). Below that AKS refuses Ephemeral.
 */
export const EPHEMERAL_OS_MIN_LOCAL_DISK_GIB = 128;

/** The listed sizes whose cache or temp disk holds an Ephemeral OS disk, smallest first: what an error suggests. */
export function ephemeralCapableSizes(): string[] {
    return Object.entries(VM_SIZES)
        .filter(([, size]) => size.localDiskGiB >= EPHEMERAL_OS_MIN_LOCAL_DISK_GIB)
        .sort(([, a], [, b]) => a.localDiskGiB - b.localDiskGiB || a.vCpus - b.vCpus)
        .map(([name]) => name);
}

/** The node OS of every pool (agentPoolProfiles[].osSKU, AgentPool osSKU); unset = AKS's Ubuntu. */
export const OS_SKUS = ["Ubuntu", "AzureLinux"] as const;
export type OsSku = (typeof OS_SKUS)[number];

/**
 * Sent when a channel is not set: AKS keeps a channel a request leaves out (Azure/AKS#2904), so
 * each is always sent. The cluster channel's off is AKS's own default ("The default is 'none'");
 * the node OS channel's is AKS's default for a new cluster, NodeImage ("The default is NodeImage",
 * AKS API 2025-09-01, ManagedClusterAutoUpgradeProfile): sending None instead would stop a
 * deployed cluster's weekly node-image security updates without anyone asking for it.
 */
export const UPGRADE_CHANNEL_OFF: UpgradeChannel = "none";
export const NODE_OS_UPGRADE_CHANNEL_DEFAULT: NodeOsUpgradeChannel = "NodeImage";

/**
 * The control-plane log categories the diagnostic setting sends to the workspace (controlPlaneLogs):
 * the audit log without get and list (kube-audit-admin), Entra ID's authentication (guard) and the
 * cluster autoscaler's decisions; the categories are AKS's resource logs
 * (learn.microsoft.com/azure/aks/monitor-aks-reference), and mspnp/aks-baseline's cluster-stamp.bicep
 * (commit 6ab8005f) enables these three among others. kube-audit, the full audit log, costs far more.
 */
export const CONTROL_PLANE_LOG_CATEGORIES = ["kube-audit-admin", "guard", "cluster-autoscaler"] as const;
/** The diagnostic setting's name on each cluster (a path parameter: renaming replaces it). */
export const CONTROL_PLANE_LOGS_SETTING_NAME = "aks-kubenet-control-plane";

/**
 * The Key Vault Secrets Provider add-on's configuration: rotation on, polling every 2 minutes, the
 * driver's default interval (learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options).
 */
export const KEY_VAULT_SECRETS_PROVIDER_CONFIG = Object.freeze({
    enableSecretRotation: "true",
    rotationPollInterval: "2m",
});

/** deleteLock's locks: CanNotDelete on the resource group and on each cluster (a path parameter: renaming replaces). */
export const DELETE_LOCK_NAME = "aks-kubenet-delete-lock";
export const DELETE_LOCK_NOTES =
    "Placed by the aks-kubenet program (deleteLock=true). To delete: pulumi config set deleteLock false, pulumi up, then delete.";

/**
 * The system pool's floor (learn.microsoft.com/azure/aks/use-system-pools, MicrosoftDocs/azure-aks-docs
 * commit 04921f5f): "System pools must contain at least two nodes", "require a VM SKU of at least
 * 4 vCPUs" and "must support at least 30 pods".
 */
export const SYSTEM_POOL_MIN_NODES = 2;
export const SYSTEM_POOL_MIN_VCPUS = 4;
export const SYSTEM_POOL_MIN_PODS = 30;

/** A data collection rule's name holds at most 64 characters; Microsoft's onboarding template cuts it there. */
export const DATA_COLLECTION_RULE_NAME_MAX = 64;

/**
 * Container insights' data collection rule, named and placed as Microsoft's onboarding template
 * does (learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable-arm):
 * MSCI-<workspace region>-<cluster name>, cut to 64 characters, in the workspace's region.
 */
export function dataCollectionRuleName(workspaceRegion: string, clusterName: string): string {
    return `MSCI-${workspaceRegion}-${clusterName}`.slice(0, DATA_COLLECTION_RULE_NAME_MAX);
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

/**
 * The window that starts when `window` ends (a day later past midnight): a second cluster's
 * schedules. Microsoft recommends "staggering the maintenance windows for each cluster" of a
 * subscription, since the same window for several clusters "can lead to ARM throttling errors
 * causing cluster upgrades to fail" (learn.microsoft.com/azure/aks/planned-maintenance, FAQ).
 */
export function staggeredWindow(window: MaintenanceWindow): MaintenanceWindow {
    const [hour, minute] = window.startTime.split(":").map(Number);
    const end = hour + window.durationHours;
    const dayIndex = (WEEK_DAYS.indexOf(window.dayOfWeek) + Math.floor(end / 24)) % WEEK_DAYS.length;
    return {
        ...window,
        dayOfWeek: WEEK_DAYS[dayIndex],
        startTime: `${String(end % 24).padStart(2, "0")}:${String(minute).padStart(2, "0")}`,
    };
}
