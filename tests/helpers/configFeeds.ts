/**
 * Which resources a config key replaces, found from the mocked program itself: one run where every
 * config value is distinctive shows which inputs each value flows into (taint); an input that is a
 * path parameter or force-new property of its type (azureFacts/replacements.ts) replaces the resource;
 * a replaced resource gets new computed outputs (its id, its principalId), which in turn change
 * every input that carries them, until nothing more changes.
 */
import { REPLACEMENT_FACTS, replacingPaths } from "../../guard/replacements";
import { ProgramRun, RecordedResource } from "./program";

/** Distinctive, valid values for every config key that can flow into an Azure resource. */
export const TAINTED_CONFIG: Readonly<Record<string, string>> = Object.freeze({
    "azure-native:location": "francecentral",
    resourceGroupName: "RgTaintA",
    vnetName: "VnetTaintB",
    clusterName: "clustertaintc",
    azureCniClusterName: "cnitaintd",
    adminUsername: "admintainte",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaTaintF taint@example",
    nodeVmSize: "Standard_TaintG",
    kubernetesVersion: "1.77",
    vnetCidr: "10.221.0.0/16",
    kubenetSubnetCidr: "10.221.11.0/24",
    azureCniSubnetCidr: "10.221.12.0/24",
    servicesSubnetCidr: "10.221.13.0/24",
    podCidr: "10.111.0.0/16",
    serviceCidr: "10.211.0.0/16",
    dnsServiceIp: "10.211.0.10",
    nodeCount: "5",
    maxPods: "111",
    azureCniCluster: "true",
    azureCniNodeCount: "4",
    azureCniMaxPods: "31",
    clusterAdmins: '["7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b"]',
    userPoolNodeCount: "2",
    userPoolVmSize: "Standard_TaintH",
    // Container insights into an existing workspace: its region names and places the data collection rule.
    monitoring: "true",
    logAnalyticsWorkspaceId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/Logs/providers/Microsoft.OperationalInsights/workspaces/wstainti",
    logAnalyticsWorkspaceLocation: "swedensouthtaint",
});

const NUMBER_KEYS = new Set(["nodeCount", "maxPods", "azureCniNodeCount", "azureCniMaxPods", "userPoolNodeCount"]);

/** Every leaf of an input object as [dotted path, value]; arrays as [n]. */
function leaves(value: unknown, base = ""): Array<[string, unknown]> {
    if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, `${base}[${index}]`));
    if (value && typeof value === "object")
        return Object.entries(value).flatMap(([key, inner]) => leaves(inner, base ? `${base}.${key}` : key));
    return [[base, value]];
}

/** The resources whose replacement the engine would plan; the ones the facts table knows. */
const tracked = (run: ProgramRun) => run.resources.filter((resource) => REPLACEMENT_FACTS[resource.type] !== undefined);

/** A resource's docs label: the facts label ("admin ..." for Entra's), "Azure CNI " first for the second cluster's. */
export function labelOf(resource: RecordedResource): string {
    const base = REPLACEMENT_FACTS[resource.type].label;
    const label = /rbac-cluster-admin|admin-grant-propagation/.test(resource.name) ? `admin ${base}` : base;
    return resource.name.startsWith("azurecni-") ? `Azure CNI ${label}` : label;
}

/** Input paths of `resource` that carry `needle` (a string value inside it, or an equal number). */
function pathsCarrying(resource: RecordedResource, needle: string | number): string[] {
    return leaves(resource.inputs)
        .filter(([, value]) =>
            typeof needle === "number" ? value === needle : typeof value === "string" && value.includes(needle),
        )
        .map(([path]) => path);
}

/**
 * The computed outputs (state that is not an input) a replacement changes: a new object has a new
 * principalId and clientId; its id changes only with its name, that is when a path parameter
 * changed or the name is random (the types replaced create-first). A named resource re-created
 * under the same name and resource group keeps its id.
 */
function changedOutputs(run: ProgramRun, resource: RecordedResource, replacing: readonly string[]): string[] {
    const facts = REPLACEMENT_FACTS[resource.type];
    const newId = !facts.deleteFirst || replacing.some((path) => facts.pathParameters.includes(path.split(/[.[]/)[0]));
    const state = run.states.get(resource.name) ?? {};
    return Object.entries(state)
        .filter(
            ([key, value]) =>
                !(key in resource.inputs) &&
                key !== "name" &&
                (key !== "id" || newId) &&
                typeof value === "string" &&
                value.length > 8,
        )
        .map(([, value]) => value as string);
}

/** The resources (by Pulumi name) replaced when each config key of TAINTED_CONFIG changes. */
export function replacementsByKey(run: ProgramRun): Record<string, RecordedResource[]> {
    const result: Record<string, RecordedResource[]> = {};
    for (const [key, value] of Object.entries(TAINTED_CONFIG)) {
        if (value === "true") continue; // a switch creates or removes resources; it replaces none
        // An array key (clusterAdmins) flows in item by item: follow its one item.
        const needle = NUMBER_KEYS.has(key)
            ? Number(value)
            : value.startsWith("[")
              ? (JSON.parse(value) as string[])[0]
              : value;
        const replaced = new Set<RecordedResource>();
        let changed = new Map(tracked(run).map((resource) => [resource, pathsCarrying(resource, needle)]));
        for (;;) {
            const newly = [...changed]
                .map(
                    ([resource, paths]) =>
                        [resource, replacingPaths(resource.type, paths)] as [RecordedResource, string[]],
                )
                .filter(([resource, replacing]) => !replaced.has(resource) && replacing.length > 0);
            // deletedWith: a resource goes, and comes back, with the one it names.
            const alongside = tracked(run).filter(
                (resource) =>
                    !replaced.has(resource) &&
                    newly.some(([gone]) => gone.urn === resource.deletedWith) &&
                    !newly.some(([listed]) => listed === resource),
            );
            newly.push(...alongside.map((resource) => [resource, ["(deletedWith)"]] as [RecordedResource, string[]]));
            if (newly.length === 0) break;
            newly.forEach(([resource]) => replaced.add(resource));
            const outputs = newly.flatMap(([resource, replacing]) => changedOutputs(run, resource, replacing));
            changed = new Map(
                tracked(run).map((resource) => [
                    resource,
                    outputs.flatMap((output) => pathsCarrying(resource, output)),
                ]),
            );
        }
        result[key] = [...replaced];
    }
    return result;
}
