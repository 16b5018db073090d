/**
 * What ARM and a resource provider refuse in a request body, judged against the contract
 * (azureFacts/contract) and never against the project's own tables:
 * - a value of the wrong JSON type, or outside a closed enum (x-ms-enum without modelAsString):
 *   the body cannot be deserialized, InvalidRequestContent ("The request content was invalid and
 *   could not be deserialized: ... Path '...'", as ARM words it in Azure/AKS#932 and
 *   Azure/azure-sdk-for-net#5255);
 * - for AKS's types, a value outside an extensible enum: the spec lists what AKS accepts at this
 *   API version, and the az CLI documents the same lists as the accepted values
 *   (learn.microsoft.com/cli/azure/aks#az-aks-create: --network-plugin azure kubenet none, ...);
 *   AKS's own wording was not found, so the message is the stand-in's, with code InvalidParameter;
 * - an update of a create-only property (x-ms-mutability without update): for `location`,
 *   ARM's InvalidResourceLocation ("The resource 'x' already exists in location 'a' in resource
 *   group 'g'. A resource with the same name cannot be created in location 'b'",
 *   Azure/azure-service-operator#784), for a resource group InvalidResourceGroupLocation
 *   (Azure/azure-cli#22242), for anything else PropertyChangeNotAllowed.
 * Read-only properties are not judged here: azure-native never sends them (its request body holds
 * the type's writable properties only, sdkShape.ts), and the stand-in's Check refuses them first.
 */
import { isObject, text, type JsonObject } from "../azureModel";
import { isCreateOnly, resolved, type Json, type ResourceContract, type SchemaNode } from "../../azureFacts/contract";
import type { ArmError } from "./errors";

/** The JSON type a value has, in Swagger's words. */
function jsonTypeOf(value: Json): string {
    if (Array.isArray(value)) return "array";
    if (value === null) return "null";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

const fits = (expected: string | undefined, value: Json): boolean => {
    if (!expected || expected === "file") return true;
    const actual = jsonTypeOf(value);
    return actual === expected || (expected === "number" && actual === "integer");
};

const undeserializable = (detail: string, target: string): ArmError => ({
    code: "InvalidRequestContent",
    message: `The request content was invalid and could not be deserialized: '${detail}. Path '${target}'.'`,
    target,
});

/** Whether `value` is one of the enum's values (ARM's enum converters ignore case). */
const inEnum = (values: readonly (string | number | boolean)[], value: Json): boolean =>
    values.some((allowed) =>
        typeof allowed === "string" && typeof value === "string"
            ? allowed.toLowerCase() === value.toLowerCase()
            : allowed === value,
    );

function walk(
    contract: ResourceContract,
    node: SchemaNode,
    value: Json,
    target: string,
    options: { readonly providerChecksEnums: boolean },
    errors: ArmError[],
): void {
    if (value === null) return;
    const schema = resolved(contract, node);
    if (schema.unresolved) return; // its spec file was not available: nothing is known of it
    if (!fits(schema.type, value)) {
        errors.push(
            undeserializable(`Error converting value ${JSON.stringify(value)} to type '${schema.type}'`, target),
        );
        return;
    }
    if (schema.enum && !inEnum(schema.enum, value)) {
        if (!schema.extensible)
            errors.push(
                undeserializable(
                    `Error converting value ${JSON.stringify(value)} to type '${schema.enumName ?? "enum"}': requested value was not found`,
                    target,
                ),
            );
        else if (options.providerChecksEnums)
            errors.push({
                code: "InvalidParameter",
                message: `The value ${JSON.stringify(value)} of ${target} is not one AKS accepts at API version ${contract.apiVersion} (${schema.enum.join(", ")})`,
                target,
            });
    }
    if (Array.isArray(value) && schema.items)
        value.forEach((item, index) => walk(contract, schema.items!, item, `${target}[${index}]`, options, errors));
    if (isObject(value)) {
        for (const [key, inner] of Object.entries(value)) {
            const property = schema.properties?.[key];
            const next = property ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
            if (next) walk(contract, next, inner, target ? `${target}.${key}` : key, options, errors);
        }
    }
}

/** The refusals a PUT body meets before anything is created or changed. */
export function bodyRefusals(contract: ResourceContract, body: JsonObject): ArmError[] {
    const errors: ArmError[] = [];
    const providerChecksEnums = contract.armType.startsWith("Microsoft.ContainerService/");
    walk(contract, contract.body, body, "", { providerChecksEnums }, errors);
    return errors;
}

/** Every create-only property (x-ms-mutability without update) whose value a PUT over an existing resource changes. */
export function createOnlyChanges(
    contract: ResourceContract,
    id: string,
    before: JsonObject,
    after: JsonObject,
): ArmError[] {
    const errors: ArmError[] = [];
    const visit = (node: SchemaNode, old: Json | undefined, next: Json | undefined, target: string) => {
        const schema = resolved(contract, node);
        if (!isObject(old) || !isObject(next) || !schema.properties) return;
        for (const [key, property] of Object.entries(schema.properties)) {
            const at = target ? `${target}.${key}` : key;
            const [from, to] = [old[key], next[key]];
            if (from === undefined || to === undefined || from === null || to === null) continue;
            if ((isCreateOnly(property) || isCreateOnly(resolved(contract, property))) && !sameValue(key, from, to))
                errors.push(createOnlyError(contract, id, at, from, to));
            else visit(property, from, to, at);
        }
    };
    visit(contract.body, before, after, "");
    return errors;
}

/** Locations compare as ARM compares them: "East US" is eastus. */
const sameValue = (key: string, from: Json, to: Json): boolean =>
    key === "location" && typeof from === "string" && typeof to === "string"
        ? from.replace(/\s/g, "").toLowerCase() === to.replace(/\s/g, "").toLowerCase()
        : JSON.stringify(from) === JSON.stringify(to);

function createOnlyError(contract: ResourceContract, id: string, target: string, from: Json, to: Json): ArmError {
    const name = id.split("/").pop();
    const group = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
    if (target === "location" && contract.armType === "Microsoft.Resources/resourceGroups")
        return {
            code: "InvalidResourceGroupLocation",
            message: `Invalid resource group location '${text(to)}'. The Resource group already exists in location '${text(from)}'.`,
            target,
        };
    if (target === "location")
        return {
            code: "InvalidResourceLocation",
            message: `The resource '${name}' already exists in location '${text(from)}' in resource group '${group}'. A resource with the same name cannot be created in location '${text(to)}'. Please select a new resource name.`,
            target,
        };
    return {
        code: "PropertyChangeNotAllowed",
        message: `Changing property '${target}' is not allowed: the API spec makes it create-only (x-ms-mutability read, create)`,
        target,
    };
}
