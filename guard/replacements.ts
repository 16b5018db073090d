/**
 * What replaces each resource type this program creates, taken from the providers' own source.
 * The preview guard's guarded types, docs/configuration.md's replacement tables and the
 * replacement test all read this table; nothing else lists these properties.
 *
 * azure-native (the version in package-lock.json, 3.28.0, published 2026-09-21):
 * - force-new properties: pulumi/pulumi-azure-native provider/pkg/gen/replacement.go, `forceNewMap`,
 *   read at commit 1b7112af33c62b247daed1028686bf279f4d5e69. That is the per-field networkProfile
 *   list of pulumi/pulumi-azure-native#4771 (merged 2026-07-16, before 3.28.0); the search index
 *   does not tie the commit to the v3.28.0 tag.
 * - path parameters: provider/pkg/provider/diff.go `calculateDetailedDiff`: "All the parameters that
 *   are part of the resource path cause a replacement" (`if p.Location == "path" { ... replaceKeys.Add(name) }`).
 *   The paths are the Azure REST API's PUT paths of each type, with the SDK's argument names.
 * - delete-first: provider/pkg/provider/provider.go `Diff` (commit 006a62afe453b416e5d5c98d2d91c4c7281f52f9):
 *   `deleteBeforeReplace := len(replaces) > 0`, unless the name was generated at random
 *   (`createBeforeDeleteFlag`), which among these types only RoleAssignment's roleAssignmentName is.
 * - not listed here: the create-only (x-ms-mutability) fields of each API spec, which the
 *   provider's generated metadata marks force-new too. That metadata is not in the source tree;
 *   the preview guard catches such a replacement from the preview itself.
 * @pulumiverse/time 0.1.1 Sleep: `triggers` replace it ("when changed, will run any creation or
 * destroy delays again", sleep.d.ts); createDuration alone does not ("will not trigger a delay").
 */

export interface ReplacementFacts {
    /** Short name used in docs and messages. */
    readonly label: string;
    /** Inputs that name the resource in its Azure path: a change is a new resource. */
    readonly pathParameters: readonly string[];
    /** Inputs (dotted paths; `[]` for array items) whose change forces a replacement. */
    readonly forceNew: readonly string[];
    /** Replaced delete-first: the old resource is gone before the new one exists. */
    readonly deleteFirst: boolean;
}

export const PROVIDER_SOURCES = Object.freeze({
    azureNative: {
        repository: "pulumi/pulumi-azure-native",
        version: "3.28.0",
        forceNewMap: { path: "provider/pkg/gen/replacement.go", commit: "1b7112af33c62b247daed1028686bf279f4d5e69" },
        diff: {
            path: "provider/pkg/provider/diff.go",
            functions: ["diff", "objectDiff", "calculateDetailedDiff", "calculateChangesAndReplacements", "applyDiff"],
        },
        provider: {
            path: "provider/pkg/provider/provider.go",
            commit: "006a62afe453b416e5d5c98d2d91c4c7281f52f9",
            functions: ["Diff", "Read"],
        },
    },
    engine: {
        repository: "pulumi/pulumi",
        path: "pkg/resource/deploy/step_generator.go",
        commit: "1a16857a44f16e46a9dce29f184c511062a70f80",
        functions: ["processIgnoreChanges"],
    },
});

/** ManagedCluster's networkProfile entries of forceNewMap (pulumi/pulumi-azure-native#4771). */
export const MANAGED_CLUSTER_NETWORK_PROFILE_FORCE_NEW = [
    "serviceCidr",
    "serviceCidrs",
    "dnsServiceIP",
    "networkMode",
    "networkPlugin",
    "networkPluginMode",
    "podCidr",
    "networkDataplane",
    "networkPolicy",
    "outboundType",
] as const;

export const REPLACEMENT_FACTS: Readonly<Record<string, ReplacementFacts>> = Object.freeze({
    "azure-native:resources:ResourceGroup": {
        label: "resource group",
        pathParameters: ["resourceGroupName"],
        forceNew: ["location"],
        deleteFirst: true,
    },
    "azure-native:network:VirtualNetwork": {
        label: "VNet",
        pathParameters: ["resourceGroupName", "virtualNetworkName"],
        forceNew: ["location"],
        deleteFirst: true,
    },
    // forceNewMap: "Subnet": codegen.NewStringSet(), // no force-news
    "azure-native:network:Subnet": {
        label: "subnets",
        pathParameters: ["resourceGroupName", "virtualNetworkName", "subnetName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:network:RouteTable": {
        label: "route table",
        pathParameters: ["resourceGroupName", "routeTableName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        label: "identity",
        pathParameters: ["resourceGroupName", "resourceName"],
        forceNew: [],
        deleteFirst: true,
    },
    // The program leaves roleAssignmentName to the provider, which makes it a random UUID: a
    // replaced grant is created before the old one is deleted.
    "azure-native:authorization:RoleAssignment": {
        label: "grants",
        pathParameters: ["scope", "roleAssignmentName"],
        forceNew: ["principalId", "scope"],
        deleteFirst: false,
    },
    "azure-native:containerservice:ManagedCluster": {
        label: "cluster",
        pathParameters: ["resourceGroupName", "resourceName"],
        forceNew: [
            "diskEncryptionSetID",
            "dnsPrefix",
            "fqdnSubdomain",
            "linuxProfile",
            "location",
            "nodeResourceGroup",
            "windowsProfile",
            ...MANAGED_CLUSTER_NETWORK_PROFILE_FORCE_NEW.map((field) => `networkProfile.${field}`),
        ],
        deleteFirst: true,
    },
    "time:index/sleep:Sleep": {
        label: "grant wait",
        pathParameters: [],
        forceNew: ["triggers"],
        deleteFirst: false,
    },
});

/**
 * The types the preview guard refuses to lose: every type whose replacement deletes first (the
 * old resource, and for the cluster every workload, is gone before the new one exists).
 */
export const DELETE_FIRST_TYPES: readonly string[] = Object.entries(REPLACEMENT_FACTS)
    .filter(([, facts]) => facts.deleteFirst)
    .map(([type]) => type);

/**
 * The replacing inputs of `type` among `changedPaths` (dotted paths of changed inputs, array
 * items as `[n]`): a changed path is replacing when it is, or lies under, a path parameter or a
 * force-new property, the way diff.go matches replaceKeys (array indices as `[]`).
 */
export function replacingPaths(type: string, changedPaths: readonly string[]): string[] {
    const facts = REPLACEMENT_FACTS[type];
    if (!facts) return [];
    const keys = [...facts.pathParameters, ...facts.forceNew];
    return changedPaths.filter((changed) => {
        const generic = changed.replace(/\[\d+\]/g, "[]");
        return keys.some((key) => generic === key || generic.startsWith(`${key}.`) || generic.startsWith(`${key}[`));
    });
}

/**
 * What to do when the guard finds a field that would replace the cluster after the Overlay move,
 * by field. The fix never is `--allow`: that deletes the cluster.
 */
export const REPLACEMENT_FIXES: Readonly<Record<string, string>> = Object.freeze({
    "networkProfile.networkPlugin":
        "a plugin changes in place only through the Overlay runbook (npm run migrate -- plan); after `az aks update`, run `pulumi refresh` until the state records azure/overlay, with networkPlugin=overlay set",
    "networkProfile.networkPluginMode":
        "as for networkPlugin: the move runs through the runbook, and the refresh must record networkPluginMode overlay",
    "networkProfile.podCidr":
        "a pod CIDR cannot change in place: set podCidr to the cluster's (`az aks show --query networkProfile.podCidr`)",
    "networkProfile.serviceCidr":
        "a service CIDR cannot change in place: set serviceCidr to the cluster's (`az aks show --query networkProfile.serviceCidr`)",
    "networkProfile.dnsServiceIP":
        "the DNS service IP cannot change in place: set dnsServiceIp to the cluster's (`az aks show --query networkProfile.dnsServiceIp`)",
    "networkProfile.networkDataplane":
        "AKS sets it by itself (azure after the Overlay move); this program ignores it (ignoreChanges in cluster.ts): a program without that option replaces the cluster, so update it",
    "networkProfile.networkPolicy":
        "AKS reports it by itself on recent API versions (none); this program ignores it (ignoreChanges in cluster.ts): a program without that option replaces the cluster, so update it",
    "networkProfile.outboundType":
        "the outbound type changed outside Pulumi: set it back with `az aks update --outbound-type loadBalancer`",
    linuxProfile:
        "the SSH key or admin user cannot change in place: set sshPublicKey and adminUsername back to the cluster's",
    dnsPrefix: "the DNS prefix follows clusterName: keep clusterName",
    resourceName: "the cluster's name cannot change: keep clusterName",
    location: "a location cannot change: keep azure-native:location",
});

export function fixFor(field: string): string {
    return (
        REPLACEMENT_FIXES[field] ??
        `make the program declare what Azure reports for ${field} (\`az aks show -o json\`), or add it to the resource's ignoreChanges; never --allow the cluster`
    );
}

/**
 * Changes Pulumi would send as ordinary updates but AKS refuses or cannot undo. azure-native does
 * not mark them force-new, so a preview shows an update, and `pulumi up` either fails at Azure
 * (create-only) or succeeds once and can never be reversed (one-way). The preview guard refuses
 * both whatever --allow says, and the config rules and docs/configuration.md read the same table.
 */
export interface IrreversibleChange {
    readonly type: string;
    /** The input path (array items as `[]`). */
    readonly path: string;
    /**
     * one-way: once the input holds `lockedValue`, no other value (nor its absence) is accepted;
     * create-only: once set, the value never changes.
     */
    readonly kind: "one-way" | "create-only";
    readonly lockedValue?: unknown;
    /** The config key that sets it. */
    readonly configKey: string;
    /** Why, in one sentence a user can act on. */
    readonly why: string;
    /** Where Microsoft says so. */
    readonly source: string;
}

export const IRREVERSIBLE_CHANGES: readonly IrreversibleChange[] = Object.freeze([
    {
        type: "azure-native:containerservice:ManagedCluster",
        path: "aadProfile.managed",
        kind: "one-way",
        lockedValue: true,
        configKey: "clusterAccess",
        why: "AKS cannot turn Microsoft Entra ID integration off once it is on; keep clusterAccess=entra (local accounts can come back with disableLocalAccounts, Entra ID cannot go)",
        source: "learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id: Microsoft Entra integration can't be disabled after it's enabled",
    },
]);

/** The value at a dotted path (array items as `[]`: every item's value, as a list). */
export function valueAt(document: unknown, path: string): unknown {
    const [head, ...rest] = path.split(".");
    const arrayHead = head.endsWith("[]");
    const key = arrayHead ? head.slice(0, -2) : head;
    const value = document && typeof document === "object" ? (document as Record<string, unknown>)[key] : undefined;
    if (arrayHead)
        return Array.isArray(value)
            ? value.map((item: unknown) => (rest.length ? valueAt(item, rest.join(".")) : item))
            : undefined;
    return rest.length === 0 ? value : valueAt(value, rest.join("."));
}

/** The irreversible changes between two input objects of `type` (either may be undefined). */
export function irreversibleChangesBetween(
    type: string,
    before: unknown,
    after: unknown,
): Array<IrreversibleChange & { readonly from: unknown; readonly to: unknown }> {
    return IRREVERSIBLE_CHANGES.filter((fact) => fact.type === type).flatMap((fact) => {
        const [from, to] = [valueAt(before, fact.path), valueAt(after, fact.path)];
        const refused =
            fact.kind === "one-way"
                ? JSON.stringify(from) === JSON.stringify(fact.lockedValue) &&
                  JSON.stringify(to) !== JSON.stringify(fact.lockedValue)
                : from !== undefined && JSON.stringify(from) !== JSON.stringify(to);
        return refused ? [{ ...fact, from, to }] : [];
    });
}
