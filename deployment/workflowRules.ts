/**
 * The rules every GitHub workflow of this repository must keep, as pure functions over the parsed
 * files. CI fails closed: tests/workflowRules.test.ts reads every file in .github/workflows and
 * refuses a workflow that breaks one, and feeds each rule the bad change it exists for.
 *
 * Why each rule (GitHub's "Security hardening for GitHub Actions" and the OIDC reference):
 * - pull_request_target, workflow_run and issue_comment run with the base repository's secrets and
 *   an id-token while their input comes from anyone who can open a pull request or comment;
 * - a workflow-level id-token reaches every job, the pull request's own code among them;
 * - a pull-request job may sign in only as the preview identity and with a Pulumi team token:
 *   `repo:O/R:pull_request` is the subject of every branch of the repository; it holds no write
 *   permission but id-token, since it runs the pull request's code;
 * - an `if:` widened with `always()` or a new event is the easiest way to run a deploying job where
 *   it should not: only the exact conditions below are accepted;
 * - "pinning an action to a full length commit SHA is currently the only way to use an action as
 *   an immutable release".
 */
import { text } from "../json";

export interface WorkflowViolation {
    readonly file: string;
    readonly rule: string;
    /** Where: `jobs.NAME`, `jobs.NAME.steps[i]`, `on`, `permissions`. */
    readonly at: string;
    readonly message: string;
}

type Workflow = Record<string, unknown>;
/** A YAML value as text: strings as they are, anything else as JSON (an `if:` may be a number or a map). */
type Job = Record<string, unknown>;
type Step = Record<string, unknown>;

/** Triggers whose runs hold the base repository's secrets while untrusted input drives them. */
export const UNTRUSTED_TRIGGERS = ["pull_request_target", "workflow_run", "issue_comment"] as const;
const PULL_REQUEST_TRIGGERS = ["pull_request", "pull_request_target"];

/** The repository variables that hold each identity's client id (deployment/identities.ts). */
export const PREVIEW_CLIENT_ID = "${{ vars.ARM_PREVIEW_CLIENT_ID }}";
const TEAM_TOKEN = "urn:pulumi:token-type:access_token:team";

/** The only `if:` conditions accepted, exactly as written, and the events each lets a job run on. */
export const ALLOWED_JOB_CONDITIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
    "github.event_name == 'pull_request'": ["pull_request"],
    "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository": [
        "pull_request",
    ],
    "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'": ["workflow_dispatch"],
});
export const ALLOWED_STEP_CONDITIONS: readonly string[] = Object.freeze([
    "${{ !contains(github.event.pull_request.labels.*.name, 'allow-replacement') }}",
]);

/** A `uses:` that names an immutable commit: owner/repo[/path]@<40 hex>, a local action, or a docker digest. */
export function isPinned(uses: string): boolean {
    if (uses.startsWith("./")) return true; // this repository's own action, at this commit
    if (uses.startsWith("docker://")) return /@sha256:[0-9a-f]{64}$/.test(uses);
    return /^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}$/.test(uses);
}

const triggersOf = (workflow: Workflow): string[] => {
    const on = workflow.on ?? workflow.true; // YAML 1.1 reads a bare `on` key as true
    if (typeof on === "string") return [on];
    if (Array.isArray(on)) return on.map(String);
    return on && typeof on === "object" ? Object.keys(on) : [];
};
const jobsOf = (workflow: Workflow): Array<[string, Job]> =>
    Object.entries((workflow.jobs ?? {}) as Record<string, Job>);
const stepsOf = (job: Job): Step[] => (Array.isArray(job.steps) ? (job.steps as Step[]) : []);
const permissionsOf = (holder: Record<string, unknown>): Record<string, unknown> | string | undefined =>
    holder.permissions as Record<string, unknown> | string | undefined;

/** Whether a permissions block grants an OIDC token (`write-all` does too). */
function grantsIdToken(permissions: Record<string, unknown> | string | undefined): boolean {
    if (permissions === "write-all") return true;
    return typeof permissions === "object" && permissions?.["id-token"] === "write";
}

const mentionsSecrets = (value: unknown) => /\bsecrets\./.test(JSON.stringify(value ?? null));

/** Whether a job can run on a pull_request event: no condition in a PR workflow, or one that lets it. */
function runsOnPullRequests(workflow: Workflow, job: Job): boolean {
    const triggers = triggersOf(workflow);
    if (!triggers.some((trigger) => PULL_REQUEST_TRIGGERS.includes(trigger))) return false;
    const condition = job.if;
    if (condition === undefined) return true;
    const events = ALLOWED_JOB_CONDITIONS[text(condition)];
    // An unknown condition is refused by its own rule; here it counts as running on pull requests.
    return events === undefined || events.some((event) => PULL_REQUEST_TRIGGERS.includes(event));
}

/** The environment a job or step sets for a sign-in: job env overlaid with the step's. */
const envOf = (job: Job, step?: Step): Record<string, unknown> => ({
    ...((job.env ?? {}) as Record<string, unknown>),
    ...((step?.env ?? {}) as Record<string, unknown>),
});

function untrustedTriggers(file: string, workflow: Workflow): WorkflowViolation[] {
    const untrusted = triggersOf(workflow).filter((trigger) =>
        (UNTRUSTED_TRIGGERS as readonly string[]).includes(trigger),
    );
    if (untrusted.length === 0) return [];
    const powered = jobsOf(workflow).filter(
        ([, job]) =>
            grantsIdToken(permissionsOf(job)) ||
            grantsIdToken(permissionsOf(workflow)) ||
            mentionsSecrets(job) ||
            // No block anywhere: the repository's default token, which may write.
            (permissionsOf(job) === undefined && permissionsOf(workflow) === undefined),
    );
    return powered.map(([name]) => ({
        file,
        rule: "untrustedTriggers",
        at: `jobs.${name}`,
        message: `runs on ${untrusted.join(", ")} and gets an id-token, a secret or the default token: those events run untrusted input with the base repository's credentials`,
    }));
}

function noWorkflowIdToken(file: string, workflow: Workflow): WorkflowViolation[] {
    const permissions = permissionsOf(workflow);
    if (permissions === undefined || (typeof permissions === "object" && Object.keys(permissions).length === 0))
        return [];
    return [
        {
            file,
            rule: "noWorkflowPermissions",
            at: "permissions",
            message: grantsIdToken(permissions)
                ? "grants id-token at workflow level: every job, the pull request's own code among them, could sign in; give it to the one job that needs it"
                : "grants permissions at workflow level; declare `permissions: {}` there and give each job its own",
        },
    ];
}

/** A pull-request job signs in only as the preview identity, and asks Pulumi Cloud only for a team token. */
function pullRequestSignIn(file: string, workflow: Workflow): WorkflowViolation[] {
    return jobsOf(workflow)
        .filter(([, job]) => runsOnPullRequests(workflow, job))
        .flatMap(([name, job]) => {
            const found: WorkflowViolation[] = [];
            const bad = (at: string, message: string) => found.push({ file, rule: "pullRequestSignIn", at, message });
            for (const [where, env] of [
                [`jobs.${name}`, envOf(job)] as const,
                ...stepsOf(job).map((step, index) => [`jobs.${name}.steps[${index}]`, step.env ?? {}] as const),
            ])
                for (const key of ["ARM_CLIENT_ID", "AZURE_CLIENT_ID"])
                    if (
                        (env as Record<string, unknown>)[key] !== undefined &&
                        (env as Record<string, unknown>)[key] !== PREVIEW_CLIENT_ID
                    )
                        bad(
                            where,
                            `${key} is ${text((env as Record<string, unknown>)[key])}; a pull-request job may sign in only as the preview identity (${PREVIEW_CLIENT_ID})`,
                        );
            stepsOf(job).forEach((step, index) => {
                const uses = text(step.uses ?? "");
                const inputs = (step.with ?? {}) as Record<string, unknown>;
                if (/^azure\/login@/i.test(uses) && inputs["client-id"] !== PREVIEW_CLIENT_ID)
                    bad(
                        `jobs.${name}.steps[${index}]`,
                        `azure/login signs in as ${text(inputs["client-id"])}, not the preview identity`,
                    );
                if (/^pulumi\/auth-actions@/.test(uses) && inputs["requested-token-type"] !== TEAM_TOKEN)
                    bad(
                        `jobs.${name}.steps[${index}]`,
                        `pulumi/auth-actions asks for ${text(inputs["requested-token-type"])}; a pull-request job gets a team token (${TEAM_TOKEN}) with Stack Read only`,
                    );
                if (mentionsSecrets(step))
                    bad(`jobs.${name}.steps[${index}]`, "reads a secret; pull-request jobs sign in by OIDC only");
            });
            return found;
        });
}

function exactConditions(file: string, workflow: Workflow): WorkflowViolation[] {
    return jobsOf(workflow).flatMap(([name, job]) => [
        ...(job.if !== undefined && !(text(job.if) in ALLOWED_JOB_CONDITIONS)
            ? [
                  {
                      file,
                      rule: "exactConditions",
                      at: `jobs.${name}`,
                      message: `if: ${text(job.if)} is not one of the accepted conditions (deployment/workflowRules.ts ALLOWED_JOB_CONDITIONS)`,
                  },
              ]
            : []),
        ...stepsOf(job).flatMap((step, index) =>
            step.if !== undefined && !ALLOWED_STEP_CONDITIONS.includes(text(step.if))
                ? [
                      {
                          file,
                          rule: "exactConditions",
                          at: `jobs.${name}.steps[${index}]`,
                          message: `if: ${text(step.if)} is not one of the accepted step conditions`,
                      },
                  ]
                : [],
        ),
    ]);
}

function actionsPinned(file: string, workflow: Workflow): WorkflowViolation[] {
    return jobsOf(workflow).flatMap(([name, job]) => [
        ...(job.uses !== undefined && !isPinned(text(job.uses))
            ? [
                  {
                      file,
                      rule: "actionsPinned",
                      at: `jobs.${name}`,
                      message: `uses ${text(job.uses)}, not a full commit SHA`,
                  },
              ]
            : []),
        ...stepsOf(job).flatMap((step, index) =>
            step.uses !== undefined && !isPinned(text(step.uses))
                ? [
                      {
                          file,
                          rule: "actionsPinned",
                          at: `jobs.${name}.steps[${index}]`,
                          message: `uses ${text(step.uses)}, not a full commit SHA: pin owner/repo@<40 hex> and keep the tag in a comment`,
                      },
                  ]
                : [],
        ),
    ]);
}

/**
 * A job that can run on a pull request runs the pull request's code (npm ci alone runs its install
 * scripts), and the Automation API hands the job's token to that code: it may hold no write
 * permission but id-token (to sign in as the preview identity). A job with no permissions block,
 * where the workflow has none either, gets the repository's default token, which may write.
 */
function pullRequestJobsReadOnly(file: string, workflow: Workflow): WorkflowViolation[] {
    return jobsOf(workflow)
        .filter(([, job]) => runsOnPullRequests(workflow, job))
        .flatMap(([name, job]) => {
            const permissions = permissionsOf(job) ?? permissionsOf(workflow);
            const writes =
                permissions === undefined
                    ? ["the default token"]
                    : typeof permissions === "string"
                      ? permissions === "read-all"
                          ? []
                          : [permissions]
                      : Object.entries(permissions)
                            .filter(([scope, level]) => level === "write" && scope !== "id-token")
                            .map(([scope]) => `${scope}: write`);
            return writes.map((write) => ({
                file,
                rule: "pullRequestJobsReadOnly",
                at: `jobs.${name}`,
                message: `runs on pull requests with ${write}: the pull request's code gets that token (the Automation API passes it on); give it read permissions and id-token only, and write the preview to the run's summary`,
            }));
        });
}

/** A job that signs in as anything but the preview identity runs in a GitHub environment (reviewers, branch policy). */
function deployingJobsInEnvironments(file: string, workflow: Workflow): WorkflowViolation[] {
    return jobsOf(workflow)
        .filter(([, job]) => grantsIdToken(permissionsOf(job)))
        .filter(([, job]) => {
            const clientIds = [envOf(job), ...stepsOf(job).map((step) => step.env ?? {})].flatMap((env) =>
                ["ARM_CLIENT_ID", "AZURE_CLIENT_ID"].map((key) => (env as Record<string, unknown>)[key]),
            );
            return (
                clientIds.some((id) => id !== undefined && id !== PREVIEW_CLIENT_ID) && job.environment === undefined
            );
        })
        .map(([name]) => ({
            file,
            rule: "deployingJobsInEnvironments",
            at: `jobs.${name}`,
            message:
                "signs in with a deploying identity outside a GitHub environment: its federated subject must name an environment with required reviewers and a main-only branch policy",
        }));
}

export const WORKFLOW_RULES = [
    untrustedTriggers,
    noWorkflowIdToken,
    pullRequestSignIn,
    pullRequestJobsReadOnly,
    exactConditions,
    actionsPinned,
    deployingJobsInEnvironments,
] as const;

/** Every violation in one parsed workflow file. */
export function checkWorkflow(file: string, workflow: unknown): WorkflowViolation[] {
    if (!workflow || typeof workflow !== "object")
        return [{ file, rule: "parses", at: "", message: "is not a workflow (a YAML mapping)" }];
    return WORKFLOW_RULES.flatMap((rule) => rule(file, workflow as Workflow));
}
