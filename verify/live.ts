/**
 * Gathers a snapshot from a deployed stack: the kubeconfig from the stack's secret output (Pulumi
 * Automation API), the Kubernetes documents from the API server (@kubernetes/client-node), the
 * route table and subnet from Azure (@azure/arm-network with DefaultAzureCredential, which picks up
 * `az login`). Every way this can fail without a bug stops with a UsageError that says what to do.
 * Not exercised against live services here (none are reachable); tests cover the failure messages.
 */
import { execFileSync } from "child_process";
import { UsageError } from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import { ClusterChoice, Expected } from "./expected";
import { Snapshot } from "./snapshot";

function hasPulumiCli(): boolean {
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore", timeout: 20000 });
        return true;
    } catch {
        return false;
    }
}

/** The kubeconfig and subscription of the chosen cluster, from the stack's outputs. */
export async function stackAccess(stack: string, cluster: ClusterChoice): Promise<{ kubeconfig: string; subscriptionId: string }> {
    if (!hasPulumiCli()) {
        throw new UsageError("the Pulumi CLI is not installed or not on PATH (https://www.pulumi.com/docs/install/); install it and `pulumi login`, or check a saved snapshot with --from DIR");
    }
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    let outputs: Record<string, { value: any; secret: boolean }>;
    try {
        const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: REPO_ROOT });
        outputs = await selected.outputs();
    } catch (error) {
        const message = (error as Error).message;
        if (/no stack named|not found|does not exist/i.test(message)) throw new UsageError(`stack ${stack} does not exist in this project; list them with \`pulumi stack ls\``);
        if (/not logged in|PULUMI_ACCESS_TOKEN|login/i.test(message)) throw new UsageError("the Pulumi CLI is not logged in; run `pulumi login`");
        throw new UsageError(`cannot read stack ${stack}'s outputs: ${message.split("\n").find((line) => line.trim()) ?? message}`);
    }
    const source = cluster === "azurecni" ? outputs.azureCni?.value : { kubeconfig: outputs.kubeconfig?.value };
    if (cluster === "azurecni" && !source) throw new UsageError(`stack ${stack} has no Azure CNI cluster; set \`pulumi config set azureCniCluster true\` and \`pulumi up\``);
    if (!source?.kubeconfig) throw new UsageError(`stack ${stack} has no kubeconfig output: it is not deployed; run \`pulumi up\` first`);
    const subnetId: string | undefined = outputs.subnetIds?.value?.kubenet;
    const subscriptionId = subnetId?.split("/")[2];
    if (!subscriptionId) throw new UsageError(`stack ${stack} has no subnetIds output to read the subscription from; run \`pulumi up\``);
    return { kubeconfig: source.kubeconfig, subscriptionId };
}

async function kubernetesDocuments(kubeconfig: string): Promise<Pick<Snapshot, "nodes" | "pods" | "services">> {
    const k8s = await import("@kubernetes/client-node");
    const config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const server = config.getCurrentCluster()?.server ?? "the API server";
    try {
        const [nodes, pods, services] = await Promise.all([core.listNode(), core.listPodForAllNamespaces(), core.listServiceForAllNamespaces()]);
        // As kubectl prints them: plain JSON (the models' fields carry the API's names; dates
        // become ISO strings), a v1 List.
        const asList = <T>(list: T): T => ({ apiVersion: "v1", kind: "List", ...JSON.parse(JSON.stringify(list)) });
        return { nodes: asList(nodes), pods: asList(pods), services: asList(services) };
    } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|fetch failed|socket/i.test(message)) {
            throw new UsageError(`cannot reach ${server} (${message.split("\n")[0]}); check the network path to the cluster (private clusters need a VNet connection), or check a saved snapshot with --from DIR`);
        }
        if (/401|403|Unauthorized|Forbidden/.test(message)) throw new UsageError(`${server} refused the stack's credentials (${message.split("\n")[0]}); run \`pulumi refresh\` and retry`);
        throw new UsageError(`the Kubernetes API at ${server} failed: ${message.split("\n")[0]}`);
    }
}

async function azureDocuments(expected: Expected, subscriptionId: string): Promise<Pick<Snapshot, "routes" | "subnet">> {
    const { DefaultAzureCredential } = await import("@azure/identity");
    const { NetworkManagementClient } = await import("@azure/arm-network");
    const client = new NetworkManagementClient(new DefaultAzureCredential(), subscriptionId);
    try {
        const subnet = await client.subnets.get(expected.resourceGroupName, expected.vnetName, expected.subnetName);
        const routes = [];
        if (expected.routeTableName) for await (const route of client.routes.list(expected.resourceGroupName, expected.routeTableName)) routes.push(route);
        return { subnet, ...(expected.routeTableName ? { routes } : {}) };
    } catch (error) {
        const { name, message } = error as Error;
        if (/CredentialUnavailable|AuthenticationError/.test(name) || /az login|credential/i.test(message)) {
            throw new UsageError("no Azure credentials: run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and a federated token or secret for DefaultAzureCredential)");
        }
        if (/ResourceNotFound|NotFound/.test(message)) throw new UsageError(`Azure has no ${expected.resourceGroupName}/${expected.vnetName}/${expected.subnetName}${expected.routeTableName ? ` or route table ${expected.routeTableName}` : ""}: is the stack deployed to this subscription (${subscriptionId})?`);
        throw new UsageError(`Azure refused: ${message.split("\n")[0]}`);
    }
}

export async function gatherLive(stack: string, expected: Expected): Promise<Snapshot> {
    const { kubeconfig, subscriptionId } = await stackAccess(stack, expected.cluster);
    const [kubernetes, azure] = await Promise.all([kubernetesDocuments(kubeconfig), azureDocuments(expected, subscriptionId)]);
    return { ...kubernetes, ...azure };
}
