/** PR previews (the workflow), Pulumi Deployments as code (under mocks) and the ESC environment. */
import * as fs from "fs";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";
import { readYaml, REPO_ROOT, stackConfig } from "../stackFiles";

describe("the pull-request workflow", () => {
    const workflow = readYaml<any>(".github/workflows/preview.yml");
    const steps: any[] = workflow.jobs.preview.steps;
    const index = (predicate: (step: any) => boolean) => steps.findIndex(predicate);

    test("runs on pull requests (and by hand for the end-to-end test) with OIDC permissions", () => {
        expect(Object.keys(workflow.on)).toEqual(["pull_request", "workflow_dispatch"]);
        expect(workflow.jobs.preview.if).toBe("github.event_name == 'pull_request'");
        expect(workflow.permissions["id-token"]).toBe("write");
    });

    test("checkout, setup-node from .nvmrc with the npm cache, npm ci, npm test, then the preview", () => {
        const order = [
            index((step) => String(step.uses).startsWith("actions/checkout@")),
            index((step) => String(step.uses).startsWith("actions/setup-node@") && step.with["node-version-file"] === ".nvmrc" && step.with.cache === "npm"),
            index((step) => step.run === "npm ci"),
            index((step) => step.run === "npm test"),
            index((step) => String(step.uses).startsWith("pulumi/actions@")),
        ];
        expect(order.every((position) => position >= 0)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    test("a preview of dev, commented on the PR, with the policy pack", () => {
        const preview = steps.find((step) => String(step.uses).startsWith("pulumi/actions@"));
        expect(preview.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
        expect(preview.with["stack-name"]).toMatch(/\/aks-kubenet\/dev$/);
    });

    test("the replacement guard runs on the preview's JSON after the preview, unless the PR has the label allow-replacement", () => {
        const guard = index((step) => String(step.run).includes("npm run --silent preview-guard -- preview.json"));
        expect(guard).toBeGreaterThan(index((step) => String(step.uses).startsWith("pulumi/actions@")));
        expect(steps[guard].run).toMatch(/pulumi preview --json --stack .*\/aks-kubenet\/dev.* > preview\.json/);
        expect(steps[guard].if).toBe("${{ !contains(github.event.pull_request.labels.*.name, 'allow-replacement') }}");
        expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(["labeled", "unlabeled", "synchronize"]));
        expect(readYaml<any>("package.json").scripts["preview-guard"]).toBe("ts-node --transpile-only guard/cli.ts");
    });

    test("Azure by OIDC from repository variables; no secret anywhere", () => {
        expect(workflow.env).toMatchObject({
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: "${{ vars.ARM_CLIENT_ID }}",
            ARM_TENANT_ID: "${{ vars.ARM_TENANT_ID }}",
            ARM_SUBSCRIPTION_ID: "${{ vars.ARM_SUBSCRIPTION_ID }}",
        });
        const text = fs.readFileSync(path.join(REPO_ROOT, ".github/workflows/preview.yml"), "utf8");
        expect(text).not.toMatch(/ARM_CLIENT_SECRET|client-secret|clientSecret/i);
        expect(text.match(/secrets\./g) ?? []).toEqual([]);
    });
});

describe("the end-to-end test (npm run test:e2e, never part of npm test)", () => {
    test("a manually started job runs it after npm ci and the Pulumi CLI", () => {
        const job = readYaml<any>(".github/workflows/preview.yml").jobs.e2e;
        expect(job.if).toBe("github.event_name == 'workflow_dispatch'");
        expect(job.steps.map((step: any) => step.run ?? step.uses.split("@")[0])).toEqual(["actions/checkout", "actions/setup-node", "npm ci", "pulumi/auth-actions", "pulumi/actions", "npm run test:e2e"]);
        expect(readYaml<any>("package.json").scripts.test).not.toMatch(/e2e/);
    });
    test("the throwaway stack: the dev config with every Azure name suffixed", () => {
        const { e2eConfig } = require("./e2e/e2e") as typeof import("./e2e/e2e"); // eslint-disable-line
        const config = e2eConfig("e2eabc123");
        const dev = stackConfig("dev");
        expect(config).toEqual({
            ...dev,
            "aks-kubenet:resourceGroupName": "NetworkLab-e2eabc123",
            "aks-kubenet:clusterName": "kubenet-cluster-e2eabc123",
            "aks-kubenet:azureCniClusterName": "azurecni-cluster-e2eabc123",
        });
    });
    test("without the Pulumi CLI or Azure credentials it names what is missing", () => {
        const { missingPrerequisites } = require("./e2e/e2e") as typeof import("./e2e/e2e");
        const saved = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
            expect(missingPrerequisites({})).toEqual([expect.stringMatching(/^the Pulumi CLI/), expect.stringMatching(/^Azure credentials \(`az login`/)]);
            expect(missingPrerequisites({ ARM_CLIENT_ID: "c", ARM_TENANT_ID: "t", ARM_SUBSCRIPTION_ID: "s", ARM_USE_OIDC: "true" })).toEqual([expect.stringMatching(/^the Pulumi CLI/)]);
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
            await pulumi.runtime.setMocks({
                newResource: (args) => {
                    if (args.type === "pulumiservice:index:DeploymentSettings") inputs = args.inputs;
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            }, "aks-kubenet-deployment", "settings", false);
            const program = require("../deployment/index");
            await new Promise((resolve) => program.deploymentSettingsStack.apply(resolve));
        });
    });

    test("the dev stack of aks-kubenet, from this repository's main branch", () => {
        expect(inputs).toMatchObject({
            organization: "acme",
            project: "aks-kubenet",
            stack: "dev",
            sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
        });
        // The GitHub app names the repository; a repoUrl beside GitHub settings is refused.
        expect(inputs.sourceContext.git).not.toHaveProperty("repoUrl");
    });

    test("push-to-deploy through the github block (pulumi-pulumiservice#754); PR previews off (Actions runs them with the policy pack)", () => {
        expect(inputs.github).toEqual({ repository: "acme/aks-kubenet", deployCommits: true, previewPullRequests: false, pullRequestTemplate: false });
        expect(inputs).not.toHaveProperty("vcs");
    });

    test("a pinned Node 22 executor image", () => {
        expect(inputs.executorContext).toEqual({ executorImage: expect.stringMatching(/^pulumi\/pulumi-nodejs-22:\d+\.\d+\.\d+$/) });
        const sdk = readYaml<any>("package.json").dependencies["@pulumi/pulumi"];
        expect(inputs.executorContext.executorImage.split(":")[1]).toBe(sdk);
    });

    test("npm ci before the run, Azure by OIDC", () => {
        expect(inputs.operationContext.preRunCommands).toEqual(["npm ci"]);
        expect(inputs.operationContext.oidc).toEqual({ azure: { clientId: "client", tenantId: "tenant", subscriptionId: "subscription" } });
        expect(JSON.stringify(inputs)).not.toMatch(/secret/i);
    });

    test("the program's own project files", () => {
        expect(readYaml<any>("deployment/Pulumi.yaml").name).toBe("aks-kubenet-deployment");
        expect(readYaml<any>("deployment/package.json").dependencies["@pulumi/pulumiservice"]).toBeDefined();
    });
});

test("the ESC environment logs in to Azure by OIDC and exports the ARM_* variables", () => {
    const environment = readYaml<any>("esc/aks-kubenet-dev.yaml").values;
    expect(environment.azure.login["fn::open::azure-login"]).toMatchObject({ oidc: true });
    expect(Object.keys(environment.environmentVariables)).toEqual(expect.arrayContaining(["ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]));
    expect(JSON.stringify(environment)).not.toMatch(/clientSecret|ARM_CLIENT_SECRET/);
});
