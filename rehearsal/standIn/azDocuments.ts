/**
 * What `az` would print of the stand-in's "Azure" for verify's two Azure documents (the subnet,
 * and the routes of its route table), so that verify checks a rehearsal end to end: the Kubernetes
 * half live from the control plane, this half from the stand-in. The shape is the az CLI's
 * (properties flattened, as the SDK's outputs are, with id and resourceGroup).
 */
import type { SnapshotNames } from "../../verify/snapshot";
import { isObject, type JsonObject } from "../azureModel";
import type { AzureState } from "./azureState";

export function azDocumentsOf(state: AzureState, names: SnapshotNames): { subnet: JsonObject; routes?: JsonObject[] } {
    const subnet = Object.values(state.resources).find(
        (resource) =>
            resource.type === "azure-native:network:Subnet" &&
            resource.inputs.resourceGroupName === names.resourceGroup &&
            resource.inputs.virtualNetworkName === names.vnet &&
            resource.inputs.subnetName === names.subnet,
    );
    if (!subnet)
        throw new Error(
            `the stand-in holds no subnet ${names.resourceGroup}/${names.vnet}/${names.subnet} (ResourceNotFound)`,
        );
    const subnetDocument = { ...subnet.outputs, id: subnet.id, resourceGroup: names.resourceGroup };
    if (!names.routeTable) return { subnet: subnetDocument };
    const table = Object.values(state.resources).find(
        (resource) =>
            resource.type === "azure-native:network:RouteTable" &&
            resource.inputs.resourceGroupName === names.resourceGroup &&
            resource.inputs.routeTableName === names.routeTable,
    );
    const routes = (table && Array.isArray(table.outputs.routes) ? table.outputs.routes : []).filter(isObject);
    return {
        subnet: subnetDocument,
        routes: routes.map((route) => ({
            ...route,
            id: `${table!.id}/routes/${typeof route.name === "string" ? route.name : ""}`,
            resourceGroup: names.resourceGroup,
            type: "Microsoft.Network/routeTables/routes",
        })),
    };
}
