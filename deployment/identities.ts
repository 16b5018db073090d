/**
 * The two Azure identities CI uses, as data: what each may do and which OIDC subjects it trusts.
 * docs/ci.md shows them (a test keeps the two in step) and the workflow names each one's client
 * id variable. Pure: nothing here talks to Azure; an administrator creates them once.
 *
 * Entra ID matches a federated credential's subject exactly, with no wildcards
 * (learn.microsoft.com/entra/workload-id/workload-identity-federation), so every subject is listed.
 */

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
export const GITHUB_AUDIENCE = "api://AzureADTokenExchange";
/** Pulumi Deployments' OIDC issuer for Azure; the audience is the Pulumi organization's name. */
export const PULUMI_DEPLOYMENTS_ISSUER = "https://api.pulumi.com/oidc";

export interface RoleAssignment {
    /** A built-in Azure role, by its name. */
    readonly role: string;
    readonly scope: string;
    readonly why: string;
}

export interface FederatedCredential {
    readonly issuer: string;
    readonly audience: string;
    readonly subject: string;
    readonly who: string;
}

export interface CiIdentity {
    readonly name: string;
    /** The repository variable (vars.NAME) that holds its client id. */
    readonly clientIdVariable: string;
    readonly roles: readonly RoleAssignment[];
    readonly federatedCredentials: readonly FederatedCredential[];
}

/** The Deployments operations the deploy identity serves. Never `preview`: see deployIdentity. */
export const DEPLOYMENTS_OPERATIONS = ["update", "refresh", "destroy"] as const;

export interface CiNames {
    /** GitHub owner/name. */
    readonly repository: string;
    /** The Pulumi Cloud organization. */
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    readonly resourceGroup: string;
    readonly clusterName: string;
}

/**
 * The preview identity, for pull requests: it reads. Reader shows the preview what exists; the
 * Kubernetes provider needs a kubeconfig, which the program gets from
 * Microsoft.ContainerService/managedClusters/listClusterUserCredential/action, granted by the
 * built-in "Azure Kubernetes Service Cluster User Role". On a cluster without Entra ID
 * integration (this program's), user credentials ARE admin credentials: whoever holds them is
 * cluster-admin inside Kubernetes. So pull-request code can change the cluster's workloads, but
 * no Azure resource and no role assignment (docs/ci.md says what narrows it further).
 */
export function previewIdentity(names: CiNames): CiIdentity {
    return {
        name: "aks-kubenet-preview",
        clientIdVariable: "ARM_PREVIEW_CLIENT_ID",
        roles: [
            {
                role: "Reader",
                scope: `resource group ${names.resourceGroup}`,
                why: "the preview reads every resource's state",
            },
            {
                role: "Azure Kubernetes Service Cluster User Role",
                scope: `cluster ${names.clusterName}`,
                why: "listClusterUserCredential: the kubeconfig the Kubernetes provider previews with (cluster-admin on a cluster without Entra ID)",
            },
        ],
        federatedCredentials: [
            {
                issuer: GITHUB_ISSUER,
                audience: GITHUB_AUDIENCE,
                subject: `repo:${names.repository}:pull_request`,
                who: "the preview job of every pull request",
            },
        ],
    };
}

/**
 * The deploy identity: today's rights (create everything, and grant the cluster identity Network
 * Contributor). It trusts main and Pulumi Deployments' update, refresh and destroy, never a pull
 * request and never a Deployments preview: if Deployments were ever to preview pull requests
 * (pulumi-pulumiservice drops `previewPullRequests: false`, see deployment/settings.ts), that run
 * gets no Azure token instead of the deploy identity's.
 */
export function deployIdentity(names: CiNames): CiIdentity {
    const deployments = DEPLOYMENTS_OPERATIONS.map((operation): FederatedCredential => ({
        issuer: PULUMI_DEPLOYMENTS_ISSUER,
        audience: names.organization,
        subject: `pulumi:deploy:org:${names.organization}:project:${names.project}:stack:${names.stack}:operation:${operation}:scope:write`,
        who: `Pulumi Deployments, ${operation} of ${names.project}/${names.stack}`,
    }));
    return {
        name: "aks-kubenet-deploy",
        clientIdVariable: "ARM_DEPLOY_CLIENT_ID",
        roles: [
            {
                role: "Contributor",
                scope: `resource group ${names.resourceGroup} (or the subscription, for its first creation)`,
                why: "create and change the stack's resources",
            },
            {
                role: "Role Based Access Control Administrator",
                scope: `resource group ${names.resourceGroup}`,
                why: "the program grants the cluster identity Network Contributor; a condition can limit it to that role",
            },
        ],
        federatedCredentials: [
            {
                issuer: GITHUB_ISSUER,
                audience: GITHUB_AUDIENCE,
                subject: `repo:${names.repository}:ref:refs/heads/main`,
                who: "the end-to-end job, started by hand on main",
            },
            ...deployments,
        ],
    };
}
