/**
 * CI fails closed: every workflow file passes deployment/workflowRules.ts, and each rule refuses
 * the bad change it exists for (fed a copy of the real workflow with that one change).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { checkWorkflow, isPinned } from "../deployment/workflowRules";
import { REPO_ROOT } from "../stackFiles";

const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const workflowFiles = fs.readdirSync(WORKFLOW_DIR).filter((file) => /\.ya?ml$/.test(file));
const read = (file: string) => parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8"));
/** The real preview workflow with one change made by `change`. */
const changed = (change: (workflow: any) => void) => {
    const workflow = read("preview.yml");
    change(workflow);
    return checkWorkflow("preview.yml", workflow);
};
const rulesOf = (violations: ReturnType<typeof checkWorkflow>) => [...new Set(violations.map((found) => found.rule))];

test("every workflow file in .github/workflows passes every rule", () => {
    expect(workflowFiles.length).toBeGreaterThan(0);
    for (const file of workflowFiles) expect([file, checkWorkflow(file, read(file))]).toEqual([file, []]);
});

describe("each rule refuses its bad change", () => {
    test("pull_request_target, workflow_run or issue_comment in a workflow whose jobs get an id-token or a secret", () => {
        for (const trigger of ["pull_request_target", "workflow_run", "issue_comment"]) {
            expect(rulesOf(changed((workflow) => (workflow.on[trigger] = {})))).toContain("untrustedTriggers");
        }
        // ...also in a new workflow file that reads a secret, with no id-token at all.
        const added = {
            on: { issue_comment: { types: ["created"] } },
            permissions: {},
            jobs: {
                bot: {
                    permissions: { contents: "read" },
                    "runs-on": "ubuntu-latest",
                    steps: [{ run: "deploy", env: { TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" } }],
                },
            },
        };
        expect(rulesOf(checkWorkflow("bot.yml", added))).toEqual(["untrustedTriggers"]);
    });

    test("a workflow-level id-token (or any workflow-level permission)", () => {
        expect(rulesOf(changed((workflow) => (workflow.permissions = { "id-token": "write" })))).toContain(
            "noWorkflowPermissions",
        );
        expect(rulesOf(changed((workflow) => (workflow.permissions = "write-all")))).toContain("noWorkflowPermissions");
    });

    test("a pull-request job that signs in as another identity, or asks for an organization token, or reads a secret", () => {
        expect(
            rulesOf(
                changed((workflow) => (workflow.jobs.preview.env.ARM_CLIENT_ID = "${{ vars.ARM_DEPLOY_CLIENT_ID }}")),
            ),
        ).toEqual(["pullRequestSignIn", "deployingJobsInEnvironments"]);
        expect(
            rulesOf(
                changed((workflow) => {
                    const auth = workflow.jobs.preview.steps.find((step: any) =>
                        String(step.uses).startsWith("pulumi/auth-actions@"),
                    );
                    auth.with["requested-token-type"] = "urn:pulumi:token-type:access_token:organization";
                }),
            ),
        ).toEqual(["pullRequestSignIn"]);
        expect(
            rulesOf(
                changed((workflow) =>
                    workflow.jobs.preview.steps.push({
                        run: "echo",
                        env: { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI }}" },
                    }),
                ),
            ),
        ).toEqual(["pullRequestSignIn"]);
        expect(
            rulesOf(
                changed((workflow) =>
                    workflow.jobs.preview.steps.push({
                        uses: "azure/login@a457da9ea143d694b1b9c7c869ebb04ebe844ef5",
                        with: { "client-id": "${{ vars.ARM_E2E_CLIENT_ID }}" },
                    }),
                ),
            ),
        ).toEqual(["pullRequestSignIn"]);
    });

    test("a pull-request job holding a write permission (id-token apart), or the default token", () => {
        // The preview comment as it was: pull-requests: write beside the PR's own code.
        expect(rulesOf(changed((workflow) => (workflow.jobs.preview.permissions["pull-requests"] = "write")))).toEqual([
            "pullRequestJobsReadOnly",
        ]);
        for (const scope of ["contents", "issues", "actions", "checks"])
            expect(rulesOf(changed((workflow) => (workflow.jobs.test.permissions[scope] = "write")))).toEqual([
                "pullRequestJobsReadOnly",
            ]);
        expect(rulesOf(changed((workflow) => (workflow.jobs.test.permissions = "write-all")))).toEqual([
            "pullRequestJobsReadOnly",
        ]);
        // No block on the job nor on the workflow: the repository's default token.
        const defaultToken = checkWorkflow(
            "preview.yml",
            (() => {
                const workflow = read("preview.yml");
                delete workflow.permissions;
                delete workflow.jobs.test.permissions;
                return workflow;
            })(),
        );
        expect(defaultToken.map((found) => [found.rule, found.at])).toEqual([["pullRequestJobsReadOnly", "jobs.test"]]);
        // Reading and id-token stay allowed; the e2e job (workflow_dispatch only) is not a PR job.
        expect(rulesOf(changed((workflow) => (workflow.jobs.test.permissions.actions = "read")))).toEqual([]);
        expect(rulesOf(changed((workflow) => (workflow.jobs.e2e.permissions.deployments = "write")))).toEqual([]);
    });

    test("an if: widened with always(), or any condition not on the list", () => {
        expect(
            rulesOf(changed((workflow) => (workflow.jobs.e2e.if = `always() || ${workflow.jobs.e2e.if}`))),
        ).toContain("exactConditions");
        expect(
            rulesOf(
                changed((workflow) => {
                    const guard = workflow.jobs.preview.steps.find((step: any) => step.name === "Replacement guard");
                    guard.if = "always()";
                }),
            ),
        ).toEqual(["exactConditions"]);
        // A job without a condition in a pull-request workflow runs on pull requests: the e2e job
        // without its `if` becomes a pull-request job signing in as the e2e identity.
        expect(rulesOf(changed((workflow) => delete workflow.jobs.e2e.if))).toContain("pullRequestSignIn");
    });

    test("an action pinned to a tag or a branch", () => {
        for (const ref of ["actions/checkout@v6", "actions/checkout@main", "actions/checkout@d23441a"])
            expect(rulesOf(changed((workflow) => (workflow.jobs.test.steps[0].uses = ref)))).toEqual(["actionsPinned"]);
        expect(isPinned("actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803")).toBe(true);
        expect(isPinned("./.github/actions/local")).toBe(true);
        expect(isPinned("docker://alpine:3")).toBe(false);
    });

    test("a deploying identity outside a GitHub environment", () => {
        expect(rulesOf(changed((workflow) => delete workflow.jobs.e2e.environment))).toEqual([
            "deployingJobsInEnvironments",
        ]);
    });
});
