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

/** The tag the program puts on a cluster of the production posture (posture.ts). */
export const PRODUCTION_TAGS = { "aks-kubenet-posture": "production" };
/**
 * A production cluster that passes every production rule (Entra ID with Azure RBAC, no local
 * accounts, the Standard tier, a system pool of 3 in zones 1 and 2 on the kubenet subnet);
 * `extra` overrides the cluster's inputs and `pool` the system pool's.
 */
export const productionCluster = (
    extra: Record<string, unknown> = {},
    pool: Record<string, unknown> = {},
): Resource => ({
    type: CLUSTER,
    name: "prod",
    props: {
        resourceName: "prod-cluster",
        resourceGroupName: "rg",
        tags: PRODUCTION_TAGS,
        aadProfile: { managed: true, enableAzureRBAC: true },
        disableLocalAccounts: true,
        sku: { tier: "Standard" },
        networkProfile: kubenet,
        agentPoolProfiles: [
            { name: "system", count: 3, availabilityZones: ["1", "2"], vnetSubnetID: SUBNET_ID, ...pool },
        ],
        ...extra,
    },
});
/** The kubenet subnet the production cluster's pool names: a /24 with its route table. */
export const productionNodes = subnet("nodes", {
    id: SUBNET_ID,
    addressPrefix: "10.220.1.0/24",
    routeTable: { id: "/rt" },
});
/** A maintenance window of the production cluster (by its cluster's name and group). */
export const maintenanceWindow = (configName: string, resourceGroupName = "rg"): Resource => ({
    type: "azure-native:containerservice:MaintenanceConfiguration",
    name: configName,
    props: { resourceName: "prod-cluster", resourceGroupName, configName },
});
/** The two windows production asks for. */
export const MAINTENANCE_WINDOWS = [
    maintenanceWindow("aksManagedAutoUpgradeSchedule"),
    maintenanceWindow("aksManagedNodeOSUpgradeSchedule"),
];
