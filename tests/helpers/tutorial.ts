/**
 * The tutorial's cluster, as tests expect it: `az aks create --network-plugin kubenet --pod-cidr
 * 10.100.0.0/16 --service-cidr 10.200.0.0/16 --dns-service-ip 10.200.0.10` with 3 nodes, and the
 * AKS API's networkProfile for it, its enum values spelled as Microsoft's REST API spec spells
 * them. Written out here, never computed by the code under test.
 */
import type { AddressPlanInput } from "../../addressPlan/plan";
import type { ManagedClusterSettings } from "../../clusterArgs";

/** The networkProfile of the tutorial's kubenet cluster (a Standard load balancer, its outbound). */
export const TUTORIAL_KUBENET_NETWORK_PROFILE = {
    networkPlugin: "kubenet",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIP: "10.200.0.10",
    loadBalancerSku: "standard",
    outboundType: "loadBalancer",
} as const;

/** The settings clusterArgs.ts builds the tutorial's cluster from. */
export const TUTORIAL_CLUSTER_SETTINGS: ManagedClusterSettings = {
    location: "eastus",
    resourceGroupName: "aks-network-lab",
    clusterName: "kubenet-cluster",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIp: "10.200.0.10",
    nodeCount: 3,
    nodeVmSize: "Standard_D2s_v3",
    maxPods: 110,
    access: "localAccounts",
    adminUsername: "azureuser",
};

/** The tutorial's address plan: the VNet, its three subnets, the pod and service ranges, 3 nodes of 110 pods. */
export const TUTORIAL_ADDRESS_PLAN_INPUT: AddressPlanInput = {
    vnetCidr: "10.220.0.0/16",
    kubenetSubnetCidr: "10.220.1.0/24",
    azureCniSubnetCidr: "10.220.2.0/24",
    servicesSubnetCidr: "10.220.3.0/24",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIp: "10.200.0.10",
    nodeCount: 3,
    maxPods: 110,
};
