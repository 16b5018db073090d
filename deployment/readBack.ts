/**
 * What GitHub and Pulumi Cloud answer, compared with what this program declares: pure functions
 * over the REST answers, one finding each. `npm run boundaries -- check` fetches them and exits 1
 * when any finding fails; an answer it cannot judge (a field missing, a token that may not see it)
 * fails too, saying so. The shapes are the services' documented ones:
 * - GitHub REST (api version 2022-11-28): "Get rules for a branch" (GET /repos/O/R/rules/branches/B:
 *   a list of rules, each with type, parameters and ruleset_id), "Get a repository ruleset"
 *   (GET /repos/O/R/rulesets/ID: enforcement, conditions, rules, and bypass_actors, "only returned
 *   if the user making the API request has write access to the ruleset"), "Get an environment"
 *   (can_admins_bypass, protection_rules with required_reviewers and prevent_self_review,
 *   deployment_branch_policy), "List deployment branch policies" (branch_policies with name and
 *   type), "List CODEOWNERS errors" (errors);
 * - Pulumi Cloud REST: GET /api/stacks/ORG/PROJECT/STACK/deployments/settings (pulumi-pulumiservice
 *   apitype DeploymentSettings: gitHub.previewPullRequests, gitHub.pullRequestTemplate,
 *   gitHub.deployCommits, gitHub.repository, sourceContext.git.branch, operationContext.preRunCommands).
 */
import { isObject, text } from "../rehearsal/azureModel";
import { ownersHandle, PULL_REQUEST_RULE, RepositoryProtectionInputs } from "./github";
import { CodeownersRule, unprotectedPaths } from "./codeowners";

export interface Finding {
    readonly subject: string;
    readonly ok: boolean;
    readonly detail: string;
}

const pass = (subject: string, detail: string): Finding => ({ subject, ok: true, detail });
const fail = (subject: string, detail: string): Finding => ({ subject, ok: false, detail });
const field = (value: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);

/** The explicit false the pulumiservice provider cannot send (its wire struct omits zero values). */
export const PULL_REQUESTS_OFF = Object.freeze({
    gitHub: Object.freeze({ previewPullRequests: false, pullRequestTemplate: false }),
});

export interface ExpectedDeploymentSettings {
    readonly repository: string;
    readonly branch: string;
    readonly preRunCommands: readonly string[];
}

export function checkDeploymentSettings(settings: unknown, expected: ExpectedDeploymentSettings): Finding[] {
    const subject = "Pulumi Deployments settings of dev";
    if (!isObject(settings)) return [fail(subject, "the answer is not a settings document")];
    const gitHub = field(settings, "gitHub");
    const findings: Finding[] = [];
    // The service omits false values as the provider does: absent means off, only true is on.
    for (const flag of ["previewPullRequests", "pullRequestTemplate"] as const) {
        const value = field(gitHub, flag);
        findings.push(
            value === true
                ? fail(
                      `${subject}: gitHub.${flag}`,
                      "is ON: a pull request's code would run in Deployments with the stack's token; run `npm run boundaries -- apply`",
                  )
                : pass(`${subject}: gitHub.${flag}`, `off (${value === undefined ? "absent" : JSON.stringify(value)})`),
        );
    }
    const same = (label: string, actual: unknown, wanted: unknown) =>
        JSON.stringify(actual) === JSON.stringify(wanted)
            ? pass(`${subject}: ${label}`, JSON.stringify(actual))
            : fail(`${subject}: ${label}`, `is ${JSON.stringify(actual)}, declared ${JSON.stringify(wanted)}`);
    findings.push(same("gitHub.repository", field(gitHub, "repository"), expected.repository));
    findings.push(same("gitHub.deployCommits", field(gitHub, "deployCommits"), true));
    findings.push(
        same(
            "sourceContext.git.branch",
            field(settings, "sourceContext", "git", "branch"),
            `refs/heads/${expected.branch}`,
        ),
    );
    // Whoever may change the settings runs code as the deploy identity: the pre-run commands must be ours.
    findings.push(
        same(
            "operationContext.preRunCommands",
            field(settings, "operationContext", "preRunCommands"),
            expected.preRunCommands,
        ),
    );
    return findings;
}

/**
 * main's rules (GET .../rules/branches/main) and the rulesets they come from (GET .../rulesets/ID):
 * some active ruleset must require a pull request with the declared parameters, and none of the
 * rulesets giving main its pull-request rule may have bypass actors; deletion and force pushes refused.
 */
export function checkBranchRules(
    branch: string,
    rules: unknown,
    rulesets: Readonly<Record<string, unknown>>,
): Finding[] {
    const subject = `GitHub rules on ${branch}`;
    if (!Array.isArray(rules)) return [fail(subject, "the answer is not a list of rules")];
    const findings: Finding[] = [];
    for (const type of ["deletion", "non_fast_forward"])
        findings.push(
            rules.some((rule) => field(rule, "type") === type)
                ? pass(`${subject}: ${type}`, "refused")
                : fail(
                      `${subject}: ${type}`,
                      `no active rule refuses ${type === "deletion" ? "deleting" : "force-pushing to"} ${branch}`,
                  ),
        );
    const pullRequestRules = rules.filter((rule) => field(rule, "type") === "pull_request");
    const strong = pullRequestRules.filter((rule) =>
        Object.entries(PULL_REQUEST_RULE).every(([key, wanted]) => {
            const value = field(rule, "parameters", key);
            return typeof wanted === "number" ? typeof value === "number" && value >= wanted : value === wanted;
        }),
    );
    findings.push(
        strong.length > 0
            ? pass(`${subject}: pull_request`, `ruleset ${strong.map((rule) => field(rule, "ruleset_id")).join(", ")}`)
            : fail(
                  `${subject}: pull_request`,
                  `no active rule requires ${Object.entries(PULL_REQUEST_RULE)
                      .map(([key, value]) => `${key}=${value}`)
                      .join(", ")}`,
              ),
    );
    for (const rule of strong) {
        const id = String(field(rule, "ruleset_id"));
        const bypass = field(rulesets[id], "bypass_actors");
        findings.push(
            bypass === undefined
                ? fail(
                      `${subject}: ruleset ${id} bypass`,
                      "cannot tell: bypass_actors is returned only to a token with write access to the ruleset",
                  )
                : Array.isArray(bypass) && bypass.length === 0
                  ? pass(`${subject}: ruleset ${id} bypass`, "nobody may bypass it")
                  : fail(`${subject}: ruleset ${id} bypass`, `may be bypassed by ${JSON.stringify(bypass)}`),
        );
    }
    return findings;
}

export function checkEnvironment(
    environment: unknown,
    branchPolicies: unknown,
    inputs: RepositoryProtectionInputs,
): Finding[] {
    const subject = "GitHub environment e2e";
    if (!isObject(environment)) return [fail(subject, "the answer is not an environment")];
    const rules = Array.isArray(environment.protection_rules) ? environment.protection_rules : [];
    const reviewers = rules.find((rule) => field(rule, "type") === "required_reviewers");
    const reviewerTeams = ((field(reviewers, "reviewers") as unknown[] | undefined) ?? [])
        .filter((entry) => field(entry, "type") === "Team")
        .map((entry) => field(entry, "reviewer", "slug"));
    const policy = field(environment, "deployment_branch_policy");
    const names = ((field(branchPolicies, "branch_policies") as unknown[] | undefined) ?? []).map(
        (entry) => `${text(field(entry, "type") ?? "branch")}:${text(field(entry, "name"))}`,
    );
    const check = (label: string, ok: boolean, good: string, bad: string) =>
        ok ? pass(`${subject}: ${label}`, good) : fail(`${subject}: ${label}`, bad);
    return [
        check(
            "required reviewers",
            reviewerTeams.includes(inputs.ownersTeam),
            `team ${inputs.ownersTeam}`,
            `the reviewers are ${JSON.stringify(reviewerTeams)}, not the team ${inputs.ownersTeam}`,
        ),
        check(
            "prevent_self_review",
            field(reviewers, "prevent_self_review") === true,
            "whoever starts the run cannot approve it",
            `is ${JSON.stringify(field(reviewers, "prevent_self_review"))}: the person who starts the e2e run may approve it`,
        ),
        check(
            "can_admins_bypass",
            environment.can_admins_bypass === false,
            "administrators cannot skip the review",
            `is ${JSON.stringify(environment.can_admins_bypass)}: administrators may deploy without a review`,
        ),
        check(
            "deployment branches",
            field(policy, "protected_branches") === false &&
                field(policy, "custom_branch_policies") === true &&
                JSON.stringify(names) === JSON.stringify([`branch:${inputs.branch}`]),
            `${inputs.branch} only`,
            `policy ${JSON.stringify(policy)} with ${JSON.stringify(names)}, not ${inputs.branch} alone`,
        ),
    ];
}

/** The file in the repository (parsed here) and GitHub's own verdict on it (GET .../codeowners/errors). */
export function checkCodeowners(
    local: { rules: readonly CodeownersRule[]; errors: readonly string[] },
    githubErrors: unknown,
    inputs: Pick<RepositoryProtectionInputs, "repository" | "ownersTeam">,
): Finding[] {
    const subject = "CODEOWNERS";
    const handle = ownersHandle(inputs);
    const missing = unprotectedPaths(local.rules, handle);
    const remote = field(githubErrors, "errors");
    return [
        local.errors.length === 0 && missing.length === 0
            ? pass(`${subject}: protected paths`, `all owned by ${handle}`)
            : fail(
                  `${subject}: protected paths`,
                  [...local.errors, ...missing.map((path) => `not owned by ${handle}: ${path}`)].join("; "),
              ),
        !Array.isArray(remote)
            ? fail(`${subject}: GitHub's errors`, "the answer holds no errors list")
            : remote.length === 0
              ? pass(`${subject}: GitHub's errors`, "none")
              : fail(
                    `${subject}: GitHub's errors`,
                    remote
                        .map(
                            (error) =>
                                `${text(field(error, "line"))}: ${text(field(error, "message") ?? field(error, "kind"))}`,
                        )
                        .join("; "),
                ),
    ];
}
