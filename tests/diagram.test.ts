/**
 * The diagram tool without a browser: its command line (arguments read first, exit 0/1/2 with one
 * line), where verify's findings land in the model, lab explain's hops, the plan's reserved slices,
 * a 400-node wiring that still names every route, and docs/wiring.svg as the tool draws it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildAddressPlan } from "../addressPlan";
import { runInProcess } from "../cli/shell";
import { main } from "../diagram/cli";
import { peakCountsOf, planPicture } from "../diagram/plan";
import { snapshotWiring } from "../diagram/sources";
import { drawWiring, wiringPicture } from "../diagram/wiring";
import { explainSteps } from "../lab/explain";
import { labTopologyFor } from "../lab/lab";
import { validatedStackConfig } from "../stackFiles";
import { REPO } from "./helpers/cli";
import { expectedTexts, writeGeneratedSnapshot } from "./helpers/diagramSnapshots";

const TUTORIAL = "tests/fixtures/tutorial-snapshot";
const diagram = (...args: string[]) => runInProcess("diagram", main, args);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("the command line", () => {
    test("--help says every command, the sources and what each exit code means", async () => {
        const { code, stdout } = await diagram("--help");
        expect(code).toBe(0);
        for (const word of [
            "plan",
            "wiring",
            "path SRC DST",
            "report",
            "--from DIR",
            "--lab NAME",
            "--live",
            "--out FILE",
            "Exit 0",
            "1 when",
            "2 when",
        ])
            expect([word, stdout.includes(word)]).toEqual([word, true]);
    });

    test.each([
        [[], /give a command: plan, wiring, path, report/],
        [["draw"], /unknown command "draw"/],
        [["wiring"], /wiring needs exactly one of --from DIR, --lab NAME or --live \(got 0\)/],
        [["wiring", "--from", TUTORIAL, "--live"], /exactly one of .* \(got 2\)/],
        [["plan", "--from", TUTORIAL], /plan draws the stack's config alone/],
        [["path", "10.100.0.2", "--lab", "x"], /path takes two addresses/],
        [["path", "10.100.0.2", "10.100.2.3", "--from", TUTORIAL], /path draws lab explain's path: give --lab NAME/],
        [["report", "--from", TUTORIAL], /report writes one HTML file: give --out FILE\.html/],
        [
            ["wiring", "--from", TUTORIAL, "--out", "/nonexistent-folder/w.svg"],
            /the folder \/nonexistent-folder does not exist/,
        ],
        [["wiring", "--from", TUTORIAL, "--out", "w.png"], /wiring writes SVG, name the file \*\.svg/],
        [["wiring", "--from", TUTORIAL, "--cluster", "overlay2"], /--cluster overlay2: use main or azurecni/],
        [["wiring", "--from", "/nonexistent-snapshot"], /\/nonexistent-snapshot is not a directory/],
        [["wiring", "--lab", "nosuchlab"], /lab "nosuchlab" is not up/],
        [["wiring", "--lab", "Bad_Name"], /lab/],
        [["plan", "--stack", "nosuchstack"], /stack "nosuchstack" has no Pulumi\.nosuchstack\.yaml/],
        [["wiring", "--from", TUTORIAL, "--bogus"], /Unknown option '--bogus'/],
    ])("%j: one line, exit 2, nothing drawn", async (args, message) => {
        const result = await diagram(...args);
        expect(result).toMatchObject({ code: 2, stdout: "" });
        expect(result.stderr.split("\n")).toHaveLength(1);
        expect(result.stderr).toMatch(/^diagram: /);
        expect(result.stderr).toMatch(message);
    });

    test("unreadable JSON in the snapshot: exit 2 naming the file, and no --out file left behind", async () => {
        const dir = path.join(scratch, "broken");
        fs.cpSync(path.join(REPO, TUTORIAL), dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "pods.json"), "{ not json");
        const out = path.join(scratch, "broken.svg");
        const result = await diagram("wiring", "--from", dir, "--out", out);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/pods\.json is not JSON/);
        expect(fs.existsSync(out)).toBe(false);
    });

    test("the tutorial's wiring: exit 0, one SVG with its title and description on stdout", async () => {
        const { code, stdout } = await diagram("wiring", "--from", TUTORIAL);
        expect(code).toBe(0);
        expect(stdout).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+"/);
        expect(stdout).toContain('<title id="wiring-title">kubenet wiring of kubenet-cluster</title>');
        expect(stdout).toMatch(
            /<desc id="wiring-desc">3 nodes, 7 pods, 3 routes, from snapshot tests\/fixtures\/tutorial-snapshot \(stack dev\); verify: 9 checks passed, 0 failed<\/desc>/,
        );
        expect(Number(/width="(\d+)"/.exec(stdout)![1])).toBeLessThanOrEqual(1200);
    });

    test("a snapshot verify fails: the picture is written all the same, exit 1, and stderr says why", async () => {
        const generated = writeGeneratedSnapshot(5, { withoutRouteOf: 3 });
        const out = path.join(scratch, "missing.svg");
        const result = await diagram("wiring", "--from", generated.dir, "--out", out);
        fs.rmSync(generated.dir, { recursive: true, force: true });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/verify found 1 failing check; the picture marks each problem where it is/);
        expect(fs.readFileSync(out, "utf8")).toContain('data-mark="missing-route"');
    });

    test("docs/wiring.svg is what the tool draws from the tutorial's snapshot (regenerated, byte for byte)", async () => {
        const out = path.join(scratch, "wiring.svg");
        expect((await diagram("wiring", "--from", TUTORIAL, "--out", out)).code).toBe(0);
        expect(fs.readFileSync(out, "utf8")).toBe(fs.readFileSync(path.join(REPO, "docs", "wiring.svg"), "utf8"));
    });
});

describe("verify's findings, placed where they happen", () => {
    test("a node without its route: marked on that node and as a missing route, nowhere else", () => {
        const generated = writeGeneratedSnapshot(5, { withoutRouteOf: 3 });
        const model = snapshotWiring(generated.dir, "dev", "main");
        const nodes = JSON.parse(fs.readFileSync(path.join(generated.dir, "nodes.json"), "utf8")).items;
        fs.rmSync(generated.dir, { recursive: true, force: true });
        const fourth = nodes[3];
        expect(
            model.nodes.filter((node) => node.missingRoute).map((node) => [node.name, node.missingRoute!.prefix]),
        ).toEqual([[fourth.metadata.name, fourth.spec.podCIDR]]);
        expect(
            model.routes.filter((route) => route.missing).map((route) => [route.node, route.prefix, route.nextHop]),
        ).toEqual([[fourth.metadata.name, fourth.spec.podCIDR, fourth.status.addresses[1].address]]);
        expect(model.nodes.flatMap((node) => node.problems)).toEqual([]);
    });

    test("the tutorial's snapshot: no problem anywhere; kube-proxy on the node's address, the Pending pod without one", () => {
        const model = snapshotWiring(path.join(REPO, TUTORIAL), "dev", "main");
        expect(model.checks.every((check) => check.ok)).toBe(true);
        expect(model.nodes.map((node) => [node.name, node.ip, node.podCidr, node.bridgeIp])).toEqual([
            ["aks-nodepool1-27511634-vmss000000", "10.220.1.4", "10.100.1.0/24", "10.100.1.1"],
            ["aks-nodepool1-27511634-vmss000001", "10.220.1.5", "10.100.0.0/24", "10.100.0.1"],
            ["aks-nodepool1-27511634-vmss000002", "10.220.1.6", "10.100.2.0/24", "10.100.2.1"],
        ]);
        expect(model.nodes[0].hostPods.map((pod) => pod.ip)).toEqual(["10.220.1.4"]);
        expect(model.nodes[0].pods.map((pod) => pod.ip)).toEqual([
            "10.100.1.3",
            "10.100.1.4",
            "10.100.1.5",
            "10.100.1.18",
        ]);
        expect(model.nodes[1].pods.find((pod) => !pod.ip)).toMatchObject({ phase: "Pending" });
    });
});

describe("lab explain's hops: what the path picture draws", () => {
    const topology = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3 });
    test("pod to a pod on another node: bridge, routes, no SNAT, the route table's route, cbr0, the pod", () => {
        const steps = explainSteps(topology, "10.100.0.2", "10.100.2.3");
        expect(steps.map((step) => step.hops.map((hop) => hop.rule))).toEqual([
            ["bridge", "route", "route"],
            ["nat"],
            ["routeTable", "routeTable", "route", "bridge"],
        ]);
        expect(steps[2].hops[1]).toEqual({
            from: { kind: "route", prefix: "10.100.2.0/24" },
            to: { kind: "node", ip: "10.220.1.6" },
            rule: "routeTable",
            label: "10.100.2.0/24 via 10.220.1.6",
        });
    });
    test("an address no node holds: the VNet drops it", () => {
        const hops = explainSteps(topology, "10.100.0.2", "10.100.99.5").flatMap((step) => step.hops);
        expect(hops.at(-1)).toMatchObject({ to: { kind: "nowhere", ip: "10.100.99.5" }, rule: "drop" });
    });
});

describe("the plan", () => {
    const input = (stack: string, overrides: Record<string, string> = {}) => {
        const config = validatedStackConfig(stack, overrides);
        return {
            stack,
            vnetName: config.vnetName,
            routeTableName: "t",
            plan: buildAddressPlan(config),
            counts: peakCountsOf(config),
        };
    };
    const lines = (picture: ReturnType<typeof planPicture>) =>
        JSON.stringify(picture.boxes)
            .match(/"text":"[^"]*"/g)!
            .map((text) => text.slice(8, -1));

    test("the autoscaler's peak and the surge node are reserved in the subnet, the pod CIDR and the route table", () => {
        const picture = planPicture(input("dev", { autoscaleMaxCount: "5" }));
        const text = lines(picture);
        // nodeCount 3, up to 5 by the autoscaler, one surge node: slices 0-5.
        expect(text.filter((line) => line.startsWith("system pool autoscaler peak ("))).toEqual([
            "system pool autoscaler peak (10.220.1.7)",
            "system pool autoscaler peak (10.220.1.8)",
        ]);
        expect(text).toContain("upgrade surge (10.220.1.9)");
        expect(text).toContain("10.100.5.0/24 -> 10.220.1.9");
    });

    test("kubenet's ceiling: 400 nodes come as a run, first and last, not 400 boxes", () => {
        const text = lines(planPicture(input("kubenet400")));
        expect(text).toContain("10.100.0.0/24 ... 10.101.143.0/24");
        expect(text.some((line) => line.startsWith("400 x node:"))).toBe(true);
        // AKS's default surge, 10% of 400 (addressPlan/surge.ts): 40 slices after the nodes'.
        expect(text).toContain("10.101.144.0/24 ... 10.101.183.0/24");
        expect(text.some((line) => line.startsWith("40 x upgrade surge:"))).toBe(true);
    });
});

test("a 400-node wiring (kubenet's ceiling) names every route and node, in groups of 50", async () => {
    const generated = writeGeneratedSnapshot(400, { stack: "kubenet400" });
    try {
        const model = snapshotWiring(generated.dir, "kubenet400", "main");
        const svg = await drawWiring(model);
        const { nodeIps, routes, podIps } = expectedTexts(generated.dir);
        const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
        const shown = new Set(texts.flatMap((text) => text.split(/[ ,]+/)));
        expect(routes.filter(([prefix, hop]) => !texts.includes(`${prefix} -&gt; ${hop}`))).toEqual([]);
        expect([...nodeIps, ...podIps].filter((ip) => !shown.has(ip))).toEqual([]);
        expect(texts.filter((text) => /^pool nodepool1: nodes \d+-\d+ of 400$/.test(text))).toHaveLength(8);
        expect(wiringPicture(model).boxes.length).toBeGreaterThan(0);
    } finally {
        fs.rmSync(generated.dir, { recursive: true, force: true });
    }
});
