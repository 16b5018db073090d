/**
 * One reader for every document a tool takes from a file: what `az` and `kubectl` print, saved
 * however the user's shell saved it. Pure apart from reading the file.
 *
 * - Encodings: UTF-8 with or without a BOM (PowerShell's `Out-File -Encoding utf8` writes one),
 *   UTF-16LE or UTF-16BE with a BOM (Windows PowerShell 5.1's `>` writes UTF-16LE). Anything else
 *   is refused, naming the encoding.
 * - Azure resources in either shape: the az CLI's (flattened, the Python SDK's casing such as
 *   `dnsServiceIp`, `vnetSubnetId`) or ARM's (`properties` nested, `dnsServiceIP`, `vnetSubnetID`:
 *   `az rest`, `az resource show`, the portal's JSON view, the REST API). Both become the JS SDK's
 *   shape (@azure/arm-network, @azure/arm-containerservice): flattened, ARM's casing.
 * - One object, a list, or a `{"value": [...]}` page as `az rest` prints it.
 * A document that is none of these is a UsageError naming the file, what was expected and the
 * command that writes it: a tool never judges a document it could not read.
 */
import * as fs from "fs";
import { UsageError } from "./shell";

import { isObject, type Json, type JsonObject } from "../json";

export type { Json, JsonObject };
export { isObject };

/** Text of a file's bytes, or a UsageError naming the encoding the tools cannot read. */
export function decodeText(bytes: Buffer, named: string): string {
    const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
    if (starts(0xff, 0xfe, 0x00, 0x00) || starts(0x00, 0x00, 0xfe, 0xff)) {
        throw new UsageError(`${named} is UTF-32; save it as UTF-8 (PowerShell: Out-File -Encoding utf8)`);
    }
    if (starts(0xef, 0xbb, 0xbf)) return strictUtf8(bytes.subarray(3), named);
    if (starts(0xff, 0xfe)) return new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2));
    if (starts(0xfe, 0xff)) return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    // UTF-16 without a BOM shows as a NUL beside every ASCII character.
    const sample = bytes.subarray(0, 64);
    const nuls = sample.filter((byte) => byte === 0).length;
    if (nuls > 0 && nuls >= sample.length / 4) {
        throw new UsageError(
            `${named} looks like UTF-16 without a byte-order mark; save it as UTF-8, or as UTF-16 with one`,
        );
    }
    return strictUtf8(bytes, named);
}

function strictUtf8(bytes: Buffer, named: string): string {
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
        throw new UsageError(`${named} is not UTF-8 (a legacy code page such as Windows-1252?); save it as UTF-8`);
    }
}

/** What a file is for: how to name it, and the command that writes it. */
export interface DocumentSource {
    readonly file: string;
    /** The option or snapshot file it came from, e.g. "--cluster" or "routes.json". */
    readonly label: string;
    readonly command: string;
}

const namedOf = (source: DocumentSource) =>
    source.label === source.file ? source.file : `${source.label} ${source.file}`;
/** A UsageError naming the file, what is wrong with it, and the command that writes it right. */
export const refuse = (source: DocumentSource, what: string) =>
    new UsageError(`${namedOf(source)} ${what}; write it with \`${source.command}\``);

/** Reads a file (`-` for standard input) as JSON, whatever its encoding. */
export function readJsonDocument(source: DocumentSource): unknown {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(source.file === "-" ? 0 : source.file);
    } catch (error) {
        throw new UsageError(
            `cannot read ${namedOf(source)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
    }
    const text = decodeText(bytes, namedOf(source));
    if (text.trim() === "") throw refuse(source, "is empty");
    try {
        return JSON.parse(text) as unknown;
    } catch (error) {
        if (/^\s*(apiVersion|kind|items|metadata|name|id):/m.test(text))
            throw refuse(source, "is YAML (-o yaml), not JSON (-o json)");
        // az's and kubectl's tables: a header of known names, or az's rule of dashes under any header.
        if (/^\s*(Name|Address|NAME)\s{2,}/m.test(text) || /^\s*-{3,}(?:\s+-{3,})+\s*$/m.test(text))
            throw refuse(source, "is a table (-o table), not JSON (-o json)");
        throw refuse(source, `is not JSON (${(error as Error).message.split("\n")[0]})`);
    }
}

/** The items of one object, a list, or an `az rest` page `{"value": [...]}`. */
export function itemsOf(document: unknown): unknown[] {
    if (Array.isArray(document)) return document;
    if (
        isObject(document) &&
        Array.isArray(document.value) &&
        Object.keys(document).every((key) => key === "value" || key === "nextLink")
    ) {
        return document.value;
    }
    return [document];
}

/**
 * ARM nests a resource's fields under `properties`, at every level (a subnet's routeTable, a
 * table's routes); the JS SDK lifts them. Fields outside `properties` (id, name, type, identity,
 * sku, location) stay where they are.
 */
function liftProperties(value: Json): Json {
    if (Array.isArray(value)) return value.map(liftProperties);
    if (!isObject(value)) return value;
    const { properties, ...outside } = value;
    const lifted: JsonObject = {};
    for (const [key, inner] of Object.entries(outside)) lifted[key] = liftProperties(inner);
    if (isObject(properties))
        for (const [key, inner] of Object.entries(properties)) lifted[key] ??= liftProperties(inner);
    else if (properties !== undefined) lifted.properties = liftProperties(properties);
    return lifted;
}

/**
 * The az CLI prints the Python SDK's names, which spell acronyms in lower case; the JS SDK (and
 * ARM) keep them upper case. Only names whose spelling differs appear here.
 */
const AZ_TO_ARM_NAMES: Readonly<Record<string, string>> = {
    dnsServiceIp: "dnsServiceIP",
    vnetSubnetId: "vnetSubnetID",
    podSubnetId: "podSubnetID",
    enableRbac: "enableRBAC",
    osDiskSizeGb: "osDiskSizeGB",
    diskEncryptionSetId: "diskEncryptionSetID",
    nodePublicIpTags: "nodePublicIPTags",
};

function armNames(value: Json): Json {
    if (Array.isArray(value)) return value.map(armNames);
    if (!isObject(value)) return value;
    return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [AZ_TO_ARM_NAMES[key] ?? key, armNames(inner)]),
    );
}

/** Which shape a resource arrived in: the az CLI's, or ARM's with `properties` nested. */
export type AzureShape = "az" | "arm";

export interface AzureKind {
    /** Its ARM type (case-insensitive), when the document carries one. */
    readonly type: string;
    /** What it is, in words. */
    readonly title: string;
    /** Whether a lifted document without a `type` is one: it has the fields this kind always has. */
    readonly looksLike: (resource: JsonObject) => boolean;
}

export const AZURE_KINDS = Object.freeze({
    cluster: {
        type: "Microsoft.ContainerService/managedClusters",
        title: "an AKS cluster",
        looksLike: (resource: JsonObject) =>
            isObject(resource.networkProfile) || Array.isArray(resource.agentPoolProfiles),
    },
    subnet: {
        type: "Microsoft.Network/virtualNetworks/subnets",
        title: "a subnet",
        looksLike: (resource: JsonObject) =>
            (resource.addressPrefix !== undefined || resource.addressPrefixes !== undefined) &&
            resource.nextHopType === undefined,
    },
    route: {
        type: "Microsoft.Network/routeTables/routes",
        title: "a route",
        looksLike: (resource: JsonObject) =>
            typeof resource.addressPrefix === "string" && typeof resource.nextHopType === "string",
    },
} satisfies Record<string, AzureKind>);

export interface AzureResource<T> {
    readonly resource: T;
    readonly shape: AzureShape;
}

/**
 * Every resource of `kind` in a file, in the JS SDK's shape. A resource of another kind (a route
 * table where routes were wanted), or something that is no Azure resource at all, is a UsageError.
 */
export function readAzureResources<T>(source: DocumentSource, kind: AzureKind): Array<AzureResource<T>> {
    const items = itemsOf(readJsonDocument(source));
    const where = (index: number) => (items.length > 1 ? ` (item ${index})` : "");
    return items.map((item, index) => {
        if (!isObject(item))
            throw refuse(
                source,
                `holds ${JSON.stringify(item)?.slice(0, 40)}${where(index)} where ${kind.title} was expected`,
            );
        const shape: AzureShape = isObject(item.properties) ? "arm" : "az";
        const resource = armNames(liftProperties(item)) as JsonObject;
        const type = typeof resource.type === "string" ? resource.type : undefined;
        if (type !== undefined ? type.toLowerCase() !== kind.type.toLowerCase() : !kind.looksLike(resource)) {
            const what = type ? `a ${type}` : `no ${kind.title.replace(/^an? /, "")}`;
            throw refuse(source, `holds ${what}${where(index)}, not ${kind.title} as az or ARM print it`);
        }
        return { resource: resource as T, shape };
    });
}

/** Exactly one resource of `kind`; `pick` chooses among several (a subnet by name, say). */
export function readAzureResource<T>(
    source: DocumentSource,
    kind: AzureKind,
    pick?: (resource: T) => boolean,
): AzureResource<T> {
    const found = readAzureResources<T>(source, kind);
    const chosen = found.length > 1 && pick ? found.filter((candidate) => pick(candidate.resource)) : found;
    if (chosen.length === 1) return chosen[0];
    if (chosen.length === 0 && found.length > 0)
        throw refuse(source, `holds ${found.length} of them, none the one wanted`);
    throw refuse(
        source,
        `holds ${found.length === 0 ? "nothing" : `${found.length} of them`}; give exactly one (${kind.title})`,
    );
}

/** A Kubernetes list as kubectl prints it with -o json; one object of the kind is refused with the list command. */
export function readKubernetesList<T>(source: DocumentSource, kind: string): { items: T[] } & JsonObject {
    const document = readJsonDocument(source);
    if (isObject(document) && Array.isArray(document.items)) return document as { items: T[] } & JsonObject;
    if (isObject(document) && document.kind === kind) throw refuse(source, `holds one ${kind}, not the list of them`);
    throw refuse(source, `is not a Kubernetes List (kubectl ... -o json prints {"kind": "List", "items": [...]})`);
}
