/**
 * Whether the deployer may do what `pulumi up` does, from their role assignments as
 * `az role assignment list --assignee ME --all --include-inherited --include-groups` prints them:
 * create the resources (Owner or Contributor), and write the role assignments the program makes,
 * Network Contributor for the cluster's identity and, with Entra ID, RBAC Cluster Admin (Owner,
 * User Access Administrator, or Role Based Access Control Administrator). Pure.
 *
 * What a listing cannot show is not guessed: rights through a group when the listing did not
 * include groups, a role preflight does not know (a custom role may hold
 * Microsoft.Authorization/roleAssignments/write), a condition it cannot read, or a Privileged
 * Identity Management role that is eligible but not active. Those are CANNOT TELL.
 */
import { roleAssignmentCondition } from "../deployment/identities";
import { AZURE_ROLES } from "../names";
import type { RoleAssignment } from "./documents";
import { resourceGroupScope } from "./needs";
import { SOURCES } from "./sources";
import { cannotTell, CheckResult, Evidence, fail, pass, sameName } from "./verdicts";

type Role = { readonly name: string; readonly id: string };

/** The listing, and whether it included the roles the deployer holds through groups. */
export interface AssignmentListing {
    readonly assignments: readonly RoleAssignment[];
    /**
     * true: listed with --include-groups (live mode knows), or the listing shows a group's
     * assignment; false: only the deployer's own assignments can be seen.
     */
    readonly groupsIncluded: boolean;
}

/** A saved listing includes groups when it shows one; one that shows none may simply lack them. */
export function listingOf(assignments: readonly RoleAssignment[], groupsIncluded?: boolean): AssignmentListing {
    return {
        assignments,
        groupsIncluded: groupsIncluded ?? assignments.some((assignment) => assignment.principalType === "Group"),
    };
}

/** The roles whose rights preflight knows (Microsoft's built-in roles page); any other may hold either right. */
const KNOWN_ROLES: readonly Role[] = [
    AZURE_ROLES.owner,
    AZURE_ROLES.contributor,
    AZURE_ROLES.userAccessAdministrator,
    AZURE_ROLES.rbacAdministrator,
    AZURE_ROLES.reader,
];

/** Whether an assignment at `scope` applies to the resource group: it, its subscription, a management group, root. */
function covers(scope: string, subscriptionId: string, resourceGroupName: string): boolean {
    const normalized = scope.replace(/\/+$/, "") || "/";
    return (
        normalized === "/" ||
        /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(normalized) ||
        sameName(normalized, `/subscriptions/${subscriptionId}`) ||
        sameName(normalized, resourceGroupScope(subscriptionId, resourceGroupName))
    );
}

const squeezed = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

interface RightSpec {
    readonly check: string;
    readonly roles: readonly Role[];
    readonly what: string;
    /** A condition these roles may carry and still grant what is needed, or none. */
    readonly acceptedCondition?: string;
    /** Where the roles must apply: the subscription only, or the resource group too. */
    readonly scopes: "subscription" | "resourceGroup";
    readonly fix: string;
}

function judgeRight(
    spec: RightSpec,
    listing: Evidence<AssignmentListing>,
    subscriptionId: string,
    resourceGroupName: string,
): CheckResult {
    const source = SOURCES.roleAssignmentRights;
    const roleNames = spec.roles.map((role) => role.name).join(", ");
    const where = spec.scopes === "subscription" ? "the subscription" : `resource group ${resourceGroupName}`;
    if (!listing.ok) return cannotTell(spec.check, `no role assignments to read: ${listing.reason}`, spec.fix, source);
    const scopeFits = (scope: string) =>
        covers(scope, subscriptionId, resourceGroupName) &&
        (spec.scopes === "resourceGroup" || !/\/resourceGroups\//i.test(scope));
    const applying = listing.value.assignments.filter((assignment) => scopeFits(assignment.scope));
    const holding = applying.filter((assignment) => spec.roles.some((role) => role.id === assignment.roleId));
    const nameOf = (assignment: RoleAssignment) =>
        spec.roles.find((role) => role.id === assignment.roleId)?.name ?? assignment.roleName ?? assignment.roleId;
    const via = (assignment: RoleAssignment) =>
        `${nameOf(assignment)} at ${assignment.scope}${assignment.principalType === "Group" ? " (through a group)" : ""}`;

    const unconditional = holding.find(
        (assignment) =>
            !assignment.condition ||
            (spec.acceptedCondition !== undefined &&
                squeezed(assignment.condition) === squeezed(spec.acceptedCondition)),
    );
    if (unconditional)
        return pass(
            spec.check,
            `${via(unconditional)}${unconditional.condition ? ", with this project's condition (deployment/identities.ts)" : ""}`,
            source,
        );
    if (holding.length > 0)
        return cannotTell(
            spec.check,
            `${via(holding[0])} carries a condition preflight does not evaluate`,
            `check that the condition lets you ${spec.what} (az role assignment list --assignee ME --all -o json shows it), or use an unconditioned ${roleNames}`,
            SOURCES.listAssignments,
        );
    const unknownRoles = [
        ...new Set(
            applying.filter((assignment) => !KNOWN_ROLES.some((role) => role.id === assignment.roleId)).map(nameOf),
        ),
    ];
    if (unknownRoles.length > 0)
        return cannotTell(
            spec.check,
            `none of ${roleNames} applies to ${where}; ${unknownRoles.join(", ")} may (a role preflight does not know)`,
            `check that ${unknownRoles.join(", ")} lets you ${spec.what} (az role definition list -n "NAME"), or ${spec.fix}`,
            SOURCES.privilegedRoles,
        );
    if (!listing.value.groupsIncluded)
        return cannotTell(
            spec.check,
            `none of ${roleNames} is assigned to you on ${where}; one could come through a group the listing does not show`,
            `list with --include-groups (az role assignment list --assignee ME --all --include-inherited --include-groups -o json), or ${spec.fix}`,
            SOURCES.listAssignments,
        );
    return fail(
        spec.check,
        `none of ${roleNames} applies to ${where} (${applying.length === 0 ? "no role at all" : [...new Set(applying.map(nameOf))].join(", ")}), groups included; a role eligible in Privileged Identity Management counts only once activated`,
        spec.fix,
        source,
    );
}

/** Both rights `pulumi up` needs, as two checks. */
export function rightsChecks(
    listing: Evidence<AssignmentListing>,
    subscriptionId: string | undefined,
    resourceGroupName: string,
    resourceGroupIsTheStacks: boolean,
): CheckResult[] {
    const subscription = subscriptionId ?? "<subscription>";
    const group = resourceGroupScope(subscription, resourceGroupName);
    const create: RightSpec = {
        check: "right to create the resources",
        roles: [AZURE_ROLES.owner, AZURE_ROLES.contributor],
        what: "create the resource group and its resources",
        // The group itself is created at the subscription; once the stack made it, the group is enough.
        scopes: resourceGroupIsTheStacks ? "resourceGroup" : "subscription",
        fix: `ask an Owner of the subscription for Contributor on /subscriptions/${subscription}`,
    };
    const assign: RightSpec = {
        check: "right to write role assignments",
        roles: [AZURE_ROLES.owner, AZURE_ROLES.userAccessAdministrator, AZURE_ROLES.rbacAdministrator],
        what: `assign ${AZURE_ROLES.networkContributor.name} and ${AZURE_ROLES.aksRbacClusterAdmin.name} in ${resourceGroupName}`,
        acceptedCondition: roleAssignmentCondition(),
        scopes: "resourceGroup",
        fix: `ask an Owner for ${AZURE_ROLES.rbacAdministrator.name} (least privilege: with the condition in docs/ci.md) or ${AZURE_ROLES.userAccessAdministrator.name} on ${group} or the subscription`,
    };
    return [
        judgeRight(create, listing, subscription, resourceGroupName),
        judgeRight(assign, listing, subscription, resourceGroupName),
    ];
}

/**
 * With Entra ID the Kubernetes provider deploys the workloads as whoever runs `pulumi up`
 * (kubelogin, az login's account), and Kubernetes lets it only as an RBAC Cluster Admin: the
 * deployer by default, or the clusterAdmins when they are set (cluster.ts). Who the deployer is
 * shows in the listing (the principalId of their own assignments), and so do the groups that hold
 * roles; a group holding none does not show, so a deployer not found among the admins is CANNOT TELL.
 */
export function clusterAdminCheck(listing: Evidence<AssignmentListing>, clusterAdmins: readonly string[]): CheckResult {
    const check = "you administer the cluster (clusterAdmins)";
    const source = SOURCES.aksAzureRbac;
    if (clusterAdmins.length === 0)
        return pass(check, "clusterAdmins is empty: whoever runs pulumi up becomes RBAC Cluster Admin", source);
    const add = `pulumi config set --path 'clusterAdmins[${clusterAdmins.length}]' "$(az ad signed-in-user show --query id -o tsv)" (a service principal: az ad sp show --id CLIENT_ID --query id -o tsv)`;
    if (!listing.ok) return cannotTell(check, `no role assignments to read: ${listing.reason}`, add, source);
    const admin = (id: string | undefined) =>
        id !== undefined && clusterAdmins.some((candidate) => sameName(candidate, id));
    const own = listing.value.assignments.filter((assignment) => assignment.principalType !== "Group");
    const groups = listing.value.assignments.filter((assignment) => assignment.principalType === "Group");
    const you = own.find((assignment) => assignment.principalId)?.principalId;
    if (admin(you)) return pass(check, `your object id ${you} is in clusterAdmins`, source);
    const viaGroup = groups.find((assignment) => admin(assignment.principalId));
    if (viaGroup)
        return pass(check, `your group ${viaGroup.principalName ?? viaGroup.principalId} is in clusterAdmins`, source);
    return cannotTell(
        check,
        `${you ? `your object id ${you} is` : "you are"} not in clusterAdmins (${clusterAdmins.join(", ")}), nor a group the listing shows; unless one of them holds you, Kubernetes refuses the provider (403) when it deploys nginx`,
        add,
        source,
    );
}
