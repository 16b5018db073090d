/**
 * Derives a resource type's contract (azureFacts/contract) from Microsoft's REST API specs: the PUT
 * operation's path parameters and body schema, the GET response's schema, every definition they
 * reach (allOf merged), and the key paths of the example responses the spec names. Pure: the specs
 * come through a SpecSource. Descriptions and every other piece of prose are left behind.
 */
import * as path from "path";
import {
    isJsonObject as isObject,
    keyPathsOf,
    type JsonObject,
    type ExampleFacts,
    type Json,
    type PathParameter,
    type ResourceContract,
    type SchemaNode,
} from "../azureFacts/contract";
import type { ContractTarget } from "./targets";

/** Where the specs come from: a file by its repository path (undefined when not available), and its commit. */
export interface SpecSource {
    read(repoPath: string): JsonObject | undefined;
    commitOf(repoPath: string): string;
}

export const SPEC_REPOSITORY = "Azure/azure-rest-api-specs";

/** The constraints and extensions a node keeps, by their Swagger names. */
const KEPT: ReadonlyArray<readonly [string, keyof SchemaNode]> = [
    ["type", "type"],
    ["format", "format"],
    ["readOnly", "readOnly"],
    ["x-ms-mutability", "mutability"],
    ["x-ms-client-flatten", "flatten"],
    ["x-ms-identifiers", "identifiers"],
    ["x-ms-secret", "secret"],
    ["default", "default"],
    ["pattern", "pattern"],
    ["minLength", "minLength"],
    ["maxLength", "maxLength"],
    ["minimum", "minimum"],
    ["maximum", "maximum"],
    ["exclusiveMinimum", "exclusiveMinimum"],
    ["exclusiveMaximum", "exclusiveMaximum"],
    ["minItems", "minItems"],
    ["maxItems", "maxItems"],
    ["uniqueItems", "uniqueItems"],
];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Deriver {
    readonly definitions: Record<string, SchemaNode> = {};
    readonly unresolved = new Set<string>();
    private readonly keys = new Map<string, string>();

    constructor(private readonly source: SpecSource) {}

    /** A $ref's file and JSON pointer, relative to the file it appears in. */
    locate(from: string, ref: string): { file: string; pointer: string } {
        const [filePart, pointer = ""] = ref.split("#");
        const file = filePart ? path.posix.normalize(path.posix.join(path.posix.dirname(from), filePart)) : from;
        return { file, pointer };
    }

    /** The value a pointer names, or undefined when its file is not available. */
    follow(file: string, pointer: string): JsonObject | undefined {
        let value: Json | undefined = this.source.read(file);
        for (const part of pointer.split("/").filter(Boolean)) value = isObject(value) ? value[part] : undefined;
        return isObject(value) ? value : undefined;
    }

    /** The node for a schema found in `file`. */
    node(file: string, schema: JsonObject): SchemaNode {
        const annotations = this.annotations(schema);
        if (typeof schema.$ref === "string") {
            const { file: target, pointer } = this.locate(file, schema.$ref);
            const definition = this.follow(target, pointer);
            if (!definition) {
                const missing = `${target}#${pointer}`;
                this.unresolved.add(missing);
                return { unresolved: missing, ...annotations };
            }
            return { ref: this.define(target, pointer, definition), ...annotations };
        }
        return this.inline(file, schema);
    }

    /** The definition's key in the contract, deriving it the first time. */
    private define(file: string, pointer: string, definition: JsonObject): string {
        const id = `${file}#${pointer}`;
        const known = this.keys.get(id);
        if (known) return known;
        const base = pointer.split("/").pop() ?? "definition";
        const taken = new Set(this.keys.values());
        let key = base;
        for (let suffix = 2; taken.has(key); suffix++) key = `${base}~${suffix}`;
        this.keys.set(id, key);
        this.definitions[key] = {}; // a placeholder while it derives: recursive types refer to it
        this.definitions[key] = this.inline(file, definition);
        return key;
    }

    private annotations(schema: JsonObject): Mutable<SchemaNode> {
        const node: Mutable<SchemaNode> = {};
        for (const [from, to] of KEPT)
            if (schema[from] !== undefined) (node as Record<string, Json>)[to] = schema[from];
        if (Array.isArray(schema.enum)) {
            node.enum = schema.enum as (string | number | boolean)[];
            const msEnum = schema["x-ms-enum"];
            if (isObject(msEnum)) {
                if (typeof msEnum.name === "string") node.enumName = msEnum.name;
                if (msEnum.modelAsString === true) node.extensible = true;
            }
        }
        return node;
    }

    private inline(file: string, schema: JsonObject): SchemaNode {
        const node = this.annotations(schema);
        const properties: Record<string, SchemaNode> = {};
        const required = new Set<string>();
        for (const part of Array.isArray(schema.allOf) ? schema.allOf.filter(isObject) : []) {
            const merged = this.resolvedPart(file, part);
            if (!merged) continue;
            Object.assign(properties, merged.properties ?? {});
            for (const name of merged.required ?? []) required.add(name);
            if (!node.type && merged.type) node.type = merged.type;
        }
        if (isObject(schema.properties))
            for (const [name, property] of Object.entries(schema.properties))
                if (isObject(property)) properties[name] = this.node(file, property);
        if (Array.isArray(schema.required))
            for (const name of schema.required) if (typeof name === "string") required.add(name);
        if (Object.keys(properties).length > 0) {
            node.properties = properties;
            node.type ??= "object";
        }
        if (required.size > 0) node.required = [...required];
        if (isObject(schema.items)) node.items = this.node(file, schema.items);
        if (schema.additionalProperties === true) node.additionalProperties = true;
        else if (isObject(schema.additionalProperties))
            node.additionalProperties = this.node(file, schema.additionalProperties);
        return node;
    }

    /** An allOf part with its properties (a referenced definition is derived and read back). */
    private resolvedPart(file: string, part: JsonObject): SchemaNode | undefined {
        if (typeof part.$ref !== "string") return this.inline(file, part);
        const derived = this.node(file, part);
        return derived.ref ? this.definitions[derived.ref] : undefined;
    }
}

interface Operation {
    readonly path: string;
    readonly method: "put" | "get";
    readonly spec: JsonObject;
    readonly pathItem: JsonObject;
}

function findOperation(specFile: JsonObject, operationId: string): Operation {
    for (const [route, item] of Object.entries(isObject(specFile.paths) ? specFile.paths : {})) {
        if (!isObject(item)) continue;
        for (const method of ["put", "get"] as const) {
            const operation = item[method];
            if (isObject(operation) && operation.operationId === operationId)
                return { path: route, method, spec: operation, pathItem: item };
        }
    }
    throw new Error(`no operation ${operationId}`);
}

/** The ARM type a PUT path names: its provider namespace and the fixed segments after it. */
export function armTypeOf(route: string): string {
    const index = route.toLowerCase().lastIndexOf("/providers/");
    if (index < 0 && /\/resourcegroups\/\{[^}]+\}$/i.test(route)) return "Microsoft.Resources/resourceGroups";
    const segments = route.slice(index + "/providers/".length).split("/");
    return segments.filter((segment, position) => position === 0 || !segment.startsWith("{")).join("/");
}

function examplesOf(
    deriver: Deriver,
    source: SpecSource,
    specPath: string,
    operations: readonly Operation[],
    response: SchemaNode,
): ExampleFacts[] {
    const facts: ExampleFacts[] = [];
    for (const operation of operations) {
        const examples = isObject(operation.spec["x-ms-examples"]) ? operation.spec["x-ms-examples"] : {};
        for (const reference of Object.values(examples)) {
            if (!isObject(reference) || typeof reference.$ref !== "string") continue;
            const file = deriver.locate(specPath, reference.$ref).file;
            const example = source.read(file);
            const responses = example && isObject(example.responses) ? example.responses : undefined;
            if (!responses) continue;
            const status = ["200", "201"].find((code) => isObject(responses[code]) && isObject(responses[code].body));
            if (!status) continue;
            const keys = keyPathsOf(deriver.definitions, response, (responses[status] as JsonObject).body);
            facts.push({
                file,
                commit: source.commitOf(file),
                operation: operation.method,
                status,
                keys: [...keys].sort(),
            });
        }
    }
    return facts.sort((a, b) => a.file.localeCompare(b.file));
}

/** The contract of one target. `sdkApiVersion` is what the SDK module's doc comment names. */
export function deriveContract(source: SpecSource, target: ContractTarget, sdkApiVersion: string): ResourceContract {
    const specFile = source.read(target.spec);
    if (!specFile) throw new Error(`${target.token}: the spec ${target.spec} is not available`);
    const apiVersion =
        isObject(specFile.info) && typeof specFile.info.version === "string" ? specFile.info.version : "";
    if (apiVersion !== sdkApiVersion)
        throw new Error(
            `${target.token}: ${target.spec} is API version ${apiVersion}, but @pulumi/azure-native's ${target.sdkModule} uses ${sdkApiVersion}`,
        );
    const deriver = new Deriver(source);
    const put = findOperation(specFile, target.operationId);
    const parameters = [
        ...(Array.isArray(put.pathItem.parameters) ? put.pathItem.parameters : []),
        ...(Array.isArray(put.spec.parameters) ? put.spec.parameters : []),
    ].filter(isObject);
    const declared = new Map<string, PathParameter>();
    const unavailable: string[] = [];
    let body: SchemaNode | undefined;
    for (const parameter of parameters) {
        let resolvedParameter: JsonObject | undefined = parameter;
        if (typeof parameter.$ref === "string") {
            const { file, pointer } = deriver.locate(target.spec, parameter.$ref);
            resolvedParameter = deriver.follow(file, pointer);
            if (!resolvedParameter) {
                deriver.unresolved.add(`${file}#${pointer}`);
                unavailable.push(`${file}#${pointer}`);
            }
        }
        if (!resolvedParameter) continue;
        if (resolvedParameter.in === "body" && isObject(resolvedParameter.schema))
            body = deriver.node(target.spec, resolvedParameter.schema);
        if (resolvedParameter.in === "path" && typeof resolvedParameter.name === "string") {
            const { name, required, ...constraints } = resolvedParameter;
            declared.set(name, { name, required: required === true, schema: deriver.node(target.spec, constraints) });
        }
    }
    if (!body) throw new Error(`${target.token}: ${target.operationId} has no body parameter`);
    // Path parameters in the order the path names them; one declared in a file that was not
    // available is known by its name in the path only (the unavailable declarations in order).
    const pathParameters = [...put.path.matchAll(/\{([^}]+)\}/g)]
        .map((match) => match[1])
        .filter((name) => name !== "subscriptionId")
        .map(
            (name) =>
                declared.get(name) ?? {
                    name,
                    required: true,
                    schema: { unresolved: unavailable.shift() ?? "undeclared" },
                },
        );
    const get = isObject(put.pathItem.get) ? put.pathItem.get : undefined;
    const responseSchema = (get ?? put.spec).responses;
    const ok = isObject(responseSchema) && isObject(responseSchema["200"]) ? responseSchema["200"].schema : undefined;
    const response = isObject(ok) ? deriver.node(target.spec, ok) : body;
    const operations: Operation[] = [put, ...(get ? [{ ...put, method: "get" as const, spec: get }] : [])];
    const examples = examplesOf(deriver, source, target.spec, operations, response);
    return {
        token: target.token,
        apiVersion,
        armType: armTypeOf(put.path),
        source: {
            repository: SPEC_REPOSITORY,
            path: target.spec,
            commit: source.commitOf(target.spec),
            operationId: target.operationId,
        },
        sdk: { module: `@pulumi/azure-native/${target.sdkModule}`, apiVersion: sdkApiVersion },
        path: put.path,
        pathParameters,
        body,
        response,
        definitions: Object.fromEntries(Object.entries(deriver.definitions).sort(([a], [b]) => a.localeCompare(b))),
        unresolvedRefs: [...deriver.unresolved].sort(),
        examples,
    };
}
