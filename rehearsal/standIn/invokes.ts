/**
 * The functions (invokes) the stand-in answers, as azure-native and AKS answer them:
 * getClientConfig (who runs the deployment), and a cluster's user and admin credentials. The
 * admin's on a cluster with local accounts off: AKS's 400 BadRequest "Getting static credential is
 * not allowed because this cluster is set to disable local accounts." (hashicorp/terraform-provider-
 * azurerm#15489).
 */
import { text, type JsonObject } from "../azureModel";
import { isObject, propertiesOf, stableGuid, type StandInContext } from "./azureTypes";
import { ArmRefusal, StandInError } from "./errors";

const CLUSTER = "azure-native:containerservice:ManagedCluster";

function clusterNamed(context: StandInContext, args: JsonObject) {
    const cluster = context
        .ofType(CLUSTER)
        .find(
            (resource) =>
                resource.id.split("/").pop()?.toLowerCase() === text(args.resourceName).toLowerCase() &&
                /\/resourceGroups\/([^/]+)/i.exec(resource.id)?.[1].toLowerCase() ===
                    text(args.resourceGroupName).toLowerCase(),
        );
    if (!cluster)
        throw new ArmRefusal("POST", `${text(args.resourceGroupName)}/${text(args.resourceName)}`, 404, [
            {
                code: "ResourceNotFound",
                message: `The Resource 'Microsoft.ContainerService/managedClusters/${text(args.resourceName)}' under resource group '${text(args.resourceGroupName)}' was not found.`,
            },
        ]);
    return cluster;
}

function credentials(context: StandInContext, args: JsonObject, admin: boolean): JsonObject {
    const cluster = clusterNamed(context, args);
    const properties = propertiesOf(cluster.body);
    const aad = isObject(properties.aadProfile) ? properties.aadProfile : undefined;
    if (admin && properties.disableLocalAccounts === true)
        throw new ArmRefusal("POST", `${cluster.id}/listClusterAdminCredential`, 400, [
            {
                code: "BadRequest",
                message:
                    "Getting static credential is not allowed because this cluster is set to disable local accounts.",
            },
        ]);
    const kubeconfig = context.effects.userKubeconfig({
        name: cluster.id.split("/").pop()!,
        entra: !admin && aad?.managed === true,
        tenantId: text(aad?.tenantID ?? context.state.tenantId),
        admin,
    });
    return {
        kubeconfigs: [
            { name: admin ? "clusterAdmin" : "clusterUser", value: Buffer.from(kubeconfig).toString("base64") },
        ],
    };
}

export const INVOKES: Readonly<Record<string, (context: StandInContext, args: JsonObject) => JsonObject>> =
    Object.freeze({
        "azure-native:authorization:getClientConfig": (context) => ({
            clientId: stableGuid(`client:${context.state.deployer}`),
            objectId: context.state.deployer,
            subscriptionId: context.state.subscriptionId,
            tenantId: context.state.tenantId,
        }),
        "azure-native:containerservice:listManagedClusterUserCredentials": (context, args) =>
            credentials(context, args, false),
        "azure-native:containerservice:listManagedClusterAdminCredentials": (context, args) =>
            credentials(context, args, true),
    });

export function invoke(context: StandInContext, token: string, args: JsonObject): JsonObject {
    const answer = INVOKES[token];
    if (!answer) throw new StandInError(`invoke ${token} is not served by the rehearsal's stand-in`);
    return answer(context, args);
}
