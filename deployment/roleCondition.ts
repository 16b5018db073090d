/**
 * The ABAC condition (version 2.0) on the deploying identities' "Role Based Access Control
 * Administrator" assignment: which role assignments they may create and delete. The forms are
 * Microsoft's (learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples):
 * "Constrain roles", "Constrain roles and principal types", "Constrain roles and specific groups"
 * (`@Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAnyValues:GuidEquals`)
 * and the exclusion of "Allow most roles, but don't allow others to assign roles"
 * (`ForAnyOfAllValues:GuidNotEquals`: true when the value differs from every listed one).
 */
import { AZURE_ROLES } from "../names";

export interface ConditionPrincipals {
    /**
     * Who may be granted "Azure Kubernetes Service RBAC Cluster Admin": the stack's clusterAdmins,
     * or, when it names none, the deploying identity itself (the program then grants its deployer).
     */
    readonly clusterAdmins: readonly string[];
    /** The CI identities' own object ids (preview, deploy, e2e): never granted Network Contributor. */
    readonly ciPrincipals: readonly string[];
}

/** What docs/ci.md shows in place of the object ids, which differ per installation. */
export const PLACEHOLDER_PRINCIPALS: ConditionPrincipals = Object.freeze({
    clusterAdmins: ["<admin object ids>"],
    ciPrincipals: ["<preview, deploy and e2e object ids>"],
});

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Object ids the condition can use, or the reason it cannot (a GuidEquals over nothing allows nothing). */
export function principalsProblem(principals: ConditionPrincipals): string | undefined {
    if (principals.clusterAdmins.length === 0) return "no cluster admin object id: the grant would be refused";
    if (principals.ciPrincipals.length === 0) return "no CI identity object id to exclude from Network Contributor";
    const bad = [...principals.clusterAdmins, ...principals.ciPrincipals].filter((id) => !OBJECT_ID.test(id));
    return bad.length > 0 ? `not Entra object ids (GUIDs): ${bad.join(", ")}` : undefined;
}

/**
 * Creating: Network Contributor only for a service principal that is none of the CI identities
 * (the cluster's own identity, which the stack creates, so its id cannot be listed in advance);
 * RBAC Cluster Admin only for the listed admins. Deleting: either role, for any principal, so that
 * removing an admin from clusterAdmins can delete its grant (a deletion only takes access away).
 * Nothing else, ever: not Owner, not User Access Administrator, not more for itself.
 */
export function roleAssignmentCondition(principals: ConditionPrincipals = PLACEHOLDER_PRINCIPALS): string {
    const set = (values: readonly string[]) => `{${values.join(", ")}}`;
    const attribute = (source: string, name: string) => `@${source}[Microsoft.Authorization/roleAssignments:${name}]`;
    const role = (source: string, id: string) =>
        `${attribute(source, "RoleDefinitionId")} ForAnyOfAnyValues:GuidEquals {${id}}`;
    const creating = [
        `(${role("Request", AZURE_ROLES.networkContributor.id)}`,
        ` AND ${attribute("Request", "PrincipalType")} ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}`,
        ` AND ${attribute("Request", "PrincipalId")} ForAnyOfAllValues:GuidNotEquals ${set(principals.ciPrincipals)})`,
        ` OR (${role("Request", AZURE_ROLES.aksRbacClusterAdmin.id)}`,
        ` AND ${attribute("Request", "PrincipalId")} ForAnyOfAnyValues:GuidEquals ${set(principals.clusterAdmins)})`,
    ].join("");
    const deleting = `${role("Resource", AZURE_ROLES.networkContributor.id)} OR ${role("Resource", AZURE_ROLES.aksRbacClusterAdmin.id)}`;
    return [
        `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (${creating}))`,
        "AND",
        `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (${deleting}))`,
    ].join(" ");
}
