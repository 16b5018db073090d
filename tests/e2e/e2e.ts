/**
 * npm run test:e2e — the end-to-end test for people with an Azure subscription. Never part of
 * `npm test`. With the Pulumi Automation API it:
 *   1. creates a throwaway stack (unique name, the dev stack's config, resource names suffixed so
 *      they cannot collide with a real stack);
 *   2. runs `up`, then `verify` against it;
 *   3. always runs `destroy` and removes the stack, even when a step fails or the run is interrupted.
 * It prints the time of each phase. Without the Pulumi CLI or Azure credentials it stops at once,
 * naming what is missing.
 */
import "../../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { hasPulumiCli } from "../../cli/live";
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNUSABLE_INPUT, parseOptions, runInProcess, runMain } from "../../cli/shell";
import { REPO_ROOT, stackConfig } from "../../stackFiles";
import { main as verifyMain } from "../../verify/cli";

const azCliLoggedIn = () => {
    try {
        execFileSync("az", ["account", "show"], { stdio: "ignore", timeout: 30000 });
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
    if (!servicePrincipal && !azCliLoggedIn())
        missing.push(
            "Azure credentials (`az login`, or ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID with OIDC, MSI or a secret)",
        );
    return missing;
}

/** The throwaway stack's config: the dev stack's, with every Azure name suffixed. */
export function e2eConfig(suffix: string): Record<string, string> {
    const dev = stackConfig("dev");
    const named = ["resourceGroupName", "clusterName", "azureCniClusterName"];
    return Object.fromEntries(
        Object.entries(dev).map(([key, value]) => [
            key,
            named.some((name) => key === `aks-kubenet:${name}`) ? `${value}-${suffix}` : value,
        ]),
    );
}

const USAGE = `usage: npm run test:e2e [-- --help]
Deploys a throwaway copy of the dev stack to YOUR Azure subscription (a unique stack name, every
Azure name suffixed), runs verify against it, then always destroys it and removes the stack, even
on failure or Ctrl-C. It is billable: an AKS cluster for about 20 minutes. It prints each phase's time.
Needs the Pulumi CLI (logged in) and Azure credentials (az login, or ARM_CLIENT_ID, ARM_TENANT_ID,
ARM_SUBSCRIPTION_ID with OIDC, MSI or a secret); without them it stops before creating anything.
Exit 0 when verify passes, 1 when a phase fails, 2 when something it needs is missing.`;

export async function main(argv: string[]): Promise<number> {
    // Arguments first: --help, a typo or an unknown option must never start a billable deploy.
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: { help: { type: "boolean", short: "h", default: false } },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const missing = missingPrerequisites();
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
        const verified = await phase("verify", () => runInProcess("verify", verifyMain, ["--stack", stackName]));
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

runMain("test:e2e", main, module);
