/**
 * The production posture's config: its rules over the raw values (each reports the key and the
 * fix; unset is always valid, the tutorial's stack) and its parsed form. config.ts runs these after
 * its own rules, in the order POSTURE_RULES lists them.
 */
import { parseCidr, Problem } from "./addressPlan";
import {
    arrayItems,
    ConfigKey,
    errorsOf,
    Finding,
    isTrue,
    itemsOf,
    oneOf,
    problem,
    RawConfig,
    trapOf,
    trimmed,
    warningsOf,
    wholeNumber,
} from "./configValues";
import {
    AVAILABILITY_ZONES,
    DEFAULT_OS_DISK_GIB,
    EPHEMERAL_OS_CAPACITY_GIB,
    ephemeralCapableSizes,
    MaintenanceWindow,
    MAX_AUTHORIZED_IP_RANGES,
    MINOR_UPGRADING_CHANNELS,
    NETWORK_POLICIES,
    NetworkPolicy,
    NODE_OS_UPGRADE_CHANNELS,
    NodeOsUpgradeChannel,
    OS_DISK_TYPES,
    OsDiskType,
    parseMaintenanceWindow,
    SKU_TIERS,
    SkuTier,
    UPGRADE_CHANNELS,
    UpgradeChannel,
} from "./posture";

/**
 * The production settings. Each unset or off value adds no input to any resource, so a stack
 * without them is the tutorial's stack, resource for resource.
 */
export interface PostureConfig {
    /** Turns the production rules on: config errors here, and the policy pack's production policies (tag). */
    readonly production: boolean;
    /** Unset = not declared (AKS's Free tier at creation). */
    readonly skuTier?: SkuTier;
    /** Unset = no autoscaler on the system pool. */
    readonly autoscaleMaxCount?: number;
    /** Empty = no zones (create-only). */
    readonly zones: readonly string[];
    readonly upgradeChannel?: UpgradeChannel;
    readonly nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
    /** Unset = no maintenance configurations. */
    readonly maintenanceWindow?: MaintenanceWindow;
    /** Unset (0) = no user pool. */
    readonly userPool?: {
        readonly nodeCount: number;
        readonly vmSize: string;
        /** Unset = no autoscaler on the user pool. */
        readonly autoscaleMaxCount?: number;
    };
    /** Unset = AKS's choice (Ephemeral where the size allows, else Managed). */
    readonly osDiskType?: OsDiskType;
    /** Unset = not declared, and ignored as AKS reports it (the Overlay move); declared = never ignored. */
    readonly networkPolicy?: NetworkPolicy;
    /** Container insights; `workspaceId` unset = a workspace the stack creates. */
    readonly monitoring?: { readonly workspaceId?: string };
    readonly workloadIdentity: boolean;
    readonly imageCleaner: boolean;
    readonly azurePolicy: boolean;
    /** Empty = the API server answers every address. */
    readonly apiServerAuthorizedIps: readonly string[];
}

const skuTierKnown = oneOf("skuTierKnown", "skuTier", SKU_TIERS, "an AKS tier");
const upgradeChannelKnown = oneOf("upgradeChannelKnown", "upgradeChannel", UPGRADE_CHANNELS, "an AKS upgrade channel");
const nodeOsUpgradeChannelKnown = oneOf(
    "nodeOsUpgradeChannelKnown",
    "nodeOsUpgradeChannel",
    NODE_OS_UPGRADE_CHANNELS,
    "an AKS node OS upgrade channel",
);
const osDiskTypeKnown = oneOf("osDiskTypeKnown", "osDiskType", OS_DISK_TYPES, "an OS disk type");
const networkPolicyKnown = oneOf("networkPolicyKnown", "networkPolicy", NETWORK_POLICIES, "a network policy of AKS");

/** Zones are "1", "2" or "3", each once; set at creation only. */
function zonesAreZones(raw: RawConfig): Problem[] {
    const zones = itemsOf(raw, "zones");
    if (!zones) return [];
    const unknown = zones.filter((zone) => !(AVAILABILITY_ZONES as readonly string[]).includes(zone));
    if (unknown.length > 0)
        return [
            problem(
                "zonesAreZones",
                "zones",
                { zones, unknown },
                `${unknown.map((zone) => `"${zone}"`).join(", ")} ${unknown.length === 1 ? "is not an availability zone" : "are not availability zones"}; use "1", "2" and "3" (pulumi config set --path 'zones[0]' 1)${trapOf("zones")}`,
            ),
        ];
    const repeated = zones.filter((zone, index) => zones.indexOf(zone) !== index);
    return repeated.length > 0
        ? [
              problem(
                  "zonesAreZones",
                  "zones",
                  { zones, repeated },
                  `${repeated.join(", ")} appears more than once; list each zone once`,
              ),
          ]
        : [];
}

/**
 * A pinned kubernetesVersion must not fight an auto-upgrade channel: rapid and stable move the
 * cluster to new minor versions and patch to new patches, and the next `pulumi up` would then
 * send the older version back (AKS refuses a downgrade).
 */
function pinnedVersionFitsChannel(raw: RawConfig): Problem[] {
    const [version, channel] = [trimmed(raw, "kubernetesVersion"), trimmed(raw, "upgradeChannel") as UpgradeChannel];
    if (!version || !channel) return [];
    const patchPinned = /^\d+\.\d+\.\d+$/.test(version);
    if (MINOR_UPGRADING_CHANNELS.includes(channel))
        return [
            problem(
                "pinnedVersionFitsChannel",
                "kubernetesVersion",
                { kubernetesVersion: version, upgradeChannel: channel },
                `${version} is pinned, and upgradeChannel ${channel} moves the cluster to newer minor versions: the next pulumi up would ask AKS for a downgrade. Leave kubernetesVersion empty, or use upgradeChannel patch with a minor alias like ${version.split(".").slice(0, 2).join(".")}`,
            ),
        ];
    if (channel === "patch" && patchPinned)
        return [
            problem(
                "pinnedVersionFitsChannel",
                "kubernetesVersion",
                { kubernetesVersion: version, upgradeChannel: channel },
                `${version} pins a patch, and upgradeChannel patch installs newer patches: use the minor alias ${version.split(".").slice(0, 2).join(".")}, or leave kubernetesVersion empty`,
            ),
        ];
    return [];
}

/** The node-image channel drives the node OS itself: AKS sets nodeOSUpgradeChannel NodeImage with it. */
function nodeImageChannelsAgree(raw: RawConfig): Problem[] {
    const [channel, nodeOs] = [trimmed(raw, "upgradeChannel"), trimmed(raw, "nodeOsUpgradeChannel")];
    if (channel !== "node-image" || !nodeOs || nodeOs === "NodeImage") return [];
    return [
        problem(
            "nodeImageChannelsAgree",
            "nodeOsUpgradeChannel",
            { nodeOsUpgradeChannel: nodeOs, upgradeChannel: channel },
            `${nodeOs} contradicts upgradeChannel node-image, which upgrades node images itself: set nodeOsUpgradeChannel NodeImage (or empty), or another upgradeChannel`,
        ),
    ];
}

/** The maintenance window parses: one weekly window for both AKS schedules. */
function maintenanceWindowParses(raw: RawConfig): Problem[] {
    const text = trimmed(raw, "maintenanceWindow");
    if (!text) return [];
    const parsed = parseMaintenanceWindow(text);
    return parsed.ok
        ? []
        : [problem("maintenanceWindowParses", "maintenanceWindow", { maintenanceWindow: text }, parsed.reason)];
}

/**
 * Ephemeral OS disks live in the VM's cache or temp disk, which must hold the OS disk (AKS's
 * default, DEFAULT_OS_DISK_GIB): a listed size that cannot is an error; an unlisted one a warning
 * that says it could not be checked.
 */
function ephemeralFitsVmSizes(raw: RawConfig): Finding[] {
    if (trimmed(raw, "osDiskType") !== "Ephemeral") return [];
    const pools: Array<[ConfigKey, string | undefined]> = [
        ["nodeVmSize", trimmed(raw, "nodeVmSize")],
        ...(((wholeNumber(raw, "userPoolNodeCount") ?? 0) > 0
            ? [["userPoolVmSize", trimmed(raw, "userPoolVmSize")]]
            : []) as Array<[ConfigKey, string | undefined]>),
    ];
    return pools.flatMap(([key, size]): Finding[] => {
        if (!size) return [];
        const capacity = EPHEMERAL_OS_CAPACITY_GIB[size];
        if (!capacity)
            return [
                {
                    severity: "warning",
                    ...problem(
                        "ephemeralFitsVmSizes",
                        key,
                        { [key]: size, osDiskType: "Ephemeral", osDiskGiB: DEFAULT_OS_DISK_GIB },
                        `${size} is not in this program's table of cache and temp disk sizes, so osDiskType Ephemeral could not be checked: AKS refuses it at creation unless the size's cache or temp disk holds a ${DEFAULT_OS_DISK_GIB} GiB OS disk`,
                    ),
                },
            ];
        if (capacity.gib >= DEFAULT_OS_DISK_GIB) return [];
        return [
            {
                severity: "error",
                ...problem(
                    "ephemeralFitsVmSizes",
                    key,
                    { [key]: size, osDiskType: "Ephemeral", capacityGiB: capacity.gib, osDiskGiB: DEFAULT_OS_DISK_GIB },
                    `${size} has ${capacity.gib === 0 ? "no cache or temp disk" : `${capacity.gib} GiB of ${capacity.where}`}, and an Ephemeral OS disk needs ${DEFAULT_OS_DISK_GIB} GiB there: use a size such as ${ephemeralCapableSizes().slice(0, 3).join(", ")}, or osDiskType Managed${trapOf("osDiskType")}`,
                ),
            },
        ];
    });
}

/** Cilium runs only on Azure CNI (Overlay here); Azure Network Policy Manager does not run on kubenet. */
function networkPolicyFitsPlugin(raw: RawConfig): Finding[] {
    const [policy, plugin] = [trimmed(raw, "networkPolicy"), trimmed(raw, "networkPlugin")];
    if (!policy || !plugin) return [];
    const values = { networkPolicy: policy, networkPlugin: plugin };
    if (policy === "cilium" && plugin !== "overlay")
        return [
            {
                severity: "error",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    `cilium needs Azure CNI powered by Cilium, which this program builds only with networkPlugin=overlay; on ${plugin} use calico`,
                ),
            },
        ];
    if (policy === "azure" && plugin === "kubenet")
        return [
            {
                severity: "error",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    "azure (Azure Network Policy Manager) needs Azure CNI, and kubenet is not: on kubenet use calico",
                ),
            },
        ];
    if (policy === "calico" && plugin === "kubenet")
        return [
            {
                severity: "warning",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    "calico works on kubenet, but the in-place move to Azure CNI Overlay needs a cluster without a network policy (docs/migrate.md): you will have to remove it first",
                ),
            },
        ];
    return [];
}

/** An existing workspace is named by its Azure resource id, and only with monitoring on. */
function workspaceIdIsResourceId(raw: RawConfig): Problem[] {
    const id = trimmed(raw, "logAnalyticsWorkspaceId");
    if (!id) return [];
    if (
        !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(
            id,
        )
    )
        return [
            problem(
                "workspaceIdIsResourceId",
                "logAnalyticsWorkspaceId",
                { logAnalyticsWorkspaceId: id },
                `"${id}" is not a Log Analytics workspace's resource id; use /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> (az monitor log-analytics workspace show --query id)`,
            ),
        ];
    return isTrue(raw, "monitoring")
        ? []
        : [
              problem(
                  "workspaceIdIsResourceId",
                  "logAnalyticsWorkspaceId",
                  { logAnalyticsWorkspaceId: id, monitoring: false },
                  "names a workspace, but monitoring is false: set monitoring true, or clear logAnalyticsWorkspaceId",
              ),
          ];
}

/** Authorized ranges are IPv4 CIDRs, at most 200. */
function authorizedIpsAreCidrs(raw: RawConfig): Finding[] {
    const ranges = itemsOf(raw, "apiServerAuthorizedIps");
    if (!ranges || ranges.length === 0) return [];
    const malformed = ranges.filter((range) => !parseCidr(range.includes("/") ? range : `${range}/32`).ok);
    if (malformed.length > 0)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { apiServerAuthorizedIps: ranges, malformed },
                    `${malformed.map((range) => `"${range}"`).join(", ")} ${malformed.length === 1 ? "is not an IPv4 CIDR" : "are not IPv4 CIDRs"} (network address, no host bits); use e.g. 203.0.113.0/24`,
                ),
            },
        ];
    if (ranges.length > MAX_AUTHORIZED_IP_RANGES)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { count: ranges.length, max: MAX_AUTHORIZED_IP_RANGES },
                    `${ranges.length} ranges; AKS accepts at most ${MAX_AUTHORIZED_IP_RANGES}`,
                ),
            },
        ];
    return [
        {
            severity: "warning",
            ...problem(
                "authorizedIpsAreCidrs",
                "apiServerAuthorizedIps",
                { apiServerAuthorizedIps: ranges },
                "only these ranges reach the API server, and GitHub-hosted runners and Pulumi Deployments runners have no fixed addresses: previews and deploys from them (the Kubernetes provider included) will time out unless they run from a listed range",
            ),
        },
    ];
}

/** The user pool's counts: its autoscaler needs a pool, and starts at its node count. */
function userPoolCountsAgree(raw: RawConfig): Problem[] {
    const [count, max] = [wholeNumber(raw, "userPoolNodeCount"), wholeNumber(raw, "userPoolAutoscaleMaxCount")];
    if (count === undefined || max === undefined || max === 0) return [];
    if (count === 0)
        return [
            problem(
                "userPoolCountsAgree",
                "userPoolAutoscaleMaxCount",
                { userPoolAutoscaleMaxCount: max, userPoolNodeCount: 0 },
                `${max} autoscales a user pool, but userPoolNodeCount is 0 (no user pool): set userPoolNodeCount, or userPoolAutoscaleMaxCount 0`,
            ),
        ];
    return max < count
        ? [
              problem(
                  "userPoolCountsAgree",
                  "userPoolAutoscaleMaxCount",
                  { userPoolAutoscaleMaxCount: max, userPoolNodeCount: count },
                  `${max} is below userPoolNodeCount ${count}, where the autoscaler starts: use ${count} or more, or 0 for no autoscaler`,
              ),
          ]
        : [];
}

/**
 * production=true: the posture the policy pack's production rules require, refused here first,
 * each with the setting that gives it.
 */
function productionPosture(raw: RawConfig): Problem[] {
    if (!isTrue(raw, "production")) return [];
    const found: Problem[] = [];
    const need = (key: ConfigKey, values: Problem["values"], message: string) =>
        found.push(problem("productionPosture", key, { production: true, ...values }, message));
    const access = trimmed(raw, "clusterAccess");
    if (access && access !== "entra")
        need(
            "clusterAccess",
            { clusterAccess: access },
            `production needs Microsoft Entra ID with local accounts off: set clusterAccess entra`,
        );
    const tier = trimmed(raw, "skuTier");
    if (tier !== "Standard" && tier !== "Premium")
        need(
            "skuTier",
            { skuTier: tier ?? "" },
            `production needs the API server's SLA: set skuTier Standard (or Premium)`,
        );
    const zones = itemsOf(raw, "zones") ?? [];
    if (zones.length < 2)
        need(
            "zones",
            { zones },
            `production needs at least 2 availability zones: pulumi config set --path 'zones[0]' 1, 'zones[1]' 2, 'zones[2]' 3 (before the cluster exists: set at creation only)`,
        );
    if (!trimmed(raw, "maintenanceWindow"))
        need(
            "maintenanceWindow",
            { maintenanceWindow: "" },
            `production needs both maintenance windows: set maintenanceWindow, e.g. "Sunday 02:00 4h"`,
        );
    return found;
}

/** Windows govern the channels' upgrades: a channel without a window upgrades at any hour. */
function channelsHaveWindow(raw: RawConfig): Problem[] {
    const channels = (["upgradeChannel", "nodeOsUpgradeChannel"] as const).filter((key) => {
        const value = trimmed(raw, key);
        return value && !["none", "None", "Unmanaged"].includes(value);
    });
    if (channels.length === 0 || trimmed(raw, "maintenanceWindow")) return [];
    return [
        problem(
            "channelsHaveWindow",
            "maintenanceWindow",
            { channels: channels.map((key) => `${key}=${trimmed(raw, key)}`) },
            `is empty, so ${channels.map((key) => `${key} ${trimmed(raw, key)}`).join(" and ")} may upgrade at any hour: set a window, e.g. "Sunday 02:00 4h"`,
        ),
    ];
}

export function parsePosture(raw: RawConfig): PostureConfig {
    const text = (key: ConfigKey) => raw[key]?.trim() ?? "";
    const optional = (key: ConfigKey) => (text(key) === "" ? undefined : text(key));
    const flag = (key: ConfigKey) => text(key).toLowerCase() === "true";
    const count = (key: ConfigKey) => (Number(text(key)) > 0 ? Number(text(key)) : undefined);
    const window = optional("maintenanceWindow");
    const parsedWindow = window ? parseMaintenanceWindow(window) : undefined;
    const userPoolNodeCount = count("userPoolNodeCount");
    return {
        production: flag("production"),
        skuTier: optional("skuTier") as SkuTier | undefined,
        autoscaleMaxCount: count("autoscaleMaxCount"),
        zones: arrayItems(text("zones")) ?? [],
        upgradeChannel: optional("upgradeChannel") as UpgradeChannel | undefined,
        nodeOsUpgradeChannel: optional("nodeOsUpgradeChannel") as NodeOsUpgradeChannel | undefined,
        maintenanceWindow: parsedWindow?.ok ? parsedWindow.value : undefined,
        userPool: userPoolNodeCount
            ? {
                  nodeCount: userPoolNodeCount,
                  vmSize: text("userPoolVmSize"),
                  autoscaleMaxCount: count("userPoolAutoscaleMaxCount"),
              }
            : undefined,
        osDiskType: optional("osDiskType") as OsDiskType | undefined,
        networkPolicy: optional("networkPolicy") as NetworkPolicy | undefined,
        monitoring: flag("monitoring") ? { workspaceId: optional("logAnalyticsWorkspaceId") } : undefined,
        workloadIdentity: flag("workloadIdentity"),
        imageCleaner: flag("imageCleaner"),
        azurePolicy: flag("azurePolicy"),
        apiServerAuthorizedIps: arrayItems(text("apiServerAuthorizedIps")) ?? [],
    };
}

/** The posture's rules over the raw values, in the order their problems are reported. */
export const POSTURE_RULES = [
    skuTierKnown,
    zonesAreZones,
    upgradeChannelKnown,
    nodeOsUpgradeChannelKnown,
    pinnedVersionFitsChannel,
    nodeImageChannelsAgree,
    maintenanceWindowParses,
    osDiskTypeKnown,
    errorsOf(ephemeralFitsVmSizes),
    networkPolicyKnown,
    errorsOf(networkPolicyFitsPlugin),
    workspaceIdIsResourceId,
    errorsOf(authorizedIpsAreCidrs),
    userPoolCountsAgree,
    productionPosture,
];

/** Legal but worth a line: the posture's rules that only warn. */
export const POSTURE_WARNINGS = [
    warningsOf(ephemeralFitsVmSizes),
    warningsOf(networkPolicyFitsPlugin),
    warningsOf(authorizedIpsAreCidrs),
    channelsHaveWindow,
];
