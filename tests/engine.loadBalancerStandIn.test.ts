/**
 * The load balancer stand-in (not AKS's cloud controller) of the engine's control plane: which
 * subnet a Service's internal load balancer takes its address from, and which address.
 *
 * What AKS does, from learn.microsoft.com/azure/aks/internal-lb: the address is "dynamically
 * assigned from the same subnet as the AKS cluster" unless the Service's
 * `service.beta.kubernetes.io/azure-load-balancer-internal-subnet` annotation names another subnet
 * of the cluster's VNet. Azure keeps a subnet's first four addresses and its last
 * (learn.microsoft.com/azure/virtual-network/virtual-networks-faq), so .4 is a /24's first.
 *
 * Under a rehearsal the subnets come from the Azure stand-in's state, here built from real ARM
 * captures (a kubenet cluster and its VNet's subnets, one the plan does not have), so the
 * addresses below do not come from the address plan verify checks them against.
 */
import { buildAddressPlan } from "../addressPlan";
import {
    allocateAddress,
    asLoadBalancerService,
    assignments,
    azureStateSubnets,
    LoadBalancerService,
    planSubnets,
} from "../engine/loadBalancerStandIn";
import { validatedStackConfig } from "../stackFiles";
import { describeWithRealdata, readCapture } from "./helpers/realdata";

const plan = buildAddressPlan(validatedStackConfig("dev"));
const nodeIps = plan.nodes.map((node) => node.ip);
const service = (name: string, extra: Partial<LoadBalancerService> = {}): LoadBalancerService => ({
    namespace: "nginx",
    name,
    subnetName: "services",
    ...extra,
});

describe("from the stack's address plan (engine up, no rehearsal: no Azure to read)", () => {
    const resolve = planSubnets(plan);

    it("the subnet the annotation names, by its Azure name: the lowest address after Azure's reserved ones", () => {
        expect(resolve("services")).toEqual({ name: "services", cidr: "10.220.3.0/24" });
        expect(allocateAddress(resolve("services"), service("a"), new Set())).toBe("10.220.3.4");
        expect(allocateAddress(resolve("services"), service("a"), new Set(["10.220.3.4"]))).toBe("10.220.3.5");
    });

    it("without the annotation the nodes' subnet, past the nodes' addresses (10.220.1.4-6)", () => {
        expect(resolve(undefined)).toEqual({ name: "kubenet", cidr: "10.220.1.0/24" });
        const [only] = assignments(resolve, nodeIps, [service("plain", { subnetName: undefined })]);
        expect(only.ip).toBe("10.220.1.7");
    });

    it("a subnet the VNet does not hold gives no address (AKS leaves the Service pending), never another subnet's", () => {
        expect(resolve("ingress")).toEqual({ name: "ingress", cidr: undefined });
        expect(assignments(resolve, nodeIps, [service("lost", { subnetName: "ingress" })])).toEqual([
            { service: service("lost", { subnetName: "ingress" }), ip: undefined, subnet: { name: "ingress" } },
        ]);
    });

    it("spec.loadBalancerIP: that address when the subnet holds it and it is free, else none (never another)", () => {
        const asking = (ip: string) => service("a", { requestedIp: ip });
        expect(allocateAddress(resolve("services"), asking("10.220.3.9"), new Set())).toBe("10.220.3.9");
        expect(allocateAddress(resolve("services"), asking("10.220.1.9"), new Set())).toBeUndefined();
        expect(allocateAddress(resolve("services"), asking("10.220.3.9"), new Set(["10.220.3.9"]))).toBeUndefined();
        // .0-.3 and .255 are Azure's.
        expect(allocateAddress(resolve("services"), asking("10.220.3.2"), new Set())).toBeUndefined();
        expect(allocateAddress(resolve("services"), asking("10.220.3.255"), new Set())).toBeUndefined();
    });

    it("assigns each Service without an address once, and never one already given", () => {
        const result = assignments(resolve, nodeIps, [
            service("has", { ingressIp: "10.220.3.4" }),
            service("one"),
            service("two"),
        ]);
        expect(result.map((entry) => [entry.service.name, entry.ip])).toEqual([
            ["one", "10.220.3.5"],
            ["two", "10.220.3.6"],
        ]);
    });

    it("reads only LoadBalancer Services", () => {
        expect(asLoadBalancerService({ spec: { type: "ClusterIP" } })).toBeUndefined();
        expect(
            asLoadBalancerService({
                metadata: { name: "nginx", namespace: "nginx" },
                spec: { type: "LoadBalancer" },
                status: { loadBalancer: { ingress: [{ ip: "10.0.0.1" }] } },
            }),
        ).toMatchObject({ name: "nginx", ingressIp: "10.0.0.1" });
    });
});

describeWithRealdata("from the Azure stand-in's state (a rehearsal): the VNet the cluster's pools name", () => {
    // m1b: a kubenet cluster as ARM returns it, nodepool1 in .../virtualNetworks/aksvnet/subnets/kubenet;
    // m2b: aksvnet's subnets as ARM lists them, with an application gateway's subnet the plan lacks.
    // Read in beforeAll: describeWithRealdata skips without the captures, but jest still runs the
    // body of a skipped describe to collect its tests.
    type State = { resources: Record<string, { type: string; body: { id: string } }> };
    let subnets: Array<{ id: string }>;
    let state: State;
    let resolve: ReturnType<typeof azureStateSubnets>;
    beforeAll(() => {
        const cluster = readCapture("m1b-kubenet-ready-arm-cluster/cluster.json");
        subnets = readCapture<Array<{ id: string }>>("m2b-kubenet-rt-shared-with-appgw-arm-subnets/subnets.json");
        state = {
            resources: {
                cluster: { type: "azure-native:containerservice:ManagedCluster", body: cluster },
                ...Object.fromEntries(
                    subnets.map((subnet) => [subnet.id, { type: "azure-native:network:Subnet", body: subnet }]),
                ),
            },
        };
        resolve = azureStateSubnets(state);
    });

    it("takes the annotated subnet's range as Azure holds it, a subnet the plan does not know included", () => {
        expect(resolve("services")).toEqual({ name: "services", cidr: "10.220.3.0/24" });
        expect(resolve("ingress-appgateway-subnet")).toEqual({
            name: "ingress-appgateway-subnet",
            cidr: "10.220.4.0/24",
        });
        expect(assignments(resolve, [], [service("gw", { subnetName: "ingress-appgateway-subnet" })])[0].ip).toBe(
            "10.220.4.4",
        );
    });

    it("without the annotation the subnet of the cluster's nodes (kubenet)", () => {
        expect(resolve(undefined)).toEqual({ name: "kubenet", cidr: "10.220.1.0/24" });
    });

    it("a subnet the program did not deploy (or not yet) is not found: the Service stays pending", () => {
        expect(resolve("ingress")).toEqual({ name: "ingress", cidr: undefined });
        const withoutServices = {
            resources: Object.fromEntries(
                Object.entries(state.resources).filter(([id]) => !id.endsWith("/subnets/services")),
            ),
        };
        expect(azureStateSubnets(withoutServices)("services")).toEqual({ name: "services", cidr: undefined });
    });

    it("a subnet of the same name in a VNet no cluster names is not the cluster's", () => {
        const elsewhere = JSON.parse(JSON.stringify(subnets.find((subnet) => subnet.id.endsWith("/services"))));
        elsewhere.id = elsewhere.id.replace("/virtualNetworks/aksvnet/", "/virtualNetworks/othervnet/");
        elsewhere.properties.addressPrefix = "10.99.0.0/24";
        const onlyElsewhere = {
            resources: {
                cluster: state.resources.cluster,
                other: { type: "azure-native:network:Subnet", body: elsewhere },
            },
        };
        expect(azureStateSubnets(onlyElsewhere)("services")).toEqual({ name: "services", cidr: undefined });
    });

    it("an empty or absent state holds no subnet", () => {
        expect(azureStateSubnets({})("services")).toEqual({ name: "services", cidr: undefined });
        expect(azureStateSubnets(undefined)(undefined).cidr).toBeUndefined();
    });
});
