/**
 * Pulumi.prod.yaml (#26) under the real engine: the production example goes up and comes down in a
 * rehearsal (its user pool, zones, taints, maintenance windows and monitoring on the stand-in).
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

test("down: protect off, then destroy leaves nothing", () => {
    ok(["config", "set", "--stack", "prod", "protect", "false"]);
    ok(["up", "--yes", "--skip-preview", "--stack", "prod"]);
    ok(["destroy", "--yes", "--skip-preview", "--stack", "prod"]);
    expect(Object.keys(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources)).toEqual([]);
    expect(kubectlJson("get", "nodes").items).toEqual([]);
});
