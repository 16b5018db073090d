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
    monitoring: "aks-kubenet:monitoring:Monitoring",
    deleteLocks: "aks-kubenet:locks:DeleteLocks",
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

/**
 * The built-in Azure roles the program and its CI identities use, by their role definition ids
 * (the same in every tenant). The program assigns Network Contributor and, with Entra ID, RBAC
 * Cluster Admin; deployment/identities.ts gives the CI identities the rest.
 */
export const AZURE_ROLES = Object.freeze({
    networkContributor: { name: "Network Contributor", id: "4d97b98b-1d4f-4787-a291-c67834d212e7" },
    aksRbacClusterAdmin: {
        name: "Azure Kubernetes Service RBAC Cluster Admin",
        id: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    },
    aksRbacReader: { name: "Azure Kubernetes Service RBAC Reader", id: "7f6c6a51-bcf8-42ba-9220-52d62157d7db" },
    aksClusterUser: {
        name: "Azure Kubernetes Service Cluster User Role",
        id: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    },
    // The deployer's roles, which preflight looks for: who may create the resources (Owner,
    // Contributor) and who may write the role assignments the program makes (Owner, User Access
    // Administrator, Role Based Access Control Administrator). Ids from Microsoft's list of
    // built-in roles, learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged.
    owner: { name: "Owner", id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
    contributor: { name: "Contributor", id: "b24988ac-6180-42a0-ab88-20f7382dd24c" },
    userAccessAdministrator: { name: "User Access Administrator", id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" },
    rbacAdministrator: {
        name: "Role Based Access Control Administrator",
        id: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    },
    reader: { name: "Reader", id: "acdd72a7-3385-48ef-bd42-f606fba81ae7" },
});

/**
 * How the cluster's Kubernetes API authenticates and authorizes: Microsoft Entra ID with Azure
 * RBAC and no local accounts, or the local accounts of the tutorial (a client certificate with
 * cluster-admin rights, which even the cluster-user credential is on such a cluster).
 */
export type ClusterAccess = "entra" | "localAccounts";
export const CLUSTER_ACCESS_MODES: readonly ClusterAccess[] = ["entra", "localAccounts"];
