/**
 * npm run test:e2e — the end-to-end test for people with an Azure subscription. Never part of
 * `npm test`. With the Pulumi Automation API it:
 *   1. creates a throwaway stack (unique name, the dev stack's config, resource names suffixed so
 *      they cannot collide with a real stack);
 *   2. runs `up`, then `verify` against it;
 *   3. always runs `destroy` and removes the stack, even when a step fails or the run is interrupted.
 * It prints the time of each phase. Without the Pulumi CLI or Azure credentials it stops at once,
 * naming what is missing.
 *
 * With --rehearsal (started by `npm run rehearse -- e2e`, in the rehearsal's copy of the checkout)
 * the same phases run against the rehearsal: the real Pulumi CLI, the Azure stand-in, the local
 * control plane. verify then reads Kubernetes live and Azure's two documents from the stand-in,
 * as az would print them (rehearsal/standIn/azDocuments.ts): nothing reaches Azure.
 */
import "../../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { hasPulumiCli } from "../../cli/live";
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNUSABLE_INPUT, parseOptions, runInProcess, runMain } from "../../cli/shell";
import { REPO_ROOT, stackConfig, stackFileConfig } from "../../stackFiles";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main as verifyMain } from "../../verify/cli";

/** The engine tier's sandbox (tests/engine/sandbox.ts): inside it, only --rehearsal runs. */
const ENGINE_SANDBOX = "AKS_KUBENET_ENGINE_SANDBOX";

/** Whether az answers `account show` with `env` over this process's environment (its PATH, AZURE_CONFIG_DIR). */
const azCliLoggedIn = (env: NodeJS.ProcessEnv) => {
    try {
        execFileSync("az", ["account", "show"], { stdio: "ignore", timeout: 30000, env: { ...process.env, ...env } });
        return true;
    } catch {
        return false;
    }
};

/** What is missing to run against Azure, or nothing. */
export function missingPrerequisites(env: NodeJS.ProcessEnv = process.env): string[] {
    const missing: string[] = [];
    if (!hasPulumiCli())
        missing.push("the Pulumi CLI (https://www.pulumi.com/docs/install/), logged in with `pulumi login`");
    const servicePrincipal =
        env.ARM_CLIENT_ID &&
        env.ARM_TENANT_ID &&
        env.ARM_SUBSCRIPTION_ID &&
        (env.ARM_CLIENT_SECRET || env.ARM_USE_OIDC === "true" || env.ARM_USE_MSI === "true");
    if (!servicePrincipal && !azCliLoggedIn(env))
        missing.push(
            "Azure credentials (`az login`, or ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID with OIDC, MSI or a secret)",
        );
    return missing;
}

/**
 * The throwaway stack's config: what Pulumi.dev.yaml sets, and every Azure name suffixed. Only
 * those: the CLI applies Pulumi.yaml's defaults with their types, whereas a default copied here
 * would go in as text, which the CLI refuses for an array key ("must be of type array<string>",
 * as the engine tier found).
 */
export function e2eConfig(suffix: string): Record<string, string> {
    const defaults = stackConfig("dev");
    const named = ["resourceGroupName", "clusterName", "azureCniClusterName"].map((name) => `aks-kubenet:${name}`);
    return {
        ...stackFileConfig("dev"),
        ...Object.fromEntries(named.map((key) => [key, `${defaults[key]}-${suffix}`])),
    };
}

const USAGE = `usage: npm run test:e2e [-- --help | --rehearsal]
Deploys a throwaway copy of the dev stack to YOUR Azure subscription (a unique stack name, every
Azure name suffixed), runs verify against it, then always destroys it and removes the stack, even
on failure or Ctrl-C. It is billable: an AKS cluster for about 20 minutes. It prints each phase's time.
Needs the Pulumi CLI (logged in) and Azure credentials (az login, or ARM_CLIENT_ID, ARM_TENANT_ID,
ARM_SUBSCRIPTION_ID with OIDC, MSI or a secret); without them it stops before creating anything.
Exit 0 when verify passes, 1 when a phase fails, 2 when something it needs is missing.
--rehearsal runs it against a rehearsal instead (npm run rehearse -- e2e starts it so): no Azure, no cost.`;

export async function main(argv: string[]): Promise<number> {
    // Arguments first: --help, a typo or an unknown option must never start a billable deploy.
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: {
            help: { type: "boolean", short: "h", default: false },
            rehearsal: { type: "boolean", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    if (process.env[ENGINE_SANDBOX] && !values.rehearsal) {
        // Before anything asks az or Pulumi: the engine tier must never deploy to an Azure account.
        console.error(
            `test:e2e: inside the engine tier's sandbox (${ENGINE_SANDBOX}=${process.env[ENGINE_SANDBOX]}) nothing deploys to Azure; only --rehearsal runs here`,
        );
        return EXIT_UNUSABLE_INPUT;
    }
    const standIn = process.env.AKS_KUBENET_STAND_IN;
    if (values.rehearsal && !standIn) {
        console.error("test:e2e: --rehearsal runs inside a rehearsal: start it with `npm run rehearse -- e2e`");
        return EXIT_UNUSABLE_INPUT;
    }
    const missing = values.rehearsal
        ? hasPulumiCli()
            ? []
            : ["the Pulumi CLI of the rehearsal (npm run engine -- build)"]
        : missingPrerequisites();
    if (missing.length > 0) {
        console.error(`test:e2e: cannot run: missing ${missing.join("; ")}`);
        return EXIT_UNUSABLE_INPUT;
    }
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const suffix = `e2e${randomBytes(3).toString("hex")}`;
    const stackName = suffix;
    const timings: Array<[string, number]> = [];
    const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const started = Date.now();
        console.log(`== ${name} (stack ${stackName})`);
        try {
            return await work();
        } finally {
            timings.push([name, Date.now() - started]);
            console.log(`== ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
    };

    const stack = await phase("create stack", async () => {
        const created = await LocalWorkspace.createStack({ stackName, workDir: REPO_ROOT });
        for (const [key, value] of Object.entries(e2eConfig(suffix))) await created.setConfig(key, { value });
        return created;
    });
    let interrupted = false;
    const onSignal = (signal: string) => {
        if (interrupted) return;
        interrupted = true;
        console.error(`test:e2e: ${signal}: cancelling, then destroying stack ${stackName}`);
        stack.cancel().catch(() => undefined);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    let code: number = EXIT_CHECK_FAILED;
    try {
        await phase("up", () => stack.up({ onOutput: (line) => process.stdout.write(line) }));
        const verified = await phase("verify", () =>
            standIn && values.rehearsal
                ? verifyRehearsal(stackName, standIn)
                : runInProcess("verify", verifyMain, ["--stack", stackName]),
        );
        console.log(verified.stdout);
        if (verified.stderr) console.error(verified.stderr);
        code = interrupted ? EXIT_CHECK_FAILED : verified.code === EXIT_OK ? EXIT_OK : EXIT_CHECK_FAILED;
    } catch (error) {
        console.error(`test:e2e: ${(error as Error).message.split("\n").slice(-5).join(" ")}`);
    } finally {
        // Always: nothing billable is left behind, whatever happened above.
        try {
            await phase("destroy", () => stack.destroy({ onOutput: (line) => process.stdout.write(line) }));
            await phase("remove stack", () => stack.workspace.removeStack(stackName));
        } catch (error) {
            console.error(
                `test:e2e: CLEAN UP BY HAND: pulumi destroy --stack ${stackName} && pulumi stack rm ${stackName} (${(error as Error).message.split("\n")[0]})`,
            );
            code = EXIT_CHECK_FAILED;
        }
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
    console.log(timings.map(([name, ms]) => `${name}: ${(ms / 1000).toFixed(1)} s`).join(", "));
    return code;
}

/**
 * verify on a rehearsal: the Kubernetes documents live, through the stack's own kubeconfig output
 * (the kubelogin stand-in signs in), Azure's from the stand-in; then verify checks the snapshot.
 */
async function verifyRehearsal(stackName: string, standIn: string) {
    const [{ stackAccess }, { gatherKubernetes }, { expectedFor }, { validatedStackConfig }, { writeSnapshot }] =
        await Promise.all([
            import("../../cli/live"),
            import("../../verify/live"),
            import("../../verify/expected"),
            import("../../stackFiles"),
            import("../../verify/snapshot"),
        ]);
    const { azDocumentsOf } = await import("../../rehearsal/standIn/azDocuments");
    const { readAzureState } = await import("../../rehearsal/standIn/azureState");
    const expected = expectedFor(validatedStackConfig(stackName), "main");
    const { kubeconfig } = await stackAccess(stackName, "main");
    const azure = azDocumentsOf(readAzureState(path.join(standIn, "azure.json")), {
        namespace: expected.nginx.namespace,
        resourceGroup: expected.resourceGroupName,
        vnet: expected.vnetName,
        subnet: expected.subnetName,
        routeTable: expected.routeTableName,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-rehearsal-"));
    try {
        writeSnapshot(dir, { ...(await gatherKubernetes(kubeconfig)), ...(azure as object) } as Parameters<
            typeof writeSnapshot
        >[1]);
        return await runInProcess("verify", verifyMain, ["--stack", stackName, "--from", dir]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

runMain("test:e2e", main, module);
