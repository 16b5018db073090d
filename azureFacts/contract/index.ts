/**
 * Azure's published contract for each resource type the project declares, as data: derived by
 * `npm run contract` (contractgen/) from Microsoft's REST API specs (Azure/azure-rest-api-specs) at
 * the API version @pulumi/azure-native 3.28.0 uses for the type, one JSON file per type in this
 * folder, each with its provenance (spec path, commit, API version). Only derived facts are kept
 * (types, enums, required, readOnly, defaults, patterns, ranges, x-ms-* extensions, the key paths
 * of Microsoft's example responses), never the specs' text.
 *
 * This reader imports nothing from the program or the tools: the stand-in (rehearsal/standIn) and
 * the tests read the contract through it.
 */
import * as fs from "fs";
import * as path from "path";

import type { Json, JsonObject } from "../../json";

export type { Json, JsonObject };

export const isJsonObject = (value: unknown): value is JsonObject =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * One schema node, compacted from a Swagger 2.0 schema: `ref` names an entry of the contract's
 * `definitions`; `allOf` is already merged into `properties` and `required`.
 */
export interface SchemaNode {
    readonly ref?: string;
    readonly type?: "object" | "string" | "integer" | "number" | "boolean" | "array" | "file";
    readonly format?: string;
    readonly properties?: Readonly<Record<string, SchemaNode>>;
    readonly required?: readonly string[];
    /** A map's value schema (`additionalProperties`), or true for any value. */
    readonly additionalProperties?: SchemaNode | true;
    readonly items?: SchemaNode;
    readonly enum?: readonly (string | number | boolean)[];
    /** x-ms-enum's name. */
    readonly enumName?: string;
    /** x-ms-enum modelAsString: other values may come (an extensible enum); false or absent: closed. */
    readonly extensible?: boolean;
    readonly readOnly?: boolean;
    /** x-ms-mutability: absent means read, create and update. */
    readonly mutability?: readonly ("create" | "read" | "update")[];
    /** x-ms-client-flatten: the SDK lifts this object's properties into its parent. */
    readonly flatten?: boolean;
    /** x-ms-identifiers: the keys that identify an array's items (an empty list: positional). */
    readonly identifiers?: readonly string[];
    readonly secret?: boolean;
    readonly default?: Json;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: boolean;
    readonly exclusiveMaximum?: boolean;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly uniqueItems?: boolean;
    /** The node's schema lives in a spec file that was not available: nothing is known of it. */
    readonly unresolved?: string;
}

export interface PathParameter {
    readonly name: string;
    readonly required: boolean;
    readonly schema: SchemaNode;
}

/** The key paths of one of Microsoft's example responses (array items as `[]`, map entries as `*`). */
export interface ExampleFacts {
    readonly file: string;
    readonly commit: string;
    /** Which operation's example: the resource's GET or its PUT (create or update). */
    readonly operation: "get" | "put";
    readonly status: string;
    readonly keys: readonly string[];
}

export interface ResourceContract {
    /** The azure-native type token. */
    readonly token: string;
    readonly apiVersion: string;
    /** The ARM resource type, from the PUT path. */
    readonly armType: string;
    readonly source: {
        readonly repository: string;
        readonly path: string;
        readonly commit: string;
        readonly operationId: string;
    };
    /** The SDK module whose doc comment names the API version. */
    readonly sdk: { readonly module: string; readonly apiVersion: string };
    /** The PUT path, with its parameters in braces. */
    readonly path: string;
    readonly pathParameters: readonly PathParameter[];
    /** The PUT body's schema. */
    readonly body: SchemaNode;
    /** The GET (200) response's schema. */
    readonly response: SchemaNode;
    readonly definitions: Readonly<Record<string, SchemaNode>>;
    /** $refs into spec files that were not available to the generator (their nodes are `unresolved`). */
    readonly unresolvedRefs: readonly string[];
    readonly examples: readonly ExampleFacts[];
}

/** The folder of the committed contract files. */
export const CONTRACT_DIR = __dirname;

/** azure-native:containerservice:ManagedCluster -> containerservice.ManagedCluster.json */
export const contractFileOf = (token: string): string => `${token.split(":").slice(1).join(".")}.json`;

const cache = new Map<string, ResourceContract>();

/** Every committed contract's token. */
export function contractTokens(dir = CONTRACT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".json"))
        .map((file) => (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as ResourceContract).token)
        .sort();
}

/** The contract of a type token, or undefined when the project keeps none for it. */
export function contractOf(token: string, dir = CONTRACT_DIR): ResourceContract | undefined {
    const key = `${dir}|${token}`;
    const known = cache.get(key);
    if (known) return known;
    const file = path.join(dir, contractFileOf(token));
    if (!fs.existsSync(file)) return undefined;
    const contract = JSON.parse(fs.readFileSync(file, "utf8")) as ResourceContract;
    cache.set(key, contract);
    return contract;
}

/** A node with its `ref` followed (use-site annotations such as readOnly kept over the definition's). */
export function resolved(contract: ResourceContract, node: SchemaNode): SchemaNode {
    if (!node.ref) return node;
    const definition = contract.definitions[node.ref];
    if (!definition) throw new Error(`${contract.token}: the contract has no definition ${node.ref}`);
    const { ref: _ref, ...annotations } = node;
    return { ...resolved(contract, definition), ...annotations };
}

/** A node is writable when neither readOnly nor limited by x-ms-mutability to reading. */
export const isWritable = (node: SchemaNode): boolean =>
    node.readOnly !== true && (node.mutability === undefined || node.mutability.some((use) => use !== "read"));

/** Create-only: x-ms-mutability allows create (and read) but not update. */
export const isCreateOnly = (node: SchemaNode): boolean =>
    node.mutability !== undefined && node.mutability.includes("create") && !node.mutability.includes("update");

/**
 * Every key path of a body, guided by a schema: array items as `[]`, a map's entries (a node with
 * additionalProperties) as `*`. The generator records example responses this way, and tests compare
 * the stand-in's bodies with them.
 */
export function keyPathsOf(
    definitions: Readonly<Record<string, SchemaNode>>,
    node: SchemaNode | undefined,
    value: Json,
    prefix = "",
    into = new Set<string>(),
): Set<string> {
    const schema = node?.ref ? definitions[node.ref] : node;
    if (Array.isArray(value)) {
        for (const item of value) keyPathsOf(definitions, schema?.items, item, `${prefix}[]`, into);
        return into;
    }
    if (typeof value !== "object" || value === null) return into;
    for (const [key, inner] of Object.entries(value)) {
        const known = schema?.properties?.[key];
        const isMapEntry = !known && schema?.additionalProperties !== undefined;
        const at = `${prefix}${prefix ? "." : ""}${isMapEntry ? "*" : key}`;
        into.add(at);
        const additional = schema?.additionalProperties;
        keyPathsOf(definitions, isMapEntry ? (additional === true ? undefined : additional) : known, inner, at, into);
    }
    return into;
}
