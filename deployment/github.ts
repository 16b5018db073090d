/**
 * main's protection and the e2e environment, as code: pure arguments for @pulumi/github, which
 * deployment/index.ts declares, and the values the read-back (deployment/readBack.ts) expects
 * GitHub to answer. Every push to main is deployed by Pulumi Deployments as the deploy identity,
 * so main takes only reviewed code:
 *
 * - a ruleset on main: a pull request, one approval, the approval of a code owner for the paths
 *   in CODEOWNERS, the last push approved by someone other than its pusher, stale approvals
 *   dismissed; no deletion, no force push; and nobody may bypass it (no bypass actors);
 * - the code owners: a team of this program's maintainers with write access (GitHub requires
 *   code owners to have it);
 * - the environment e2e: the owners team reviews, the person who started the run cannot approve
 *   it (prevent_self_review), administrators cannot skip it (can_admins_bypass false), main only.
 *
 * Which GitHub plans enforce what (GitHub's docs, docs/ci.md): rulesets and code owners on public
 * repositories with every plan, on private ones with Pro, Team or Enterprise Cloud; an
 * environment's required reviewers, prevent_self_review and the admin bypass switch on private
 * repositories only with Enterprise (Free, Pro and Team: public repositories only).
 */
import type * as github from "@pulumi/github";
import type { Input } from "@pulumi/pulumi";
import { E2E_ENVIRONMENT } from "./identities";

export interface RepositoryProtectionInputs {
    /** owner/name */
    readonly repository: string;
    /** The branch Deployments deploys. */
    readonly branch: string;
    /** The slug of the code owners' team (CODEOWNERS names @OWNER/SLUG). */
    readonly ownersTeam: string;
    /** GitHub logins of the owners team's members. */
    readonly maintainers: readonly string[];
}

export const RULESET_NAME = "main: reviewed changes only (aks-kubenet)";

/** The pull_request rule's parameters, as GitHub's REST API names them (and answers them). */
export const PULL_REQUEST_RULE = Object.freeze({
    required_approving_review_count: 1,
    require_code_owner_review: true,
    require_last_push_approval: true,
    dismiss_stale_reviews_on_push: true,
});

export const repositoryName = (repository: string) => repository.split("/")[1];
export const repositoryOwner = (repository: string) => repository.split("/")[0];
/** The handle CODEOWNERS uses for the owners team. */
export const ownersHandle = (inputs: Pick<RepositoryProtectionInputs, "repository" | "ownersTeam">) =>
    `@${repositoryOwner(inputs.repository)}/${inputs.ownersTeam}`;

export function ownersTeamArgs(inputs: RepositoryProtectionInputs): github.TeamArgs {
    return {
        name: inputs.ownersTeam,
        privacy: "closed",
        description:
            "Code owners of aks-kubenet: approve changes to what decides how main deploys; review the e2e environment (deployment/github.ts).",
    };
}

export const ownersMembersArgs = (
    inputs: RepositoryProtectionInputs,
    teamId: Input<string>,
): github.TeamMembersArgs => ({
    teamId,
    members: inputs.maintainers.map((username) => ({ username, role: "member" })),
});

/** Code owners must have write access to the repository (GitHub's "About code owners"). */
export const ownersRepositoryArgs = (
    inputs: RepositoryProtectionInputs,
    teamId: Input<string>,
): github.TeamRepositoryArgs => ({ teamId, repository: repositoryName(inputs.repository), permission: "push" });

export function mainRulesetArgs(inputs: RepositoryProtectionInputs): github.RepositoryRulesetArgs {
    return {
        name: RULESET_NAME,
        repository: repositoryName(inputs.repository),
        target: "branch",
        enforcement: "active",
        conditions: { refName: { includes: [`refs/heads/${inputs.branch}`], excludes: [] } },
        // No bypass actors: not the administrators, not an app, not the owners team.
        bypassActors: [],
        rules: {
            deletion: true,
            nonFastForward: true,
            pullRequest: {
                requiredApprovingReviewCount: PULL_REQUEST_RULE.required_approving_review_count,
                requireCodeOwnerReview: PULL_REQUEST_RULE.require_code_owner_review,
                requireLastPushApproval: PULL_REQUEST_RULE.require_last_push_approval,
                dismissStaleReviewsOnPush: PULL_REQUEST_RULE.dismiss_stale_reviews_on_push,
            },
        },
    };
}

export function e2eEnvironmentArgs(
    inputs: RepositoryProtectionInputs,
    ownersTeamId: Input<number>,
): github.RepositoryEnvironmentArgs {
    return {
        repository: repositoryName(inputs.repository),
        environment: E2E_ENVIRONMENT,
        reviewers: [{ teams: [ownersTeamId] }],
        preventSelfReview: true,
        canAdminsBypass: false,
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    };
}

export const e2eBranchPolicyArgs = (
    inputs: RepositoryProtectionInputs,
): github.RepositoryEnvironmentDeploymentPolicyArgs => ({
    repository: repositoryName(inputs.repository),
    environment: E2E_ENVIRONMENT,
    branchPattern: inputs.branch,
});
