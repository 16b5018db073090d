/**
 * What preflight reads of the subscription, in the shapes `az` prints, and the one parser of each:
 * live mode feeds them az's standard output, --from DIR the saved files (read by cli/documents.ts,
 * so UTF-8 with or without a BOM, UTF-16 from PowerShell, a list or an `az rest` page). A document
 * of the wrong shape is a UsageError naming the file and the command that writes it.
 *
 * Where the shapes come from (tests/fixtures/preflight/README.md has the captures):
 * - az vm list-usage: azure-cli's transform_vm_usage_list (vm/_format.py) adds `localName` and prints
 *   currentValue and limit as strings; `az rest` prints them as numbers. Both are read.
 * - az vm list-skus: ARM's ResourceSku, one per size; without `--all` az drops the sizes restricted
 *   for the subscription ("show all information including vm sizes not available under the current
 *   subscription", vm/_params.py), so a size can be absent rather than restricted.
 * - az role assignment list: roleDefinitionName is az's addition; `az rest` nests the rest under
 *   `properties`.
 */
import * as fs from "fs";
import * as path from "path";
import { DocumentSource, isObject, itemsOf, JsonObject, readJsonDocument, refuse } from "../cli/documents";
import { UsageError } from "../cli/shell";

export interface Account {
    readonly subscriptionId: string;
    readonly subscriptionName: string;
    /** Enabled, Warned, PastDue, Disabled, Deleted. */
    readonly state: string;
    readonly tenantId: string;
    /** The signed-in principal: a user's name, or a service principal's client id. */
    readonly user: { readonly name: string; readonly type: string };
}

export interface RoleAssignment {
    /** The role definition's GUID (the last segment of roleDefinitionId), lower case. */
    readonly roleId: string;
    readonly roleName?: string;
    readonly scope: string;
    /** User, Group, ServicePrincipal; absent in some older outputs. */
    readonly principalType?: string;
    /** The Entra object id of whom the role is assigned to. */
    readonly principalId?: string;
    /** az's addition: a user's name, a group's display name. */
    readonly principalName?: string;
    /** An ABAC condition that narrows the role, or undefined. */
    readonly condition?: string;
}

export interface Usage {
    /** name.value: "cores" for the regional total, "standardDSv5Family" for a family. */
    readonly name: string;
    readonly localName: string;
    readonly current: number;
    readonly limit: number;
}

export interface SkuRestriction {
    /** Location or Zone. */
    readonly type: string;
    /** NotAvailableForSubscription, QuotaId. */
    readonly reasonCode: string;
    readonly locations: readonly string[];
    readonly zones: readonly string[];
}

export interface VmSku {
    readonly name: string;
    readonly family: string;
    /** The vCPUs capability; undefined when the entry does not say. */
    readonly vcpus?: number;
    readonly locations: readonly string[];
    /** The availability zones offered in each location (lower-case location names). */
    readonly zones: Readonly<Record<string, readonly string[]>>;
    readonly restrictions: readonly SkuRestriction[];
}

export interface ProviderRegistration {
    readonly namespace: string;
    readonly registrationState: string;
}

export interface ResourceGroup {
    readonly name: string;
    readonly id: string;
    readonly location: string;
}

/** A resource of the stack's state (`pulumi stack export`): only what preflight compares. */
export interface StateResource {
    readonly type: string;
    readonly id?: string;
}

export interface NamedResource {
    readonly name: string;
    readonly id: string;
}

/** Every document preflight reads, by file name in a saved folder. */
export interface Documents {
    readonly account: Account;
    readonly roleAssignments: readonly RoleAssignment[];
    readonly usage: readonly Usage[];
    readonly skus: readonly VmSku[];
    readonly providers: readonly ProviderRegistration[];
    readonly groups: readonly ResourceGroup[];
}

/** The names the commands need: where the stack goes and who runs it. */
export interface CommandNames {
    readonly location: string;
    readonly resourceGroup: string;
    readonly stack: string;
    /** `az role assignment list --assignee`: account.json's user.name; a placeholder before it is known. */
    readonly assignee?: string;
    /** The subscription the stack pins (azure-native:subscriptionId): az is asked about it, not its default. */
    readonly subscription?: string;
}

/** The names of a stack's needs, as the commands take them. */
export const commandNamesOf = (needs: {
    readonly location: string;
    readonly resourceGroupName: string;
    readonly stack: string;
    readonly subscriptionId?: string;
}): CommandNames => ({
    location: needs.location,
    resourceGroup: needs.resourceGroupName,
    stack: needs.stack,
    subscription: needs.subscriptionId,
});

/** `--subscription ID` when the stack pins one: azure-native deploys there whatever az's default is. */
const pinned = (names: CommandNames) => (names.subscription ? ` --subscription ${names.subscription}` : "");

/** The files of a saved folder, and the command that writes each (bash and PowerShell alike). */
export const PREFLIGHT_FILES = Object.freeze({
    account: { file: "account.json", command: (names: CommandNames) => `az account show${pinned(names)} -o json` },
    roleAssignments: {
        file: "role-assignments.json",
        command: (names: CommandNames) =>
            `az role assignment list --assignee ${names.assignee ?? "<your user name or client id>"} --all --include-inherited --include-groups${pinned(names)} -o json`,
    },
    usage: {
        file: "usage.json",
        command: (names: CommandNames) => `az vm list-usage -l ${names.location}${pinned(names)} -o json`,
    },
    skus: {
        file: "skus.json",
        command: (names: CommandNames) =>
            `az vm list-skus -l ${names.location} --resource-type virtualMachines --all${pinned(names)} -o json`,
    },
    providers: { file: "providers.json", command: (names: CommandNames) => `az provider list${pinned(names)} -o json` },
    groups: { file: "groups.json", command: (names: CommandNames) => `az group list${pinned(names)} -o json` },
});

/** Optional files: without them some checks cannot tell. */
export const OPTIONAL_FILES = Object.freeze({
    stack: { file: "stack.json", command: (names: CommandNames) => `pulumi stack export --stack ${names.stack}` },
    clusters: {
        file: "clusters.json",
        command: (names: CommandNames) => `az aks list -g ${names.resourceGroup}${pinned(names)} -o json`,
    },
});

const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
/** ARM nests a resource's fields under `properties`; az lifts them. Either way, one flat object. */
const flat = (item: JsonObject): JsonObject => (isObject(item.properties) ? { ...item.properties, ...item } : item);
const listOf = (document: unknown, source: DocumentSource, what: string): JsonObject[] => {
    const items = itemsOf(document);
    items.forEach((item, index) => {
        if (!isObject(item))
            throw refuse(
                source,
                `holds ${JSON.stringify(item)?.slice(0, 40)} (item ${index}) where ${what} was expected`,
            );
    });
    return items as JsonObject[];
};
/** The text fields every item must have; one missing, or not text, and the document is not what az prints. */
function need<K extends string>(
    source: DocumentSource,
    item: JsonObject,
    keys: readonly K[],
    what: string,
    index?: number,
): Record<K, string> {
    const absent = keys.filter((key) => typeof item[key] !== "string");
    if (absent.length > 0)
        throw refuse(
            source,
            `has no ${absent.join(", ")}${index === undefined ? "" : ` in item ${index}`}: not ${what} as az prints it`,
        );
    return Object.fromEntries(keys.map((key) => [key, item[key] as string])) as Record<K, string>;
}

export function parseAccount(document: unknown, source: DocumentSource): Account {
    if (Array.isArray(document)) throw refuse(source, "holds a list (az account list?), not one subscription");
    if (!isObject(document)) throw refuse(source, "is not a JSON object");
    const { id, state, tenantId } = need(source, document, ["id", "state", "tenantId"], "a subscription");
    if (!isObject(document.user)) throw refuse(source, "has no user: not a subscription as az account show prints it");
    const user = document.user;
    return {
        subscriptionId: id,
        subscriptionName: stringOf(document.name) ?? id,
        state,
        tenantId,
        user: { name: stringOf(user.name) ?? "", type: stringOf(user.type) ?? "" },
    };
}

export function parseRoleAssignments(document: unknown, source: DocumentSource): RoleAssignment[] {
    return listOf(document, source, "a role assignment").map((raw, index) => {
        const item = flat(raw);
        const { roleDefinitionId, scope } = need(
            source,
            item,
            ["roleDefinitionId", "scope"],
            "a role assignment",
            index,
        );
        const condition = stringOf(item.condition);
        return {
            roleId: roleDefinitionId.split("/").pop()!.toLowerCase(),
            roleName: stringOf(item.roleDefinitionName),
            scope,
            principalType: stringOf(item.principalType),
            principalId: stringOf(item.principalId),
            principalName: stringOf(item.principalName),
            condition: condition && condition.trim() !== "" ? condition : undefined,
        };
    });
}

/** A count az prints as a number or, through transform_vm_usage_list, as a string. */
function countOf(value: unknown, source: DocumentSource, what: string): number {
    const count = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof count !== "number" || !Number.isFinite(count))
        throw refuse(source, `has ${what} ${JSON.stringify(value)}, not a number`);
    return count;
}

export function parseUsage(document: unknown, source: DocumentSource): Usage[] {
    return listOf(document, source, "a usage").map((item, index) => {
        if (item.currentValue === undefined || item.limit === undefined)
            throw refuse(source, `has no currentValue or limit in item ${index}: not a usage as az prints it`);
        const name = isObject(item.name) ? item.name : {};
        if (typeof name.value !== "string")
            throw refuse(source, `has no name.value in item ${index}: not a usage as az prints it`);
        return {
            name: name.value,
            localName: stringOf(item.localName) ?? stringOf(name.localizedValue) ?? name.value,
            current: countOf(item.currentValue, source, `currentValue (item ${index})`),
            limit: countOf(item.limit, source, `limit (item ${index})`),
        };
    });
}

export function parseSkus(document: unknown, source: DocumentSource): VmSku[] {
    return listOf(document, source, "a resource SKU").flatMap((item, index) => {
        const { name, resourceType } = need(source, item, ["name", "resourceType"], "a resource SKU", index);
        // az vm list-skus without --resource-type lists disks and availability sets too.
        if (resourceType.toLowerCase() !== "virtualmachines") return [];
        const capabilities = Array.isArray(item.capabilities) ? item.capabilities.filter(isObject) : [];
        const vcpus = capabilities.find((capability) => capability.name === "vCPUs")?.value;
        const locationInfo = Array.isArray(item.locationInfo) ? item.locationInfo.filter(isObject) : [];
        const restrictions = Array.isArray(item.restrictions) ? item.restrictions.filter(isObject) : [];
        const strings = (value: unknown) =>
            Array.isArray(value) ? value.filter((entry) => typeof entry === "string") : [];
        return [
            {
                name,
                family: stringOf(item.family) ?? "",
                vcpus: vcpus === undefined ? undefined : countOf(vcpus, source, `vCPUs of ${name}`),
                locations: strings(item.locations),
                zones: Object.fromEntries(
                    locationInfo.map((info) => [(stringOf(info.location) ?? "").toLowerCase(), strings(info.zones)]),
                ),
                restrictions: restrictions.map((restriction) => {
                    const info = isObject(restriction.restrictionInfo) ? restriction.restrictionInfo : {};
                    return {
                        type: stringOf(restriction.type) ?? "",
                        reasonCode: stringOf(restriction.reasonCode) ?? "",
                        locations: [...strings(info.locations), ...strings(restriction.values)],
                        zones: strings(info.zones),
                    };
                }),
            },
        ];
    });
}

export function parseProviders(document: unknown, source: DocumentSource): ProviderRegistration[] {
    return listOf(document, source, "a resource provider").map((item, index) => {
        return need(source, item, ["namespace", "registrationState"], "a resource provider", index);
    });
}

export function parseGroups(document: unknown, source: DocumentSource): ResourceGroup[] {
    return listOf(document, source, "a resource group").map((item, index) => {
        const { name, id } = need(source, item, ["name", "id"], "a resource group", index);
        return { name, id, location: stringOf(item.location) ?? "" };
    });
}

export function parseClusters(document: unknown, source: DocumentSource): NamedResource[] {
    return listOf(document, source, "an AKS cluster").map((item, index) => {
        return need(source, item, ["name", "id"], "an AKS cluster", index);
    });
}

/** `pulumi stack export`: {version, deployment: {resources: [...]}}; a stack never deployed has none. */
export function parseStackState(document: unknown, source: DocumentSource): StateResource[] {
    const deployment = isObject(document) ? document.deployment : undefined;
    if (!isObject(document) || typeof document.version !== "number" || !isObject(deployment))
        throw refuse(source, "is not a Pulumi deployment (pulumi stack export prints {version, deployment})");
    const resources = Array.isArray(deployment.resources) ? deployment.resources.filter(isObject) : [];
    return resources.map((resource) => ({ type: stringOf(resource.type) ?? "", id: stringOf(resource.id) }));
}

export const PARSERS = Object.freeze({
    account: parseAccount,
    roleAssignments: parseRoleAssignments,
    usage: parseUsage,
    skus: parseSkus,
    providers: parseProviders,
    groups: parseGroups,
});

/** The six documents of a saved folder; a missing or unreadable one is a UsageError (exit 2). */
export function readSavedDocuments(dir: string, names: CommandNames): Documents {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
        throw new UsageError(`--from ${dir}: no such folder; save the files listed in --help into it`);
    let known = names;
    const read = <K extends keyof typeof PREFLIGHT_FILES>(key: K) => {
        const { file, command } = PREFLIGHT_FILES[key];
        const full = path.join(dir, file);
        if (!fs.existsSync(full))
            throw new UsageError(`${dir} has no ${file}; write it with \`${command(known)} > ${file}\``);
        const source = { file: full, label: full, command: command(known) };
        return PARSERS[key](readJsonDocument(source), source) as ReturnType<(typeof PARSERS)[K]>;
    };
    const account = read("account");
    known = { ...names, assignee: account.user.name };
    return {
        account,
        roleAssignments: read("roleAssignments"),
        usage: read("usage"),
        skus: read("skus"),
        providers: read("providers"),
        groups: read("groups"),
    };
}

/** An optional file of a saved folder: undefined when absent; present but unusable is a UsageError. */
export function readOptionalDocument<T>(
    dir: string,
    key: keyof typeof OPTIONAL_FILES,
    names: CommandNames,
    parse: (document: unknown, source: DocumentSource) => T,
): T | undefined {
    const { file, command } = OPTIONAL_FILES[key];
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) return undefined;
    const source = { file: full, label: full, command: command(names) };
    return parse(readJsonDocument(source), source);
}
