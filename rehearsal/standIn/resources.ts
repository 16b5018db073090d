/**
 * What every resource has in common, read from its contract: its ARM id (the PUT path with the
 * program's path parameters), the ids that must exist first, the GET body ARM answers with (the
 * request, the id, name and type, a provisioningState where the schema has one), the SDK outputs
 * azure-native makes of it, and azure-native's Check defaults (autonaming, location, API version).
 */
import { randomBytes, randomUUID } from "crypto";
import { resolved, type ResourceContract } from "../../azureFacts/contract";
import { text, type JsonObject } from "../azureModel";
import type { AzureResource, AzureState } from "./azureState";
import { isObject, propertiesOf, type StandInType } from "./azureTypes";
import { sdkOutputs, sdkShapeOf } from "./sdkShape";

/**
 * The ARM id: the PUT path with its parameters filled in, in ARM's canonical casing
 * (`resourceGroups`, though some specs spell the path `resourcegroups`). A scope parameter
 * (an id itself) is inserted as it is.
 */
export function armIdOf(contract: ResourceContract, inputs: JsonObject, subscriptionId: string): string {
    return contract.path
        .replace(/\{([^}]+)\}/g, (_, name: string) => (name === "subscriptionId" ? subscriptionId : text(inputs[name])))
        .replace(/\/resourcegroups\//i, "/resourceGroups/")
        .replace(/^\/\//, "/");
}

/**
 * The resource an id sits under: a child's parent (a VNet for a subnet), a resource's group, an
 * extension resource's scope. A subscription is always there.
 */
export function parentIdOf(id: string): string | undefined {
    const segments = id.split("/");
    let parent = segments.slice(0, -2);
    if (parent.length >= 2 && parent[parent.length - 2].toLowerCase() === "providers") parent = parent.slice(0, -2);
    const joined = parent.join("/");
    return /^\/subscriptions\/[^/]+$/i.test(joined) || joined === "" ? undefined : joined;
}

/** The GET body ARM answers a PUT with, before a type adds what its service fills in. */
export function baseBody(contract: ResourceContract, request: JsonObject, id: string): JsonObject {
    const response = resolved(contract, contract.response);
    const propertiesNode = response.properties?.properties;
    const hasProvisioningState = propertiesNode && resolved(contract, propertiesNode).properties?.provisioningState;
    return {
        ...request,
        id,
        name: id.split("/").pop()!,
        type: contract.armType,
        ...(hasProvisioningState ? { properties: { ...propertiesOf(request), provisioningState: "Succeeded" } } : {}),
    };
}

/** The body after the type's own filling in. */
export function filledBody(
    kind: StandInType,
    contract: ResourceContract,
    request: JsonObject,
    context: Parameters<NonNullable<StandInType["filledIn"]>>[1],
    id: string,
    before?: JsonObject,
): JsonObject {
    const base = baseBody(contract, request, id);
    return kind.filledIn ? kind.filledIn(base, context, id, before) : base;
}

/** The SDK outputs azure-native records for a resource: its GET body converted, and the API version. */
export const outputsOf = (contract: ResourceContract, resource: AzureResource): JsonObject => ({
    ...sdkOutputs(contract, resource.body),
    azureApiVersion: contract.apiVersion,
});

/** azure-native's flag for a randomly named resource: its replacement is created before the old one goes. */
export const CREATE_BEFORE_DELETE = "__createBeforeDelete";

/**
 * azure-native's Check defaults (provider.go applyDefaults): a name the program left out (the SDK
 * marks it optional) is the URN's name plus 8 random hex characters, or a GUID where the type says
 * so (a role assignment), kept from the previous inputs; `location` from the previous inputs, the
 * provider's azure-native:location, or the resource group's; azureApiVersion the contract's.
 */
export function withCheckDefaults(options: {
    contract: ResourceContract;
    kind: StandInType;
    urnName: string;
    inputs: JsonObject;
    previous: JsonObject;
    config: Readonly<Record<string, string>>;
    state: AzureState;
}): JsonObject {
    const { contract, kind, urnName, previous, config, state } = options;
    const inputs = { ...options.inputs };
    const optional = sdkShapeOf(contract.token).optional;
    for (const parameter of contract.pathParameters) {
        if (!optional.has(parameter.name) || inputs[parameter.name] !== undefined) continue;
        if (previous[parameter.name] !== undefined) {
            inputs[parameter.name] = previous[parameter.name];
            if (previous[CREATE_BEFORE_DELETE] !== undefined)
                inputs[CREATE_BEFORE_DELETE] = previous[CREATE_BEFORE_DELETE];
            continue;
        }
        inputs[parameter.name] =
            kind.autoName === "uuid" ? randomUUID() : `${urnName}${randomBytes(4).toString("hex")}`;
        inputs[CREATE_BEFORE_DELETE] = true;
    }
    const body = resolved(contract, contract.body);
    if (body.properties?.location && inputs.location === undefined) {
        const group =
            typeof inputs.resourceGroupName === "string"
                ? state.resources[`/subscriptions/${state.subscriptionId}/resourceGroups/${inputs.resourceGroupName}`]
                : undefined;
        const location =
            previous.location ?? config["azure-native:location"] ?? config.location ?? group?.body.location;
        if (location !== undefined) inputs.location = location;
    }
    inputs.azureApiVersion ??= contract.apiVersion;
    return inputs;
}

/** A sub-resource list the PUT leaves out stays as Azure has it (azure-native reads it back before writing). */
export function keepSubResources(kind: StandInType, request: JsonObject, before: JsonObject): JsonObject {
    const kept = Object.fromEntries(
        (kind.subResources ?? [])
            .filter((name) => propertiesOf(request)[name] === undefined && propertiesOf(before)[name] !== undefined)
            .map((name) => [name, propertiesOf(before)[name]]),
    );
    return Object.keys(kept).length === 0 ? request : { ...request, properties: { ...propertiesOf(request), ...kept } };
}

/** SDK outputs without the sub-resources the program never set (azure-native's removeUnsetSubResourceProperties). */
export function withoutUnsetSubResources(kind: StandInType, outputs: JsonObject, inputs: JsonObject): JsonObject {
    const result = { ...outputs };
    for (const name of kind.subResources ?? []) if (!(name in inputs)) delete result[name];
    return result;
}

export { isObject };
