/**
 * Any program, not only the stack's (#29): `npm run rehearse -- env --name N` prints the export lines
 * under which a Pulumi TypeScript program the project did not write (tests/engine/programs/anyProgram:
 * a resource group, a VNet and subnet, an AKS cluster with a system-assigned identity and names
 * azure-native chooses) previews and goes up against the Azure stand-in, whose AKS follows that
 * cluster (AKS's default service range, its pool). Each class of mistake is refused as Azure's
 * published contract and AKS's documented rules refuse it, naming the field, before anything of the
 * cluster exists; a change AKS refuses is refused at Update when the stand-in's copy of the
 * force-new table lacks the fact (the control case).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { down } from "../../engine/plane";
import { readAzureState } from "../../rehearsal/standIn/azureState";
import { REPO_ROOT } from "../../stackFiles";
import { engineTools, jsonOf, PulumiRun, tail, uniqueName } from "./helpers";

const name = uniqueName("any");
const STACK = "any";
let env: Record<string, string> = {};
let program = "";

/** The export lines `rehearse env` prints, as an environment. */
function exportsOf(text: string): Record<string, string> {
    return Object.fromEntries(
        [...text.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)].map((match) => [
            match[1],
            match[2].replace(/'\\''/g, "'"),
        ]),
    );
}

const pulumi = (args: readonly string[], extra: Record<string, string> = {}): PulumiRun => {
    const result = spawnSync("pulumi", ["--cwd", program, ...args, "--stack", STACK], {
        env: { ...process.env, ...env, ...extra },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
};
const ok = (run: PulumiRun) => expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
const mistake = (value: string) => ok(pulumi(["config", "set", "mistake", value]));
const azure = () => readAzureState(path.join(env.AKS_KUBENET_STAND_IN, "azure.json"));
const clusters = () => Object.values(azure().resources).filter((resource) => resource.type.endsWith("ManagedCluster"));
const kubectl = (...args: string[]) =>
    execFileSync(path.join(engineTools(), "kubectl"), [`--kubeconfig=${env.KUBECONFIG}`, ...args], {
        encoding: "utf8",
    });
const nodes = () =>
    JSON.parse(kubectl("get", "nodes", "-o", "json")).items as Array<{ metadata: { labels: Record<string, string> } }>;

beforeAll(() => {
    engineTools();
    const printed = spawnSync(
        process.execPath,
        [
            require.resolve("ts-node/dist/bin.js"),
            "--swc",
            path.join(REPO_ROOT, "rehearsal", "cli.ts"),
            "env",
            "--name",
            name,
        ],
        { encoding: "utf8", cwd: REPO_ROOT },
    );
    if (printed.status !== 0) throw new Error(`rehearse env failed: ${printed.stderr}`);
    env = exportsOf(printed.stdout);
    program = path.join(env.AKS_KUBENET_REHEARSAL_PROJECT, "tests", "engine", "programs", "anyProgram");
    const init = pulumi(["stack", "init"]);
    if (init.status !== 0) throw new Error(tail(init));
    for (const [key, value] of [
        ["azure-native:location", "westus2"],
        ["mistake", "none"],
    ]) {
        const set = pulumi(["config", "set", key, value]);
        if (set.status !== 0) throw new Error(tail(set));
    }
});

afterAll(async () => {
    if (fs.existsSync(program)) await down({ name, stack: "dev", explicitName: true });
});

test("rehearse env's exports run a program the project did not write: its preview passes", () => {
    expect(Object.keys(env)).toEqual(
        expect.arrayContaining(["PATH", "PULUMI_BACKEND_URL", "KUBECONFIG", "AKS_KUBENET_STAND_IN"]),
    );
    ok(pulumi(["preview"]));
});

describe("mistakes azure-native's Check refuses, at preview, naming the field", () => {
    test.each([
        ["wrong-type", /'agentPoolProfiles\[0\]\.count' should be of type 'integer' but got a string/],
        ["missing-required", /missing required property 'agentPoolProfiles\[0\]\.name'/],
        ["read-only", /'agentPoolProfiles\[0\]\.nodeImageVersion' is read-only/],
        [
            "unknown-property",
            /'networkProfile\.podCIDR' is not a property of azure-native:containerservice:ManagedCluster/,
        ],
    ])("%s", (kind, expected) => {
        mistake(kind);
        const run = pulumi(["preview"]);
        expect(run.status).not.toBe(0);
        expect(`${run.stdout}${run.stderr}`).toMatch(expected);
    });
});

describe("mistakes ARM and AKS refuse at create: nothing of the cluster exists afterwards", () => {
    test.each([
        ["closed-enum", /400 InvalidRequestContent: .*"Managed".*\(target identity\.type\)/],
        ["extensible-enum", /400 InvalidParameter: The value "calico" of properties\.networkProfile\.networkPlugin/],
        [
            "service-cidr-overlap",
            /400 ServiceCidrOverlapExistingSubnetsCidr: .*\(target properties\.networkProfile\.serviceCidr\)/,
        ],
        [
            "dns-outside-service-cidr",
            /400 InvalidParameter: The DNS service IP 10\.2\.0\.10 is not inside the service CIDR/,
        ],
        ["dns-first-address", /400 InvalidParameter: The DNS service IP 10\.0\.0\.1 is the first address/],
        ["pod-cidr-overlap", /400 InvalidParameter: The pod CIDR 10\.1\.128\.0\/17 overlaps the node network/],
        ["max-pods", /400 InvalidParameter: maxPods 300 of pool system is outside 10 to 250/],
        [
            "kubenet-system-assigned",
            /400 InvalidParameter: A kubenet cluster in your own subnet needs a user-assigned identity/,
        ],
    ])("%s", (kind, expected) => {
        mistake(kind);
        const run = pulumi(["up", "--yes", "--skip-preview"]);
        expect(run.status).not.toBe(0);
        expect(`${run.stdout}${run.stderr}`).toMatch(expected);
        expect(clusters()).toEqual([]);
        expect(nodes()).toEqual([]);
    });
});

describe("the valid program goes up, and AKS follows the cluster it declares", () => {
    test("up: azure-native's names, AKS's default service range served with kube-dns at 10.0.0.10, two nodes of pool system, the admin kubeconfig working", () => {
        mistake("none");
        ok(pulumi(["up", "--yes", "--skip-preview"]));
        const outputs = jsonOf(pulumi(["stack", "output", "--json", "--show-secrets"]));
        expect(outputs.groupName).toMatch(/^group[0-9a-f]{8}$/);
        expect(outputs.clusterName).toMatch(/^cluster[0-9a-f]{8}$/);
        expect(
            JSON.parse(kubectl("get", "service", "kube-dns", "-n", "kube-system", "-o", "json")).spec.clusterIP,
        ).toBe("10.0.0.10");
        expect(nodes().map((node) => node.metadata.labels["kubernetes.azure.com/agentpool"])).toEqual([
            "system",
            "system",
        ]);
        const file = path.join(env.AKS_KUBENET_STAND_IN, "any-admin.kubeconfig");
        fs.writeFileSync(file, outputs.kubeconfig, { mode: 0o600 });
        expect(
            execFileSync(path.join(engineTools(), "kubectl"), [`--kubeconfig=${file}`, "get", "nodes", "-o", "name"], {
                encoding: "utf8",
            })
                .trim()
                .split("\n"),
        ).toHaveLength(2);
    });

    test("a second preview changes nothing", () => {
        const steps = jsonOf(pulumi(["preview", "--json"])).steps as Array<{ op: string }>;
        expect(steps.filter((step) => step.op !== "same")).toEqual([]);
    });
});

describe("a change AKS refuses: replaced by the table; without the fact, refused at Update (the control case)", () => {
    const clusterStep = (extra: Record<string, string> = {}) => {
        const run = pulumi(["preview", "--json"], extra);
        expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
        return (jsonOf(run).steps as Array<{ op: string; urn: string }>).find((step) =>
            step.urn.endsWith("::cluster"),
        )!;
    };
    const dropped = {
        AKS_KUBENET_STAND_IN_WITHOUT_FORCE_NEW:
            "azure-native:containerservice:ManagedCluster#networkProfile.serviceCidr,azure-native:containerservice:ManagedCluster#networkProfile.dnsServiceIP",
    };

    test("with the table's facts the service CIDR change replaces the cluster", () => {
        mistake("service-cidr-change");
        expect(clusterStep().op).toBe("replace");
    });

    test("without them it is an update, and AKS refuses it: PropertyChangeNotAllowed naming the field; the cluster is unchanged", () => {
        expect(clusterStep(dropped).op).toBe("update");
        const run = pulumi(["up", "--yes", "--skip-preview"], dropped);
        expect(run.status).not.toBe(0);
        expect(`${run.stdout}${run.stderr}`).toMatch(
            /400 PropertyChangeNotAllowed: Changing property 'properties\.networkProfile\.serviceCidr' is not allowed\./,
        );
        expect((clusters()[0].body.properties as any).networkProfile.serviceCidr).toBe("10.0.0.0/16");
    });
});

test("destroy leaves nothing in the stand-in's Azure nor on the control plane", () => {
    mistake("none");
    ok(pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(Object.keys(azure().resources)).toEqual([]);
    expect(nodes()).toEqual([]);
});
