/** The production posture's bad settings: one error each, naming the key, the value and the fix. */
import { RawConfig, validateConfig } from "../config";
import { rawStackConfig } from "../stackFiles";

const valid: RawConfig = rawStackConfig("dev");
const errorsOf = (overrides: RawConfig) => validateConfig({ ...valid, ...overrides }).errors;
const json = (value: unknown) => JSON.stringify(value);

/** Each bad setting: the key its error names, the rule, the values it reports, and a word of the fix. */
const bad: Array<[string, RawConfig, string, string, Record<string, unknown>, RegExp]> = [
    [
        "an unknown tier",
        { skuTier: "Gold" },
        "skuTier",
        "skuTierKnown",
        { skuTier: "Gold" },
        /use Free, Standard, Premium/,
    ],
    ["zone 4", { zones: json(["1", "4"]) }, "zones", "zonesAreZones", { unknown: ["4"] }, /set at creation only/],
    ["a zone twice", { zones: json(["1", "1"]) }, "zones", "zonesAreZones", { repeated: ["1"] }, /each zone once/],
    ["zones not a list", { zones: "1,2" }, "zones", "arraysAreArrays", { zones: "1,2" }, /--path 'zones\[0\]'/],
    [
        "an unknown channel",
        { upgradeChannel: "weekly" },
        "upgradeChannel",
        "upgradeChannelKnown",
        { upgradeChannel: "weekly" },
        /rapid, stable, patch, node-image, none/,
    ],
    [
        "an unknown node OS channel",
        { nodeOsUpgradeChannel: "nodeimage" },
        "nodeOsUpgradeChannel",
        "nodeOsUpgradeChannelKnown",
        { nodeOsUpgradeChannel: "nodeimage" },
        /NodeImage/,
    ],
    [
        "a pinned version under stable",
        { kubernetesVersion: "1.34", upgradeChannel: "stable" },
        "kubernetesVersion",
        "pinnedVersionFitsChannel",
        { kubernetesVersion: "1.34", upgradeChannel: "stable" },
        /downgrade.*Leave kubernetesVersion empty/,
    ],
    [
        "a pinned patch under patch",
        { kubernetesVersion: "1.34.2", upgradeChannel: "patch" },
        "kubernetesVersion",
        "pinnedVersionFitsChannel",
        { kubernetesVersion: "1.34.2", upgradeChannel: "patch" },
        /minor alias 1\.34/,
    ],
    [
        "node-image with another node OS channel",
        { upgradeChannel: "node-image", nodeOsUpgradeChannel: "SecurityPatch" },
        "nodeOsUpgradeChannel",
        "nodeImageChannelsAgree",
        { nodeOsUpgradeChannel: "SecurityPatch" },
        /NodeImage/,
    ],
    [
        "a window that is not one",
        { maintenanceWindow: "weekends" },
        "maintenanceWindow",
        "maintenanceWindowParses",
        { maintenanceWindow: "weekends" },
        /Sunday 02:00 4h/,
    ],
    [
        "a window of 2 hours",
        { maintenanceWindow: "Sunday 02:00 2h" },
        "maintenanceWindow",
        "maintenanceWindowParses",
        { maintenanceWindow: "Sunday 02:00 2h" },
        /4 to 24/,
    ],
    ["an unknown disk type", { osDiskType: "Premium" }, "osDiskType", "osDiskTypeKnown", {}, /Managed, Ephemeral/],
    [
        "Ephemeral on a size without a cache or temp disk",
        { osDiskType: "Ephemeral" },
        "nodeVmSize",
        "ephemeralFitsVmSizes",
        { nodeVmSize: "Standard_D2s_v5", localDiskGiB: 0, neededGiB: 128 },
        /Standard_D4ds_v5.*or osDiskType Managed/,
    ],
    [
        // The old check assumed a 100 GiB OS disk and passed it; AKS wants 128 GiB without osDiskSizeGB.
        "Ephemeral on Standard_D4s_v3, whose 100 GiB cache is below 128 GiB",
        { osDiskType: "Ephemeral", nodeVmSize: "Standard_D4s_v3" },
        "nodeVmSize",
        "ephemeralFitsVmSizes",
        { nodeVmSize: "Standard_D4s_v3", localDiskGiB: 100, neededGiB: 128 },
        /100 GiB of cache.*only on 128 GiB or more/,
    ],
    [
        "Ephemeral on a user pool whose cache is too small",
        {
            osDiskType: "Ephemeral",
            nodeVmSize: "Standard_D4ds_v5",
            userPoolNodeCount: "2",
            userPoolVmSize: "Standard_DS2_v2",
        },
        "userPoolVmSize",
        "ephemeralFitsVmSizes",
        { userPoolVmSize: "Standard_DS2_v2", localDiskGiB: 86 },
        /86 GiB of cache/,
    ],
    [
        "an unknown network policy",
        { networkPolicy: "weave" },
        "networkPolicy",
        "networkPolicyKnown",
        { networkPolicy: "weave" },
        /none, calico, azure, cilium/,
    ],
    [
        "cilium on kubenet",
        { networkPolicy: "cilium" },
        "networkPolicy",
        "networkPolicyFitsPlugin",
        { networkPolicy: "cilium", networkPlugin: "kubenet" },
        /networkPlugin=overlay; on kubenet use calico/,
    ],
    [
        "Azure NPM on kubenet",
        { networkPolicy: "azure" },
        "networkPolicy",
        "networkPolicyFitsPlugin",
        { networkPolicy: "azure" },
        /use calico/,
    ],
    [
        "a workspace id that is not one",
        { monitoring: "true", logAnalyticsWorkspaceId: "central" },
        "logAnalyticsWorkspaceId",
        "workspaceIdIsResourceId",
        { logAnalyticsWorkspaceId: "central" },
        /Microsoft\.OperationalInsights\/workspaces/,
    ],
    [
        "a workspace without monitoring",
        {
            logAnalyticsWorkspaceId:
                "/subscriptions/1/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w",
        },
        "logAnalyticsWorkspaceId",
        "workspaceIdIsResourceId",
        { monitoring: false, defender: false, controlPlaneLogs: false },
        /set monitoring, defender or controlPlaneLogs true/,
    ],
    [
        "a workspace without its region",
        {
            monitoring: "true",
            logAnalyticsWorkspaceId:
                "/subscriptions/1/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w",
        },
        "logAnalyticsWorkspaceLocation",
        "workspaceIdIsResourceId",
        { logAnalyticsWorkspaceLocation: "" },
        /data collection rule must sit in the workspace's region/,
    ],
    [
        "a workspace region without a workspace",
        { logAnalyticsWorkspaceLocation: "westeurope" },
        "logAnalyticsWorkspaceLocation",
        "workspaceIdIsResourceId",
        { logAnalyticsWorkspaceLocation: "westeurope" },
        /names no workspace/,
    ],
    [
        "an unknown node OS",
        { osSku: "Mariner" },
        "osSku",
        "osSkuKnown",
        { osSku: "Mariner", allowed: ["Ubuntu", "AzureLinux"] },
        /use Ubuntu, AzureLinux/,
    ],
    [
        "cost analysis on the Free tier",
        { costAnalysis: "true", skuTier: "Free" },
        "costAnalysis",
        "costAnalysisNeedsTier",
        { skuTier: "Free" },
        /set skuTier Standard, or costAnalysis false/,
    ],
    [
        "cost analysis with no tier declared",
        { costAnalysis: "true" },
        "costAnalysis",
        "costAnalysisNeedsTier",
        { skuTier: "" },
        /not declared/,
    ],
    [
        "production with one system node",
        {
            production: "true",
            skuTier: "Standard",
            zones: json(["1", "2"]),
            maintenanceWindow: "Sunday 02:00 4h",
            nodeCount: "1",
        },
        "nodeCount",
        "productionPosture",
        { nodeCount: 1, min: 2 },
        /at least 2.*set nodeCount 3/,
    ],
    [
        "an authorized range with host bits",
        { apiServerAuthorizedIps: json(["203.0.113.7/24"]) },
        "apiServerAuthorizedIps",
        "authorizedIpsAreCidrs",
        { malformed: ["203.0.113.7/24"] },
        /IPv4 CIDR/,
    ],
    [
        "an autoscaler below nodeCount",
        { autoscaleMaxCount: "2" },
        "autoscaleMaxCount",
        "autoscalerRange",
        { autoscaleMaxCount: 2, nodeCount: 3 },
        /use 3 or more/,
    ],
    [
        "an autoscaler past kubenet's route table",
        {
            autoscaleMaxCount: "450",
            podCidr: "10.96.0.0/14",
            kubenetSubnetCidr: "10.220.4.0/22",
        },
        "autoscaleMaxCount",
        "peakNodesFitPlan",
        // 450 + 45 surge (AKS's 10%); 363 + 37 is the most 400 routes hold.
        { peakNodes: 495, surgeNodes: 45, limit: 400, largestAutoscaleMaxCount: 363, plugin: "kubenet" },
        /route table's routes \(400\).*largest autoscaleMaxCount that fits is 363/,
    ],
    [
        "a peak past the pod CIDR's slices",
        { autoscaleMaxCount: "10", userPoolNodeCount: "3", userPoolAutoscaleMaxCount: "10", podCidr: "10.100.0.0/20" },
        "autoscaleMaxCount",
        "peakNodesFitPlan",
        // 10 + 10 + a surge node for each pool; 16 slices leave 4 + 1 beside the user pool's 10 + 1.
        { peakNodes: 22, systemPool: 10, userPool: 10, surgeNodes: 2, limit: 16, largestAutoscaleMaxCount: 4 },
        /\/24 slices \(16\)/,
    ],
    [
        "Overlay: a peak past the subnet's addresses",
        { networkPlugin: "overlay", autoscaleMaxCount: "260", podCidr: "10.96.0.0/14" },
        "autoscaleMaxCount",
        "peakNodesFitPlan",
        { peakNodes: 286, limit: 251, plugin: "overlay" },
        /kubenetSubnetCidr 10\.220\.1\.0\/24's addresses \(251\)/,
    ],
    [
        "a surge past the pod CIDR's slices and the subnet",
        { maxSurge: "100%", autoscaleMaxCount: "130" },
        "autoscaleMaxCount",
        "peakNodesFitPlan",
        // 130 nodes surge 130: 260 > 256 slices and 251 addresses; 125 + 125 fit.
        { peakNodes: 260, surgeNodes: 130, limit: 251, largestAutoscaleMaxCount: 125 },
        /130 upgrade surge nodes \(maxSurge 100%\).*251.*largest autoscaleMaxCount that fits is 125/,
    ],
    [
        "a surge of 3 nodes past a pod CIDR of 4 slices",
        { maxSurge: "3", podCidr: "10.100.0.0/22" },
        "podCidr",
        "podCidrHoldsEveryNode",
        { slices: 4, needed: 6, surgeNodes: 3 },
        /3 nodes plus 3 upgrade surge nodes \(maxSurge 3\) need 6/,
    ],
    [
        "a chosen surge past kubenet's route table",
        { nodeCount: "399", maxSurge: "5", podCidr: "10.96.0.0/14", kubenetSubnetCidr: "10.220.4.0/22" },
        "maxSurge",
        "nodeCountWithinPluginLimit",
        { nodeCount: 399, surgeNodes: 5, maxSurge: "5" },
        /need 404 routes.*set maxSurge to at most 1/,
    ],
    ["maxSurge over 100%", { maxSurge: "150%" }, "maxSurge", "maxSurgeValid", { maxSurge: "150%" }, /1% to 100%/],
    ["maxSurge 0", { maxSurge: "0" }, "maxSurge", "maxSurgeValid", { maxSurge: "0" }, /use at least 1/],
    [
        "maxSurge that is no surge",
        { maxSurge: "fast" },
        "maxSurge",
        "maxSurgeValid",
        { maxSurge: "fast" },
        /a node count such as "1" or a percentage/,
    ],
    [
        "a user pool autoscaler without a pool",
        { userPoolAutoscaleMaxCount: "5" },
        "userPoolAutoscaleMaxCount",
        "userPoolCountsAgree",
        { userPoolNodeCount: 0 },
        /set userPoolNodeCount/,
    ],
    [
        "a user pool autoscaler below its count",
        { userPoolNodeCount: "4", userPoolAutoscaleMaxCount: "3" },
        "userPoolAutoscaleMaxCount",
        "userPoolCountsAgree",
        { userPoolNodeCount: 4 },
        /use 4 or more/,
    ],
    ["a bad user pool size", { userPoolVmSize: "D4" }, "userPoolVmSize", "namesFollowRules", {}, /Azure VM size/],
    [
        "production without a tier",
        { production: "true", zones: json(["1", "2"]), maintenanceWindow: "Sunday 02:00 4h" },
        "skuTier",
        "productionPosture",
        { production: true },
        /skuTier Standard/,
    ],
];

describe("bad settings: one error each, naming the key, the value and the fix", () => {
    test.each(bad)("%s", (_, overrides, key, rule, values, fix) => {
        const found = errorsOf(overrides);
        expect(found).toEqual([expect.objectContaining({ key, rule, values: expect.objectContaining(values) })]);
        expect(found[0].message).toMatch(fix);
        expect(found[0].message).not.toContain("\n");
    });
});
