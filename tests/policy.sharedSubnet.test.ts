/**
 * Pools that share a subnet: on classic Azure CNI every node and every pod of every pool takes an
 * address of the subnet its pool names (learn.microsoft.com/azure/aks/concepts-network-legacy-cni:
 * "(number of nodes + upgrade surge) x (max pods per node + 1)"), so azure-cni-pool-subnet adds the
 * pools of one subnet up, AgentPool resources and other clusters' pools included, each at its peak.
 *
 * Values by hand: a /24 keeps 256 - 5 = 251 addresses (Azure reserves 5 per subnet); at maxPods 30 a
 * node takes 31; AKS's default surge is 10% of the pool, rounded up (1 node for pools of 1 to 10).
 */
import { azureCniPoolSubnet, kubenetSubnetHasRouteTable } from "../policy/policies";
import { Resource, stackReportsOf as reportsOf } from "./helpers/policy";
import { azureCni, cluster, kubenet, subnet, SUBNET_ID } from "./helpers/policyFixtures";

const AGENT_POOL = "azure-native:containerservice:AgentPool";
const OTHER_SUBNET_ID = SUBNET_ID.replace(/nodes$/, "more-nodes");
const cniSubnet = subnet("cni-subnet", { id: SUBNET_ID, addressPrefix: "10.220.2.0/24" });

const pool = (name: string, extra: Record<string, unknown>) => ({
    name,
    vnetSubnetID: SUBNET_ID,
    maxPods: 30,
    ...extra,
});
const agentPool = (name: string, clusterName: string, extra: Record<string, unknown>): Resource => ({
    type: AGENT_POOL,
    name: `${clusterName}-${name}`,
    props: {
        agentPoolName: name,
        resourceName: clusterName,
        resourceGroupName: "rg",
        vnetSubnetID: SUBNET_ID,
        maxPods: 30,
        ...extra,
    },
});
const cniCluster = (name: string, pools: unknown[]) =>
    cluster(name, azureCni, { resourceName: name, resourceGroupName: "rg", agentPoolProfiles: pools });

const TOGETHER =
    "at their peak with their upgrade surge, and it has 251 after Azure's 5 reserved ones. Lower a pool's count, " +
    "maxCount or maxPods, give a pool a subnet of its own, or use a larger subnet.";

describe("azure-cni-pool-subnet adds up the pools of one subnet", () => {
    test("two inline pools that each fit alone but not together: (3 + 1) x 31 = 124 and (4 + 1) x 31 = 155 make 279 of 251", () => {
        const cni = cniCluster("cni", [pool("system", { count: 3 }), pool("user", { count: 4 })]);
        expect(reportsOf(azureCniPoolSubnet, [cni, cniSubnet])).toEqual([
            [
                "subnet cni-subnet (10.220.2.0/24) holds Azure CNI pools that each fit alone but not together: " +
                    `system of cni 124, user of cni 155 = 279 addresses ${TOGETHER}`,
                "urn:cni-subnet",
            ],
        ]);
    });

    test("pools that fill the subnet to its last address fit: (2 + 1) x 31 = 93 and (1 + 1) x 79 = 158 make 251 of 251", () => {
        const cni = cniCluster("cni", [pool("system", { count: 2 }), pool("user", { count: 1, maxPods: 78 })]);
        expect(reportsOf(azureCniPoolSubnet, [cni, cniSubnet])).toEqual([]);
        // One more pod per user node: (1 + 1) x 80 = 160, and 93 + 160 = 253 > 251.
        const fuller = cniCluster("cni", [pool("system", { count: 2 }), pool("user", { count: 1, maxPods: 79 })]);
        expect(reportsOf(azureCniPoolSubnet, [fuller, cniSubnet]).map(([message]) => message)).toEqual([
            "subnet cni-subnet (10.220.2.0/24) holds Azure CNI pools that each fit alone but not together: " +
                `system of cni 93, user of cni 160 = 253 addresses ${TOGETHER}`,
        ]);
    });

    test("an AgentPool of the cluster counts at its autoscaler's maxCount: 4 nodes do not fit beside the system pool, 3 do", () => {
        const cni = cniCluster("cni", [pool("system", { count: 3 })]);
        const user = (maxCount: number) =>
            agentPool("user", "cni", { count: 2, enableAutoScaling: true, maxCount, minCount: 1 });
        // maxCount 4: (4 + 1) x 31 = 155, and 124 + 155 = 279 > 251.
        expect(reportsOf(azureCniPoolSubnet, [cni, user(4), cniSubnet]).map(([message]) => message)).toEqual([
            "subnet cni-subnet (10.220.2.0/24) holds Azure CNI pools that each fit alone but not together: " +
                `system of cni 124, user of cni 155 = 279 addresses ${TOGETHER}`,
        ]);
        // maxCount 3: (3 + 1) x 31 = 124, and 124 + 124 = 248 <= 251.
        expect(reportsOf(azureCniPoolSubnet, [cni, user(3), cniSubnet])).toEqual([]);
    });

    test("an AgentPool of another cluster (another name or group) is not this cluster's pool", () => {
        const cni = cniCluster("cni", [pool("system", { count: 3 })]);
        const elsewhere = { ...agentPool("user", "cni", { count: 4 }), name: "stray" };
        elsewhere.props = { ...elsewhere.props, resourceGroupName: "other-rg" };
        expect(reportsOf(azureCniPoolSubnet, [cni, elsewhere, cniSubnet])).toEqual([]);
    });

    test("two clusters' pools in one subnet add up too", () => {
        const first = cniCluster("cni-a", [pool("system", { count: 3 })]);
        const second = cniCluster("cni-b", [pool("system", { count: 4 })]);
        expect(reportsOf(azureCniPoolSubnet, [first, second, cniSubnet]).map(([message]) => message)).toEqual([
            "subnet cni-subnet (10.220.2.0/24) holds Azure CNI pools that each fit alone but not together: " +
                `system of cni-a 124, system of cni-b 155 = 279 addresses ${TOGETHER}`,
        ]);
    });

    test("pools in subnets of their own are judged apart", () => {
        const cni = cniCluster("cni", [
            pool("system", { count: 3 }),
            pool("user", { count: 4, vnetSubnetID: OTHER_SUBNET_ID }),
        ]);
        const moreNodes = subnet("more-nodes", { id: OTHER_SUBNET_ID, addressPrefix: "10.220.4.0/24" });
        expect(reportsOf(azureCniPoolSubnet, [cni, cniSubnet, moreNodes])).toEqual([]);
    });

    test("an inline pool that autoscales is judged at its maxCount: (8 + 1) x 31 = 279 of 251, where its count of 3 takes 124", () => {
        const cni = cniCluster("cni", [pool("system", { count: 3, enableAutoScaling: true, maxCount: 8 })]);
        const reports = reportsOf(azureCniPoolSubnet, [cni, cniSubnet]);
        expect(reports).toHaveLength(1);
        expect(reports[0][0]).toMatch(
            /^pool system of cni in subnet cni-subnet: azureCniNodeCount 8 \(.*\) x \(azureCniMaxPods 30 \+ 1\) = 279 addresses, but azureCniSubnetCidr 10\.220\.2\.0\/24 has 251 /,
        );
        expect(reportsOf(azureCniPoolSubnet, [cniCluster("cni", [pool("system", { count: 3 })]), cniSubnet])).toEqual(
            [],
        );
    });

    test("a pool that does not fit alone is reported alone, not again with the subnet's other pools", () => {
        // (8 + 1) x 31 = 279 alone; the other pool's 124 would only repeat it.
        const cni = cniCluster("cni", [pool("system", { count: 3 }), pool("user", { count: 8 })]);
        const reports = reportsOf(azureCniPoolSubnet, [cni, cniSubnet]);
        expect(reports.map(([message]) => message.split(":")[0])).toEqual(["pool user of cni in subnet cni-subnet"]);
    });
});

describe("kubenet-subnet-has-route-table judges an AgentPool's subnet too", () => {
    test("a user pool in a subnet without a route table is reported like the system pool", () => {
        const aks = cluster("aks", kubenet, {
            resourceName: "aks",
            resourceGroupName: "rg",
            agentPoolProfiles: [{ name: "system", vnetSubnetID: OTHER_SUBNET_ID }],
        });
        const routed = subnet("nodes-routed", {
            id: OTHER_SUBNET_ID,
            routeTable: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt" },
        });
        const user = agentPool("user", "aks", { count: 2 });
        expect(reportsOf(kubenetSubnetHasRouteTable, [aks, routed, user, subnet("nodes", { id: SUBNET_ID })])).toEqual([
            [
                "subnet nodes hosts kubenet pool user of aks but has no routeTable: AKS would attach its own, and the " +
                    "next update would detach it and break pod traffic.",
                "urn:nodes",
            ],
        ]);
    });
});
