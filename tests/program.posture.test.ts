/**
 * The production posture under the mock runtime: Pulumi.prod.yaml builds, declares each feature's
 * inputs and passes the policy pack; the dev stack gets none of it; a declared networkPolicy is
 * no longer ignored, so its change is the replacement it is, and the guard names the runbook.
 */
import { replacingPaths } from "../guard/replacements";
import { guardPreview } from "../guard/previewGuard";
import { fixFor } from "../guard/replacements";
import { policies } from "../policy/policies";
import { POD_SECURITY_BASELINE_INITIATIVE } from "../posture";
import { OFF_VALUES } from "./helpers/offValues";
import { plain, stackViolationsOf, violationsOf } from "./helpers/policy";
import { ProgramRun, runProgram } from "./helpers/program";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const EXISTING_WORKSPACE =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/Logs/providers/Microsoft.OperationalInsights/workspaces/central";

let dev: ProgramRun;
let prod: ProgramRun;
/**
 * Calico on kubenet, an existing workspace, authorized ranges, a user pool without autoscaler, a
 * surge of 2, and the Azure CNI cluster beside a maintenance window.
 */
let mixed: ProgramRun;
/** Runs the program, failing on its error; each describe below runs its own in its own beforeAll. */
async function run(options: Parameters<typeof runProgram>[0] = {}): Promise<ProgramRun> {
    const done = await runProgram(options);
    if (done.error) throw done.error;
    return done;
}

/** Inputs only a feature that is on adds (the tier and the OIDC issuer are never sent as off). */
const ON_ONLY_INPUTS = ["sku", "supportPlan", "oidcIssuerProfile", "tags"];

describe("the dev stack: every feature sent as off, and nothing more", () => {
    beforeAll(async () => {
        dev = await run();
    });
    test("the off values on the cluster; no posture input on its pool or its ignoreChanges; no posture resource", () => {
        const cluster = dev.resource("cluster-aks");
        for (const input of ON_ONLY_INPUTS) expect([input, cluster.inputs[input]]).toEqual([input, undefined]);
        expect(cluster.inputs).toMatchObject(OFF_VALUES);
        for (const [input, value] of Object.entries(OFF_VALUES))
            expect([input, cluster.inputs[input]]).toEqual([input, value]);
        expect(Object.keys(cluster.inputs.agentPoolProfiles[0]).sort()).toEqual(
            ["count", "maxPods", "mode", "name", "osType", "type", "vmSize", "vnetSubnetID"].sort(),
        );
        expect(cluster.inputs.networkProfile).not.toHaveProperty("networkPolicy");
        expect(cluster.ignoreChanges).toEqual(["networkProfile.networkDataplane", "networkProfile.networkPolicy"]);
        const types = new Set(dev.resources.map((resource) => resource.type));
        for (const type of [
            "azure-native:containerservice:AgentPool",
            "azure-native:containerservice:MaintenanceConfiguration",
            "azure-native:operationalinsights:Workspace",
            "azure-native:monitor:DataCollectionRule",
            "azure-native:monitor:DiagnosticSetting",
            "azure-native:authorization:PolicyAssignment",
            "azure-native:authorization:ManagementLockAtResourceGroupLevel",
            "azure-native:authorization:ManagementLockByScope",
        ])
            expect([type, types.has(type)]).toEqual([type, false]);
        expect(dev.resource("nginx-deployment").inputs.spec.template.spec).not.toHaveProperty("nodeSelector");
    });
});

describe("Pulumi.prod.yaml", () => {
    beforeAll(async () => {
        prod = await run({ stack: "prod" });
    });
    const cluster = () => prod.resource("cluster-aks");

    test("tier Standard with the official support plan, the channels, the OIDC issuer, workload identity, image cleaner, Defender, add-ons, no run command, cost analysis, the tag", () => {
        const workspaceId = prod.states.get("monitoring-workspace")!.id;
        expect(cluster().inputs).toMatchObject({
            sku: { name: "Base", tier: "Standard" },
            supportPlan: "KubernetesOfficial",
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            oidcIssuerProfile: { enabled: true },
            securityProfile: {
                workloadIdentity: { enabled: true },
                imageCleaner: { enabled: true, intervalHours: 168 },
                defender: { logAnalyticsWorkspaceResourceId: workspaceId, securityMonitoring: { enabled: true } },
            },
            addonProfiles: {
                azurepolicy: { enabled: true },
                omsagent: { enabled: true, config: { useAADAuth: "true" } },
                azureKeyvaultSecretsProvider: {
                    enabled: true,
                    config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
                },
            },
            apiServerAccessProfile: { authorizedIPRanges: [], disableRunCommand: true },
            metricsProfile: { costAnalysis: { enabled: true } },
            aadProfile: { managed: true, enableAzureRBAC: true },
            disableLocalAccounts: true,
            tags: { "aks-kubenet-posture": "production" },
        });
        expect(cluster().inputs).not.toHaveProperty("kubernetesVersion");
    });

    test("Azure Linux and a third of each pool surged, on both pools", () => {
        for (const pool of [cluster().inputs.agentPoolProfiles[0], prod.resource("cluster-user-pool").inputs])
            expect(pool).toMatchObject({ osSKU: "AzureLinux", upgradeSettings: { maxSurge: "33%" } });
    });

    test("the control plane's audit, Entra ID and autoscaler logs go to the workspace; they go with the cluster", () => {
        const setting = prod.resource("cluster-control-plane-logs");
        expect(setting.type).toBe("azure-native:monitor:DiagnosticSetting");
        expect(setting.inputs).toEqual({
            name: "aks-kubenet-control-plane",
            resourceUri: prod.states.get("cluster-aks")!.id,
            workspaceId: prod.states.get("monitoring-workspace")!.id,
            logs: [
                { category: "kube-audit-admin", enabled: true },
                { category: "guard", enabled: true },
                { category: "cluster-autoscaler", enabled: true },
            ],
        });
        expect(setting.deletedWith).toBe(cluster().urn);
    });

    test("CanNotDelete locks on the resource group and the cluster, protected, declared after every Azure component", () => {
        const group = prod.resource("delete-locks-resource-group");
        expect([group.type, group.inputs, group.protect]).toEqual([
            "azure-native:authorization:ManagementLockAtResourceGroupLevel",
            expect.objectContaining({
                resourceGroupName: "NetworkLabProd",
                lockName: "aks-kubenet-delete-lock",
                level: "CanNotDelete",
            }),
            true,
        ]);
        const onCluster = prod.resource("delete-locks-cluster");
        expect([onCluster.type, onCluster.inputs, onCluster.protect]).toEqual([
            "azure-native:authorization:ManagementLockByScope",
            expect.objectContaining({
                scope: prod.states.get("cluster-aks")!.id,
                lockName: "aks-kubenet-delete-lock",
                level: "CanNotDelete",
            }),
            true,
        ]);
        // So destroy (protect off) takes the locks away before anything they would refuse to delete.
        const component = prod.resource("delete-locks");
        for (const name of [
            "network-rg",
            "network-kubenet",
            "cluster-aks",
            "cluster-user-pool",
            "cluster-container-insights",
            "cluster-control-plane-logs",
            "monitoring-workspace",
        ])
            expect([name, component.dependencies.includes(prod.resource(name).urn)]).toEqual([name, true]);
    });

    test("the system pool: 3 zones, autoscaling 3 to 5 (count ignored), tainted CriticalAddonsOnly because the user pool exists", () => {
        expect(cluster().inputs.agentPoolProfiles[0]).toMatchObject({
            name: "system",
            mode: "System",
            availabilityZones: ["1", "2", "3"],
            count: 3,
            enableAutoScaling: true,
            minCount: 3,
            maxCount: 5,
            vmSize: "Standard_D4ds_v5",
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
        });
        expect(cluster().ignoreChanges).toEqual(["agentPoolProfiles[0].count"]);
    });

    test("the user pool is an AgentPool of the cluster (never inline), zoned, autoscaling, in the kubenet subnet; it goes with the cluster", () => {
        const pool = prod.resource("cluster-user-pool");
        expect(pool.type).toBe("azure-native:containerservice:AgentPool");
        expect(pool.inputs).toMatchObject({
            resourceGroupName: "NetworkLabProd",
            resourceName: "prod-cluster",
            agentPoolName: "user",
            mode: "User",
            osType: "Linux",
            count: 3,
            enableAutoScaling: true,
            minCount: 3,
            maxCount: 6,
            vmSize: "Standard_D4ds_v5",
            availabilityZones: ["1", "2", "3"],
            vnetSubnetID: expect.stringMatching(/subnets\/kubenet$/),
        });
        expect(pool.inputs).not.toHaveProperty("nodeTaints");
        expect(pool.ignoreChanges).toEqual(["count"]);
        expect(pool.deletedWith).toBe(cluster().urn);
        expect(cluster().inputs.agentPoolProfiles.map((profile: { name: string }) => profile.name)).toEqual(["system"]);
    });

    test("nginx runs on the user pool and waits for it", () => {
        const deployment = prod.resource("nginx-deployment");
        expect(deployment.inputs.spec.template.spec.nodeSelector).toEqual({ "kubernetes.azure.com/mode": "user" });
        expect(deployment.dependencies).toContain(prod.resource("cluster-user-pool").urn);
    });

    test("both AKS schedules, one weekly window", () => {
        const configs = prod.ofType("azure-native:containerservice:MaintenanceConfiguration");
        expect(configs.map((config) => config.inputs.configName).sort()).toEqual([
            "aksManagedAutoUpgradeSchedule",
            "aksManagedNodeOSUpgradeSchedule",
        ]);
        for (const config of configs)
            expect(config.inputs).toMatchObject({
                resourceName: "prod-cluster",
                maintenanceWindow: {
                    schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Sunday" } },
                    durationHours: 4,
                    startTime: "02:00",
                    utcOffset: "+00:00",
                },
            });
    });

    test("Container insights: the stack's workspace (protected, 30 days), the rule into it, the association with the cluster", () => {
        const workspace = prod.resource("monitoring-workspace");
        expect(workspace.inputs).toMatchObject({
            workspaceName: "prod-cluster-logs",
            retentionInDays: 30,
            sku: { name: "PerGB2018" },
        });
        expect(workspace.protect).toBe(true);
        const workspaceId = prod.states.get("monitoring-workspace")!.id;
        expect(cluster().inputs.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID).toBe(workspaceId);
        const rule = prod.resource("cluster-container-insights");
        expect(rule.inputs.destinations.logAnalytics).toEqual([
            { name: "workspace", workspaceResourceId: workspaceId },
        ]);
        expect(rule.inputs.dataFlows).toEqual([
            { streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["workspace"] },
        ]);
        const association = prod.resource("cluster-container-insights-association");
        expect(association.inputs).toMatchObject({
            associationName: "ContainerInsightsExtension",
            resourceUri: prod.states.get("cluster-aks")!.id,
            dataCollectionRuleId: prod.states.get("cluster-container-insights")!.id,
        });
        expect(prod.outputs.logAnalyticsWorkspaceId).toBe(workspaceId);
    });

    test("Azure Policy: the pod security baseline, audit only, on the cluster", () => {
        expect(prod.resource("cluster-pod-security-baseline").inputs).toMatchObject({
            scope: prod.states.get("cluster-aks")!.id,
            policyDefinitionId: POD_SECURITY_BASELINE_INITIATIVE,
            parameters: { effect: { value: "audit" } },
        });
    });

    test("Overlay with cilium: policy and dataplane declared, and neither ignored", () => {
        expect(cluster().inputs.networkProfile).toMatchObject({
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkPolicy: "cilium",
            networkDataplane: "cilium",
        });
        expect(cluster().ignoreChanges).not.toContain("networkProfile.networkPolicy");
        expect(cluster().ignoreChanges).not.toContain("networkProfile.networkDataplane");
    });

    test("it passes the policy pack, the production rules included, with nothing to report", () => {
        const resources = prod.resources
            .filter((resource) => resource.custom)
            .map((resource) => ({
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                props: plain(prod.states.get(resource.name) ?? resource.inputs),
            }));
        const found = policies.flatMap((policy) =>
            ("validateResource" in policy
                ? resources.flatMap((resource) => violationsOf(policy, resource))
                : stackViolationsOf(policy, resources)
            ).map((message) => [policy.name, message]),
        );
        expect(found).toEqual([]);
    });
});

describe("each setting on its own", () => {
    beforeAll(async () => {
        mixed = await run({
            config: {
                networkPolicy: "calico",
                monitoring: "true",
                logAnalyticsWorkspaceId: EXISTING_WORKSPACE,
                logAnalyticsWorkspaceLocation: "westeurope",
                apiServerAuthorizedIps: '["203.0.113.0/24"]',
                userPoolNodeCount: "2",
                osDiskType: "Managed",
                maxSurge: "2",
                azureCniCluster: "true",
                maintenanceWindow: "Saturday 22:00 6h",
            },
        });
    });
    test("a user pool without autoscaler: a fixed count, nothing ignored; the system pool's count stays declared", () => {
        expect(mixed.resource("cluster-user-pool").inputs).toMatchObject({
            count: 2,
            osDiskType: "Managed",
            upgradeSettings: { maxSurge: "2" },
        });
        expect(mixed.resource("cluster-user-pool").inputs).not.toHaveProperty("enableAutoScaling");
        expect(mixed.resource("cluster-user-pool").ignoreChanges).toEqual([]);
        expect(mixed.resource("cluster-aks").inputs.agentPoolProfiles[0]).toMatchObject({
            count: 3,
            osDiskType: "Managed",
            upgradeSettings: { maxSurge: "2" },
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
        });
    });

    test("the Azure CNI cluster's windows start when the main cluster's end (staggered, as Microsoft advises)", () => {
        const windowOf = (name: string) => mixed.resource(name).inputs.maintenanceWindow;
        for (const suffix of ["auto-upgrade", "node-os-upgrade"]) {
            expect(windowOf(`cluster-maintenance-${suffix}`)).toMatchObject({
                schedule: { weekly: { dayOfWeek: "Saturday" } },
                startTime: "22:00",
                durationHours: 6,
            });
            // Saturday 22:00 + 6 hours: Sunday 04:00.
            expect(windowOf(`azurecni-maintenance-${suffix}`)).toMatchObject({
                schedule: { weekly: { dayOfWeek: "Sunday" } },
                startTime: "04:00",
                durationHours: 6,
            });
        }
        // Its pool surges by the same setting, and its off values are the main cluster's.
        expect(mixed.resource("azurecni-aks").inputs.agentPoolProfiles[0].upgradeSettings).toEqual({ maxSurge: "2" });
    });

    test("an existing workspace is used, and none is created; the data collection rule sits in its region", () => {
        expect(mixed.ofType("azure-native:operationalinsights:Workspace")).toEqual([]);
        expect(mixed.resource("cluster-aks").inputs.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID).toBe(
            EXISTING_WORKSPACE,
        );
        expect(mixed.resource("cluster-container-insights").inputs).toMatchObject({
            location: "westeurope",
            dataCollectionRuleName: "MSCI-westeurope-kubenet-cluster",
        });
        // Defender stays off, sent as off; no control-plane logs.
        expect(mixed.resource("cluster-aks").inputs.securityProfile.defender).toEqual({
            securityMonitoring: { enabled: false },
        });
        expect(mixed.ofType("azure-native:monitor:DiagnosticSetting")).toEqual([]);
    });

    test("authorized ranges reach apiServerAccessProfile", () => {
        expect(mixed.resource("cluster-aks").inputs.apiServerAccessProfile).toEqual({
            authorizedIPRanges: ["203.0.113.0/24"],
            disableRunCommand: false,
        });
    });

    test("a declared networkPolicy is never ignored: on a deployed stack its change is the replacement it is, and the guard names the runbook", () => {
        const cluster = mixed.resource("cluster-aks");
        expect(cluster.inputs.networkProfile.networkPolicy).toBe("calico");
        expect(cluster.ignoreChanges).toEqual(["networkProfile.networkDataplane"]);
        expect(replacingPaths(CLUSTER, ["networkProfile.networkPolicy"])).toEqual(["networkProfile.networkPolicy"]);
        const verdict = guardPreview([
            {
                op: "replace",
                urn: cluster.urn,
                newState: { type: CLUSTER },
                detailedDiff: { "networkProfile.networkPolicy": { kind: "update-replace" } },
            },
        ]);
        expect(verdict).toMatchObject({ ok: false, losses: [{ name: "cluster-aks", loss: "replaced" }] });
        expect(fixFor("networkProfile.networkPolicy")).toMatch(
            /az aks update -g RG -n NAME --network-policy <value>.*Then `pulumi refresh`/,
        );
    });

    test("bad input stops everything before any resource, one line per problem naming the key", async () => {
        const run = await runProgram({
            config: { zones: '["4"]', networkPolicy: "cilium", skuTier: "Gold", autoscaleMaxCount: "500" },
        });
        expect(run.resources).toEqual([]);
        const lines = run.error!.message.split("\n").filter((line) => line.startsWith("  - "));
        expect(lines.map((line) => line.split(":")[0].trim())).toEqual([
            "- skuTier",
            "- zones",
            "- networkPolicy",
            "- autoscaleMaxCount",
        ]);
    });
});
