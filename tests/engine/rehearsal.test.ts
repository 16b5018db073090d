/**
 * The rehearsal (#25): the whole program (index.ts) under the real Pulumi CLI, with the Azure
 * stand-in and the Sleep stand-in at the provider boundary and a local control plane as AKS.
 * One rehearsal, its steps in order: up from nothing, the URNs the mock tests keep, no credential
 * in the state, transforms, the guard on real previews, the policy pack, protect, the Overlay
 * runbook, destroy.
 */
import * as fs from "fs";
import * as path from "path";
import { cidr, containsIp, parseIpv4 } from "../../addressPlan";
import { guardPreview, PreviewStep, readPreview } from "../../guard/previewGuard";
import { bearerCredentialsInDocument } from "../../kubeconfig";
import { Rehearsal, runPulumi } from "../../rehearsal/rehearsal";
import { azureChangeNamed } from "../../rehearsal/standIn/azureChanges";
import { readAzureState, writeAzureState } from "../../rehearsal/standIn/azureState";
import { rawStackConfig } from "../../stackFiles";
import { runProgram } from "../helpers/program";
import {
    engineTools,
    jsonOf,
    policyPacksRunnable,
    PulumiRun,
    stackTransformsRunnable,
    startRehearsal,
    tail,
    uniqueName,
} from "./helpers";
import { down } from "../../engine/plane";
import { planeFiles } from "../../engine/controlPlane";
import { execFileSync, spawnSync } from "child_process";

const dev = rawStackConfig("dev");
let rehearsal: Rehearsal;

const pulumi = (args: readonly string[], env: Record<string, string> = {}): PulumiRun => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
        return runPulumi(rehearsal, args);
    } finally {
        for (const key of Object.keys(env))
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
    }
};
const ok = (run: PulumiRun) => expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
const config = (values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) ok(pulumi(["config", "set", "--stack", "dev", key, value]));
};
const configRemove = (...keys: string[]) => {
    for (const key of keys) ok(pulumi(["config", "rm", "--stack", "dev", key]));
};
const previewSteps = (env: Record<string, string> = {}): PreviewStep[] => {
    const run = pulumi(["preview", "--json", "--stack", "dev"], env);
    expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
    const read = readPreview(jsonOf(run));
    if ("error" in read) throw new Error(read.error);
    return read.steps;
};
const nameOf = (step: PreviewStep) => step.urn.split("::").pop()!;
const kubectl = (...args: string[]) =>
    execFileSync(path.join(rehearsal.tools, "kubectl"), [`--kubeconfig=${rehearsal.env.KUBECONFIG}`, ...args], {
        encoding: "utf8",
    });
const kubectlJson = (...args: string[]) => JSON.parse(kubectl(...args, "-o", "json"));

/**
 * Runs `work` with the project's main swapped for the transformed program (tests/engine/programs/
 * transformed), copied to the root of the rehearsal's copy of the checkout: the program directory
 * (and with it runtime options such as the tsconfig path) stays the project's. The main is the
 * stack's own index.ts again afterwards, whatever happens.
 */
function withTransformedMain<T>(work: () => T): T {
    const project = rehearsal.files.project;
    const file = path.join(project, "Pulumi.yaml");
    const original = fs.readFileSync(file, "utf8");
    fs.copyFileSync(
        path.join(project, "tests", "engine", "programs", "transformed", "index.ts"),
        path.join(project, "transformed-main.ts"),
    );
    fs.writeFileSync(file, original.replace(/^(name: .*\n)/m, "$1main: transformed-main.ts\n"));
    try {
        return work();
    } finally {
        fs.writeFileSync(file, original);
    }
}

beforeAll(async () => {
    engineTools();
    rehearsal = await startRehearsal(uniqueName("rh"));
});

afterAll(async () => {
    if (rehearsal) await down({ name: rehearsal.name, stack: "dev", explicitName: true });
});

describe("up from nothing", () => {
    let started: number;
    test("creates every resource; nginx is Available on 3 nodes; its internal load balancer has an address from the services subnet", () => {
        started = Date.now();
        ok(pulumi(["up", "--yes", "--skip-preview", "--stack", "dev"]));
        console.log(`rehearsal up of dev from nothing: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const deployment = kubectlJson("get", "deployment", "nginx", "-n", dev.nginxNamespace);
        expect(deployment.status).toMatchObject({ availableReplicas: 3, readyReplicas: 3 });
        const pods = kubectlJson("get", "pods", "-n", dev.nginxNamespace).items as Array<{
            spec: { nodeName: string };
        }>;
        expect(new Set(pods.map((pod) => pod.spec.nodeName)).size).toBe(3);
        const service = kubectlJson("get", "service", "nginx", "-n", dev.nginxNamespace);
        const address = parseIpv4(service.status.loadBalancer.ingress[0].ip);
        expect(address.ok && containsIp(cidr(dev.servicesSubnetCidr), address.value)).toBe(true);
    });

    test("a second preview has only same steps", () => {
        expect(previewSteps().filter((step) => step.op !== "same")).toEqual([]);
    });

    test("the real engine's URNs are the mock runtime's, and the fixture's URNs are all there", async () => {
        const state = jsonOf(pulumi(["stack", "export", "--stack", "dev"]));
        const real = (state.deployment.resources as Array<{ urn: string; type: string }>)
            .filter(
                // The mock runtime records the program's registrations: not the stack, not default providers.
                (resource) =>
                    resource.type !== "pulumi:pulumi:Stack" &&
                    !(
                        resource.type.startsWith("pulumi:providers:") &&
                        resource.urn.split("::").pop()!.startsWith("default")
                    ),
            )
            .map((resource) => resource.urn)
            .sort();
        const mocked = (await runProgram()).resources.map((resource) => resource.urn).sort();
        expect(real).toEqual(mocked);
        const fixture = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "fixtures", "dev-registrations.json"), "utf8"),
        ) as Array<{ urn: string }>;
        expect(real).toEqual(expect.arrayContaining(fixture.map((entry) => entry.urn)));
    });

    test("the state holds no client key, client certificate or token (pulumi stack export --show-secrets)", () => {
        const state = jsonOf(pulumi(["stack", "export", "--show-secrets", "--stack", "dev"]));
        expect(bearerCredentialsInDocument(state)).toEqual([]);
        // It does hold the provider's kubeconfig: the kubelogin exec form, server and CA only.
        expect(JSON.stringify(state)).toContain("kubelogin");
    });
});

describe("transforms and what the mock tests assume", () => {
    test("the Azure CNI cluster's inputs carry no pod CIDR (dropSdkDefaultPodCidr), its pools the azurecni subnet", () => {
        config({ azureCniCluster: "true" });
        const steps = previewSteps();
        configRemove("azureCniCluster");
        const cni = steps.find((step) => nameOf(step) === "azurecni-aks")!;
        expect(cni.op).toBe("create");
        const inputs = (cni.newState as { inputs: Record<string, any> }).inputs;
        expect(inputs.networkProfile.networkPlugin).toBe("azure");
        expect(inputs.networkProfile).not.toHaveProperty("podCidr");
    });
});

/**
 * The stand-in's Diff reads the same force-new table as the guard (it plays azure-native): these
 * show the real engine's previews and the guard consistent with the table, not that Azure agrees.
 * What stands behind the table is tests/standIn.aksRules.test.ts's cross-check against AKS's
 * documented rules, and anyProgram.test.ts's control case.
 */
describe("the preview guard on real previews", () => {
    const guardOn = (steps: PreviewStep[]) => guardPreview(steps);

    test("a podCidr change is blocked, naming the field", () => {
        config({ podCidr: "10.150.0.0/16" });
        const steps = previewSteps();
        configRemove("podCidr");
        const verdict = guardOn(steps);
        expect(verdict.ok).toBe(false);
        expect(verdict.losses).toEqual([
            expect.objectContaining({ name: "cluster-aks", loss: "replaced", fields: ["networkProfile.podCidr"] }),
        ]);
    });

    test("a resourceGroupName change is blocked: the resource group and everything named in it", () => {
        config({ resourceGroupName: "NetworkLab2" });
        const steps = previewSteps();
        configRemove("resourceGroupName");
        const verdict = guardOn(steps);
        expect(verdict.ok).toBe(false);
        expect(verdict.losses.map((loss) => loss.name)).toEqual(expect.arrayContaining(["network-rg", "cluster-aks"]));
    });

    test("a change of nginx replicas passes, and the CLI agrees on the file the preview wrote", () => {
        config({ nginxReplicas: "2" });
        const run = pulumi(["preview", "--json", "--stack", "dev"]);
        configRemove("nginxReplicas");
        const file = path.join(rehearsal.files.dir, "replicas-preview.json");
        fs.writeFileSync(file, run.stdout.slice(run.stdout.indexOf("{")));
        const read = readPreview(jsonOf(run));
        if ("error" in read) throw new Error(read.error);
        expect(read.steps.filter((step) => step.op === "update").map(nameOf)).toEqual(
            expect.arrayContaining(["nginx-deployment"]),
        );
        expect(guardOn(read.steps)).toMatchObject({ ok: true, losses: [] });
        const cli = spawnSync(
            process.execPath,
            [
                require.resolve("ts-node/dist/bin.js"),
                "--swc",
                path.join(__dirname, "..", "..", "guard", "cli.ts"),
                file,
            ],
            {
                encoding: "utf8",
            },
        );
        expect([cli.status, cli.stdout]).toEqual([
            0,
            expect.stringMatching(/^OK: no guarded resource is replaced or deleted/m),
        ]);
    });
});

const packs = policyPacksRunnable(engineTools());
const transforms = stackTransformsRunnable(engineTools());
describe(`the policy pack through the real CLI on the whole stack${packs.reason ? ` (${packs.reason})` : ""}`, () => {
    const test = packs.ok ? global.test : global.test.skip;
    const withPack = (env: Record<string, string> = {}) =>
        pulumi(["preview", "--stack", "dev", "--policy-pack", path.join(rehearsal.files.project, "policy")], env);

    test("it passes on dev", () => {
        const run = withPack();
        ok(run);
        expect(run.stdout).toMatch(/kubenet-retirement-notice/); // the advisory notice, as under mocks
    });

    (packs.ok && transforms.ok ? global.test : global.test.skip)(
        "a violating change is refused, naming the policy (the nginx Service made public by a stack transform)",
        () => {
            const run = withTransformedMain(() => withPack({ AKS_KUBENET_TEST_TRANSFORM: "public-service" }));
            expect(run.status).not.toBe(0);
            expect(`${run.stdout}${run.stderr}`).toMatch(/loadbalancer-services-internal/);
        },
    );
});

describe("protect: a replacement of the cluster fails the update", () => {
    test("with protect=true a podCidr change fails, and the cluster is the same cluster", () => {
        config({ protect: "true" });
        ok(pulumi(["up", "--yes", "--skip-preview", "--stack", "dev"]));
        const before = readAzureState(rehearsal.env.AKS_KUBENET_STAND_IN + "/azure.json");
        const clusterId = Object.values(before.resources).find((resource) =>
            resource.type.endsWith("ManagedCluster"),
        )!.id;
        config({ podCidr: "10.150.0.0/16" });
        const refused = pulumi(["up", "--yes", "--skip-preview", "--stack", "dev"]);
        configRemove("podCidr");
        expect(refused.status).not.toBe(0);
        expect(`${refused.stdout}${refused.stderr}`).toMatch(/protect/);
        const after = readAzureState(rehearsal.env.AKS_KUBENET_STAND_IN + "/azure.json");
        const properties = (state: typeof before) => state.resources[clusterId].body.properties as Record<string, any>;
        expect(properties(after).resourceUID).toBe(properties(before).resourceUID);
        expect(properties(after).networkProfile).toMatchObject({ podCidr: dev.podCidr });
    });
});

describe("the Overlay runbook of docs/migrate.md, step by step, on the stand-in", () => {
    const azureState = () => path.join(rehearsal.files.dir, "azure.json");

    test("az aks update to Overlay, then refresh: the state records Overlay", () => {
        // Step 2 (protect) is in place from the test above. Step 3: az aks update, outside Pulumi.
        const state = readAzureState(azureState());
        azureChangeNamed("aks-update-overlay")!.apply(state);
        writeAzureState(azureState(), state);
        // Step 4: refresh.
        ok(pulumi(["refresh", "--yes", "--skip-preview", "--stack", "dev"]));
        const exported = jsonOf(pulumi(["stack", "export", "--stack", "dev"]));
        const cluster = exported.deployment.resources.find((resource: { urn: string }) =>
            resource.urn.endsWith("::cluster-aks"),
        );
        expect(cluster.inputs.networkProfile).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay" });
    });

    test("networkPlugin=overlay; the route table and its grant unprotected, by the URNs docs/migrate.md prints", () => {
        // Step 5.
        config({ networkPlugin: "overlay" });
        // Step 6.
        const exported = jsonOf(pulumi(["stack", "export", "--stack", "dev"]));
        const urnOf = (name: string) =>
            (exported.deployment.resources as Array<{ urn: string }>).find((resource) =>
                resource.urn.endsWith(`::${name}`),
            )!.urn;
        for (const name of ["network-routes", "cluster-network-contributor-route-table"])
            ok(pulumi(["state", "unprotect", "--yes", "--stack", "dev", urnOf(name)]));
    });

    (transforms.ok ? test : test.skip)(
        `the control case: without its ignoreChanges the program would replace the refreshed cluster${transforms.reason ? ` (${transforms.reason})` : ""}`,
        () => {
            // networkDataplane and networkPolicy, which AKS set; protect (step 2) is what stops
            // that preview, naming the cluster.
            const control = withTransformedMain(() =>
                pulumi(["preview", "--stack", "dev"], { AKS_KUBENET_TEST_TRANSFORM: "no-ignore-changes" }),
            );
            expect(control.status).not.toBe(0);
            expect(`${control.stdout}${control.stderr}`).toMatch(
                /unable to replace resource "[^"]*::cluster-aks"[\s\S]*marked for protection/,
            );
        },
    );

    test("the stack's own program: the preview replaces nothing, the guard passes with --allow network-routes; up moves the stack", () => {
        // Step 7.
        const steps = previewSteps();
        const verdict = guardPreview(steps, ["network-routes"]);
        expect(verdict).toMatchObject({ ok: true, refusals: [] });
        expect(steps.filter((step) => step.op.includes("replace")).map(nameOf)).not.toContain("cluster-aks");
        expect(steps.find((step) => nameOf(step) === "network-routes")?.op).toBe("delete");
        // Step 8.
        ok(pulumi(["up", "--yes", "--skip-preview", "--stack", "dev"]));
        const after = readAzureState(azureState());
        const subnet = Object.values(after.resources).find((resource) => resource.id.endsWith("/subnets/kubenet"))!;
        expect(subnet.body.properties).not.toHaveProperty("routeTable");
        expect(Object.values(after.resources).some((resource) => resource.type.endsWith("RouteTable"))).toBe(false);
        expect(previewSteps().filter((step) => step.op !== "same")).toEqual([]);
        expect(kubectlJson("get", "deployment", "nginx", "-n", dev.nginxNamespace).status.availableReplicas).toBe(3);
    });
});

describe("destroy", () => {
    test("removes everything; the control plane holds nothing of the workload", () => {
        config({ protect: "false" });
        ok(pulumi(["up", "--yes", "--skip-preview", "--stack", "dev"]));
        ok(pulumi(["destroy", "--yes", "--skip-preview", "--stack", "dev"]));
        expect(Object.keys(readAzureState(path.join(rehearsal.files.dir, "azure.json")).resources)).toEqual([]);
        expect(kubectlJson("get", "nodes").items).toEqual([]);
        expect(kubectl("get", "namespaces", "-o", "name")).not.toMatch(
            new RegExp(`namespace/${dev.nginxNamespace}\\b`),
        );
        expect(kubectl("get", "clusterrolebindings", "-o", "name")).not.toMatch(/azure-rbac-/);
        void planeFiles;
    });
});
