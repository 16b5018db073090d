/**
 * The three Azure identities CI uses, as data: what each may do and which OIDC subjects it trusts.
 * docs/ci.md shows them (a test keeps the two in step) and the workflow names each one's client
 * id variable. Pure: nothing here talks to Azure; an administrator creates them once.
 *
 * Entra ID matches a federated credential's subject exactly, with no wildcards
 * (learn.microsoft.com/entra/workload-id/workload-identity-federation), so every subject is listed.
 * A GitHub job with `environment: NAME` gets the subject `repo:O/R:environment:NAME`, whatever its
 * branch; the environment's required reviewers and branch policy decide who can run it.
 */
import { AZURE_ROLES } from "../names";
import { githubSubject, GithubSubjectFormat, NAME_SUBJECTS } from "./githubSubject";
import { ConditionPrincipals, PLACEHOLDER_PRINCIPALS, roleAssignmentCondition } from "./roleCondition";

export { roleAssignmentCondition } from "./roleCondition";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
export const GITHUB_AUDIENCE = "api://AzureADTokenExchange";
/** Pulumi Deployments' OIDC issuer for Azure; the audience is the Pulumi organization's name. */
export const PULUMI_DEPLOYMENTS_ISSUER = "https://api.pulumi.com/oidc";
/** The GitHub environment the end-to-end job runs in (required reviewers, main only). */
export const E2E_ENVIRONMENT = "e2e";

export interface RoleAssignment {
    /** A built-in Azure role, by its name. */
    readonly role: string;
    readonly scope: string;
    readonly why: string;
    /** An Azure ABAC condition (version 2.0) that narrows what the role allows. */
    readonly condition?: string;
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
    /** What this identity cannot do, in a sentence each (docs/ci.md shows them). */
    readonly cannot: readonly string[];
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
    /** The form of GitHub's subjects (deployment/githubSubject.ts); by names when not given. */
    readonly githubSubjects?: GithubSubjectFormat;
    /**
     * The object ids the RBAC Administrator condition names (deployment/roleCondition.ts): the
     * stack's clusterAdmins and the three identities' own. Placeholders when not given (the docs).
     */
    readonly principals?: {
        readonly clusterAdmins: readonly string[];
        readonly preview: string;
        readonly deploy: string;
        readonly e2e: string;
    };
}

const subjectOf = (names: CiNames, context: string) =>
    githubSubject(names.repository, names.githubSubjects ?? NAME_SUBJECTS, context);

/**
 * The condition for one deploying identity: the stack's clusterAdmins may be granted RBAC Cluster
 * Admin (or, when it names none, the identity itself, whom the program then grants); none of the
 * three CI identities may be granted Network Contributor.
 */
export function conditionPrincipalsFor(names: CiNames, identity: "deploy" | "e2e"): ConditionPrincipals {
    const principals = names.principals;
    if (!principals) return PLACEHOLDER_PRINCIPALS;
    return {
        clusterAdmins: principals.clusterAdmins.length > 0 ? principals.clusterAdmins : [principals[identity]],
        ciPrincipals: [principals.preview, principals.deploy, principals.e2e],
    };
}

/**
 * The preview identity, for pull requests: it reads, in Azure and in Kubernetes. Reader shows the
 * preview what exists; the Kubernetes provider needs the cluster's server and CA, which
 * listClusterUserCredential returns ("Azure Kubernetes Service Cluster User Role"); on an Entra ID
 * cluster (clusterAccess=entra, the default) that credential holds no secret, and what the
 * identity may do inside Kubernetes is "Azure Kubernetes Service RBAC Reader": read namespaced
 * objects except Secrets. Its writes are refused with 403, dry runs included ("authorization for
 * dry-run and non-dry-run requests is identical"), and the Kubernetes provider then previews
 * client-side (proven on a real API server by the engine tier, tests/engine).
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
                role: AZURE_ROLES.aksClusterUser.name,
                scope: `cluster ${names.clusterName}`,
                why: "listClusterUserCredential: the API server and its CA the Kubernetes provider previews with (with Entra ID, no credential)",
            },
            {
                role: AZURE_ROLES.aksRbacReader.name,
                scope: `cluster ${names.clusterName}`,
                why: "inside Kubernetes: read the workload's objects (not Secrets); every write is refused",
            },
        ],
        federatedCredentials: [
            {
                issuer: GITHUB_ISSUER,
                audience: GITHUB_AUDIENCE,
                subject: subjectOf(names, "pull_request"),
                who: "the preview job of a pull request from a branch of this repository (forks get no token)",
            },
        ],
        cannot: [
            "create, change or delete any Azure resource or role assignment",
            "write any Kubernetes object, or read a Secret (Entra ID clusters; on a localAccounts cluster the cluster-user credential is cluster-admin)",
            "deploy: Pulumi Cloud gives the preview job a team token with Stack Read on dev only",
        ],
    };
}

/**
 * The deploy identity, for Pulumi Deployments only: create the stack's resources, and grant the
 * cluster's identity Network Contributor and the admins RBAC Cluster Admin (nothing else: the
 * condition). It trusts Deployments' update, refresh and destroy of dev, and no GitHub subject:
 * no workflow job deploys. Deployments' subject names the stack and the operation, not a branch
 * or a commit, so who may start a deployment or change its settings decides which code runs as
 * this identity: deployment/access.ts keeps that to one small team. If Deployments ever previewed
 * a pull request (pulumi-pulumiservice drops `previewPullRequests: false`, see
 * deployment/settings.ts), that run would get no Azure token: there is no `operation:preview`
 * credential.
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
                why: "the program grants the cluster identity Network Contributor and the admins RBAC Cluster Admin; the condition allows only those",
                condition: roleAssignmentCondition(conditionPrincipalsFor(names, "deploy")),
            },
        ],
        federatedCredentials: deployments,
        cannot: [
            "grant any role but Network Contributor (to a service principal other than the CI identities) and Azure Kubernetes Service RBAC Cluster Admin (to the clusterAdmins only)",
            "sign in from GitHub Actions: it trusts no repository subject",
            "preview a pull request in Deployments: it has no operation:preview credential",
        ],
    };
}

/**
 * The end-to-end identity: the throwaway stacks of `npm run test:e2e`, never dev's resources. The
 * job runs in the GitHub environment `e2e` (required reviewers, main only), whose subject is the
 * only one it trusts. Its scope is a subscription of its own: the test creates and deletes its own
 * resource groups (suffixed names), and Azure RBAC has no scope for groups that do not exist yet,
 * so the boundary is a subscription that holds nothing else.
 */
export function e2eIdentity(names: CiNames): CiIdentity {
    return {
        name: "aks-kubenet-e2e",
        clientIdVariable: "ARM_E2E_CLIENT_ID",
        roles: [
            {
                role: "Contributor",
                scope: "the end-to-end subscription (ARM_E2E_SUBSCRIPTION_ID), which holds only the test's throwaway resource groups",
                why: "create and delete a throwaway stack",
            },
            {
                role: "Role Based Access Control Administrator",
                scope: "the end-to-end subscription",
                why: "the program's grants, as for the deploy identity; the same condition",
                condition: roleAssignmentCondition(conditionPrincipalsFor(names, "e2e")),
            },
        ],
        federatedCredentials: [
            {
                issuer: GITHUB_ISSUER,
                audience: GITHUB_AUDIENCE,
                subject: subjectOf(names, `environment:${E2E_ENVIRONMENT}`),
                who: `the end-to-end job, in the GitHub environment ${E2E_ENVIRONMENT} (required reviewers, main only)`,
            },
        ],
        cannot: [
            `touch the dev stack's subscription or resource group ${names.resourceGroup}`,
            "run from a pull request or any branch but main (the environment's branch policy)",
        ],
    };
}

export const CI_IDENTITIES = [previewIdentity, deployIdentity, e2eIdentity] as const;
