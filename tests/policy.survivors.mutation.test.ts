/**
 * The cases the last Stryker run over policy/policies.ts showed untested (docs/mutation.md): what
 * the pool and subnet policies take for a subnet and for a cluster, values a program can leave
 * absent or null, and where azure-cni-pool-subnet stops when a subnet's size is not known.
 *
 * Null elements are real inputs: Pulumi serializes an `undefined` element of an array as null
 * (@pulumi/pulumi runtime/rpc.js, serializeProperty), and the policy server hands nulls over as
 * they are (@pulumi/policy deserialize.js), so `pools: [system, wanted ? user : undefined]` reaches
 * a policy as `[system, null]`.
 */
import {
    azureCniPoolSubnet,
    deploymentsRestricted,
    kubenetSubnetHasRouteTable,
    loadBalancersInternal,
} from "../policy/policies";
import { Resource, stackReportsOf as reportsOf, violationsOf } from "./helpers/policy";
import { azureCni, cluster, kubenet, subnet, SUBNET_ID } from "./helpers/policyFixtures";

const ROUTE_TABLE_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/kubenet-rt";
const NO_ROUTE_TABLE =
    "but has no routeTable: AKS would attach its own, and the next update would detach it and break pod traffic.";

describe("what the subnet policies take for a subnet", () => {
    // The classic provider's association resources take the subnet's own resource ID as theirs
    // (azurerm_subnet_route_table_association: "id - The ID of the Subnet"); they carry no
    // routeTable and no addressPrefix of their own.
    const association: Resource = {
        type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
        name: "nodes-rt",
        props: { id: SUBNET_ID, subnetId: SUBNET_ID, routeTableId: ROUTE_TABLE_ID },
    };
    const aks = cluster("aks", kubenet, { agentPoolProfiles: [{ name: "system", vnetSubnetID: SUBNET_ID }] });

    test("a route table association that bears the subnet's id is no subnet without a route table", () => {
        // The subnet lives outside the stack (a landing zone's VNet); the stack attaches the table.
        expect(reportsOf(kubenetSubnetHasRouteTable, [aks, association])).toEqual([]);
        // Listed before the stack's Subnet (the association names the subnet by a literal id), it
        // does not hide the Subnet, which reads its table back.
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [
                aks,
                association,
                subnet("nodes", { id: SUBNET_ID, routeTable: { id: ROUTE_TABLE_ID } }),
            ]),
        ).toEqual([]);
        expect(reportsOf(kubenetSubnetHasRouteTable, [aks, association, subnet("nodes", { id: SUBNET_ID })])).toEqual([
            [`subnet nodes hosts kubenet pool system of aks ${NO_ROUTE_TABLE}`, "urn:nodes"],
        ]);
    });

    test("a component that re-exports its cluster's profile is no second cluster: one violation, for the ManagedCluster", () => {
        const wrapper: Resource = {
            type: "lab:index:Cluster",
            name: "aks-component",
            props: { networkProfile: kubenet, agentPoolProfiles: [{ name: "system", vnetSubnetID: SUBNET_ID }] },
        };
        expect(reportsOf(kubenetSubnetHasRouteTable, [wrapper, aks, subnet("nodes", { id: SUBNET_ID })])).toEqual([
            [`subnet nodes hosts kubenet pool system of aks ${NO_ROUTE_TABLE}`, "urn:nodes"],
        ]);
    });
});

describe("pools a cluster leaves absent or null", () => {
    const cniSubnet = subnet("cni-subnet", { id: SUBNET_ID, addressPrefix: "10.220.2.0/24" });

    test("an Azure CNI cluster that declares no pool inline has no pool to judge", () => {
        // Its pools may all be AgentPool resources; there is no inline pool without a subnet.
        expect(reportsOf(azureCniPoolSubnet, [cluster("cni", azureCni), cniSubnet])).toEqual([]);
    });

    test("a null pool names no subnet: Azure CNI reports it on the cluster, by its place (#1), kubenet has nothing to check", () => {
        const reports = reportsOf(azureCniPoolSubnet, [
            cluster("cni", azureCni, { agentPoolProfiles: [null] }),
            cniSubnet,
        ]);
        expect(reports).toHaveLength(1);
        expect(reports[0][0]).toMatch(
            /^Azure CNI pool #1 of cni names no subnet \(vnetSubnetID\): its pods would take addresses from a VNet AKS makes, outside the lab's plan\.$/,
        );
        expect(reports[0][1]).toBe("urn:cni");
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [
                cluster("aks", kubenet, { agentPoolProfiles: [null] }),
                subnet("nodes", { id: SUBNET_ID }),
            ]),
        ).toEqual([]);
    });
});

describe("azure-cni-pool-subnet judges a pool only against a subnet whose size it knows", () => {
    // maxSurge "0" is the address plan's maxSurgeValid error: the capacity rule cannot count the
    // surge. The policy reports it with the capacity, so only where it can read the subnet's size.
    const cni = cluster("cni", azureCni, {
        agentPoolProfiles: [{ name: "system", vnetSubnetID: SUBNET_ID, count: 2, upgradeSettings: { maxSurge: "0" } }],
    });
    test("the subnet's prefix known: the plan's finding, on the cluster, naming pool and subnet", () => {
        expect(
            reportsOf(azureCniPoolSubnet, [
                cni,
                subnet("cni-subnet", { id: SUBNET_ID, addressPrefix: "10.220.2.0/24" }),
            ]),
        ).toEqual([
            [
                "pool system of cni in subnet cni-subnet: 0 surges no node, which AKS accepts only with maxUnavailable (not set by this program); use at least 1, or a percentage",
                "urn:cni",
            ],
        ]);
    });
    test("a subnet outside the stack, or one of the stack without addressPrefix: not judged, and no crash", () => {
        expect(reportsOf(azureCniPoolSubnet, [cni])).toEqual([]);
        expect(reportsOf(azureCniPoolSubnet, [cni, subnet("cni-subnet", { id: SUBNET_ID })])).toEqual([]);
    });
});

describe("workloads a program leaves partly absent", () => {
    test("a null container fails every check under the name ?, not a crash", () => {
        expect(
            violationsOf(deploymentsRestricted, {
                type: "kubernetes:apps/v1:Deployment",
                props: { spec: { template: { spec: { containers: [null] } } } },
            }),
        ).toEqual([
            "container ?: set securityContext.allowPrivilegeEscalation to false.",
            "container ?: drop ALL capabilities (securityContext.capabilities.drop: [ALL]).",
            "container ?: set runAsNonRoot: true (pod or container).",
            "container ?: set seccompProfile.type RuntimeDefault (pod or container).",
            "container ?: declare resources.requests for cpu and memory.",
            "container ?: declare resources.limits for cpu and memory.",
        ]);
    });
    test("a Service without a spec is no load balancer (Kubernetes makes it a ClusterIP)", () => {
        const service = (props: Record<string, unknown>): Resource => ({
            type: "kubernetes:core/v1:Service",
            name: "svc",
            props: { metadata: { name: "svc" }, ...props },
        });
        expect(violationsOf(loadBalancersInternal, service({}))).toEqual([]);
        expect(violationsOf(loadBalancersInternal, service({ spec: { type: "LoadBalancer" } }))).toEqual([
            'Service svc would get a public IP: annotate it service.beta.kubernetes.io/azure-load-balancer-internal: "true".',
        ]);
    });
});
