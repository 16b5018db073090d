/**
 * The program's fixed names, as pure data: Azure names of the network, component type tokens.
 * network.ts, cluster.ts and the workloads build with them; the tools that
 * must not load the Pulumi SDK (verify, migrate, the lab) read them from here.
 */

/** Subnet names are fixed by the lab (the seed's names). */
export const SUBNET_NAMES = Object.freeze({ kubenet: "kubenet", azureCni: "azurecni", services: "services" });

/** The kubenet route table's Azure name for a VNet. */
export function routeTableNameFor(vnetName: string): string {
    return `${vnetName}-${SUBNET_NAMES.kubenet}-routes`;
}

/** The components' type tokens: part of every child's URN, so they never change. */
export const COMPONENT_TYPES = Object.freeze({
    network: "aks-kubenet:network:Network",
    cluster: "aks-kubenet:cluster:Cluster",
    nginx: "aks-kubenet:workloads:Nginx",
});
