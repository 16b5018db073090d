/**
 * Identities and role assignments: a user-assigned identity gets its principal in the tenant; a
 * role assignment must name a principal that exists, of the type it says; one on an AKS cluster
 * with Azure RBAC becomes a Kubernetes RBAC binding on the local control plane.
 */
import { text } from "../../azureModel";
import { AZURE_ROLES } from "../../../names";
import { isObject, propertiesOf, type RoleBinding, type StandInContext, type StandInType } from "../azureTypes";
import type { AzureResource } from "../azureState";
import type { ArmError } from "../errors";

const CLUSTER = "azure-native:containerservice:ManagedCluster";

export const USER_ASSIGNED_IDENTITY: StandInType = {
    filledIn: (request, context, id) => ({
        ...request,
        properties: {
            ...propertiesOf(request),
            principalId: context.guid(`principal:${id.toLowerCase()}`),
            clientId: context.guid(`client:${id.toLowerCase()}`),
            tenantId: context.state.tenantId,
        },
    }),
    afterWrite: (resource, context) => {
        context.state.principals[text(propertiesOf(resource.body).principalId)] = {
            type: "ServicePrincipal",
            name: resource.id.split("/").pop()!,
        };
        return Promise.resolve();
    },
};

/** The Kubernetes role an Azure RBAC role stands for, on a cluster with Azure RBAC on. */
function bindingOf(assignment: AzureResource, context: StandInContext) {
    const properties = propertiesOf(assignment.body);
    const scope = context.state.resources[text(properties.scope)];
    const roleId = text(properties.roleDefinitionId).split("/").pop();
    const role: RoleBinding["role"] | undefined =
        roleId === AZURE_ROLES.aksRbacClusterAdmin.id
            ? "cluster-admin"
            : roleId === AZURE_ROLES.aksRbacReader.id
              ? "reader"
              : undefined;
    const aad = propertiesOf(scope?.body).aadProfile;
    const azureRbac = scope?.type === CLUSTER && isObject(aad) && aad.enableAzureRBAC === true;
    return role && azureRbac
        ? {
              name: assignment.id.split("/").pop()!,
              principalId: text(properties.principalId),
              role,
          }
        : undefined;
}

export const ROLE_ASSIGNMENT: StandInType = {
    autoName: "uuid",
    refusals: (request, context): ArmError[] => {
        const properties = propertiesOf(request);
        const principal = context.state.principals[text(properties.principalId)];
        if (!principal)
            return [
                {
                    code: "PrincipalNotFound",
                    message: `Principal ${text(properties.principalId)} does not exist in the directory ${context.state.tenantId}.`,
                },
            ];
        if (properties.principalType !== undefined && properties.principalType !== principal.type)
            return [
                {
                    code: "UnmatchedPrincipalType",
                    message: `The PrincipalType ${text(properties.principalType)} of the request does not match the type ${principal.type} of principal ${text(properties.principalId)}.`,
                    target: "properties.principalType",
                },
            ];
        return [];
    },
    filledIn: (request, context, id, before) => {
        const properties = propertiesOf(request);
        const scope = id.split("/providers/Microsoft.Authorization/roleAssignments/")[0];
        return {
            ...request,
            properties: {
                ...properties,
                principalType:
                    context.state.principals[text(properties.principalId)]?.type ?? properties.principalType ?? null,
                scope,
                createdOn: propertiesOf(before).createdOn ?? new Date().toISOString(),
                updatedOn: new Date().toISOString(),
                createdBy: propertiesOf(before).createdBy ?? context.state.deployer,
                updatedBy: context.state.deployer,
            },
        };
    },
    afterWrite: async (assignment, context) => {
        const binding = bindingOf(assignment, context);
        if (binding) await context.effects.bindRole(binding);
    },
    afterDelete: async (assignment, context) => {
        await context.effects.unbindRole(assignment.id.split("/").pop()!);
    },
};

export const IDENTITY_TYPES = {
    "azure-native:managedidentity:UserAssignedIdentity": USER_ASSIGNED_IDENTITY,
    "azure-native:authorization:RoleAssignment": ROLE_ASSIGNMENT,
} as const;
