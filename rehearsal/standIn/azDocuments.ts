/**
 * What `az` would print of the stand-in's "Azure" for verify's two Azure documents (the subnet,
 * and the routes of its route table), so that verify checks a rehearsal end to end: the Kubernetes
 * half live from the control plane, this half from the stand-in. The shape is the az CLI's: the ARM
 * body with `properties` lifted to the top, as the SDK's outputs are, with id and resourceGroup.
 */
import { contractOf } from "../../azureFacts/contract";
import type { SnapshotNames } from "../../verify/snapshot";
import { isObject, type JsonObject } from "../azureModel";
import type { AzureState } from "./azureState";
import { propertiesOf } from "./azureTypes";
import { sdkOutputs } from "./sdkShape";

/** An ARM object with its properties lifted, as az prints nested resources (a route). */
const lifted = (value: JsonObject): JsonObject => {
    const { properties: _properties, ...rest } = value;
    return { ...rest, ...propertiesOf(value) };
};

export function azDocumentsOf(state: AzureState, names: SnapshotNames): { subnet: JsonObject; routes?: JsonObject[] } {
    const groupPrefix = `/subscriptions/${state.subscriptionId}/resourceGroups/${names.resourceGroup}/providers/Microsoft.Network`;
    const subnet = state.resources[`${groupPrefix}/virtualNetworks/${names.vnet}/subnets/${names.subnet}`];
    if (!subnet)
        throw new Error(
            `the stand-in holds no subnet ${names.resourceGroup}/${names.vnet}/${names.subnet} (ResourceNotFound)`,
        );
    const subnetDocument = {
        ...sdkOutputs(contractOf(subnet.type)!, subnet.body),
        id: subnet.id,
        resourceGroup: names.resourceGroup,
    };
    if (!names.routeTable) return { subnet: subnetDocument };
    const table = state.resources[`${groupPrefix}/routeTables/${names.routeTable}`];
    const routes = propertiesOf(table?.body).routes;
    return {
        subnet: subnetDocument,
        routes: (Array.isArray(routes) ? routes.filter(isObject) : []).map((route) => ({
            ...lifted(route),
            resourceGroup: names.resourceGroup,
        })),
    };
}
