/** The resources the policy tests judge: clusters of each plugin and their subnets, as the policy server sees them. */
import { Resource } from "./policy";

export const CLUSTER = "azure-native:containerservice:ManagedCluster";
export const SUBNET = "azure-native:network:Subnet";
export const SUBNET_ID =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes";

export const cluster = (
    name: string,
    networkProfile: Record<string, unknown>,
    extra: Record<string, unknown> = {},
): Resource => ({
    type: CLUSTER,
    name,
    props: { networkProfile, ...extra },
});
export const kubenet = {
    networkPlugin: "kubenet",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIP: "10.200.0.10",
};
export const overlay = { ...kubenet, networkPlugin: "azure", networkPluginMode: "overlay" };
export const azureCni = { networkPlugin: "azure", serviceCidr: "10.200.0.0/16", dnsServiceIP: "10.200.0.10" };
export const subnet = (name: string, props: Record<string, unknown>): Resource => ({ type: SUBNET, name, props });
