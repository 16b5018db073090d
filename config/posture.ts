/**
 * The production posture's config: its rules over the raw values (each reports the key and the
 * fix; unset is always valid, the tutorial's stack) and its parsed form. config/ runs these after
 * its own rules, in the order POSTURE_RULES lists them.
 */
import { Problem } from "../addressPlan";
import { authorizedIpsAreCidrs, costAnalysisNeedsTier, workspaceIdIsResourceId } from "./features";
import {
    deleteLockOnKubenet,
    ephemeralFitsVmSizes,
    nodeImageChannelIsLegacy,
    productionPosture,
    productionWarnings,
} from "./production";
import {
    arrayItems,
    ConfigKey,
    errorsOf,
    Finding,
    itemsOf,
    oneOf,
    problem,
    RawConfig,
    trapOf,
    trimmed,
    warningsOf,
    wholeNumber,
} from "./values";
import {
    AVAILABILITY_ZONES,
    MaintenanceWindow,
    MINOR_UPGRADING_CHANNELS,
    NETWORK_POLICIES,
    NetworkPolicy,
    NODE_OS_UPGRADE_CHANNEL_DEFAULT,
    NODE_OS_UPGRADE_CHANNELS,
    NodeOsUpgradeChannel,
    OS_DISK_TYPES,
    OS_SKUS,
    OsDiskType,
    OsSku,
    parseMaintenanceWindow,
    SKU_TIERS,
    SkuTier,
    UPGRADE_CHANNEL_OFF,
    UPGRADE_CHANNELS,
    UpgradeChannel,
} from "../posture";

/**
 * The production settings. Every off value is sent as off (clusterPosture.ts), and adds no
 * resource: a stack without them is the tutorial's stack, resource for resource.
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
    readonly upgradeChannel: UpgradeChannel;
    readonly nodeOsUpgradeChannel: NodeOsUpgradeChannel;
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
    /** Unset = not declared (AKS's Ubuntu). */
    readonly osSku?: OsSku;
    /** Unset = not declared, and ignored as AKS reports it (the Overlay move); declared = never ignored. */
    readonly networkPolicy?: NetworkPolicy;
    readonly monitoring: boolean;
    readonly defender: boolean;
    readonly controlPlaneLogs: boolean;
    /** An existing workspace for the three above; unset = the stack makes one when any of them is on. */
    readonly workspace?: { readonly id: string; readonly location: string };
    readonly workloadIdentity: boolean;
    readonly imageCleaner: boolean;
    readonly azurePolicy: boolean;
    readonly keyVaultSecretsProvider: boolean;
    /** Empty = the API server answers every address. */
    readonly apiServerAuthorizedIps: readonly string[];
    readonly disableRunCommand: boolean;
    readonly costAnalysis: boolean;
    readonly deleteLock: boolean;
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
const osSkuKnown = oneOf("osSkuKnown", "osSku", OS_SKUS, "a node OS this program builds");

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

/**
 * The node-image channel drives the node OS itself: AKS sets nodeOSUpgradeChannel NodeImage with
 * it, and the program sends the node OS channel (AKS's default NodeImage when unset), so the two must agree.
 */
function nodeImageChannelsAgree(raw: RawConfig): Problem[] {
    const [channel, nodeOs] = [
        trimmed(raw, "upgradeChannel"),
        trimmed(raw, "nodeOsUpgradeChannel") || NODE_OS_UPGRADE_CHANNEL_DEFAULT,
    ];
    if (channel !== "node-image" || nodeOs === "NodeImage") return [];
    return [
        problem(
            "nodeImageChannelsAgree",
            "nodeOsUpgradeChannel",
            { nodeOsUpgradeChannel: nodeOs, upgradeChannel: channel },
            `${nodeOs} contradicts upgradeChannel node-image, which upgrades node images itself: set nodeOsUpgradeChannel NodeImage, or better upgradeChannel patch with nodeOsUpgradeChannel NodeImage`,
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
 * Windows govern the channels' upgrades: a channel without a window upgrades at any hour. AKS's own
 * default node OS channel (NodeImage, what every cluster without a choice gets) is not warned about:
 * the dev stack keeps it, and without a window it behaves as any new AKS cluster does.
 */
function channelsHaveWindow(raw: RawConfig): Problem[] {
    const channels = (["upgradeChannel", "nodeOsUpgradeChannel"] as const).filter((key) => {
        const value = trimmed(raw, key);
        return value && !["none", "None", "Unmanaged", NODE_OS_UPGRADE_CHANNEL_DEFAULT].includes(value);
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
    const workspaceId = optional("logAnalyticsWorkspaceId");
    return {
        production: flag("production"),
        skuTier: optional("skuTier") as SkuTier | undefined,
        autoscaleMaxCount: count("autoscaleMaxCount"),
        zones: arrayItems(text("zones")) ?? [],
        upgradeChannel: (optional("upgradeChannel") ?? UPGRADE_CHANNEL_OFF) as UpgradeChannel,
        nodeOsUpgradeChannel: (optional("nodeOsUpgradeChannel") ??
            NODE_OS_UPGRADE_CHANNEL_DEFAULT) as NodeOsUpgradeChannel,
        maintenanceWindow: parsedWindow?.ok ? parsedWindow.value : undefined,
        userPool: userPoolNodeCount
            ? {
                  nodeCount: userPoolNodeCount,
                  vmSize: text("userPoolVmSize"),
                  autoscaleMaxCount: count("userPoolAutoscaleMaxCount"),
              }
            : undefined,
        osDiskType: optional("osDiskType") as OsDiskType | undefined,
        osSku: optional("osSku") as OsSku | undefined,
        networkPolicy: optional("networkPolicy") as NetworkPolicy | undefined,
        monitoring: flag("monitoring"),
        defender: flag("defender"),
        controlPlaneLogs: flag("controlPlaneLogs"),
        workspace: workspaceId ? { id: workspaceId, location: text("logAnalyticsWorkspaceLocation") } : undefined,
        workloadIdentity: flag("workloadIdentity"),
        imageCleaner: flag("imageCleaner"),
        azurePolicy: flag("azurePolicy"),
        keyVaultSecretsProvider: flag("keyVaultSecretsProvider"),
        apiServerAuthorizedIps: arrayItems(text("apiServerAuthorizedIps")) ?? [],
        disableRunCommand: flag("disableRunCommand"),
        costAnalysis: flag("costAnalysis"),
        deleteLock: flag("deleteLock"),
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
    osSkuKnown,
    networkPolicyKnown,
    errorsOf(networkPolicyFitsPlugin),
    workspaceIdIsResourceId,
    errorsOf(authorizedIpsAreCidrs),
    costAnalysisNeedsTier,
    userPoolCountsAgree,
    productionPosture,
];

/** Legal but worth a line: the posture's rules that only warn. */
export const POSTURE_WARNINGS = [
    warningsOf(ephemeralFitsVmSizes),
    warningsOf(networkPolicyFitsPlugin),
    warningsOf(authorizedIpsAreCidrs),
    channelsHaveWindow,
    nodeImageChannelIsLegacy,
    deleteLockOnKubenet,
    productionWarnings,
];
