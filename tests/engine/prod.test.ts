/**
 * Pulumi.prod.yaml (#26) under the real engine: the production example goes up and comes down in a
 * rehearsal (its user pool, zones, taints, maintenance windows and monitoring on the stand-in), with
 * #32's features served: the diagnostic setting and the locks too (#29).
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { down } from "../../engine/plane";
import { Rehearsal, runPulumi } from "../../rehearsal/rehearsal";
import { readAzureState } from "../../rehearsal/standIn/azureState";
import { startRehearsal, tail, uniqueName } from "./helpers";

let rehearsal: Rehearsal;
const ok = (args: readonly string[]) => {
    const run = runPulumi(rehearsal, args);
    expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
};
const kubectlJson = (...args: string[]) =>
    JSON.parse(
        execFileSync(
            path.join(rehearsal.tools, "kubectl"),
            [`--kubeconfig=${rehearsal.env.KUBECONFIG}`, ...args, "-o", "json"],
            {
                encoding: "utf8",
            },
        ),
    );

beforeAll(async () => {
    rehearsal = await startRehearsal(uniqueName("prod"), "prod");
});
afterAll(async () => {
    if (rehearsal) await down({ name: rehearsal.name, stack: "prod", explicitName: true });
});

test("up: a tainted system pool and a user pool over 3 zones, nginx on the user pool, both maintenance windows, monitoring", () => {
    ok(["up", "--yes", "--skip-preview", "--stack", "prod"]);
    const nodes = kubectlJson("get", "nodes").items as Array<{
        metadata: { labels: Record<string, string> };
        spec: { taints?: Array<{ key: string }> };
    }>;
    const pool = (name: string) =>
        nodes.filter((node) => node.metadata.labels["kubernetes.azure.com/agentpool"] === name);
    expect(pool("system")).toHaveLength(3);
    expect(pool("user")).toHaveLength(3);
    expect(new Set(pool("user").map((node) => node.metadata.labels["topology.kubernetes.io/zone"]))).toEqual(
        new Set(["eastus-1", "eastus-2", "eastus-3"]),
    );
    for (const node of pool("system"))
        expect(node.spec.taints?.map((taint) => taint.key)).toContain("CriticalAddonsOnly");
    const userNodes = new Set(pool("user").map((node) => node.metadata.labels["kubernetes.io/hostname"]));
    const pods = kubectlJson("get", "pods", "-n", "nginx").items as Array<{ spec: { nodeName: string } }>;
    expect(pods).toHaveLength(3);
    for (const pod of pods) expect(userNodes.has(pod.spec.nodeName)).toBe(true);
    const types = Object.values(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources).map(
        (resource) => resource.id.split("/").slice(-2).join("/"),
    );
    expect(types).toEqual(
        expect.arrayContaining([
            "maintenanceConfigurations/aksManagedAutoUpgradeSchedule",
            "maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule",
            "agentPools/user",
        ]),
    );
    expect(types.some((type) => type.startsWith("workspaces/"))).toBe(true);
});

/**
 * #32's production features, as the stand-in accepted and keeps them (ARM GET bodies): every body
 * passed the contract's checks (azureFacts/contract) and the posture types' rules from Microsoft's
 * docs (rehearsal/standIn/types/posture.ts) before it was recorded.
 */
test("#32's features are served: Defender, Key Vault CSI, run command off, cost analysis, Azure Linux, maxSurge, control-plane logs, locks", () => {
    const resources = Object.values(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources);
    const ofType = (type: string) => resources.filter((resource) => resource.type === type);
    const propertiesOf = (resource: { body: Record<string, unknown> }) =>
        resource.body.properties as Record<string, any>;
    const [workspace] = ofType("azure-native:operationalinsights:Workspace");
    const [cluster] = ofType("azure-native:containerservice:ManagedCluster");
    expect([workspace?.id, cluster?.id]).toEqual([expect.any(String), expect.any(String)]);
    const same = (id: string) =>
        expect.stringMatching(new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i"));

    const clusterProperties = propertiesOf(cluster);
    expect(clusterProperties.securityProfile.defender).toEqual({
        logAnalyticsWorkspaceResourceId: same(workspace.id),
        securityMonitoring: { enabled: true },
    });
    expect(clusterProperties.addonProfiles.azureKeyvaultSecretsProvider).toMatchObject({ enabled: true });
    expect(clusterProperties.apiServerAccessProfile.disableRunCommand).toBe(true);
    expect(clusterProperties.metricsProfile.costAnalysis).toEqual({ enabled: true });
    const pools = [
        ...(clusterProperties.agentPoolProfiles as Array<Record<string, any>>),
        ...ofType("azure-native:containerservice:AgentPool").map(propertiesOf),
    ];
    expect(pools.length).toBeGreaterThanOrEqual(2);
    for (const pool of pools) expect([pool.osSKU, pool.upgradeSettings?.maxSurge]).toEqual(["AzureLinux", "33%"]);

    const settings = ofType("azure-native:monitor:DiagnosticSetting");
    expect(settings).toHaveLength(1);
    expect(settings[0].id).toEqual(
        same(`${cluster.id}/providers/Microsoft.Insights/diagnosticSettings/aks-kubenet-control-plane`),
    );
    expect(propertiesOf(settings[0]).workspaceId).toEqual(same(workspace.id));
    // AKS's resource log categories (learn.microsoft.com/azure/aks/monitor-aks-reference).
    expect(propertiesOf(settings[0]).logs.map((log: { category: string }) => log.category)).toEqual(
        expect.arrayContaining(["kube-audit-admin", "guard", "cluster-autoscaler"]),
    );

    const locks = [
        ...ofType("azure-native:authorization:ManagementLockAtResourceGroupLevel"),
        ...ofType("azure-native:authorization:ManagementLockByScope"),
    ];
    const resourceGroupId = cluster.id.split("/providers/")[0];
    expect(
        locks
            .map((lock) => [
                lock.id.split(/\/providers\/Microsoft\.Authorization\/locks\//i)[0].toLowerCase(),
                propertiesOf(lock).level,
            ])
            .sort(),
    ).toEqual(
        [
            [resourceGroupId.toLowerCase(), "CanNotDelete"],
            [cluster.id.toLowerCase(), "CanNotDelete"],
        ].sort(),
    );
});

/**
 * A lock refusing a delete, under the real engine (#29's weak point: shown before only on the
 * stand-in's provider). Turning controlPlaneLogs off deletes the diagnostic setting while the
 * CanNotDelete locks stay declared: ARM refuses it with ScopeLocked, naming the locked scopes, and
 * the setting stays. Turned on again, the stack is as it was.
 */
test("the locks refuse a delete: controlPlaneLogs off fails with ScopeLocked and the setting stays", () => {
    const settings = () =>
        Object.values(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources).filter(
            (resource) => resource.type === "azure-native:monitor:DiagnosticSetting",
        );
    ok(["config", "set", "--stack", "prod", "controlPlaneLogs", "false"]);
    const refused = runPulumi(rehearsal, ["up", "--yes", "--skip-preview", "--stack", "prod"]);
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(
        /ScopeLocked: The scope '[^']*diagnosticSettings\/aks-kubenet-control-plane' cannot perform delete operation because following scope\(s\) are locked/,
    );
    expect(settings()).toHaveLength(1);
    ok(["config", "set", "--stack", "prod", "controlPlaneLogs", "true"]);
});

test("down: protect off, then destroy leaves nothing", () => {
    ok(["config", "set", "--stack", "prod", "protect", "false"]);
    ok(["up", "--yes", "--skip-preview", "--stack", "prod"]);
    ok(["destroy", "--yes", "--skip-preview", "--stack", "prod"]);
    expect(Object.keys(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources)).toEqual([]);
    expect(kubectlJson("get", "nodes").items).toEqual([]);
});
