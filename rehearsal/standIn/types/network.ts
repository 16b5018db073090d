/**
 * The resource group and the network types: what Azure fills in beyond the request and refuses
 * beyond the spec. Each filled field is one the spec marks read-only and Microsoft's example
 * response for the type carries (tests/standIn.responses.test.ts compares the keys).
 */
import type { JsonObject } from "../../azureModel";
import type { AzureResource } from "../azureState";
import type { ArmError } from "../errors";
import { isObject, networkFilled, propertiesOf, type StandInContext, type StandInType } from "../azureTypes";

const VNET = "azure-native:network:VirtualNetwork";
const SUBNET = "azure-native:network:Subnet";
const CLUSTER = "azure-native:containerservice:ManagedCluster";

const idOf = (value: unknown): string | undefined =>
    isObject(value) && typeof value.id === "string" ? value.id : undefined;

/** A network body with its etag and resourceGuid (kept from before), over what the request holds. */
function withNetworkFields(request: JsonObject, id: string, before?: JsonObject, extra: JsonObject = {}): JsonObject {
    const filled = networkFilled(id, before);
    return {
        ...request,
        etag: filled.etag,
        properties: { ...propertiesOf(request), ...propertiesOf(filled), ...extra },
    };
}

export const RESOURCE_GROUP: StandInType = {};

export const VIRTUAL_NETWORK: StandInType = {
    subResources: ["subnets"],
    filledIn: (request, context, id, before) =>
        withNetworkFields(request, id, before, {
            // The VNet's GET lists its subnets, whoever created them (Azure's, not the request's).
            subnets: context
                .ofType(SUBNET)
                .filter((subnet) => subnet.id.toLowerCase().startsWith(`${id.toLowerCase()}/subnets/`))
                .map((subnet) => ({
                    id: subnet.id,
                    name: subnet.id.split("/").pop()!,
                    properties: propertiesOf(subnet.body),
                })),
        }),
};

/** The VNet a subnet id belongs to. */
const vnetOf = (subnetId: string) => subnetId.split(/\/subnets\//i)[0];

export const SUBNET_TYPE: StandInType = {
    references: (request) =>
        ["routeTable", "networkSecurityGroup", "natGateway"]
            .map((name) => idOf(propertiesOf(request)[name]))
            .filter((id): id is string => !!id),
    filledIn: (request, _context, id, before) =>
        withNetworkFields(request, id, before, {
            // Defaults the 2024-05-01 GET reports for a subnet created without them (the real
            // `az network vnet create` body of tests' capture arm_vnet_clivnet000005 shows both).
            privateEndpointNetworkPolicies: propertiesOf(request).privateEndpointNetworkPolicies ?? "Disabled",
            privateLinkServiceNetworkPolicies: propertiesOf(request).privateLinkServiceNetworkPolicies ?? "Enabled",
        }),
    afterWrite: (resource, context) => {
        refreshVnetSubnets(context, vnetOf(resource.id));
        return Promise.resolve();
    },
    // AKS's nodes are in the subnet: Azure refuses to delete it (InUseSubnetCannotBeDeleted).
    deleteRefusal: (resource, context) => {
        const user = context
            .ofType(CLUSTER)
            .find((cluster) =>
                JSON.stringify(propertiesOf(cluster.body).agentPoolProfiles ?? []).includes(`"${resource.id}"`),
            );
        return user
            ? {
                  code: "InUseSubnetCannotBeDeleted",
                  message: `Subnet ${resource.id} is in use by ${user.id} and cannot be deleted.`,
              }
            : undefined;
    },
    afterDelete: (resource, context) => {
        refreshVnetSubnets(context, vnetOf(resource.id));
        return Promise.resolve();
    },
};

/** The VNet's subnets list, after one of its subnets changed. */
function refreshVnetSubnets(context: StandInContext, vnetId: string): void {
    const vnet = context.state.resources[vnetId];
    if (!vnet) return;
    vnet.body = VIRTUAL_NETWORK.filledIn!(vnet.body, context, vnetId, vnet.body);
}

export const ROUTE_TABLE: StandInType = {
    subResources: ["routes"],
    filledIn: (request, context, id, before) =>
        withNetworkFields(request, id, before, {
            disableBgpRoutePropagation: propertiesOf(request).disableBgpRoutePropagation ?? false,
            subnets: subnetsUsing(context, id).map((subnet) => ({ id: subnet.id })),
        }),
    deleteRefusal: (resource, context): ArmError | undefined => {
        const attached = subnetsUsing(context, resource.id)[0];
        return attached
            ? {
                  code: "InUseRouteTableCannotBeDeleted",
                  message: `Route table ${resource.id} is in use and cannot be deleted: it is attached to subnet ${attached.id}.`,
              }
            : undefined;
    },
};

const subnetsUsing = (context: StandInContext, tableId: string): AzureResource[] =>
    context.ofType(SUBNET).filter((subnet) => idOf(propertiesOf(subnet.body).routeTable) === tableId);

export const NETWORK_TYPES = {
    "azure-native:resources:ResourceGroup": RESOURCE_GROUP,
    [VNET]: VIRTUAL_NETWORK,
    [SUBNET]: SUBNET_TYPE,
    "azure-native:network:RouteTable": ROUTE_TABLE,
} as const;
