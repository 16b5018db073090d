/**
 * What verify and migrate share to reach a deployed stack: its outputs (Pulumi Automation API),
 * its Kubernetes API (@kubernetes/client-node) and Azure (@azure/identity's DefaultAzureCredential,
 * which picks up `az login`). Every way this fails without a bug becomes a UsageError that says
 * what to do. Not exercised against live services here (none are reachable).
 */
import { execFileSync } from "child_process";
import type { CoreV1Api } from "@kubernetes/client-node";
import type { TokenCredential } from "@azure/identity";
import * as fs from "fs";
import * as path from "path";
import { execCommandsOf, KUBELOGIN_INSTALL_HINT } from "../kubeconfig";
import { ClusterChoice } from "../names";
import { REPO_ROOT } from "../stackFiles";
import { UsageError } from "./shell";

/** Whether the Pulumi CLI answers on this PATH. */
export function hasPulumiCli(): boolean {
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore", timeout: 20000 });
        return true;
    } catch {
        return false;
    }
}

/** The kubeconfig of the chosen cluster and the subscription, from the stack's outputs. */
export async function stackAccess(
    stack: string,
    cluster: ClusterChoice,
): Promise<{ kubeconfig: string; subscriptionId: string }> {
    if (!hasPulumiCli()) {
        throw new UsageError(
            "the Pulumi CLI is not installed or not on PATH (https://www.pulumi.com/docs/install/); install it and `pulumi login`, or work from saved files (see --help)",
        );
    }
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    let outputs: Record<string, { value: unknown; secret: boolean }>;
    try {
        const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: REPO_ROOT });
        outputs = await selected.outputs();
    } catch (error) {
        const message = (error as Error).message;
        if (/no stack named|not found|does not exist/i.test(message))
            throw new UsageError(`stack ${stack} does not exist in this project; list them with \`pulumi stack ls\``);
        if (/not logged in|PULUMI_ACCESS_TOKEN|login/i.test(message))
            throw new UsageError("the Pulumi CLI is not logged in; run `pulumi login`");
        throw new UsageError(
            `cannot read stack ${stack}'s outputs: ${message.split("\n").find((line) => line.trim()) ?? message}`,
        );
    }
    const source = (cluster === "azurecni" ? outputs.azureCni?.value : { kubeconfig: outputs.kubeconfig?.value }) as
        { kubeconfig?: string } | undefined;
    if (cluster === "azurecni" && !source)
        throw new UsageError(
            `stack ${stack} has no Azure CNI cluster; set \`pulumi config set azureCniCluster true\` and \`pulumi up\``,
        );
    if (!source?.kubeconfig)
        throw new UsageError(`stack ${stack} has no kubeconfig output: it is not deployed; run \`pulumi up\` first`);
    const subnetId = (outputs.subnetIds?.value as { kubenet?: string } | undefined)?.kubenet;
    const subscriptionId = subnetId?.split("/")[2];
    if (!subscriptionId)
        throw new UsageError(`stack ${stack} has no subnetIds output to read the subscription from; run \`pulumi up\``);
    return { kubeconfig: source.kubeconfig, subscriptionId };
}

/** Whether `command` is a path to a file, or a name found on `searchPath` (PATH's form). */
export function commandExists(command: string, searchPath = process.env.PATH ?? ""): boolean {
    const candidates = command.includes("/")
        ? [command]
        : searchPath
              .split(path.delimiter)
              .filter(Boolean)
              .map((dir) => path.join(dir, command));
    return candidates.some((file) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    });
}

/**
 * Why the kubeconfig cannot be used on this machine, before anything is sent: an exec plugin that
 * is not installed (kubelogin, for an Entra ID cluster), or undefined.
 */
export function kubeconfigProblem(kubeconfig: string, searchPath = process.env.PATH ?? ""): string | undefined {
    const missing = execCommandsOf(kubeconfig).filter((command) => !commandExists(command, searchPath));
    if (missing.length === 0) return undefined;
    return missing.includes("kubelogin")
        ? KUBELOGIN_INSTALL_HINT
        : `the kubeconfig runs ${missing.join(", ")} to sign in, which is not installed here; install it or work from saved files`;
}

/** Runs `work` against the cluster's API server; connection and auth failures become one clear line. */
export async function withKubernetes<T>(kubeconfig: string, work: (core: CoreV1Api) => Promise<T>): Promise<T> {
    const problem = kubeconfigProblem(kubeconfig);
    if (problem) throw new UsageError(problem);
    const k8s = await import("@kubernetes/client-node");
    const config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig);
    const server = config.getCurrentCluster()?.server ?? "the API server";
    try {
        return await work(config.makeApiClient(k8s.CoreV1Api));
    } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|fetch failed|socket/i.test(message)) {
            throw new UsageError(
                `cannot reach ${server} (${message.split("\n")[0]}); check the network path to the cluster (private clusters need a VNet connection), or work from saved files`,
            );
        }
        if (/kubelogin|AADSTS|az login|get-token/i.test(message))
            throw new UsageError(
                `signing in to ${server} with Microsoft Entra ID failed (${message.split("\n")[0]}); run \`az login\` (or set AAD_LOGIN_METHOD) and retry`,
            );
        if (/401|403|Unauthorized|Forbidden/.test(message))
            throw new UsageError(
                `${server} refused the stack's credentials (${message.split("\n")[0]}); on an Entra ID cluster ask for an Azure Kubernetes Service RBAC role on it, otherwise run \`pulumi refresh\` and retry`,
            );
        throw new UsageError(`the Kubernetes API at ${server} failed: ${message.split("\n")[0]}`);
    }
}

/** Runs `work` with Azure credentials; missing credentials and missing resources become one clear line. */
export async function withAzure<T>(what: string, work: (credential: TokenCredential) => Promise<T>): Promise<T> {
    const { DefaultAzureCredential } = await import("@azure/identity");
    try {
        return await work(new DefaultAzureCredential());
    } catch (error) {
        const { name, message } = error as Error;
        if (/CredentialUnavailable|AuthenticationError/.test(name) || /az login|credential/i.test(message)) {
            throw new UsageError(
                "no Azure credentials: run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and a federated token or secret for DefaultAzureCredential)",
            );
        }
        if (/ResourceNotFound|NotFound/.test(message))
            throw new UsageError(`Azure has no ${what}: is the stack deployed to this subscription?`);
        throw new UsageError(`Azure refused (${what}): ${message.split("\n")[0]}`);
    }
}

/** Plain JSON, as kubectl and az print it (the SDK models carry the API's field names; dates become strings). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
