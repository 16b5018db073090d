/** Part 2 of the lab, pure: both clusters, kubenet and Azure CNI, on one VNet; checked without root. */
import { buildAddressPlan } from "../addressPlan";
import { validateConfig } from "../config";
import { rawStackConfig } from "../stackFiles";
import { azureCniNatRules, buildCommands, IpBatch, routerFilterRules, SysctlGroup } from "../lab/commands";
import { explainPath } from "../lab/explain";
import { labTopologyFor } from "../lab/lab";
import { allNetns } from "../lab/topology";

describe("part 2: both clusters on one VNet", () => {
    // Built before the tests, not while the suite is collected (see lab.topology.test.ts).
    let both: ReturnType<typeof labTopologyFor>;
    let phases: ReturnType<typeof buildCommands>;
    let batches: IpBatch[];
    beforeAll(() => {
        both = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, clusters: "both" });
        phases = buildCommands(both);
        batches = phases.flat().filter((group): group is IpBatch => group.kind === "ip");
    });
    const batchIn = (netns: string, marker: string) =>
        batches.find((batch) => batch.netns === netns && batch.lines.some((line) => line.includes(marker)))!;

    test("the Azure CNI cluster from the plan: nodes and pods take azurecni subnet addresses, each node its block", () => {
        const planned = buildAddressPlan(
            validateConfig(rawStackConfig("dev", { azureCniCluster: "true" })).config!,
        ).azureCni!;
        expect(both.azureCni!.nodes.map((node) => [node.name, node.ip, node.pods.map((pod) => pod.ip)])).toEqual([
            ["cni-node-0", "10.220.2.4", ["10.220.2.5", "10.220.2.6", "10.220.2.7"]],
            ["cni-node-1", "10.220.2.35", ["10.220.2.36", "10.220.2.37", "10.220.2.38"]],
            ["cni-node-2", "10.220.2.66", ["10.220.2.67", "10.220.2.68", "10.220.2.69"]],
        ]);
        expect(both.azureCni!.nodes.map((node) => node.ip)).toEqual(planned.nodes.map((node) => node.ip));
        expect(both.vnetHost).toMatchObject({ ip: "10.220.3.5", gateway: "10.220.3.1", netns: "akl-t-vm" });
        expect(allNetns(both)).toHaveLength(3 + 2 * (3 + 9));
    });

    test("the default follows the stack: kubenet unless azureCniCluster is on; the CNI capacity rule still holds", () => {
        expect(labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3 }).azureCni).toBeUndefined();
        expect(labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, clusters: "azurecni" }).nodes).toEqual([]);
        expect(() => labTopologyFor({ stack: "dev", name: "t", nodes: 100, podsPerNode: 3, clusters: "both" })).toThrow(
            /azureCniNodeCount: azureCniNodeCount 100 .*largest azureCniNodeCount that fits at azureCniMaxPods 30 is 7.*\(with --nodes 100\)/,
        );
        expect(() => labTopologyFor({ stack: "dev", name: "t", podsPerNode: 31, clusters: "azurecni" })).toThrow(
            /--pods 31: use 1 to 30 pods per node \(azureCniMaxPods 30\)/,
        );
    });

    test("an Azure CNI node: no bridge, a /32 route per pod to its veth, proxy ARP for the pods' link-local gateway", () => {
        const node = batchIn("akl-t-cni-node-1", "dev eth0");
        expect(node.lines).toEqual([
            "link set lo up",
            "addr add 10.220.2.35/24 dev eth0",
            "link set eth0 up",
            "link set veth0 up",
            "route add 10.220.2.36/32 dev veth0",
            "neigh replace 10.220.2.36 lladdr 02:10:0a:dc:02:24 dev veth0 nud permanent",
            "link set veth1 up",
            "route add 10.220.2.37/32 dev veth1",
            "neigh replace 10.220.2.37 lladdr 02:10:0a:dc:02:25 dev veth1 nud permanent",
            "link set veth2 up",
            "route add 10.220.2.38/32 dev veth2",
            "neigh replace 10.220.2.38 lladdr 02:10:0a:dc:02:26 dev veth2 nud permanent",
            "route add default via 10.220.2.1 dev eth0",
            "neigh replace 10.220.2.1 lladdr 02:20:0a:dc:02:23 dev eth0 nud permanent",
        ]);
        expect(JSON.stringify(phases)).not.toMatch(/akl-t-cni-node-1"[^}]*cbr0/);
        const sysctl = phases
            .flat()
            .find((group): group is SysctlGroup => group.kind === "sysctl" && group.netns === "akl-t-cni-node-1")!;
        expect(sysctl.settings).toMatchObject({
            "net.ipv4.ip_forward": "1",
            "net.ipv4.conf.veth0.proxy_arp": "1",
            "net.ipv4.conf.veth2.proxy_arp": "1",
        });
        expect(batchIn("akl-t-cni-node-1-pod-2", "addr").lines).toEqual([
            "link set lo up",
            "addr add 10.220.2.38/32 dev eth0",
            "link set eth0 up",
            "route add 169.254.1.1 dev eth0 scope link",
            "route add default via 169.254.1.1 dev eth0",
            "neigh replace 169.254.1.1 lladdr 02:40:0a:dc:02:26 dev eth0 nud permanent",
        ]);
    });

    test("the VNet's SDN knows every Azure CNI pod; there is no route table for that subnet", () => {
        const router = batchIn(both.router.netns, "rule add");
        expect(router.lines).toEqual(
            expect.arrayContaining([
                "route add 10.220.2.36/32 via 10.220.2.35 dev to-cni-node-1",
                "addr add 10.220.2.1/32 dev to-cni-node-1",
            ]),
        );
        expect(router.lines.filter((line) => line.startsWith("rule add"))).toEqual([
            "rule add iif to-node-0 lookup 100 pref 100",
            "rule add iif to-node-1 lookup 100 pref 100",
            "rule add iif to-node-2 lookup 100 pref 100",
        ]);
    });

    test("ip-masq-agent keeps the pod IP inside the VNet and masquerades the rest; the internet opens nothing inside", () => {
        const rules = azureCniNatRules(both);
        expect(rules).toContain(
            '-A IP-MASQ-AGENT -d 10.220.0.0/16 -m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN',
        );
        expect(rules.indexOf("-j RETURN")).toBeLessThan(rules.lastIndexOf("-j MASQUERADE"));
        const filter = routerFilterRules(both);
        expect(filter).toContain("-A FORWARD -i to-internet -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT");
        expect(filter).toMatch(/-A FORWARD -i to-internet .* -j REJECT/);
    });

    describe("explain names the rule for each of part 2's cases", () => {
        const say = (src: string, dst: string) => explainPath(both, src, dst).join(" ");
        const [kubenetPod, cniPod, otherCniPod, vm, internet] = [
            "10.100.0.2",
            "10.220.2.5",
            "10.220.2.36",
            "10.220.3.5",
            "203.0.113.10",
        ];
        test.each([
            [
                "1. kubenet pod -> VM",
                kubenetPod,
                vm,
                /kubenet MASQUERADE rule rewrites the source 10\.100\.0\.2 to the node IP 10\.220\.1\.4/,
            ],
            [
                "2. Azure CNI pod -> VM",
                cniPod,
                vm,
                /ip-masq-agent's non-masquerade range, so the pod IP 10\.220\.2\.5 is kept/,
            ],
            [
                "3. Azure CNI pod -> internet",
                cniPod,
                internet,
                /ip-masq-agent's MASQUERADE rewrites the source 10\.220\.2\.5 to the node IP 10\.220\.2\.4/,
            ],
            [
                "4. VM -> Azure CNI pod",
                vm,
                cniPod,
                /SDN route: Azure's SDN knows every Azure CNI pod address \(10\.220\.2\.5\/32 via 10\.220\.2\.4\)/,
            ],
            [
                "5. VM -> kubenet pod",
                vm,
                kubenetPod,
                /No answer: .* route table .* attached to the kubenet subnet only/,
            ],
            ["6. internet -> kubenet pod", internet, kubenetPod, /No answer: nothing in the VNet has a public IP/],
            ["7. Azure CNI pod -> pod on another node", cniPod, otherCniPod, /pod IP 10\.220\.2\.5 is kept.*SDN route/],
            [
                "8. kubenet pod -> Azure CNI pod",
                kubenetPod,
                cniPod,
                /MASQUERADE rule rewrites the source 10\.100\.0\.2 to the node IP 10\.220\.1\.4.*SDN route/,
            ],
            [
                "9. Azure CNI pod -> kubenet pod",
                cniPod,
                kubenetPod,
                /No answer: .* from the azurecni subnet 10\.220\.2\.0\/24 the VNet has no route for 10\.100\.0\.0\/16/,
            ],
        ])("%s", (_, src, dst, expected) => expect(say(src, dst)).toMatch(expected));
        test("same Azure CNI node: the /32 route to the veth", () =>
            expect(say("10.220.2.5", "10.220.2.6")).toMatch(
                /^same node: .* route 10\.220\.2\.6\/32 dev veth1; no bridge, no SNAT/,
            ));
    });
});
