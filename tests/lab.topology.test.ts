/** The lab's topology and commands are pure: the wiring is checked here without root. */
import { buildAddressPlan, cidr, overlaps } from "../addressPlan";
import { validateConfig } from "../config";
import { rawStackConfig, validatedStackConfig } from "../stackFiles";
import { buildCommands, endpointProbabilities, IpBatch, nodeNatRules } from "../lab/commands";
import { explainPath } from "../lab/explain";
import { labTopologyFor } from "../lab/lab";
import { allNetns, buildLabTopology, KUBENET_SNAT_COMMENT, locate, nginxPods } from "../lab/topology";
import { checkSnapshot } from "../verify/checks";
import { expectedFor } from "../verify/expected";
import { incompletePodsCapture } from "../verify/snapshot";
import { labSnapshot } from "../lab/snapshot";

// Built before the tests, not while the suite is collected: a mutant (npm run mutation) that
// breaks the dev stack's config then fails tests instead of crashing the whole suite.
let plan: ReturnType<typeof buildAddressPlan>;
let labOptions: { stack: string; podsPerNode: number; nginxReplicas: number };
let topology: ReturnType<typeof buildLabTopology>;
beforeAll(() => {
    const devConfig = validateConfig(rawStackConfig("dev")).config!;
    plan = buildAddressPlan(devConfig);
    labOptions = { stack: "dev", podsPerNode: 3, nginxReplicas: devConfig.nginxReplicas };
    topology = buildLabTopology(plan, { name: "t", ...labOptions });
});

describe("topology from the dev stack's plan", () => {
    test("nodes are the plan's nodes; pods fill each node's /24 from .2", () => {
        expect(topology.nodes.map((node) => [node.name, node.ip, node.podCidr, node.bridgeIp, node.gateway])).toEqual(
            plan.nodes.map((node) => [node.name, node.ip, node.podCidr, node.bridgeIp, plan.subnets.kubenet.gateway]),
        );
        expect(topology.nodes[1].pods.map((pod) => pod.ip)).toEqual(["10.100.1.2", "10.100.1.3", "10.100.1.4"]);
    });

    test("the router holds the plan's route table and refuses private ranges without a route", () => {
        expect(topology.router.routes).toEqual(
            plan.routes.map((route, index) => ({
                prefix: route.addressPrefix,
                via: route.nextHopIpAddress,
                dev: `to-node-${index}`,
            })),
        );
        expect(topology.router.unreachable).toContain("10.0.0.0/8");
    });

    test("the external host and the ClusterIP", () => {
        for (const range of [plan.vnetCidr, plan.podCidr, plan.serviceCidr])
            expect(overlaps(cidr(`${topology.external.ip}/32`), cidr(range))).toBe(false);
        expect(topology.service.clusterIp).toBe("10.200.0.100");
        // The nginx Deployment's pods (3 replicas in the dev stack), one per node: the first pod of each.
        expect(topology.service.endpoints).toEqual(["10.100.0.2", "10.100.1.2", "10.100.2.2"]);
    });

    test("nginx's pods: one per node in node order, a second round when replicas outnumber nodes", () => {
        const nodes = [{ pods: ["a0", "a1"] }, { pods: ["b0", "b1"] }];
        expect(nginxPods(nodes, 1)).toEqual(["a0"]);
        expect(nginxPods(nodes, 3)).toEqual(["a0", "b0", "a1"]);
        // More replicas than the lab has pods: the ones that cannot be placed are not invented.
        expect(nginxPods(nodes, 6)).toEqual(["a0", "b0", "a1", "b1"]);
        expect(nginxPods([], 3)).toEqual([]);
    });

    test("namespace names carry the lab prefix; two labs share none", () => {
        const other = buildLabTopology(plan, { name: "u", ...labOptions });
        expect(allNetns(topology).every((netns) => netns.startsWith("akl-t-"))).toBe(true);
        expect(allNetns(topology)).toHaveLength(1 + 1 + 1 + 3 + 9); // router, internet, VM, nodes, pods
        expect(allNetns(topology).filter((netns) => allNetns(other).includes(netns))).toEqual([]);
        expect(() => buildLabTopology(plan, { name: "Bad Name", ...labOptions })).toThrow(/lower-case/);
    });

    test("--nodes overrides the stack's nodeCount through the same validation", () => {
        expect(
            labTopologyFor({ stack: "dev", name: "t", nodes: 10, podsPerNode: 2 })
                .nodes.map((node) => node.ip)
                .slice(-1),
        ).toEqual(["10.220.1.13"]);
        expect(() => labTopologyFor({ stack: "dev", name: "t", nodes: 0, podsPerNode: 2 })).toThrow(
            /nodeCount: 0 is out of range/,
        );
        expect(() => labTopologyFor({ stack: "nope", name: "t", podsPerNode: 2 })).toThrow(/Pulumi\.nope\.yaml/);
    });

    test("locate", () => {
        expect(locate(topology, "10.100.2.3")).toMatchObject({
            kind: "pod",
            node: { name: "node-2" },
            pod: { name: "node-2-pod-1" },
        });
        expect(locate(topology, "10.220.1.5").kind).toBe("node");
        expect(locate(topology, "8.8.8.8").kind).toBe("unknown");
    });
});

describe("commands", () => {
    let phases: ReturnType<typeof buildCommands>;
    let batches: IpBatch[];
    beforeAll(() => {
        phases = buildCommands(topology);
        batches = phases.flat().filter((group): group is IpBatch => group.kind === "ip");
    });

    test("only `netns add` runs in the root namespace; every other command runs inside a lab namespace", () => {
        const rootBatches = batches.filter((batch) => batch.netns === undefined);
        expect(rootBatches).toHaveLength(1);
        expect(rootBatches[0].lines.every((line) => /^netns add akl-t-/.test(line))).toBe(true);
        for (const group of phases.flat()) {
            if (group.kind !== "ip" || group.netns !== undefined) expect(group.netns).toMatch(/^akl-t-/);
        }
    });

    test("the router: /32 links to nodes, the route table, unreachable private ranges", () => {
        const router = batches.find(
            (batch) => batch.netns === topology.router.netns && batch.lines.some((line) => line.startsWith("route")),
        )!;
        expect(router.lines).toEqual(
            expect.arrayContaining([
                "addr add 10.220.1.1/32 dev to-node-0",
                "route add 10.220.1.4/32 dev to-node-0",
                // The route table lives in its own table, consulted only for traffic from kubenet nodes.
                "route add 10.100.0.0/24 via 10.220.1.4 dev to-node-0 table 100",
                "route add 10.100.2.0/24 via 10.220.1.6 dev to-node-2 table 100",
                "rule add iif to-node-0 lookup 100 pref 100",
                "rule add iif to-node-2 lookup 100 pref 100",
                "route add unreachable 10.0.0.0/8",
                // The VM in the services subnet.
                "addr add 10.220.3.1/32 dev to-vm",
                "route add 10.220.3.5/32 dev to-vm",
            ]),
        );
        expect(
            router.lines
                .filter((line) => /^route add 10\.100\./.test(line))
                .every((line) => line.endsWith("table 100")),
        ).toBe(true);
    });

    test("a node: eth0 in the subnet, cbr0 with the slice gateway, pods on the bridge, default via the VNet gateway", () => {
        const node = batches.find(
            (batch) => batch.netns === "akl-t-node-1" && batch.lines.includes("link set cbr0 up"),
        )!;
        expect(node.lines).toEqual(
            expect.arrayContaining([
                "addr add 10.220.1.5/24 dev eth0",
                "addr add 10.100.1.1/24 dev cbr0",
                "link set veth2 master cbr0",
                "route add default via 10.220.1.1 dev eth0",
            ]),
        );
        const pod = batches.find(
            (batch) => batch.netns === "akl-t-node-1-pod-2" && batch.lines.some((line) => line.startsWith("addr")),
        )!;
        expect(pod.lines).toEqual([
            "link set lo up",
            "addr add 10.100.1.4/24 dev eth0",
            "link set eth0 up",
            "route add default via 10.100.1.1 dev eth0",
            // cbr0's fixed MAC (bridge role 0x30, 10.100.1.1): a permanent entry, exempt from gc_thresh3.
            "neigh replace 10.100.1.1 lladdr 02:30:0a:64:01:01 dev eth0 nud permanent",
        ]);
    });

    test("every permanent neighbour entry names the MAC of the interface across its link, and no two interfaces share a MAC", () => {
        // Both clusters, so every kind of link is there: router-host, bridge-pod, Azure CNI node-pod.
        const both = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, clusters: "both" });
        const lines = buildCommands(both)
            .flat()
            .flatMap((group) =>
                group.kind === "ip" ? group.lines.map((line) => ({ netns: group.netns ?? "", line })) : [],
            );
        // Which MAC each (namespace, interface) gets:
        // `link add NAME address MAC ... peer name P address MAC netns N`.
        const macs = new Map<string, string>();
        for (const { netns, line } of lines) {
            const made =
                /^link add (\S+)(?: address (\S+))? type \w+(?: peer name (\S+)(?: address (\S+))? netns (\S+))?/.exec(
                    line,
                );
            if (!made) continue;
            if (made[2]) macs.set(`${netns}/${made[1]}`, made[2]);
            if (made[4]) macs.set(`${made[5]}/${made[3]}`, made[4]);
        }
        expect(new Set(macs.values()).size).toBe(macs.size);
        // Which interface answers for an address: the one the address is on (or, for a gateway the
        // router holds on every link and the Azure CNI node's proxy-ARP gateway, the link's other end).
        const peerOf = new Map<string, string>();
        for (const { netns, line } of lines) {
            const made = /^link add (\S+).* peer name (\S+).* netns (\S+)$/.exec(line);
            if (made) {
                peerOf.set(`${netns}/${made[1]}`, `${made[3]}/${made[2]}`);
                peerOf.set(`${made[3]}/${made[2]}`, `${netns}/${made[1]}`);
            }
        }
        const bridgeOf = new Map<string, string>(); // pod eth0 -> its node's cbr0
        for (const { netns, line } of lines) {
            const port = /^link set (veth\d+) master cbr0$/.exec(line);
            if (port) bridgeOf.set(peerOf.get(`${netns}/${port[1]}`)!, `${netns}/cbr0`);
        }
        const entries = lines.filter(({ line }) => line.startsWith("neigh "));
        expect(entries.length).toBeGreaterThan(0);
        for (const { netns, line } of entries) {
            const [, , mac, dev] = /^neigh replace (\S+) lladdr (\S+) dev (\S+) nud permanent$/.exec(line)!;
            const across = bridgeOf.get(`${netns}/${dev}`) ?? peerOf.get(`${netns}/${dev}`);
            // On a bridge, the neighbour is a pod's eth0 behind one of the bridge's ports.
            const behindBridge =
                dev === "cbr0"
                    ? [...bridgeOf].filter(([, bridge]) => bridge === `${netns}/cbr0`).map(([pod]) => macs.get(pod))
                    : [];
            expect({
                line,
                mac: dev === "cbr0" ? behindBridge.find((candidate) => candidate === mac) : macs.get(across!),
            }).toEqual({ line, mac });
        }
    });

    test("the kubenet SNAT rule, as the tutorial shows it", () => {
        expect(nodeNatRules(topology)).toContain(
            `-A POSTROUTING ! -d 10.100.0.0/16 -m addrtype ! --dst-type LOCAL -m comment --comment "${KUBENET_SNAT_COMMENT}" -j MASQUERADE`,
        );
    });

    test("kube-proxy-style DNAT chains spread evenly over every endpoint", () => {
        const rules = nodeNatRules(topology);
        expect(rules).toContain("-A KUBE-SERVICES -d 10.200.0.100/32 -p tcp -m tcp --dport 80");
        for (const endpoint of topology.service.endpoints)
            expect(rules).toContain(`-j DNAT --to-destination ${endpoint}:8080`);
        expect(endpointProbabilities(3).map(Number)).toEqual([1 / 3, 0.5].map((p) => Number(p.toFixed(11))));
        // Each endpoint's overall share: its own probability times what the earlier rules left over.
        // Spread even over many endpoints (a Service with nine replicas).
        const shares = [...endpointProbabilities(9).map(Number), 1].reduce<{ left: number; shares: number[] }>(
            (acc, p) => ({ left: acc.left * (1 - p), shares: [...acc.shares, acc.left * p] }),
            { left: 1, shares: [] },
        ).shares;
        for (const share of shares) expect(share).toBeCloseTo(1 / 9, 6);
    });
});

describe("explain", () => {
    const say = (src: string, dst: string) => explainPath(topology, src, dst).join(" ");
    test("same node: the bridge", () =>
        expect(say("10.100.0.2", "10.100.0.3")).toMatch(/^same node: .* cbr0 bridge of node-0; .* no SNAT/));
    test("other node: the route table, no SNAT", () => {
        expect(say("10.100.0.2", "10.100.2.3")).toMatch(
            /other node: .*No SNAT.*Route table \(kubenet subnet\): 10\.100\.2\.0\/24 via 10\.220\.1\.6/,
        );
    });
    test("outside: SNAT to the node IP", () =>
        expect(say("10.100.1.2", "203.0.113.10")).toMatch(/SNAT: .* to the node IP 10\.220\.1\.5/));
    test("ClusterIP: DNAT", () =>
        expect(say("10.100.0.2", "10.200.0.100")).toMatch(
            /ClusterIP .* DNAT: .* 3 endpoints at random \(10\.100\.0\.2, 10\.100\.1\.2, 10\.100\.2\.2\)/,
        ));
    test("a pod CIDR address no node holds: dropped", () =>
        expect(say("10.100.0.2", "10.100.99.5")).toMatch(/no route in the route table/));
    test("an unknown source or a text that is no IP is refused (the CLI exits 2)", () => {
        expect(() => say("1.2.3.4", "10.100.0.2")).toThrow(/1\.2\.3\.4 is not a pod, node or host of this lab/);
        expect(() => say("10.100.0.2", "nginx")).toThrow(/"nginx" is not an IPv4 address/);
    });
});

describe("--plugin overlay: the same slices, held by the SDN, no route table to break", () => {
    let overlay: ReturnType<typeof labTopologyFor>;
    beforeAll(() => {
        overlay = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, plugin: "overlay" });
    });

    test("the same nodes and slices as kubenet; the router scopes them to the cluster's nodes", () => {
        expect(overlay.plugin).toBe("overlay");
        expect(overlay.nodes.map((node) => [node.ip, node.podCidr])).toEqual(
            topology.nodes.map((node) => [node.ip, node.podCidr]),
        );
        expect(overlay.router.routes).toEqual(topology.router.routes);
    });

    test("ip-masq-agent keeps the pod CIDR instead of kubenet's rule", () => {
        const rules = nodeNatRules(overlay);
        expect(rules).not.toContain(KUBENET_SNAT_COMMENT);
        expect(rules).toContain(
            '-A IP-MASQ-AGENT -d 10.100.0.0/16 -m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN',
        );
        expect(rules).toContain("-A KUBE-SERVICES -d 10.200.0.100/32");
    });

    test("explain speaks of the SDN and ip-masq-agent", () => {
        const say = (src: string, dst: string) => explainPath(overlay, src, dst).join(" ");
        expect(say("10.100.0.2", "10.100.2.3")).toMatch(
            /ip-masq-agent \(non-masquerade: the pod CIDR\) skips it.*Overlay \(Azure's SDN, for the cluster's own nodes\): 10\.100\.2\.0\/24 via 10\.220\.1\.6/,
        );
        expect(say("10.220.3.5", "10.100.0.2")).toMatch(/Overlay pod address .*\(Azure\/AKS#4871\)/);
    });
});

describe("the lab as a cluster: its snapshot is what verify expects (pure, no root)", () => {
    test.each<[string, "main" | "azurecni"]>([
        ["the main cluster", "main"],
        ["the Azure CNI cluster", "azurecni"],
    ])("%s passes every check, with exactly nginxReplicas nginx pods and kube-system present", (_, cluster) => {
        const topology = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, clusters: "both" });
        const expected = expectedFor(validatedStackConfig("dev", { azureCniCluster: "true" }), cluster);
        const routes = topology.router.routes.map((route) => ({
            dst: route.prefix,
            gateway: route.via,
            dev: route.dev,
        }));
        const snapshot = labSnapshot(topology, expected, routes);
        expect(checkSnapshot(expected, snapshot).filter((check) => !check.ok)).toEqual([]);
        expect(incompletePodsCapture(snapshot.pods.items, expected.nginx.namespace)).toBeUndefined();
        const nginx = snapshot.pods.items.filter((pod) => pod.metadata?.namespace === expected.nginx.namespace);
        expect(nginx).toHaveLength(expected.nginx.replicas);
        expect(new Set(nginx.map((pod) => pod.spec?.nodeName)).size).toBe(expected.nginx.replicas);
    });
});
