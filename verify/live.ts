/** Gathers verify's five documents from a deployed stack (cli/live.ts reaches it). */
import { asJson, stackAccess, withAzure, withKubernetes } from "../cli/live";
import { Expected } from "./expected";
import { Snapshot } from "./snapshot";

/** The Kubernetes half: nodes, pods and services, through the stack's kubeconfig output. */
export function gatherKubernetes(kubeconfig: string): Promise<Pick<Snapshot, "nodes" | "pods" | "services">> {
    const list = <T>(value: T): T => ({ apiVersion: "v1", kind: "List", ...asJson(value) });
    return withKubernetes(kubeconfig, async (core) => {
        const [nodes, pods, services] = await Promise.all([
            core.listNode(),
            core.listPodForAllNamespaces(),
            core.listServiceForAllNamespaces(),
        ]);
        return { nodes: list(nodes), pods: list(pods), services: list(services) };
    });
}

export async function gatherLive(stack: string, expected: Expected): Promise<Snapshot> {
    return (await gatherLiveWithAccess(stack, expected)).snapshot;
}

/** The snapshot, and the kubeconfig it was read with (verify's rotation check reads the cluster's CA there). */
export async function gatherLiveWithAccess(
    stack: string,
    expected: Expected,
): Promise<{ snapshot: Snapshot; kubeconfig: string }> {
    const { kubeconfig, subscriptionId } = await stackAccess(stack, expected.cluster);
    const kubernetes = gatherKubernetes(kubeconfig);
    const where = `${expected.resourceGroupName}/${expected.vnetName}/${expected.subnetName}${expected.routeTableName ? ` or route table ${expected.routeTableName}` : ""} in subscription ${subscriptionId}`;
    const azure = withAzure(where, async (credential) => {
        const { NetworkManagementClient } = await import("@azure/arm-network");
        const client = new NetworkManagementClient(credential, subscriptionId);
        const subnet = await client.subnets.get(expected.resourceGroupName, expected.vnetName, expected.subnetName);
        if (!expected.routeTableName) return { subnet: asJson(subnet) };
        const routes = [];
        for await (const route of client.routes.list(expected.resourceGroupName, expected.routeTableName))
            routes.push(asJson(route));
        return { subnet: asJson(subnet), routes };
    });
    const [k, a] = await Promise.all([kubernetes, azure]);
    return { snapshot: { ...k, ...a }, kubeconfig };
}
