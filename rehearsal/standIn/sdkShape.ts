/**
 * azure-native's two shapes of a resource, from the contract (azureFacts/contract): the SDK's,
 * where a property marked x-ms-client-flatten lifts its own properties into its parent, and ARM's,
 * the REST body. The conversions follow azure-native's convert package
 * (pulumi/pulumi-azure-native provider/pkg/convert, commit 1238e937430c): sdkInputsToRequestBody.go
 * (only the type's own writable properties go into the body, each into its `Containers`; unknown
 * ones are left out), responseBodyToSdkOutputs.go and sdkOutputsToSdkInputs.go (read-only
 * properties dropped at every depth), and the string sets of convertPropValue.go (an identity's
 * userAssignedIdentities: a list of ids in the SDK, a map keyed by id in ARM).
 *
 * The input/output split is also read from the SDK's own modules (parseSdkShape): a test holds the
 * contract's view and the SDK's equal, a check of this module against a source of its own.
 */
import { isObject, type JsonObject } from "../azureModel";
import * as fs from "fs";
import * as path from "path";
import { isWritable, resolved, type Json, type ResourceContract, type SchemaNode } from "../../azureFacts/contract";

/** One SDK property of an object type: its SDK name, its ARM name and where it goes in the body. */
export interface SdkProperty {
    readonly sdkName: string;
    readonly armName: string;
    /** The flattened containers it sits in, outermost first (["properties"] for most). */
    readonly containers: readonly string[];
    readonly node: SchemaNode;
}

/**
 * The SDK's properties of an object node. Inputs leave out what is read-only; on a name taken twice
 * (AgentPool's `type` is the pool type inside `properties` and the resource type outside), the
 * outermost wins, as the SDK's outputs show (the AgentPool output `type` is "Resource type").
 */
export function sdkProperties(contract: ResourceContract, node: SchemaNode, inputs: boolean): SdkProperty[] {
    const object = resolved(contract, node);
    const nested: SdkProperty[] = [];
    const own: SdkProperty[] = [];
    for (const [name, property] of Object.entries(object.properties ?? {})) {
        if (inputs && !isWritable(property)) continue;
        const inner = resolved(contract, property);
        // An object whose every property is read-only is an output (a cluster's `status`).
        if (inputs && inner.properties && !hasWritable(contract, property)) continue;
        if (property.flatten && inner.properties) {
            for (const lifted of sdkProperties(contract, inner, inputs))
                nested.push({ ...lifted, containers: [name, ...lifted.containers] });
        } else own.push({ sdkName: name, armName: name, containers: [], node: property });
    }
    const byName = new Map<string, SdkProperty>();
    for (const property of [...nested, ...own]) byName.set(property.sdkName, property);
    return [...byName.values()];
}

/** Whether a node, or anything under it, is writable. */
export function hasWritable(contract: ResourceContract, node: SchemaNode, seen = new Set<string>()): boolean {
    if (!isWritable(node)) return false;
    if (node.ref) {
        if (seen.has(node.ref)) return false;
        seen = new Set([...seen, node.ref]);
    }
    const schema = resolved(contract, node);
    if (!schema.properties) return true;
    return Object.values(schema.properties).some((property) => hasWritable(contract, property, seen));
}

/** azure-native's string sets: userAssignedIdentities, a map of ids in ARM, a list of ids in the SDK. */
export const isStringSet = (name: string, node: SchemaNode): boolean =>
    name === "userAssignedIdentities" && node.additionalProperties !== undefined;

function toArm(contract: ResourceContract, name: string, node: SchemaNode, value: Json): Json {
    const schema = resolved(contract, node);
    if (Array.isArray(value)) {
        if (isStringSet(name, schema))
            return Object.fromEntries(value.filter((id) => typeof id === "string").map((id) => [id, {}]));
        return schema.items ? value.map((item) => toArm(contract, name, schema.items!, item)) : value;
    }
    if (!isObject(value)) return value;
    if (schema.properties) return objectToArm(contract, schema, value);
    if (isObject(schema.additionalProperties)) {
        const inner = schema.additionalProperties;
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toArm(contract, key, inner, item)]));
    }
    return value;
}

function objectToArm(contract: ResourceContract, node: SchemaNode, values: JsonObject): JsonObject {
    const body: JsonObject = {};
    for (const property of sdkProperties(contract, node, true)) {
        const value = values[property.sdkName] as Json | undefined;
        if (value === undefined || value === null) continue;
        let container = body;
        for (const name of property.containers) {
            if (!isObject(container[name])) container[name] = {};
            container = container[name];
        }
        container[property.armName] = toArm(contract, property.sdkName, property.node, value);
    }
    return body;
}

/** sdkInputsToRequestBody: the PUT body azure-native sends for these SDK inputs. */
export const requestBody = (contract: ResourceContract, inputs: JsonObject): JsonObject =>
    objectToArm(contract, contract.body, inputs);

function fromArm(contract: ResourceContract, name: string, node: SchemaNode | undefined, value: Json): Json {
    const schema = node ? resolved(contract, node) : undefined;
    if (Array.isArray(value))
        return schema?.items ? value.map((item) => fromArm(contract, name, schema.items, item)) : value;
    if (!isObject(value) || !schema) return value;
    if (isStringSet(name, schema)) return Object.keys(value);
    if (schema.properties) return objectFromArm(contract, schema, value);
    if (isObject(schema.additionalProperties)) {
        const inner = schema.additionalProperties;
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [key, fromArm(contract, key, inner, item)]),
        );
    }
    return value;
}

function objectFromArm(contract: ResourceContract, node: SchemaNode, body: JsonObject): JsonObject {
    const outputs: JsonObject = {};
    for (const property of sdkProperties(contract, node, false)) {
        let container: Json | undefined = body;
        for (const name of property.containers) container = isObject(container) ? container[name] : undefined;
        const value = isObject(container) ? container[property.armName] : undefined;
        if (value !== undefined && value !== null)
            outputs[property.sdkName] = fromArm(contract, property.sdkName, property.node, value);
    }
    return outputs;
}

/** responseBodyToSdkOutputs: the SDK outputs of an ARM GET body. */
export const sdkOutputs = (contract: ResourceContract, body: JsonObject): JsonObject =>
    objectFromArm(contract, contract.response, body);

/** The SDK shape of a value at a node (a route of a route table, say). */
export const sdkValue = (contract: ResourceContract, node: SchemaNode, value: Json): Json =>
    fromArm(contract, "", node, value);

function projected(contract: ResourceContract, name: string, node: SchemaNode, value: Json): Json {
    const schema = resolved(contract, node);
    if (Array.isArray(value))
        return schema.items ? value.map((item) => projected(contract, name, schema.items!, item)) : value;
    if (!isObject(value)) return value;
    if (schema.properties) return objectProjection(contract, schema, value);
    if (isObject(schema.additionalProperties)) {
        const inner = schema.additionalProperties;
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [key, projected(contract, key, inner, item)]),
        );
    }
    return value;
}

function objectProjection(contract: ResourceContract, node: SchemaNode, outputs: JsonObject): JsonObject {
    const inputs: JsonObject = {};
    for (const property of sdkProperties(contract, node, true))
        if (property.sdkName in outputs && outputs[property.sdkName] !== null)
            inputs[property.sdkName] = projected(contract, property.sdkName, property.node, outputs[property.sdkName]);
    return inputs;
}

/** sdkOutputsToSdkInputs: the input-shaped projection of SDK outputs, read-only properties gone at every depth. */
export const inputProjection = (contract: ResourceContract, outputs: JsonObject): JsonObject =>
    objectProjection(contract, contract.body, outputs);

export interface SdkShape {
    /** Top-level input properties (path parameters included). */
    readonly inputs: ReadonlySet<string>;
    /** Top-level properties Azure reports that no program sets. */
    readonly outputOnly: ReadonlySet<string>;
    /** The path parameters a program may leave out: azure-native names them itself (autonaming). */
    readonly optional: ReadonlySet<string>;
}

const sdkRoot = () => path.dirname(require.resolve("@pulumi/azure-native/package.json"));

/** The SDK file of a type token: azure-native:containerservice:ManagedCluster -> containerservice/managedCluster. */
export function sdkFileOf(type: string, root = sdkRoot()): string {
    const [, module, name] = type.split(":");
    return path.join(root, module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.js`);
}

/**
 * The SDK's own split, from its module: the constructor sets every input from `args` and every
 * output-only property to `undefined /*out*\/` in the branch that creates a resource; the .d.ts
 * marks the inputs a program may leave out with `?`.
 */
export function parseSdkShape(source: string, declarations = ""): SdkShape {
    const start = source.indexOf("if (!opts.id)");
    const end = source.indexOf("else {", start);
    if (start < 0 || end < 0) throw new Error("not an azure-native resource module (no create branch)");
    const branch = source.slice(start, end);
    const inputs = new Set<string>();
    const outputOnly = new Set<string>();
    for (const match of branch.matchAll(/resourceInputs\["(\w+)"\] = ([^;]*);/g))
        (match[2].startsWith("undefined /*out*/") ? outputOnly : inputs).add(match[1]);
    const argsStart = declarations.indexOf("Args {");
    const optional = new Set(
        [...declarations.slice(Math.max(argsStart, 0)).matchAll(/^\s+(\w+)\?: pulumi\.Input/gm)].map(
            (match) => match[1],
        ),
    );
    return { inputs, outputOnly, optional };
}

const shapes = new Map<string, SdkShape>();

export function sdkShapeOf(type: string): SdkShape {
    let shape = shapes.get(type);
    if (!shape) {
        const file = sdkFileOf(type);
        shape = parseSdkShape(fs.readFileSync(file, "utf8"), fs.readFileSync(file.replace(/\.js$/, ".d.ts"), "utf8"));
        shapes.set(type, shape);
    }
    return shape;
}
