/** The lab's topology and commands are pure: the wiring is checked here without root. */
import { buildAddressPlan, cidr, overlaps } from "../addressPlan";
import { validateConfig } from "../config";
import { rawStackConfig } from "../stackFiles";
import { buildCommands, endpointProbabilities, IpBatch, nodeNatRules } from "../lab/commands";
import { explainPath } from "../lab/explain";
import { labTopologyFor } from "../lab/lab";
import { allNetns, buildLabTopology, KUBENET_SNAT_COMMENT, locate } from "../lab/topology";

const plan = buildAddressPlan(validateConfig(rawStackConfig("dev")).config!);
const topology = buildLabTopology(plan, { name: "t", stack: "dev", podsPerNode: 3 });

describe("topology from the dev stack's plan", () => {
    test("nodes are the plan's nodes; pods fill each node's /24 from .2", () => {
        expect(topology.nodes.map((node) => [node.name, node.ip, node.podCidr, node.bridgeIp, node.gateway])).toEqual(
            plan.nodes.map((node) => [node.name, node.ip, node.podCidr, node.bridgeIp, plan.subnets.kubenet.gateway]),
        );
        expect(topology.nodes[1].pods.map((pod) => pod.ip)).toEqual(["10.100.1.2", "10.100.1.3", "10.100.1.4"]);
    });

    test("the router holds the plan's route table and refuses private ranges without a route", () => {
        expect(topology.router.routes).toEqual(plan.routes.map((route) => ({ prefix: route.addressPrefix, via: route.nextHopIpAddress })));
        expect(topology.router.unreachable).toContain("10.0.0.0/8");
    });

    test("the external host and the ClusterIP", () => {
        for (const range of [plan.vnetCidr, plan.podCidr, plan.serviceCidr]) expect(overlaps(cidr(`${topology.external.ip}/32`), cidr(range))).toBe(false);
        expect(topology.service.clusterIp).toBe("10.200.0.100");
        expect(topology.service.endpoints).toHaveLength(9);
    });

    test("namespace names carry the lab prefix; two labs share none", () => {
        const other = buildLabTopology(plan, { name: "u", stack: "dev", podsPerNode: 3 });
        expect(allNetns(topology).every((netns) => netns.startsWith("akl-t-"))).toBe(true);
        expect(allNetns(topology)).toHaveLength(1 + 1 + 3 + 9);
        expect(allNetns(topology).filter((netns) => allNetns(other).includes(netns))).toEqual([]);
        expect(() => buildLabTopology(plan, { name: "Bad Name", stack: "dev", podsPerNode: 3 })).toThrow(/lower-case/);
    });

    test("--nodes overrides the stack's nodeCount through the same validation", () => {
        expect(labTopologyFor({ stack: "dev", name: "t", nodes: 10, podsPerNode: 2 }).nodes.map((node) => node.ip).slice(-1)).toEqual(["10.220.1.13"]);
        expect(() => labTopologyFor({ stack: "dev", name: "t", nodes: 0, podsPerNode: 2 })).toThrow(/nodeCount: 0 is out of range/);
        expect(() => labTopologyFor({ stack: "nope", name: "t", podsPerNode: 2 })).toThrow(/Pulumi\.nope\.yaml/);
    });

    test("locate", () => {
        expect(locate(topology, "10.100.2.3")).toMatchObject({ kind: "pod", node: { name: "node-2" }, pod: { name: "node-2-pod-1" } });
        expect(locate(topology, "10.220.1.5").kind).toBe("node");
        expect(locate(topology, "8.8.8.8").kind).toBe("unknown");
    });
});

describe("commands", () => {
    const phases = buildCommands(topology);
    const batches = phases.flat().filter((group): group is IpBatch => group.kind === "ip");

    test("only `netns add` runs in the root namespace; every other command runs inside a lab namespace", () => {
        const rootBatches = batches.filter((batch) => batch.netns === undefined);
        expect(rootBatches).toHaveLength(1);
        expect(rootBatches[0].lines.every((line) => /^netns add akl-t-/.test(line))).toBe(true);
        for (const group of phases.flat()) {
            if (group.kind !== "ip" || group.netns !== undefined) expect(group.netns).toMatch(/^akl-t-/);
        }
    });

    test("the router: /32 links to nodes, the route table, unreachable private ranges", () => {
        const router = batches.find((batch) => batch.netns === topology.router.netns && batch.lines.some((line) => line.startsWith("route")))!;
        expect(router.lines).toEqual(expect.arrayContaining([
            "addr add 10.220.1.1/32 dev to-node-0",
            "route add 10.220.1.4/32 dev to-node-0",
            "route add 10.100.0.0/24 via 10.220.1.4",
            "route add 10.100.2.0/24 via 10.220.1.6",
            "route add unreachable 10.0.0.0/8",
        ]));
    });

    test("a node: eth0 in the subnet, cbr0 with the slice gateway, pods on the bridge, default via the VNet gateway", () => {
        const node = batches.find((batch) => batch.netns === "akl-t-node-1" && batch.lines.includes("link set cbr0 up"))!;
        expect(node.lines).toEqual(expect.arrayContaining([
            "addr add 10.220.1.5/24 dev eth0",
            "addr add 10.100.1.1/24 dev cbr0",
            "link set veth2 master cbr0",
            "route add default via 10.220.1.1 dev eth0",
        ]));
        const pod = batches.find((batch) => batch.netns === "akl-t-node-1-pod-2" && batch.lines.some((line) => line.startsWith("addr")))!;
        expect(pod.lines).toEqual(["link set lo up", "addr add 10.100.1.4/24 dev eth0", "link set eth0 up", "route add default via 10.100.1.1 dev eth0"]);
    });

    test("the kubenet SNAT rule, as the seed shows it", () => {
        expect(nodeNatRules(topology)).toContain(`-A POSTROUTING ! -d 10.100.0.0/16 -m addrtype ! --dst-type LOCAL -m comment --comment "${KUBENET_SNAT_COMMENT}" -j MASQUERADE`);
    });

    test("kube-proxy-style DNAT chains spread evenly over every endpoint", () => {
        const rules = nodeNatRules(topology);
        expect(rules).toContain("-A KUBE-SERVICES -d 10.200.0.100/32 -p tcp -m tcp --dport 80");
        for (const endpoint of topology.service.endpoints) expect(rules).toContain(`-j DNAT --to-destination ${endpoint}:8080`);
        expect(endpointProbabilities(3).map(Number)).toEqual([1 / 3, 0.5].map((p) => Number(p.toFixed(11))));
        // Each endpoint's overall share: its own probability times what the earlier rules left over.
        const shares = [...endpointProbabilities(9).map(Number), 1].reduce<{ left: number; shares: number[] }>(
            (acc, p) => ({ left: acc.left * (1 - p), shares: [...acc.shares, acc.left * p] }), { left: 1, shares: [] }).shares;
        for (const share of shares) expect(share).toBeCloseTo(1 / 9, 6);
    });
});

describe("explain", () => {
    const say = (src: string, dst: string) => explainPath(topology, src, dst).join(" ");
    test("same node: the bridge", () => expect(say("10.100.0.2", "10.100.0.3")).toMatch(/^same node: .* cbr0 bridge of node-0; .* no SNAT/));
    test("other node: the route table, no SNAT", () => {
        expect(say("10.100.0.2", "10.100.2.3")).toMatch(/other node: .*No SNAT.*Route table: 10\.100\.2\.0\/24 via 10\.220\.1\.6/);
    });
    test("outside: SNAT to the node IP", () => expect(say("10.100.1.2", "203.0.113.10")).toMatch(/SNAT: .* to the node IP 10\.220\.1\.5/));
    test("ClusterIP: DNAT", () => expect(say("10.100.0.2", "10.200.0.100")).toMatch(/ClusterIP .* DNAT: .* 9 endpoints/));
    test("a pod CIDR address no node holds: dropped", () => expect(say("10.100.0.2", "10.100.99.5")).toMatch(/no route in the route table/));
    test("an unknown source or a text that is no IP is refused (the CLI exits 2)", () => {
        expect(() => say("1.2.3.4", "10.100.0.2")).toThrow(/1\.2\.3\.4 is not a pod or node of this lab/);
        expect(() => say("10.100.0.2", "nginx")).toThrow(/"nginx" is not an IPv4 address/);
    });
});
