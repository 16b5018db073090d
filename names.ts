/**
 * The program's fixed names, as pure data: Azure names of the network, component type tokens.
 * network.ts, cluster.ts and the workloads build with them; the tools that
 * must not load the Pulumi SDK (verify, migrate, the lab) read them from here.
 */

/** Subnet names are fixed by the lab (the tutorial's names). */
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

/**
 * Which of the stack's clusters a tool looks at: the main one (in the kubenet subnet; kubenet, or
 * Azure CNI Overlay after the move) or part 2's Azure CNI cluster.
 */
export type ClusterChoice = "main" | "azurecni";
export const CLUSTER_CHOICES: readonly ClusterChoice[] = ["main", "azurecni"];
/** Older names still accepted on the command line: the main cluster used to be called "kubenet". */
const CLUSTER_ALIASES: Readonly<Record<string, ClusterChoice>> = { kubenet: "main" };

/** A --cluster value as typed, or undefined when it names no cluster. */
export function parseClusterChoice(text: string): ClusterChoice | undefined {
    const lower = text.toLowerCase();
    return CLUSTER_CHOICES.find((choice) => choice === lower) ?? CLUSTER_ALIASES[lower];
}
