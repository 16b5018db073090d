/**
 * What AKS checks of a new cluster's identity and the rights it holds, and the stand-in's one
 * limit (one local control plane, so one cluster per rehearsal).
 */
import { AZURE_ROLES } from "../../../names";
import { text, type JsonObject } from "../../azureModel";
import type { AzureResource } from "../azureState";
import { isObject, propertiesOf, type StandInContext } from "../azureTypes";
import type { ArmError } from "../errors";
import { StandInError } from "../errors";
import { CLUSTER } from "./aksCluster";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** The principals of the cluster's control-plane identity. */
function clusterPrincipals(request: JsonObject, context: StandInContext): string[] {
    const identity = isObject(request.identity) ? request.identity : {};
    if (!isObject(identity.userAssignedIdentities)) return [];
    return Object.keys(identity.userAssignedIdentities)
        .map((id) => propertiesOf(context.state.resources[id]?.body).principalId)
        .filter((principal): principal is string => typeof principal === "string");
}

/**
 * One cluster per rehearsal (the stand-in's limit, not AKS's: a StandInError, not an ARM answer);
 * and a system-assigned identity cannot bring its own route table: "Clusters using managed
 * identity type SystemAssigned do not support bringing your own route table" (Azure/AKS#2333).
 */
export function clusterIdentityRefusals(request: JsonObject, context: StandInContext, id: string): ArmError[] {
    const other = context.ofType(CLUSTER).find((cluster) => cluster.id !== id);
    if (other)
        throw new StandInError(
            `the rehearsal has one local control plane, already AKS cluster ${other.id}; a second cluster (azureCniCluster=true) cannot be rehearsed`,
        );
    return [];
}

/**
 * AKS pre-checks its identity's rights on a bring-your-own route table: without Network
 * Contributor there the create fails with CustomRouteTableMissingPermission (Azure/AKS#1557); a
 * system-assigned identity is refused outright (Azure/AKS#2333).
 */
export function requireRouteTableGrant(
    request: JsonObject,
    context: StandInContext,
    table: AzureResource | undefined,
): ArmError[] {
    if (!table) return [];
    const identity = isObject(request.identity) ? request.identity : {};
    if (identity.type === "SystemAssigned")
        return [
            {
                code: "InvalidParameter",
                message:
                    "Clusters using managed identity type SystemAssigned do not support bringing your own route table. Please see https://aka.ms/aks/customrt for more information",
                target: "properties.agentPoolProfiles[0].vnetSubnetID",
            },
        ];
    const principals = clusterPrincipals(request, context);
    const granted = context.ofType(ROLE_ASSIGNMENT).some((assignment) => {
        const properties = propertiesOf(assignment.body);
        return (
            typeof properties.scope === "string" &&
            properties.scope.toLowerCase() === table.id.toLowerCase() &&
            principals.includes(text(properties.principalId)) &&
            text(properties.roleDefinitionId).endsWith(AZURE_ROLES.networkContributor.id)
        );
    });
    return granted
        ? []
        : [
              {
                  code: "CustomRouteTableMissingPermission",
                  message: `The cluster identity has no Network Contributor on route table ${table.id}, which AKS needs to write its routes.`,
                  target: "identity",
              },
          ];
}
