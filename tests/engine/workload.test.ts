/**
 * The nginx component (workloads/) under the real Pulumi CLI, language host and Kubernetes provider,
 * on a real API server (RBAC, Pod Security admission) with kwok nodes: preview, up with the
 * provider's own await, a second up with nothing to do, an in-place change, refresh, destroy; Pod
 * Security; the policy pack loaded by the real CLI; the preview guard on real preview JSON; and
 * read-only access (#24): a token bound to the RBAC Reader's verbs previews, and cannot deploy.
 */
import * as fs from "fs";
import * as path from "path";
import { cidr, containsIp, parseIpv4 } from "../../addressPlan";
import { LOCAL_IDENTITIES } from "../../engine/controlPlane";
import { guardPreview, readPreview, PreviewStep } from "../../guard/previewGuard";
import { readerRoleManifest, roleBindingManifest } from "../../rehearsal/standIn/effects";
import { rawStackConfig } from "../../stackFiles";
import {
    deploymentManifest,
    namespaceManifest,
    NginxManifestInput,
    podDisruptionBudgetManifest,
    serviceManifest,
} from "../../workloads/nginxManifests";
import {
    engineTools,
    identityKubeconfig,
    jsonOf,
    policyPacksRunnable,
    startPlane,
    tail,
    TestPlane,
    uniqueName,
    Workspace,
    workspace,
} from "./helpers";

let plane: TestPlane;
let ws: Workspace;
let program: string;
const dev = rawStackConfig("dev");
const input: NginxManifestInput = {
    name: "nginx",
    namespace: dev.nginxNamespace,
    image: dev.nginxImage,
    replicas: Number(dev.nginxReplicas),
    loadBalancerSubnetName: "services",
};

/** pulumi in the workload program's folder (of the checkout copy), on `stack`. */
const run = (stack: string, args: readonly string[]) => ws.pulumi([...args, "--stack", stack], { cwd: program });
const configure = (stack: string, values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) {
        const set = run(stack, ["config", "set", key, value]);
        if (set.status !== 0) throw new Error(tail(set));
    }
};
const kubectlJson = (args: readonly string[]) => JSON.parse(plane.kubectl([...args, "-o", "json"]));

beforeAll(async () => {
    plane = await startPlane(uniqueName("wl"));
    ws = workspace(plane);
    program = path.join(ws.project, "tests", "engine", "programs", "workload");
    const init = run("admin", ["stack", "init"]);
    expect([init.status, tail(init)]).toEqual([0, expect.any(String)]);
    configure("admin", { kubeconfigFile: plane.files.kubeconfig("admin") });
});

afterAll(async () => {
    await plane?.remove();
});

describe("the nginx component through the real engine and provider", () => {
    test("preview --json of a new stack: the provider and the namespace, Deployment, PodDisruptionBudget and Service, all created", () => {
        const preview = run("admin", ["preview", "--json"]);
        expect([preview.status, tail(preview)]).toEqual([0, expect.any(String)]);
        const steps = jsonOf<{ steps: PreviewStep[] }>(preview).steps;
        const created = steps.filter((step) => step.op === "create").map((step) => step.urn.split("::").pop());
        expect(created).toEqual(
            expect.arrayContaining([
                "local",
                "nginx",
                "nginx-namespace",
                "nginx-deployment",
                "nginx-pdb",
                "nginx-service",
            ]),
        );
    });

    test("up waits as the provider does (Deployment available, Service with an address) and stores the declared objects", () => {
        const up = run("admin", ["up", "--yes", "--skip-preview"]);
        expect([up.status, tail(up)]).toEqual([0, expect.any(String)]);
        const outputs = jsonOf(run("admin", ["stack", "output", "--json"]));
        // The load balancer stand-in hands out the services subnet's addresses (the address plan's).
        const address = parseIpv4(outputs.loadBalancerIp);
        expect(address.ok && containsIp(cidr(dev.servicesSubnetCidr), address.value)).toBe(true);

        const deployment = kubectlJson(["get", "deployment", "nginx", "-n", input.namespace]);
        expect(deployment.status).toMatchObject({ replicas: 3, availableReplicas: 3, readyReplicas: 3 });
        expect(deployment).toMatchObject(deploymentManifest(input));
        expect(kubectlJson(["get", "namespace", input.namespace])).toMatchObject(namespaceManifest(input));
        expect(kubectlJson(["get", "pdb", "nginx", "-n", input.namespace])).toMatchObject(
            podDisruptionBudgetManifest(input),
        );
        expect(kubectlJson(["get", "service", "nginx", "-n", input.namespace])).toMatchObject(serviceManifest(input));

        const pods = kubectlJson(["get", "pods", "-n", input.namespace]).items as Array<{ spec: { nodeName: string } }>;
        expect(pods).toHaveLength(3);
        expect(new Set(pods.map((pod) => pod.spec.nodeName)).size).toBe(3); // one per node
    });

    test("a second run has nothing to do: the preview has only same steps", () => {
        const preview = run("admin", ["preview", "--json"]);
        const steps = jsonOf<{ steps: PreviewStep[] }>(preview).steps;
        expect(steps.filter((step) => step.op !== "same")).toEqual([]);
        const up = run("admin", ["up", "--yes", "--expect-no-changes"]);
        expect([up.status, tail(up)]).toEqual([0, expect.any(String)]);
    });

    test("an in-place change: 2 replicas update the Deployment and the PodDisruptionBudget, nothing is replaced", () => {
        configure("admin", { replicas: "2" });
        const steps = jsonOf<{ steps: PreviewStep[] }>(run("admin", ["preview", "--json"])).steps;
        expect(steps.filter((step) => step.op !== "same").map((step) => [step.op, step.urn.split("::").pop()])).toEqual(
            expect.arrayContaining([
                ["update", "nginx-deployment"],
                ["update", "nginx-pdb"],
            ]),
        );
        expect(steps.some((step) => step.op.includes("replace"))).toBe(false);
        const up = run("admin", ["up", "--yes", "--skip-preview"]);
        expect([up.status, tail(up)]).toEqual([0, expect.any(String)]);
        expect(kubectlJson(["get", "deployment", "nginx", "-n", input.namespace]).status.availableReplicas).toBe(2);
        configure("admin", { replicas: "3" });
        expect(run("admin", ["up", "--yes", "--skip-preview"]).status).toBe(0);
    });

    test("refresh finds the objects as they were left", () => {
        const refresh = run("admin", ["refresh", "--yes", "--json"]);
        expect([refresh.status, tail(refresh)]).toEqual([0, expect.any(String)]);
        const preview = jsonOf<{ steps: PreviewStep[] }>(run("admin", ["preview", "--json"]));
        expect(preview.steps.filter((step) => step.op !== "same")).toEqual([]);
    });
});

describe("Pod Security admission on the real API server", () => {
    test("nginx runs under the restricted standard; a privileged pod in its namespace is refused", () => {
        const namespace = kubectlJson(["get", "namespace", input.namespace]);
        expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        const privileged = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "privileged", namespace: input.namespace },
            spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
        };
        const refused = plane.tryKubectl(["apply", "-f", "-"], { input: JSON.stringify(privileged) });
        expect(refused.status).not.toBe(0);
        expect(refused.output).toMatch(/violates PodSecurity "restricted:latest": privileged/);
        // The same pod outside a restricted namespace is admitted: the namespace's label decides.
        plane.kubectl(["create", "namespace", "unrestricted"]);
        const admitted = plane.tryKubectl(["apply", "-f", "-"], {
            input: JSON.stringify({ ...privileged, metadata: { name: "privileged", namespace: "unrestricted" } }),
        });
        expect([admitted.status, admitted.output]).toEqual([0, expect.stringMatching(/created/)]);
        plane.kubectl(["delete", "namespace", "unrestricted", "--wait=false"]);
    });
});

const packs = policyPacksRunnable(engineTools());
describe(`the policy pack, loaded by the real CLI${packs.reason ? ` (${packs.reason})` : ""}`, () => {
    const test = packs.ok ? global.test : global.test.skip;
    test("a public LoadBalancer Service is refused, naming the policy", () => {
        configure("admin", { publicLoadBalancer: "true" });
        const preview = run("admin", ["preview", "--policy-pack", path.join(ws.project, "policy")]);
        configure("admin", { publicLoadBalancer: "false" });
        expect(preview.status).not.toBe(0);
        expect(`${preview.stdout}${preview.stderr}`).toMatch(/loadbalancer-services-internal/);
        expect(`${preview.stdout}${preview.stderr}`).toMatch(/mandatory/);
    });

    test("the workload as declared passes the pack", () => {
        const preview = run("admin", ["preview", "--policy-pack", path.join(ws.project, "policy")]);
        expect([preview.status, tail(preview)]).toEqual([0, expect.any(String)]);
    });
});

describe("the preview guard on the real engine's preview JSON", () => {
    const fixture = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "preview", name), "utf8")) as {
            steps: Array<Record<string, unknown>>;
        };

    test("a replaced object, a create and an update: the guard reads each; Kubernetes objects are not guarded types", () => {
        // A renamed namespace replaces it and every object in it; more replicas update the Deployment;
        // a public Service is a create.
        configure("admin", { namespace: "nginx-renamed", publicLoadBalancer: "true" });
        const replaced = run("admin", ["preview", "--json"]);
        configure("admin", { namespace: input.namespace, publicLoadBalancer: "false", replicas: "4" });
        const updated = run("admin", ["preview", "--json"]);
        configure("admin", { replicas: "3" });
        const document = jsonOf(replaced);
        const read = readPreview(document);
        if ("error" in read) throw new Error(read.error);
        const ops = new Set(read.steps.map((step) => step.op));
        // A preview lists a replacement as one "replace" step (the display shows its create and
        // delete halves; the JSON steps do not), and the create as "create".
        expect([...ops].sort()).toEqual(["create", "replace", "same"]);
        const update = readPreview(jsonOf(updated));
        if ("error" in update) throw new Error(update.error);
        expect(update.steps.filter((step) => step.op !== "same").map((step) => step.op)).toEqual(
            expect.arrayContaining(["update"]),
        );
        expect(guardPreview(update.steps)).toMatchObject({ ok: true, losses: [] });
        // The real preview names the fields that force the replacement, as the guard reads them.
        const namespaceStep = read.steps.find(
            (step) => step.op === "replace" && step.urn.endsWith("::nginx-namespace"),
        )!;
        expect(namespaceStep.replaceReasons ?? Object.keys(namespaceStep.detailedDiff ?? {})).toEqual(
            expect.arrayContaining([expect.stringMatching(/metadata/)]),
        );
        expect(guardPreview(read.steps)).toMatchObject({ ok: true, losses: [] });

        // The real steps and the unit tests' hand-written fixtures use only the fields of the engine's
        // PreviewStep (pulumi/pulumi pkg/display/json.go at 1b5949891b3c).
        const previewStepFields = [
            "op",
            "urn",
            "provider",
            "oldState",
            "newState",
            "diffReasons",
            "replaceReasons",
            "detailedDiff",
        ];
        const unknownFields = (steps: Array<Record<string, unknown>>) =>
            steps.flatMap((step) => Object.keys(step).filter((key) => !previewStepFields.includes(key)));
        expect(unknownFields((document as { steps: Array<Record<string, unknown>> }).steps)).toEqual([]);
        for (const name of ["pod-cidr-change.json", "no-changes.json"])
            expect([name, unknownFields(fixture(name).steps)]).toEqual([name, []]);
        // What the guard reads of a replacement is there: the old and new state's type and inputs.
        const replacedStep = (document as { steps: Array<Record<string, any>> }).steps.find(
            (step) => step.op === "replace",
        )!;
        expect(replacedStep.oldState).toMatchObject({ type: expect.any(String), inputs: expect.any(Object) });
        expect(replacedStep.newState).toMatchObject({ type: expect.any(String), inputs: expect.any(Object) });
    });
});

describe("read-only access (#24): what the RBAC Reader's verbs allow", () => {
    let reader: string;
    let deployer: string;
    beforeAll(() => {
        const dir = fs.mkdtempSync(path.join(plane.files.dir, "identities-"));
        reader = identityKubeconfig(plane, "reader", dir);
        deployer = identityKubeconfig(plane, "deployer", dir);
        // Azure RBAC's two roles, as the stand-in binds them on a rehearsal's cluster.
        plane.kubectl(["apply", "-f", "-"], {
            input: [
                readerRoleManifest(),
                roleBindingManifest({ name: "reader", principalId: LOCAL_IDENTITIES.reader.user, role: "reader" }),
                roleBindingManifest({
                    name: "deployer",
                    principalId: LOCAL_IDENTITIES.deployer.user,
                    role: "cluster-admin",
                }),
            ]
                .map((object) => JSON.stringify(object))
                .join("\n"),
        });
    });

    test("the deployer (bound to cluster-admin) deploys its own stack", () => {
        expect(run("team", ["stack", "init"]).status).toBe(0);
        configure("team", { kubeconfigFile: deployer, namespace: "team" });
        const up = run("team", ["up", "--yes", "--skip-preview"]);
        expect([up.status, tail(up)]).toEqual([0, expect.any(String)]);
    });

    test("the reader previews a change (the provider falls back to a client-side preview), its up is refused with 403, and nothing changes", () => {
        configure("team", { kubeconfigFile: reader, replicas: "2" });
        const before = kubectlJson(["get", "deployment", "nginx", "-n", "team"]);
        const preview = run("team", ["preview", "--json"]);
        expect([preview.status, tail(preview)]).toEqual([0, expect.any(String)]);
        const steps = jsonOf<{ steps: PreviewStep[] }>(preview).steps;
        expect(steps.some((step) => step.op === "update" && step.urn.endsWith("::nginx-deployment"))).toBe(true);

        const up = run("team", ["up", "--yes", "--skip-preview"]);
        expect(up.status).not.toBe(0);
        expect(`${up.stdout}${up.stderr}`).toMatch(/forbidden|403/i);
        const after = kubectlJson(["get", "deployment", "nginx", "-n", "team"]);
        expect(after.spec.replicas).toBe(3);
        expect(after.metadata.generation).toBe(before.metadata.generation);
        expect(
            plane
                .tryKubectl(["auth", "can-i", "patch", "deployments", "-n", "team"], { kubeconfig: reader })
                .output.trim(),
        ).toBe("no");
        expect(
            plane.tryKubectl(["auth", "can-i", "get", "secrets", "-n", "team"], { kubeconfig: reader }).output.trim(),
        ).toBe("no");
    });
});

describe("destroy", () => {
    test("removes every object; the control plane holds nothing of the workload", () => {
        // The reader's failed up left its kubeconfig on the stack's provider: an admin up first.
        configure("team", { kubeconfigFile: plane.files.kubeconfig("admin"), replicas: "3" });
        expect(run("team", ["up", "--yes", "--skip-preview"]).status).toBe(0);
        for (const stack of ["admin", "team"]) {
            const destroy = run(stack, ["destroy", "--yes", "--skip-preview"]);
            expect([stack, destroy.status, tail(destroy)]).toEqual([stack, 0, expect.any(String)]);
        }
        for (const namespace of [input.namespace, "team"]) {
            const gone = plane.tryKubectl(["get", "namespace", namespace]);
            expect(gone.output).toMatch(/NotFound|not found|Terminating/);
        }
    });
});
