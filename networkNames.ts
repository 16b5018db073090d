/**
 * The network's fixed Azure names, as pure data: network.ts builds with them, and the tools that
 * must not load the Pulumi SDK (verify, migrate, the lab) read them from here.
 */

/** Subnet names are fixed by the lab (the seed's names). */
export const SUBNET_NAMES = Object.freeze({ kubenet: "kubenet", azureCni: "azurecni", services: "services" });

/** The kubenet route table's Azure name for a VNet. */
export function routeTableNameFor(vnetName: string): string {
    return `${vnetName}-${SUBNET_NAMES.kubenet}-routes`;
}
