/**
 * verify's checker on snapshots built from the tutorial's transcript (tests/fixtures/tutorial-snapshot:
 * nodes 10.220.1.4-6, vmss000000 holding 10.100.1.0/24 with pods .3, .4, .5 and nginx .18,
 * kube-proxy on the node IP), one broken variant per check, the other plugins, and the CLI (in process;
 * its live paths, in started processes, are tests/verify.live.test.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validatedStackConfig } from "../stackFiles";
import { Check, checkSnapshot } from "../verify/checks";
import { expectedFor } from "../verify/expected";
import { readSnapshot, Snapshot } from "../verify/snapshot";
import { runInProcess } from "../cli/shell";
import { main as verifyMain } from "../verify/cli";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TUTORIAL = path.join(__dirname, "fixtures", "tutorial-snapshot");
const tutorial = readSnapshot(TUTORIAL, {
    namespace: "nginx",
    resourceGroup: "NetworkLab",
    vnet: "aksvnet",
    subnet: "kubenet",
    routeTable: "aksvnet-kubenet-routes",
});
const kubenet = expectedFor(validatedStackConfig("dev"), "main");
const copy = (): Mutable<Snapshot> => JSON.parse(JSON.stringify(tutorial));
const failing = (checks: Check[]) => checks.filter((check) => !check.ok).map((check) => [check.name, check.observed]);

test("the tutorial's cluster passes every check, in the tutorial's order", () => {
    const checks = checkSnapshot(kubenet, tutorial);
    expect(checks.map((check) => [check.name, check.ok])).toEqual([
        ["node IPs in the kubenet subnet", true],
        ["node pod CIDRs", true],
        ["route table: one route per node", true],
        ["the kubenet subnet carries the stack's route table", true],
        ["pod IPs", true],
        ["nginx replicas Running, one per node", true],
        ["nginx ClusterIP in the service CIDR", true],
        ["kube-dns at the DNS service IP", true],
        ["internal load balancer in the services subnet", true],
    ]);
    // kube-proxy (hostNetwork, the node IP) counts; the Pending metrics-server without an IP does not.
    expect(checks[4].observed).toBe("9 pods with an IP, all as expected");
});

describe("one broken variant per check", () => {
    const broken = (edit: (snapshot: Mutable<Snapshot>) => void) => {
        const snapshot = copy();
        edit(snapshot);
        return failing(checkSnapshot(kubenet, snapshot));
    };
    const node = (snapshot: Snapshot, index: number) => snapshot.nodes.items[index];
    const podNamed = (snapshot: Snapshot, name: string) =>
        snapshot.pods.items.find((pod) => pod.metadata!.name === name)!;
    const service = (snapshot: Snapshot, name: string) =>
        snapshot.services.items.find((item) => item.metadata!.name === name)!;

    test("1. a node outside the kubenet subnet", () => {
        expect(broken((s) => (node(s, 2).status!.addresses![1].address = "10.220.2.9"))).toContainEqual([
            "node IPs in the kubenet subnet",
            "aks-nodepool1-27511634-vmss000002 has 10.220.2.9",
        ]);
    });
    test("2. two nodes sharing a /24, and a slice that is no /24 of the pod CIDR", () => {
        expect(broken((s) => (node(s, 1).spec!.podCIDR = "10.100.1.0/24"))).toContainEqual([
            "node pod CIDRs",
            "aks-nodepool1-27511634-vmss000001 and aks-nodepool1-27511634-vmss000000 share 10.100.1.0/24",
        ]);
        expect(broken((s) => (node(s, 2).spec!.podCIDR = "10.150.2.0/24"))).toContainEqual([
            "node pod CIDRs",
            "aks-nodepool1-27511634-vmss000002 holds 10.150.2.0/24, not a /24 of 10.100.0.0/16",
        ]);
    });
    test("3. a missing route, a wrong next hop, a stale route", () => {
        expect(broken((s) => s.routes!.splice(2, 1))).toContainEqual([
            "route table: one route per node",
            "no route for aks-nodepool1-27511634-vmss000002's 10.100.2.0/24",
        ]);
        expect(broken((s) => (s.routes![0].nextHopIpAddress = "10.220.1.5"))).toContainEqual([
            "route table: one route per node",
            expect.stringMatching(
                /sends 10\.100\.1\.0\/24 to 10\.220\.1\.5, but aks-nodepool1-27511634-vmss000000 is 10\.220\.1\.4/,
            ),
        ]);
        expect(
            broken((s) =>
                s.routes!.push({
                    ...s.routes![0],
                    name: "gone-node",
                    addressPrefix: "10.100.7.0/24",
                    nextHopIpAddress: "10.220.1.9",
                }),
            ),
        ).toContainEqual([
            "route table: one route per node",
            "stale route gone-node: 10.100.7.0/24 -> 10.220.1.9, a slice no node holds",
        ]);
    });
    test("4. no route table on the subnet, or another one", () => {
        expect(broken((s) => delete s.subnet.routeTable)).toContainEqual([
            "the kubenet subnet carries the stack's route table",
            expect.stringMatching(/^no route table attached/),
        ]);
        expect(
            broken(
                (s) =>
                    (s.subnet.routeTable = {
                        id: "/subscriptions/x/resourceGroups/MC_NetworkLab_kubenet-cluster_eastus/providers/Microsoft.Network/routeTables/aks-agentpool-123-routetable",
                    }),
            ),
        ).toContainEqual([
            "the kubenet subnet carries the stack's route table",
            expect.stringMatching(/attached .*aks-agentpool-123-routetable, not the stack's aksvnet-kubenet-routes/),
        ]);
        expect(broken((s) => (s.subnet.addressPrefix = "10.220.2.0/24"))).toContainEqual([
            "the kubenet subnet carries the stack's route table",
            expect.stringMatching(/not the kubenet subnet 10\.220\.1\.0\/24/),
        ]);
    });
    test("5. a pod outside its node's /24, a hostNetwork pod off its node's IP", () => {
        expect(broken((s) => (podNamed(s, "coredns-869cb84759-vdh55").status!.podIP = "10.100.2.5"))).toContainEqual([
            "pod IPs",
            "kube-system/coredns-869cb84759-vdh55 has 10.100.2.5, outside aks-nodepool1-27511634-vmss000000's 10.100.1.0/24",
        ]);
        expect(broken((s) => (podNamed(s, "kube-proxy-2n62m").status!.podIP = "10.220.1.5"))).toContainEqual([
            "pod IPs",
            expect.stringMatching(
                /kube-proxy-2n62m is hostNetwork with 10\.220\.1\.5, but its node .* is 10\.220\.1\.4/,
            ),
        ]);
    });
    test("6. too few nginx pods Running, or two on one node", () => {
        expect(broken((s) => (podNamed(s, "nginx-7cf567cc7-x2p7q").status!.phase = "Pending"))).toContainEqual([
            "nginx replicas Running, one per node",
            "2 of 3 nginx pods Running",
        ]);
        expect(
            broken((s) => (podNamed(s, "nginx-7cf567cc7-x2p7q").spec!.nodeName = "aks-nodepool1-27511634-vmss000001")),
        ).toContainEqual(["nginx replicas Running, one per node", "3 Running pods share 2 node(s)"]);
    });
    test("6. more pods with nginx's labels Running than the Deployment has replicas (the count must be the expected one)", () => {
        const extra = (s: Mutable<Snapshot>) => {
            const pod = JSON.parse(JSON.stringify(podNamed(s, "nginx-7cf567cc7-x2p7q")));
            pod.metadata.name = "nginx-extra";
            s.pods.items.push(pod);
        };
        expect(broken(extra)).toContainEqual([
            "nginx replicas Running, one per node",
            "4 Running pods carry nginx's labels, but the Deployment has 3 replicas",
        ]);
    });
    test("7. a ClusterIP outside the service CIDR; kube-dns off the DNS service IP", () => {
        expect(broken((s) => (service(s, "nginx").spec!.clusterIP = "10.0.12.7"))).toContainEqual([
            "nginx ClusterIP in the service CIDR",
            "ClusterIP 10.0.12.7 outside 10.200.0.0/16",
        ]);
        expect(broken((s) => (service(s, "kube-dns").spec!.clusterIP = "10.200.0.11"))).toContainEqual([
            "kube-dns at the DNS service IP",
            "kube-dns ClusterIP 10.200.0.11",
        ]);
    });
    test("8. no load-balancer IP yet (pending), or one outside the services subnet", () => {
        expect(broken((s) => (service(s, "nginx").status = { loadBalancer: {} }))).toContainEqual([
            "internal load balancer in the services subnet",
            expect.stringMatching(/^no load-balancer IP yet: still pending/),
        ]);
        expect(
            broken((s) => (service(s, "nginx").status!.loadBalancer!.ingress = [{ ip: "10.220.1.250" }])),
        ).toContainEqual([
            "internal load balancer in the services subnet",
            "10.220.1.250 is outside the services subnet",
        ]);
    });
});

describe("the other plugins", () => {
    test("Overlay: the slices hold, no route table is expected, and a leftover association fails", () => {
        const overlay = expectedFor(validatedStackConfig("dev", { networkPlugin: "overlay" }), "main");
        const snapshot = copy();
        delete snapshot.routes;
        expect(failing(checkSnapshot(overlay, snapshot))).toEqual([
            [
                "the kubenet subnet carries no route table",
                expect.stringMatching(/aksvnet-kubenet-routes is still attached; Azure CNI Overlay needs none/),
            ],
        ]);
        delete snapshot.subnet.routeTable;
        const checks = checkSnapshot(overlay, snapshot);
        expect(checks.every((check) => check.ok)).toBe(true);
        expect(checks.map((check) => check.name)).not.toContain("route table: one route per node");
        expect(checks.map((check) => check.name)).toContain("node pod CIDRs");
    });

    test("Azure CNI: nodes and pods in the azurecni subnet, no pod CIDR, no route table", () => {
        const azureCni = expectedFor(validatedStackConfig("dev", { azureCniCluster: "true" }), "azurecni");
        const snapshot = copy();
        delete snapshot.routes;
        const nodeIps = ["10.220.2.4", "10.220.2.35", "10.220.2.66"];
        snapshot.nodes.items.forEach((node, index) => {
            delete node.spec!.podCIDR;
            node.status!.addresses![1].address = nodeIps[index];
        });
        const nodeIndex = new Map(snapshot.nodes.items.map((node, index) => [node.metadata!.name, index]));
        let next = 0;
        for (const pod of snapshot.pods.items) {
            if (!pod.status!.podIP) continue;
            const index = nodeIndex.get(pod.spec!.nodeName)!;
            pod.status!.podIP = pod.spec!.hostNetwork ? nodeIps[index] : `10.220.2.${5 + index * 31 + (next++ % 30)}`;
        }
        snapshot.subnet = { name: "azurecni", addressPrefix: "10.220.2.0/24" };
        const checks = checkSnapshot(azureCni, snapshot);
        expect(failing(checks)).toEqual([]);
        expect(checks.map((check) => check.name)).toEqual([
            "node IPs in the azurecni subnet",
            "the azurecni subnet carries no route table",
            "pod IPs",
            "nginx replicas Running, one per node",
            "nginx ClusterIP in the service CIDR",
            "kube-dns at the DNS service IP",
            "internal load balancer in the services subnet",
        ]);
        snapshot.pods.items[0].status!.podIP = "10.100.1.18"; // a kubenet-style pod address
        expect(failing(checkSnapshot(azureCni, snapshot))).toEqual([
            ["pod IPs", "nginx/nginx-7cf567cc7-bnvk9 has 10.100.1.18, outside the azurecni subnet 10.220.2.0/24"],
        ]);
    });
});

describe("the CLI", () => {
    // In process (fast); the last test starts the real command once for the exit code.
    const verify = (...args: string[]) => runInProcess("verify", verifyMain, args);
    const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));

    test("--from the tutorial's snapshot: a table of PASS lines and the count, exit 0; --json", async () => {
        const table = await verify("--from", TUTORIAL);
        expect(table.code).toBe(0);
        expect(table.stdout).toMatch(/^PASS +route table: one route per node +<node \/24> -> <node IP>/m);
        expect(table.stdout).toMatch(/^9 passed, 0 failed$/m);
        const json = JSON.parse((await verify("--from", TUTORIAL, "--json")).stdout);
        expect(json).toMatchObject({ passed: 9, failed: 0 });
        expect(Object.keys(json.checks[0])).toEqual(["name", "ok", "expected", "observed"]);
    });

    test("a failing check exits 1", async () => {
        const dir = scratch();
        for (const file of fs.readdirSync(TUTORIAL)) fs.copyFileSync(path.join(TUTORIAL, file), path.join(dir, file));
        fs.writeFileSync(path.join(dir, "routes.json"), "[]");
        const result = await verify("--from", dir);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(
            /^FAIL +route table: one route per node .* no route for aks-nodepool1-27511634-vmss000000's 10\.100\.1\.0\/24/m,
        );
        expect(result.stdout).toMatch(/^8 passed, 1 failed$/m);
    });

    test("unusable input exits 2 with one line naming the file or the stack", async () => {
        const dir = scratch();
        for (const file of fs.readdirSync(TUTORIAL)) fs.copyFileSync(path.join(TUTORIAL, file), path.join(dir, file));
        fs.writeFileSync(path.join(dir, "pods.json"), "{ not json");
        const cases: Array<[string[], RegExp]> = [
            [["--from", dir], /^verify: .*pods\.json is not JSON/],
            [["--from", path.join(dir, "nope")], /is not a directory/],
            [["--from", TUTORIAL, "--stack", "nosuchstack"], /stack "nosuchstack" has no Pulumi\.nosuchstack\.yaml/],
            [["--from", TUTORIAL, "--cluster", "cilium"], /--cluster cilium: use main or azurecni/],
            [["--from", TUTORIAL, "--save", dir], /give one of them/],
            [["--frm", TUTORIAL], /Unknown option '--frm'/],
        ];
        for (const [args, message] of cases) {
            const result = await verify(...args);
            expect([args.join(" "), result.code]).toEqual([args.join(" "), 2]);
            expect(result.stderr.trim().split("\n")).toHaveLength(1);
            expect(result.stderr).toMatch(message);
        }
        fs.writeFileSync(path.join(dir, "pods.json"), JSON.stringify({ kind: "Pod" }));
        expect((await verify("--from", dir)).stderr).toMatch(
            /pods\.json holds one Pod, not the list of them; write it with `kubectl get pods -A -o json`/,
        );
    });

    test("an incomplete pods capture is unusable input, with the -A hint, never a verdict", async () => {
        const dir = scratch();
        for (const file of fs.readdirSync(TUTORIAL)) fs.copyFileSync(path.join(TUTORIAL, file), path.join(dir, file));
        const pods = JSON.parse(fs.readFileSync(path.join(TUTORIAL, "pods.json"), "utf8"));
        const cases: Array<[string, unknown[], RegExp]> = [
            [
                "kubectl get pods in a namespace with nothing running",
                [],
                /pods\.json holds no pods: the capture is incomplete; write it with `kubectl get pods -A -o json`/,
            ],
            [
                "hostNetwork pods only",
                pods.items.filter((pod: any) => pod.spec.hostNetwork),
                /holds only hostNetwork pods: the capture is incomplete/,
            ],
            [
                "another namespace only",
                pods.items
                    .filter((pod: any) => pod.metadata.namespace === "kube-system")
                    .map((pod: any) => ({ ...pod, metadata: { ...pod.metadata, namespace: "default" } })),
                /holds pods of default only, none of kube-system or nginx/,
            ],
        ];
        for (const [what, items, message] of cases) {
            fs.writeFileSync(path.join(dir, "pods.json"), JSON.stringify({ ...pods, items }));
            const result = await verify("--from", dir);
            expect([what, result.code, result.stdout, result.stderr]).toEqual([
                what,
                2,
                "",
                expect.stringMatching(message),
            ]);
        }
        // The workload's namespace alone still shows what verify checks.
        fs.writeFileSync(
            path.join(dir, "pods.json"),
            JSON.stringify({ ...pods, items: pods.items.filter((pod: any) => pod.metadata.namespace === "nginx") }),
        );
        expect((await verify("--from", dir)).code).toBe(0);
    });

    test("the Azure files in ARM's shape (az rest, az resource show) give the same verdicts; --cluster kubenet means main", async () => {
        const dir = scratch();
        for (const file of fs.readdirSync(TUTORIAL)) fs.copyFileSync(path.join(TUTORIAL, file), path.join(dir, file));
        for (const file of ["routes.json", "subnet.json"])
            fs.copyFileSync(path.join(__dirname, "fixtures", "arm", file), path.join(dir, file));
        const arm = await verify("--from", dir, "--cluster", "kubenet", "--json");
        expect(JSON.parse(arm.stdout)).toEqual(JSON.parse((await verify("--from", TUTORIAL, "--json")).stdout));
        // ...and a fault in ARM's shape is found, not passed over: the kubenet table left on another subnet.
        const subnet = JSON.parse(fs.readFileSync(path.join(dir, "subnet.json"), "utf8"));
        subnet.properties.routeTable.id = subnet.properties.routeTable.id.replace(
            "aksvnet-kubenet-routes",
            "aks-agentpool-routetable",
        );
        fs.writeFileSync(path.join(dir, "subnet.json"), JSON.stringify(subnet));
        expect((await verify("--from", dir)).stdout).toMatch(
            /^FAIL +the kubenet subnet carries the stack's route table .*attached .*aks-agentpool-routetable, not the stack's/m,
        );
    });
});
