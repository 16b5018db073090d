/**
 * azure-native's Check, against the contract: pulumi/pulumi-azure-native provider/pkg/provider/
 * provider.go (commit 006a62afe453) `Check` -> `validateType` / `validateProperty`, message for
 * message: a missing required path parameter or property ("missing required property 'x'", with
 * the location hint), a value of the wrong type ("'x' should be of type 'string' but got a number"),
 * a string too short or too long or off its pattern, a number off its range or not an integer.
 * Like azure-native it skips unknown values (a preview's computed inputs), does not judge enums
 * (ARM does, arm.ts) nor booleans.
 *
 * Stricter than azure-native, a departure (departures.ts): a property the type does not have, or
 * one that is read-only, is refused naming its path. azure-native's Check ignores them and its
 * request body leaves them out (sdkInputsToRequestBody iterates the type's own writable
 * properties), so Azure never sees what the program meant; the rehearsal says so instead.
 */
import { isObject, type JsonObject } from "../azureModel";
import { resolved, type Json, type ResourceContract, type SchemaNode } from "../../azureFacts/contract";
import { isStringSet, sdkProperties } from "./sdkShape";

export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

/** The value the Node.js provider SDK gives an unknown (computed) input (sdk/nodejs/runtime/rpc.ts unknownValue). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const containsUnknown = (value: Json): boolean =>
    value === UNKNOWN_VALUE ||
    (Array.isArray(value)
        ? value.some(containsUnknown)
        : isObject(value) && Object.values(value).some(containsUnknown));

/** Go's %f, as azure-native's range messages print numbers. */
const goFloat = (value: number) => value.toFixed(6);

function validateProperty(
    contract: ResourceContract,
    at: string,
    name: string,
    node: SchemaNode,
    value: Json,
    failures: CheckFailure[],
): void {
    if (value === UNKNOWN_VALUE || value === null) return;
    const schema = resolved(contract, node);
    if (schema.unresolved) return;
    const fail = (reason: string): void => void failures.push({ property: at, reason });
    if (isObject(value)) {
        if (schema.properties) validateObject(contract, at, schema, value, undefined, failures);
        else if (isObject(schema.additionalProperties))
            for (const [key, item] of Object.entries(value))
                validateProperty(contract, `${at}.${key}`, key, schema.additionalProperties, item, failures);
        return;
    }
    if (Array.isArray(value)) {
        if (schema.type !== "array" && !isStringSet(name, schema))
            return fail(`'${at}' should be of type '${schema.type}' but got an array`);
        if (schema.items)
            value.forEach((item, index) =>
                validateProperty(contract, `${at}[${index}]`, name, schema.items!, item, failures),
            );
        return;
    }
    if (typeof value === "string") {
        if (schema.type && schema.type !== "string")
            return fail(`'${at}' should be of type '${schema.type}' but got a string`);
        if (schema.minLength !== undefined && value.length < schema.minLength)
            fail(`'${at}' is too short (${value.length}): at least ${schema.minLength} characters required`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength)
            fail(`'${at}' is too long (${value.length}): at most ${schema.maxLength} characters allowed`);
        if (schema.pattern !== undefined) {
            let pattern: RegExp | undefined;
            try {
                pattern = new RegExp(schema.pattern, "u");
            } catch {
                pattern = undefined; // azure-native skips a pattern its regexp package cannot compile
            }
            if (pattern && !pattern.test(value)) fail(`'${at}' does not match expression '${schema.pattern}'`);
        }
        return;
    }
    if (typeof value === "number") {
        if (schema.type && schema.type !== "number" && schema.type !== "integer")
            return fail(`'${at}' should be of type '${schema.type}' but got a number`);
        if (schema.type === "integer" && !Number.isInteger(value))
            fail(`'${at}' must be an integer but got ${goFloat(value)}`);
        if (schema.minimum !== undefined && value < schema.minimum)
            fail(`'${at}' is too low (${goFloat(value)} < ${goFloat(schema.minimum)})`);
        if (schema.maximum !== undefined && value > schema.maximum)
            fail(`'${at}' is too high (${goFloat(value)} > ${goFloat(schema.maximum)})`);
    }
}

/**
 * validateType over an object of SDK shape: its required properties (those of flattened
 * containers lifted, as the SDK lifts them), each known property, and (the stricter part) every
 * property it does not know. `accepted` names top-level keys that are not body properties.
 */
function validateObject(
    contract: ResourceContract,
    at: string,
    node: SchemaNode,
    values: JsonObject,
    accepted: ReadonlySet<string> | undefined,
    failures: CheckFailure[],
): void {
    const inputs = new Map(sdkProperties(contract, node, true).map((property) => [property.sdkName, property]));
    const path = (name: string) => (at ? `${at}.${name}` : name);
    for (const name of sdkRequired(contract, node))
        if (inputs.has(name) && !(name in values)) {
            const hint =
                path(name) === "location"
                    ? ". Either set it explicitly or configure it with 'pulumi config set azure-native:location <value>'."
                    : "";
            failures.push({ property: path(name), reason: `missing required property '${path(name)}'${hint}` });
        }
    const outputs = new Set(sdkProperties(contract, node, false).map((property) => property.sdkName));
    for (const [name, value] of Object.entries(values)) {
        if (name.startsWith("__") || accepted?.has(name)) continue;
        const property = inputs.get(name);
        if (property) validateProperty(contract, path(name), name, property.node, value, failures);
        else if (!containsUnknown(value))
            failures.push({
                property: path(name),
                reason: outputs.has(name)
                    ? `'${path(name)}' is read-only: Azure sets it (azure-native would leave it out of the request; the rehearsal refuses it)`
                    : `'${path(name)}' is not a property of ${contract.token} at API version ${contract.apiVersion} (azure-native would leave it out of the request; the rehearsal refuses it)`,
            });
    }
}

/** The SDK's required properties of an object: its own, and those of the flattened containers it lifts. */
export function sdkRequired(contract: ResourceContract, node: SchemaNode): string[] {
    const object = resolved(contract, node);
    const required = [...(object.required ?? [])].filter((name) => !object.properties?.[name]?.flatten);
    for (const property of Object.values(object.properties ?? {}))
        if (property.flatten && resolved(contract, property).properties)
            required.push(...sdkRequired(contract, property));
    return required;
}

/**
 * Check's failures for a resource's SDK inputs: path parameters first (provider.go walks the PUT
 * parameters in order), then the body. `sdkOnly` names top-level inputs the SDK module has that
 * the spec version does not (they pass unjudged).
 */
export function checkFailures(
    contract: ResourceContract,
    inputs: JsonObject,
    sdkOnly: ReadonlySet<string> = new Set(),
): CheckFailure[] {
    const failures: CheckFailure[] = [];
    for (const parameter of contract.pathParameters) {
        if (parameter.name in inputs)
            validateProperty(
                contract,
                parameter.name,
                parameter.name,
                parameter.schema,
                inputs[parameter.name],
                failures,
            );
        else if (parameter.required)
            failures.push({ property: parameter.name, reason: `missing required property '${parameter.name}'` });
    }
    const accepted = new Set([
        ...contract.pathParameters.map((parameter) => parameter.name),
        "azureApiVersion",
        ...sdkOnly,
    ]);
    validateObject(contract, "", contract.body, inputs, accepted, failures);
    return failures;
}
