/**
 * npm run --silent boundaries -- <check|apply|condition> [options]
 * The trust boundaries that live in GitHub's and Pulumi Cloud's settings, read back as a blocking
 * check, and the one setting the pulumiservice provider cannot write (an explicit false).
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    CheckFailedError,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    formatTable,
    parseOptions,
    runMain,
    UsageError,
} from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import { CODEOWNERS_LOCATIONS, parseCodeowners } from "./codeowners";
import { RepositoryProtectionInputs } from "./github";
import { conditionPrincipalsFor } from "./identities";
import {
    checkBranchRules,
    checkCodeowners,
    checkDeploymentSettings,
    checkEnvironment,
    Finding,
    PULL_REQUESTS_OFF,
} from "./readBack";
import { principalsProblem, roleAssignmentCondition } from "./roleCondition";
import { DEPLOY_INSTALL_COMMAND, KUBELOGIN_COMMANDS } from "./settings";

const USAGE = `usage: npm run --silent boundaries -- <command> [options]
  check --organization ORG --repository OWNER/REPO [--branch B] [--owners-team SLUG] [--only github|pulumi]
        reads back what GitHub and Pulumi Cloud enforce and compares it with deployment/: main's
        ruleset (a pull request, a code owner's approval, the last push approved by someone else,
        no bypass), CODEOWNERS (GitHub's own errors too), the e2e environment (reviewers,
        prevent_self_review, no admin bypass, main only) and dev's Deployments settings
        (pull-request previews off, the branch, the pre-run commands). Tokens: GITHUB_TOKEN (an
        administrator's: bypass actors are shown only to one) and PULUMI_ACCESS_TOKEN.
  apply --organization ORG
        sends previewPullRequests=false and pullRequestTemplate=false to dev's Deployments settings
        (the pulumiservice provider drops a false), then reads them back.
  condition --stack NAME --preview-object-id ID --deploy-object-id ID --e2e-object-id ID
        prints the ABAC conditions for the deploy and e2e identities' RBAC Administrator
        assignments, with the stack's clusterAdmins and the three identities' object ids.
  --github-api URL, --pulumi-api URL   the services' addresses (default the public ones)
Exit 0 when every check passes, 1 when one fails or cannot be read, 2 for unusable input.`;

const PROJECT = "aks-kubenet";
const STACK = "dev";
/** deployment/Pulumi.yaml's defaults, read rather than restated. */
function deploymentDefaults(): { branch: string; ownersTeam: string } {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "deployment", "Pulumi.yaml"), "utf8")) as {
        config: Record<"branch" | "githubOwnersTeam", { default: string }>;
    };
    return { branch: project.config.branch.default, ownersTeam: project.config.githubOwnersTeam.default };
}

interface Api {
    readonly base: string;
    readonly headers: Record<string, string>;
}

async function request(api: Api, method: string, urlPath: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
        response = await fetch(`${api.base}${urlPath}`, {
            method,
            headers: { ...api.headers, ...(body ? { "Content-Type": "application/json" } : {}) },
            body: body ? JSON.stringify(body) : undefined,
        });
    } catch (error) {
        throw new CheckFailedError(`cannot reach ${api.base} (${(error as Error).message})`);
    }
    const text = await response.text();
    if (!response.ok)
        throw new CheckFailedError(
            `${method} ${urlPath} answered ${response.status}${response.status === 401 || response.status === 403 ? " (the token may not read it: use an administrator's)" : ""}: ${text.slice(0, 200)}`,
        );
    try {
        return text ? JSON.parse(text) : undefined;
    } catch {
        throw new CheckFailedError(`${method} ${urlPath} answered something that is not JSON`);
    }
}

const token = (name: string) => {
    const value = process.env[name];
    if (!value) throw new UsageError(`${name} is not set; the read-back needs it (see --help)`);
    return value;
};
const pulumiApi = (base: string): Api => ({
    base,
    headers: { Authorization: `token ${token("PULUMI_ACCESS_TOKEN")}`, Accept: "application/vnd.pulumi+8" },
});
const githubApi = (base: string): Api => ({
    base,
    headers: {
        Authorization: `Bearer ${token("GITHUB_TOKEN")}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    },
});
const settingsPath = (organization: string) => `/api/stacks/${organization}/${PROJECT}/${STACK}/deployments/settings`;

async function pulumiFindings(api: Api, organization: string, inputs: RepositoryProtectionInputs): Promise<Finding[]> {
    const settings = await request(api, "GET", settingsPath(organization));
    return checkDeploymentSettings(settings, {
        repository: inputs.repository,
        branch: inputs.branch,
        preRunCommands: [DEPLOY_INSTALL_COMMAND, ...KUBELOGIN_COMMANDS],
    });
}

async function githubFindings(api: Api, inputs: RepositoryProtectionInputs): Promise<Finding[]> {
    const repo = `/repos/${inputs.repository}`;
    const rules = await request(api, "GET", `${repo}/rules/branches/${encodeURIComponent(inputs.branch)}`);
    const ids = Array.isArray(rules)
        ? [
              ...new Set(
                  rules
                      .map((rule) => (rule as { ruleset_id?: unknown }).ruleset_id)
                      .filter((id): id is number => typeof id === "number"),
              ),
          ]
        : [];
    const rulesets: Record<string, unknown> = {};
    for (const id of ids) rulesets[String(id)] = await request(api, "GET", `${repo}/rulesets/${id}`);
    const environment = await request(api, "GET", `${repo}/environments/e2e`);
    const policies = await request(api, "GET", `${repo}/environments/e2e/deployment-branch-policies`);
    const location = CODEOWNERS_LOCATIONS.find((file) => fs.existsSync(path.join(REPO_ROOT, file)));
    const local = location
        ? parseCodeowners(fs.readFileSync(path.join(REPO_ROOT, location), "utf8"))
        : { rules: [], errors: [`no CODEOWNERS in ${CODEOWNERS_LOCATIONS.join(", ")}`] };
    const errors = await request(api, "GET", `${repo}/codeowners/errors?ref=${encodeURIComponent(inputs.branch)}`);
    return [
        ...checkBranchRules(inputs.branch, rules, rulesets),
        ...checkCodeowners(local, errors, inputs),
        ...checkEnvironment(environment, policies, inputs),
    ];
}

function report(findings: readonly Finding[]): number {
    console.log(
        formatTable(
            ["result", "setting", "seen"],
            findings.map((item) => [item.ok ? "PASS" : "FAIL", item.subject, item.detail]),
        ),
    );
    const failed = findings.filter((item) => !item.ok).length;
    console.log(`\n${findings.length - failed} passed, ${failed} failed`);
    return failed === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            help: { type: "boolean", short: "h", default: false },
            organization: { type: "string" },
            repository: { type: "string" },
            branch: { type: "string" },
            "owners-team": { type: "string" },
            only: { type: "string" },
            stack: { type: "string" },
            "preview-object-id": { type: "string" },
            "deploy-object-id": { type: "string" },
            "e2e-object-id": { type: "string" },
            "github-api": { type: "string", default: "https://api.github.com" },
            "pulumi-api": { type: "string", default: "https://api.pulumi.com" },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const [command, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}; see --help`);
    const need = (name: "organization" | "repository" | "stack") => {
        const value = values[name];
        if (!value) throw new UsageError(`${command} needs --${name}; see --help`);
        return value;
    };
    switch (command) {
        case "check": {
            if (values.only && !["github", "pulumi"].includes(values.only))
                throw new UsageError(`--only is "${values.only}"; use github or pulumi`);
            const defaults = deploymentDefaults();
            const repository = need("repository");
            if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
                throw new UsageError(`--repository "${repository}" is not OWNER/REPO`);
            const inputs: RepositoryProtectionInputs = {
                repository,
                branch: values.branch ?? defaults.branch,
                ownersTeam: values["owners-team"] ?? defaults.ownersTeam,
                maintainers: [],
            };
            const organization = values.only === "github" ? "" : need("organization");
            // Both tokens before any request: a missing one is unusable input, not a failed check.
            const github = values.only === "pulumi" ? undefined : githubApi(values["github-api"]);
            const pulumi = values.only === "github" ? undefined : pulumiApi(values["pulumi-api"]);
            const findings: Finding[] = [];
            const gather = async (what: string, work: () => Promise<Finding[]>) => {
                try {
                    findings.push(...(await work()));
                } catch (error) {
                    if (!(error instanceof CheckFailedError)) throw error;
                    findings.push({ subject: what, ok: false, detail: `cannot tell: ${error.message}` });
                }
            };
            if (github) await gather("GitHub", () => githubFindings(github, inputs));
            if (pulumi) await gather("Pulumi Cloud", () => pulumiFindings(pulumi, organization, inputs));
            return report(findings);
        }
        case "apply": {
            const organization = need("organization");
            const api = pulumiApi(values["pulumi-api"]);
            // POST is the API's partial update (pulumi-pulumiservice apiclient PatchDeploymentSettings).
            await request(api, "POST", settingsPath(organization), PULL_REQUESTS_OFF);
            const settings = await request(api, "GET", settingsPath(organization));
            const flags = checkDeploymentSettings(settings, { repository: "", branch: "", preRunCommands: [] }).filter(
                (item) => /previewPullRequests|pullRequestTemplate/.test(item.subject),
            );
            console.log(`sent ${JSON.stringify(PULL_REQUESTS_OFF)} to ${settingsPath(organization)}; read back:`);
            return report(flags);
        }
        case "condition": {
            const { validatedStackConfig } = await import("../stackFiles");
            const config = validatedStackConfig(need("stack"));
            const ids = { preview: "preview-object-id", deploy: "deploy-object-id", e2e: "e2e-object-id" } as const;
            const principals = Object.fromEntries(
                Object.entries(ids).map(([identity, option]) => {
                    const value = values[option];
                    if (!value) throw new UsageError(`condition needs --${option}; see --help`);
                    return [identity, value];
                }),
            ) as Record<keyof typeof ids, string>;
            const names = {
                repository: "-/-",
                organization: "-",
                project: PROJECT,
                stack: STACK,
                resourceGroup: config.resourceGroupName,
                clusterName: config.clusterName,
                principals: { ...principals, clusterAdmins: config.clusterAdmins },
            };
            for (const identity of ["deploy", "e2e"] as const) {
                const conditionPrincipals = conditionPrincipalsFor(names, identity);
                const problem = principalsProblem(conditionPrincipals);
                if (problem) throw new UsageError(problem);
                console.log(
                    `${identity} identity (${principals[identity]}):\n${roleAssignmentCondition(conditionPrincipals)}\n`,
                );
            }
            return EXIT_OK;
        }
        default:
            throw new UsageError(
                command
                    ? `unknown command "${command}"; use check, apply or condition (see --help)`
                    : "give a command: check, apply or condition (see --help)",
            );
    }
}

runMain("boundaries", main, module);
