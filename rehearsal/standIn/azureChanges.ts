/**
 * Changes made to the stand-in's "Azure" outside Pulumi, as `az` makes them to the real one:
 * `npm run rehearse -- azure CHANGE`. Pure functions of the state; the CLI reads and writes it.
 */
import overlayCaptures from "../../tests/fixtures/overlay-move/plugin-fields.json";
import { isObject, text, type JsonObject } from "../azureModel";
import type { AzureResource, AzureState } from "./azureState";
import { propertiesOf } from "./azureTypes";

export interface AzureChange {
    readonly name: string;
    /** One line for --help and for the output. */
    readonly what: string;
    /** Applies the change; returns what it did, one line each. Throws a reason when it cannot. */
    apply(state: AzureState): string[];
}

/**
 * The networkProfile fields AKS reports after `az aks update --network-plugin azure
 * --network-plugin-mode overlay`, from a real ARM GET of an Overlay cluster (an azure-cli test
 * recording of 2025-07-08, in tests/fixtures/overlay-move/plugin-fields.json; the real-capture
 * test checks that file against the capture itself).
 */
export const OVERLAY_FIELDS_AFTER_UPDATE: JsonObject = (() => {
    const entry = Object.entries(overlayCaptures.after).find(([name]) => name.startsWith("Overlay, ARM GET"));
    if (!entry) throw new Error("tests/fixtures/overlay-move/plugin-fields.json has no 'Overlay, ARM GET' capture");
    return Object.fromEntries(Object.entries(entry[1].networkProfile).filter(([, value]) => value !== null));
})();

function onlyCluster(state: AzureState): AzureResource {
    const clusters = Object.values(state.resources).filter(
        (resource) => resource.type === "azure-native:containerservice:ManagedCluster",
    );
    if (clusters.length !== 1)
        throw new Error(`the stand-in holds ${clusters.length} AKS clusters; run \`rehearse -- up\` first`);
    return clusters[0];
}

/** The route table on the cluster's subnet, if any. */
function routeTableOf(state: AzureState, cluster: AzureResource): AzureResource | undefined {
    const pools = propertiesOf(cluster.body).agentPoolProfiles;
    const pool = (Array.isArray(pools) ? pools : []).find(isObject);
    const subnet = pool && typeof pool.vnetSubnetID === "string" ? state.resources[pool.vnetSubnetID] : undefined;
    const table = propertiesOf(subnet?.body).routeTable;
    return isObject(table) && typeof table.id === "string" ? state.resources[table.id] : undefined;
}

const routesOf = (table: AzureResource): JsonObject[] => {
    const routes = propertiesOf(table.body).routes;
    return (Array.isArray(routes) ? routes : []).filter(isObject);
};
const setRoutes = (table: AzureResource, routes: JsonObject[]) => {
    table.body = { ...table.body, properties: { ...propertiesOf(table.body), routes } };
};
const routeField = (route: JsonObject, name: string) => text(propertiesOf(route)[name]);
/** The routes AKS wrote (the stand-in names them aks-...), not a user's. */
const aksRoutes = (table: AzureResource): JsonObject[] =>
    routesOf(table).filter((route) => typeof route.name === "string" && route.name.startsWith("aks-"));

export const AZURE_CHANGES: readonly AzureChange[] = Object.freeze([
    {
        name: "aks-update-overlay",
        what: "az aks update --network-plugin azure --network-plugin-mode overlay: the cluster reports Overlay's networkProfile (from a real capture), AKS deletes its routes from the route table, which stays attached",
        apply(state: AzureState): string[] {
            const cluster = onlyCluster(state);
            const properties = propertiesOf(cluster.body);
            const profile = isObject(properties.networkProfile) ? properties.networkProfile : {};
            if (profile.networkPlugin !== "kubenet")
                throw new Error(`the cluster's plugin is ${text(profile.networkPlugin)}, not kubenet: nothing to move`);
            cluster.body = {
                ...cluster.body,
                properties: { ...properties, networkProfile: { ...profile, ...OVERLAY_FIELDS_AFTER_UPDATE } },
            };
            const table = routeTableOf(state, cluster);
            const removed = table ? aksRoutes(table).length : 0;
            if (table)
                setRoutes(
                    table,
                    routesOf(table).filter((route) => !aksRoutes(table).includes(route)),
                );
            return [
                `${cluster.id}: networkProfile now ${Object.entries(OVERLAY_FIELDS_AFTER_UPDATE)
                    .map(([key, value]) => `${key}=${text(value)}`)
                    .join(", ")}`,
                table
                    ? `${table.id}: AKS deleted its ${removed} route(s); the table stays attached`
                    : "no route table on the cluster's subnet",
            ];
        },
    },
    {
        name: "delete-route",
        what: "az network route-table route delete: one of AKS's routes is gone from the route table (the tutorial's broken node)",
        apply(state: AzureState): string[] {
            const cluster = onlyCluster(state);
            const table = routeTableOf(state, cluster);
            const routes = table ? aksRoutes(table) : [];
            if (!table || routes.length === 0)
                throw new Error("the cluster's route table holds no AKS route to delete");
            const gone = routes[0];
            setRoutes(
                table,
                routesOf(table).filter((route) => route !== gone),
            );
            return [
                `${table.id}: route ${text(gone.name)} (${routeField(gone, "addressPrefix")} -> ${routeField(gone, "nextHopIpAddress")}) deleted`,
            ];
        },
    },
]);

export function azureChangeNamed(name: string): AzureChange | undefined {
    return AZURE_CHANGES.find((change) => change.name === name);
}
