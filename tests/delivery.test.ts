/**
 * CI and delivery as rules: the workflow (parsed, never compared with a copy of itself), the two
 * identities and their page, the scripts that must read their arguments before any side effect,
 * Pulumi Deployments as code (under mocks) and the ESC environment.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";
import { runInProcess } from "../cli/shell";
import { deployIdentity, previewIdentity } from "../deployment/identities";
import { readYaml, REPO_ROOT, stackConfig } from "../stackFiles";

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

    test("the pull-request job signs in with the preview identity, whose client id differs from every deploying job's", () => {
        const pullRequestJobs = signingIn.filter(([, job]) => String(job.if).includes("pull_request"));
        const deployingJobs = signingIn.filter(([, job]) => !String(job.if).includes("pull_request"));
        expect(pullRequestJobs.map(([name]) => name)).toEqual(["preview"]);
        expect(deployingJobs.length).toBeGreaterThan(0);
        const preview = previewIdentity(ciNames);
        const deploy = deployIdentity(ciNames);
        expect(jobs.preview.env.ARM_CLIENT_ID).toBe(`\${{ vars.${preview.clientIdVariable} }}`);
        for (const [name, job] of deployingJobs) {
            expect([name, job.env.ARM_CLIENT_ID]).toEqual([name, `\${{ vars.${deploy.clientIdVariable} }}`]);
            expect(job.env.ARM_CLIENT_ID).not.toBe(jobs.preview.env.ARM_CLIENT_ID);
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

    test("the end-to-end job runs only when started by hand on main, after npm ci and the CLI", () => {
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
        expect(preview.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
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

describe("the two identities (deployment/identities.ts) and docs/ci.md", () => {
    const preview = previewIdentity(ciNames);
    const deploy = deployIdentity(ciNames);
    const page = fs.readFileSync(path.join(REPO_ROOT, "docs/ci.md"), "utf8");
    const generic = (text: string) =>
        text.replace(/acme\/aks-kubenet/g, "<owner>/<repo>").replace(/org:acme:/g, "org:<org>:");

    test("the preview identity reads, and trusts pull requests only", () => {
        expect(preview.roles.map((role) => role.role)).toEqual([
            "Reader",
            "Azure Kubernetes Service Cluster User Role",
        ]);
        expect(preview.federatedCredentials.map((credential) => credential.subject)).toEqual([
            "repo:acme/aks-kubenet:pull_request",
        ]);
    });

    test("the deploy identity never trusts a pull request, nor a Deployments preview", () => {
        const subjects = deploy.federatedCredentials.map((credential) => credential.subject);
        expect(subjects.some((subject) => subject.endsWith(":pull_request"))).toBe(false);
        expect(subjects.some((subject) => subject.includes(":operation:preview:"))).toBe(false);
        expect(subjects).toContain("repo:acme/aks-kubenet:ref:refs/heads/main");
    });

    test("docs/ci.md names every role and every subject of both identities", () => {
        for (const identity of [preview, deploy]) {
            expect(page).toContain(identity.clientIdVariable);
            for (const role of identity.roles) expect(page).toContain(`| ${role.role} |`);
            for (const credential of identity.federatedCredentials)
                expect(page).toContain(`\`${generic(credential.subject)}\``);
        }
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
    test("the dev config with every Azure name suffixed", async () => {
        const { e2eConfig } = await import("./e2e/e2e");
        const config = e2eConfig("e2eabc123");
        const dev = stackConfig("dev");
        expect(config).toEqual({
            ...dev,
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
    beforeAll(async () => {
        await jest.isolateModulesAsync(async () => {
            const pulumi: typeof pulumiType = require("@pulumi/pulumi");
            pulumi.runtime.setAllConfig({
                "aks-kubenet-deployment:organization": "acme",
                "aks-kubenet-deployment:repository": "acme/aks-kubenet",
                "aks-kubenet-deployment:azureClientId": "client",
                "aks-kubenet-deployment:azureTenantId": "tenant",
                "aks-kubenet-deployment:azureSubscriptionId": "subscription",
            });
            await pulumi.runtime.setMocks(
                {
                    newResource: (args) => {
                        if (args.type === "pulumiservice:index:DeploymentSettings") inputs = args.inputs;
                        return { id: `${args.name}-id`, state: args.inputs };
                    },
                    call: () => ({}),
                },
                "aks-kubenet-deployment",
                "settings",
                false,
            );
            const program = require("../deployment/index");
            await new Promise((resolve) => program.deploymentSettingsStack.apply(resolve));
        });
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

    test("the executor is pulumi/pulumi-nodejs-22 at the CLI release of the SDK in package.json", () => {
        expect(inputs.executorContext.executorImage).toBe(`pulumi/pulumi-nodejs-22:${sdkVersion}`);
    });

    test("only the program is installed: npm ci --omit=dev, and Deployments' own install skipped", () => {
        expect(inputs.operationContext.preRunCommands).toEqual(["npm ci --omit=dev"]);
        expect(inputs.operationContext.options).toEqual({ skipInstallDependencies: true });
    });

    test("Azure by OIDC with the deploy identity's client id; nothing secret", () => {
        expect(inputs.operationContext.oidc).toEqual({
            azure: { clientId: "client", tenantId: "tenant", subscriptionId: "subscription" },
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
