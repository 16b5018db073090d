/**
 * CI and delivery as rules: the workflow (parsed, never compared with a copy of itself), the two
 * identities and their page, the scripts that must read their arguments before any side effect,
 * Pulumi Deployments as code (under mocks) and the ESC environment.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import {
    CI_IDENTITIES,
    deployIdentity,
    e2eIdentity,
    E2E_ENVIRONMENT,
    previewIdentity,
    roleAssignmentCondition,
} from "../deployment/identities";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import {
    kubeloginChecksumCommand,
    kubeloginInstallCommand,
    KUBELOGIN_LINUX_AMD64_SHA256,
} from "../deployment/settings";
import { AZURE_ROLES } from "../names";
import { ofType, Registered, runDeploymentProgram } from "./helpers/deploymentProgram";
import { readYaml, REPO_ROOT } from "../stackFiles";

const workflow = readYaml<any>(".github/workflows/preview.yml");
const jobs: Record<string, any> = workflow.jobs;
const stepsOf = (job: any): any[] => job.steps ?? [];
const uses = (step: any, action: string) => String(step.uses ?? "").startsWith(`${action}@`);
/** Jobs that sign in to Azure: they carry an ARM_CLIENT_ID. */
const signingIn = Object.entries(jobs).filter(([, job]) => job.env?.ARM_CLIENT_ID !== undefined);
const sdkVersion = readYaml<any>("package.json").dependencies["@pulumi/pulumi"];

describe("the workflow: least privilege", () => {
    test("no workflow-level permission grants id-token (or anything else)", () => {
        expect(workflow.permissions === undefined || Object.keys(workflow.permissions).length === 0).toBe(true);
        expect(workflow.env?.ARM_CLIENT_ID).toBeUndefined();
    });

    test("every job declares its own permissions; id-token only where a job signs in", () => {
        for (const [name, job] of Object.entries(jobs)) {
            expect([name, typeof job.permissions]).toEqual([name, "object"]);
            const signsIn =
                stepsOf(job).some((step) => uses(step, "pulumi/auth-actions")) || job.env?.ARM_CLIENT_ID !== undefined;
            expect([name, job.permissions["id-token"] === "write"]).toEqual([name, signsIn]);
            for (const [scope, level] of Object.entries(job.permissions))
                expect([name, scope, level]).not.toEqual([name, scope, "write-all"]);
        }
    });

    test("the pull request's tests run in a job with no token and no cloud credentials", () => {
        const testJobs = Object.entries(jobs).filter(([, job]) => stepsOf(job).some((step) => step.run === "npm test"));
        expect(testJobs.length).toBeGreaterThan(0);
        for (const [name, job] of testJobs) {
            expect([name, job.permissions]).toEqual([name, { contents: "read" }]);
            expect([name, job.env?.ARM_CLIENT_ID]).toEqual([name, undefined]);
        }
    });

    test("the pull-request job signs in with the preview identity; the e2e job with its own, in its environment", () => {
        const pullRequestJobs = signingIn.filter(([, job]) => String(job.if).includes("pull_request"));
        const otherJobs = signingIn.filter(([, job]) => !String(job.if).includes("pull_request"));
        expect(pullRequestJobs.map(([name]) => name)).toEqual(["preview"]);
        expect(otherJobs.map(([name]) => name)).toEqual(["e2e"]);
        expect(jobs.preview.env.ARM_CLIENT_ID).toBe(`\${{ vars.${previewIdentity(ciNames).clientIdVariable} }}`);
        expect(jobs.preview.env.AZURE_CLIENT_ID).toBe(jobs.preview.env.ARM_CLIENT_ID); // kubelogin's
        expect(jobs.e2e.env.ARM_CLIENT_ID).toBe(`\${{ vars.${e2eIdentity(ciNames).clientIdVariable} }}`);
        expect(jobs.e2e.env.AZURE_CLIENT_ID).toBe(jobs.e2e.env.ARM_CLIENT_ID);
        expect(jobs.e2e.environment).toBe(E2E_ENVIRONMENT);
        // No job signs in as the deploy identity: only Pulumi Deployments does.
        expect(JSON.stringify(workflow)).not.toContain(deployIdentity(ciNames).clientIdVariable);
    });

    test("the preview runs only for branches of this repository, never a fork's", () => {
        expect(jobs.preview.if).toBe(
            "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        );
    });

    test("jobs whose kubeconfig runs kubelogin install it first and choose workload identity", () => {
        for (const name of ["preview", "e2e"]) {
            const steps = stepsOf(jobs[name]);
            const install = steps.findIndex((step) => uses(step, "azure/use-kubelogin"));
            const pulumi = steps.findIndex((step) => uses(step, "pulumi/actions"));
            expect([name, install >= 0 && install < pulumi]).toEqual([name, true]);
            expect(jobs[name].env.AAD_LOGIN_METHOD).toBe("workloadidentity");
        }
    });

    test("the pull-request job asks Pulumi Cloud for a team token, never an organization token", () => {
        const auth = stepsOf(jobs.preview).find((step) => uses(step, "pulumi/auth-actions"));
        expect(auth.with["requested-token-type"]).toBe("urn:pulumi:token-type:access_token:team");
        expect(auth.with.scope).toMatch(/^team:/);
    });

    test("no secret anywhere: OIDC only", () => {
        const text = fs.readFileSync(path.join(REPO_ROOT, ".github/workflows/preview.yml"), "utf8");
        expect(text).not.toMatch(/ARM_CLIENT_SECRET|client-secret|clientSecret/i);
        expect(text.match(/secrets\./g) ?? []).toEqual([]);
        for (const [, job] of signingIn) expect(job.env.ARM_USE_OIDC).toBe("true");
    });
});

describe("the workflow: jobs that start", () => {
    test("pulumi/actions gets a command it accepts, or none (install only); never `command: version`", () => {
        const accepted = ["up", "update", "refresh", "destroy", "preview"];
        for (const [, job] of Object.entries(jobs)) {
            for (const step of stepsOf(job).filter((candidate) => uses(candidate, "pulumi/actions"))) {
                if (step.with.command !== undefined) expect(accepted).toContain(step.with.command);
                expect(step.with["pulumi-version"]).toBe(sdkVersion);
            }
        }
    });

    test("the end-to-end job runs only when started by hand on main, in its environment, after npm ci and the CLI", () => {
        expect(jobs.e2e.if).toMatch(/github\.event_name == 'workflow_dispatch'/);
        expect(jobs.e2e.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
        const steps = stepsOf(jobs.e2e);
        const at = (predicate: (step: any) => boolean) => steps.findIndex(predicate);
        const order = [
            at((step) => step.run === "npm ci"),
            at((step) => uses(step, "pulumi/actions")),
            at((step) => step.run === "npm run test:e2e"),
        ];
        expect(order.every((index) => index >= 0)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
        expect(readYaml<any>("package.json").scripts.test).not.toMatch(/e2e/);
    });

    test("the preview runs after the tests, with the policy pack, and the guard reads the same stack's preview", () => {
        expect(jobs.preview.needs).toBe("test");
        const preview = stepsOf(jobs.preview).find((step) => uses(step, "pulumi/actions"));
        expect(preview.with).toMatchObject({ command: "preview", "comment-on-summary": true, policyPacks: "policy" });
        expect(preview.with).not.toHaveProperty("comment-on-pr"); // it would need pull-requests: write
        const guard = stepsOf(jobs.preview).find((step) => String(step.run).includes("preview-guard"));
        expect(guard.run).toContain(`--stack "${preview.with["stack-name"]}"`);
        expect(guard.if).toContain("allow-replacement");
        expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(["labeled", "unlabeled", "synchronize"]));
    });
});

const ciNames = {
    repository: "acme/aks-kubenet",
    organization: "acme",
    project: "aks-kubenet",
    stack: "dev",
    resourceGroup: "NetworkLab",
    clusterName: "kubenet-cluster",
};

describe("the three identities (deployment/identities.ts) and docs/ci.md", () => {
    const preview = previewIdentity(ciNames);
    const deploy = deployIdentity(ciNames);
    const e2e = e2eIdentity(ciNames);
    const page = fs.readFileSync(path.join(REPO_ROOT, "docs/ci.md"), "utf8");
    const generic = (text: string) =>
        text.replace(/acme\/aks-kubenet/g, "<owner>/<repo>").replace(/org:acme:/g, "org:<org>:");

    test("the preview identity reads in Azure and in Kubernetes, and trusts pull requests only", () => {
        expect(preview.roles.map((role) => [role.role, role.scope])).toEqual([
            ["Reader", "resource group NetworkLab"],
            [AZURE_ROLES.aksClusterUser.name, "cluster kubenet-cluster"],
            [AZURE_ROLES.aksRbacReader.name, "cluster kubenet-cluster"],
        ]);
        expect(preview.federatedCredentials.map((credential) => credential.subject)).toEqual([
            "repo:acme/aks-kubenet:pull_request",
        ]);
    });

    test("the deploy identity trusts Deployments' update, refresh and destroy only: no GitHub subject, no preview", () => {
        const subjects = deploy.federatedCredentials.map((credential) => credential.subject);
        expect(subjects).toEqual(
            ["update", "refresh", "destroy"].map(
                (operation) =>
                    `pulumi:deploy:org:acme:project:aks-kubenet:stack:dev:operation:${operation}:scope:write`,
            ),
        );
    });

    test("the e2e identity trusts its environment's subject only, on a subscription of its own", () => {
        expect(e2e.federatedCredentials.map((credential) => credential.subject)).toEqual([
            "repo:acme/aks-kubenet:environment:e2e",
        ]);
        expect(e2e.roles.every((role) => /subscription/.test(role.scope))).toBe(true);
        expect(e2e.clientIdVariable).not.toBe(deploy.clientIdVariable);
    });

    test("RBAC Administrator carries the condition on both deploying identities (its behaviour: tests/boundaries.test.ts)", () => {
        for (const identity of [deploy, e2e]) {
            const admin = identity.roles.find((role) => role.role === "Role Based Access Control Administrator");
            expect(admin?.condition).toBe(roleAssignmentCondition());
        }
    });

    test("docs/ci.md names every role, condition, subject and limit of every identity", () => {
        for (const identity of CI_IDENTITIES.map((make) => make(ciNames))) {
            expect(page).toContain(identity.clientIdVariable);
            for (const role of identity.roles) expect(page).toContain(`| ${role.role} |`);
            for (const credential of identity.federatedCredentials)
                expect(page).toContain(`\`${generic(credential.subject)}\``);
            for (const limit of identity.cannot)
                expect([identity.name, page.includes(generic(limit))]).toEqual([identity.name, true]);
        }
        expect(page).toContain(roleAssignmentCondition());
    });
});

/** A stand-in for a CLI on the PATH: records every call in `log`. */
function standIns(names: string[]): { dir: string; log: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-ins-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(log, "");
    for (const name of names)
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit 0\n`, { mode: 0o755 });
    return { dir, log };
}

describe("scripts read their arguments before any side effect", () => {
    const { dir, log } = standIns(["pulumi", "az", "ip"]);
    const savedPath = process.env.PATH;
    beforeAll(() => {
        process.env.PATH = `${dir}:${savedPath}`;
    });
    afterAll(() => {
        process.env.PATH = savedPath;
    });
    const calls = () => fs.readFileSync(log, "utf8").trim();

    test("test:e2e --help prints its usage and calls neither pulumi nor az; an unknown option exits 2 with one line", async () => {
        const { main } = await import("./e2e/e2e");
        const help = await runInProcess("test:e2e", main, ["--help"]);
        expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^usage: npm run test:e2e/)]);
        const bogus = await runInProcess("test:e2e", main, ["--bogus"]);
        expect(bogus.code).toBe(2);
        expect(bogus.stderr.split("\n")).toEqual([expect.stringMatching(/^test:e2e: Unknown option '--bogus'/)]);
        expect(calls()).toBe("");
    });

    test("lab:bench --help prints its usage and touches no namespace; bad options and sizes exit 2 with one line", async () => {
        const { main } = await import("../lab/bench");
        const help = await runInProcess("lab:bench", main, ["--help"]);
        expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^usage: sudo npm run lab:bench/)]);
        for (const [args, message] of [
            [["--bogus"], /^lab:bench: Unknown option '--bogus'/],
            [["--sizes", "3x3,lots"], /^lab:bench: --sizes item "lots" is not \[main\|azurecni\|both:\]NODESxPODS/],
            [
                ["--sizes", "cilium:3x3"],
                /^lab:bench: --sizes item "cilium:3x3": the cluster must be main, azurecni, both/,
            ],
        ] as const) {
            const result = await runInProcess("lab:bench", main, [...args]);
            expect([args, result.code, result.stderr.split("\n")]).toEqual([args, 2, [expect.stringMatching(message)]]);
        }
        expect(calls()).toBe("");
    });
});

describe("the end-to-end test's throwaway stack", () => {
    test("the dev stack file's config with every Azure name suffixed; Pulumi.yaml's defaults left to the CLI", async () => {
        const { e2eConfig } = await import("./e2e/e2e");
        const config = e2eConfig("e2eabc123");
        // No default is copied: an array default set as text is refused by the real CLI.
        expect(Object.keys(config)).not.toContain("aks-kubenet:clusterAdmins");
        expect(config).toEqual({
            "azure-native:location": "eastus",
            "aks-kubenet:resourceGroupName": "NetworkLab-e2eabc123",
            "aks-kubenet:clusterName": "kubenet-cluster-e2eabc123",
            "aks-kubenet:azureCniClusterName": "azurecni-cluster-e2eabc123",
        });
    });
    test("without the Pulumi CLI or Azure credentials it names what is missing", async () => {
        const { missingPrerequisites } = await import("./e2e/e2e");
        const saved = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
            expect(missingPrerequisites({})).toEqual([
                expect.stringMatching(/^the Pulumi CLI/),
                expect.stringMatching(/^Azure credentials \(`az login`/),
            ]);
            expect(
                missingPrerequisites({
                    ARM_CLIENT_ID: "c",
                    ARM_TENANT_ID: "t",
                    ARM_SUBSCRIPTION_ID: "s",
                    ARM_USE_OIDC: "true",
                }),
            ).toEqual([expect.stringMatching(/^the Pulumi CLI/)]);
        } finally {
            process.env.PATH = saved;
        }
    });
});

describe("Pulumi Deployments settings (deployment/) under mocks", () => {
    let inputs: any;
    let registered: Registered[] = [];
    beforeAll(async () => {
        registered = await runDeploymentProgram();
        inputs = ofType(registered, "pulumiservice:index:DeploymentSettings")[0].inputs;
    });

    test("the dev stack of aks-kubenet from this repository's branch; the GitHub app names the repository (no repoUrl)", () => {
        expect(inputs).toMatchObject({
            organization: "acme",
            project: "aks-kubenet",
            stack: "dev",
            sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
        });
        expect(inputs.sourceContext.git).not.toHaveProperty("repoUrl");
        expect(inputs).not.toHaveProperty("vcs"); // pulumi-pulumiservice#754
        expect(inputs.github).toMatchObject({ repository: "acme/aks-kubenet", deployCommits: true });
    });

    test("only the deployers team may deploy dev or change its settings; the preview team reads; nobody else is granted", () => {
        const teams = registered.filter((resource) => resource.type === "pulumiservice:index:Team");
        expect(teams.map((team) => [team.inputs.name, team.inputs.members]).sort()).toEqual([
            ["aks-kubenet-deployers", ["alice", "bob"]],
            ["aks-kubenet-previews", []],
        ]);
        const permissions = registered.filter(
            (resource) => resource.type === "pulumiservice:index:TeamStackPermission",
        );
        expect(
            permissions.map((grant) => [grant.inputs.team, grant.inputs.stack, grant.inputs.permission]).sort(),
        ).toEqual([
            ["aks-kubenet-deployers", "dev", 103],
            ["aks-kubenet-previews", "dev", 101],
        ]);
    });

    test("GitHub's OIDC tokens: a pull request gets the preview team's token, the e2e environment a standard organization token, nothing else", () => {
        const issuer = registered.find((resource) => resource.type === "pulumiservice:index:OidcIssuer")!.inputs;
        expect(issuer.url).toBe("https://token.actions.githubusercontent.com");
        expect(issuer.policies).toEqual([
            {
                decision: "allow",
                tokenType: "team",
                teamName: "aks-kubenet-previews",
                rules: { aud: "urn:pulumi:org:acme", sub: "repo:acme/aks-kubenet:pull_request" },
            },
            {
                decision: "allow",
                tokenType: "organization",
                authorizedPermissions: ["standard"],
                rules: { aud: "urn:pulumi:org:acme", sub: "repo:acme/aks-kubenet:environment:e2e" },
            },
        ]);
        // The workflow's preview job asks for exactly that team.
        expect(jobs.preview.steps.find((step: any) => uses(step, "pulumi/auth-actions")).with.scope).toBe(
            "team:${{ vars.PULUMI_PREVIEW_TEAM }}",
        );
    });

    test("the executor is pulumi/pulumi-nodejs-22 at the CLI release of the SDK in package.json", () => {
        expect(inputs.executorContext.executorImage).toBe(`pulumi/pulumi-nodejs-22:${sdkVersion}`);
    });

    test("only the program is installed: npm ci --omit=dev, and Deployments' own install skipped; then kubelogin, checked against a pinned SHA-256", () => {
        expect(inputs.operationContext.preRunCommands).toEqual([
            "npm ci --omit=dev",
            kubeloginInstallCommand(KUBELOGIN_LINUX_AMD64_SHA256),
        ]);
        const install = inputs.operationContext.preRunCommands[1];
        expect(install).toMatch(/kubelogin\/releases\/download\/v0\.2\.20\/kubelogin-linux-amd64\.zip/);
        // The checksum is the pinned one, not one fetched from the release beside the zip.
        expect(install).toContain(`echo '${KUBELOGIN_LINUX_AMD64_SHA256}  /tmp/kubelogin.zip' | sha256sum -c -`);
        expect(install).not.toMatch(/\.sha256\b/);
        expect(KUBELOGIN_LINUX_AMD64_SHA256).toMatch(/^[0-9a-f]{64}$/);
        // The same kubelogin release as the workflow's.
        expect(JSON.stringify(workflow).match(/kubelogin-version":"([^"]+)"/g)).toEqual([
            'kubelogin-version":"v0.2.20"',
            'kubelogin-version":"v0.2.20"',
        ]);
        expect(inputs.operationContext.options).toEqual({ skipInstallDependencies: true });
    });

    test("the checksum step refuses a zip whose SHA-256 is not the pinned one, and accepts one that is", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubelogin-"));
        const zip = path.join(dir, "kubelogin.zip");
        fs.writeFileSync(zip, "not kubelogin");
        const run = (sha: string) =>
            spawnSync("sh", ["-c", kubeloginChecksumCommand(sha, zip)], { encoding: "utf8" }).status;
        const actual = createHash("sha256").update("not kubelogin").digest("hex");
        expect([run(KUBELOGIN_LINUX_AMD64_SHA256), run(actual)]).toEqual([1, 0]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("kubelogin reads Deployments' documented OIDC token file; no pre-run command copies a token", () => {
        expect(inputs.operationContext.environmentVariables.AZURE_FEDERATED_TOKEN_FILE).toBe("/mnt/pulumi/pulumi.oidc");
        expect(JSON.stringify(inputs.operationContext)).not.toMatch(/ARM_OIDC_TOKEN|PULUMI_OIDC_TOKEN/);
    });

    test("Azure by OIDC with the deploy identity's client id, for the provider and for kubelogin; nothing secret", () => {
        expect(inputs.operationContext.oidc).toEqual({
            azure: { clientId: "client", tenantId: "tenant", subscriptionId: "subscription" },
        });
        expect(inputs.operationContext.environmentVariables).toMatchObject({
            AAD_LOGIN_METHOD: "workloadidentity",
            AZURE_CLIENT_ID: "client",
            AZURE_TENANT_ID: "tenant",
        });
        expect(JSON.stringify(inputs)).not.toMatch(/secret/i);
    });
});

test("the ESC environment logs in to Azure by OIDC and exports the ARM_* variables", () => {
    const environment = readYaml<any>("esc/aks-kubenet-dev.yaml").values;
    expect(environment.azure.login["fn::open::azure-login"]).toMatchObject({ oidc: true });
    expect(Object.keys(environment.environmentVariables)).toEqual(
        expect.arrayContaining(["ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]),
    );
    expect(JSON.stringify(environment)).not.toMatch(/clientSecret|ARM_CLIENT_SECRET/);
});
