/** Gathers migrate check's three documents from a deployed stack (cli/live.ts reaches it). */
import { asJson, stackAccess, withAzure, withKubernetes } from "../cli/live";
import { StackConfig } from "../config";
import { MigrationInput } from "./prerequisites";

export async function gatherMigrationInput(stack: string, config: StackConfig): Promise<MigrationInput> {
    const { kubeconfig, subscriptionId } = await stackAccess(stack, "main");
    const configMaps = withKubernetes(kubeconfig, async (core) => ({
        apiVersion: "v1",
        kind: "List",
        ...asJson(await core.listNamespacedConfigMap({ namespace: "kube-system" })),
    }));
    const azure = withAzure(
        `cluster ${config.resourceGroupName}/${config.clusterName} or VNet ${config.vnetName} in subscription ${subscriptionId}`,
        async (credential) => {
            const { ContainerServiceClient } = await import("@azure/arm-containerservice");
            const { NetworkManagementClient } = await import("@azure/arm-network");
            const cluster = await new ContainerServiceClient(credential, subscriptionId).managedClusters.get(
                config.resourceGroupName,
                config.clusterName,
            );
            const subnets = [];
            for await (const subnet of new NetworkManagementClient(credential, subscriptionId).subnets.list(
                config.resourceGroupName,
                config.vnetName,
            ))
                subnets.push(asJson(subnet));
            return { cluster: asJson(cluster), subnets };
        },
    );
    const [maps, { cluster, subnets }] = await Promise.all([configMaps, azure]);
    return { cluster, subnets, configMaps: maps };
}
