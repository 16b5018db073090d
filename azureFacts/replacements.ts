/**
 * Azure's facts (#33's room below the program, beside contract/): what replaces each resource type
 * this program creates, taken from the providers' own source, and the changes AKS refuses or
 * cannot undo. Config, the preview guard, the rehearsal's stand-in, docs/configuration.md's
 * replacement tables and the replacement test all read these tables; nothing else lists these
 * properties. It imports nothing of the program or the tools.
 *
 * azure-native (the version in package-lock.json, 3.28.0, published 2026-09-21):
 * - force-new properties: pulumi/pulumi-azure-native provider/pkg/gen/replacement.go, `forceNewMap`.
 *   No source reachable here ties a version of that file to the v3.28.0 tag: the repository's
 *   snapshot is too large to fetch, and the stored versions carry no tag. Two stored versions
 *   differ: commit 1b7112af33c62b247daed1028686bf279f4d5e69 (the per-field networkProfile list of
 *   pulumi/pulumi-azure-native#4771, merged 2026-07-16) and a later one that adds
 *   networkProfile.podCidrs and networkProfile.ipFamilies ("single-stack -> dual-stack" beside
 *   CNI -> Overlay). This table takes the later, larger list: a field that may replace the
 *   cluster is treated as one that does. The generator matches forceNewMap by property name
 *   (`properties.Has(propertyName)` in gen/properties.go), so nodePublicIPTags is force-new
 *   inside agentPoolProfiles[].networkProfile and AgentPool's networkProfile.
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
        forceNewMap: {
            path: "provider/pkg/gen/replacement.go",
            /** Not tied to the v3.28.0 tag by any source reachable here (see above). */
            taggedRelease: false,
            commits: {
                perFieldNetworkProfile: "1b7112af33c62b247daed1028686bf279f4d5e69",
                withPodCidrsAndIpFamilies: "(a later stored version; its commit is not shown by the index)",
            },
        },
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
        /** processIgnoreChanges: `ok := path.Reset(oldInputs, ignoredInputs)` (Reset since c881441890, 2023). */
        commit: "1b5949891b3cefcb9974752b24a5ecef0acc86c8",
        functions: ["processIgnoreChanges"],
    },
});

/**
 * ManagedCluster's networkProfile entries of forceNewMap (pulumi/pulumi-azure-native#4771), with
 * podCidrs and ipFamilies of the later stored version (see above).
 */
export const MANAGED_CLUSTER_NETWORK_PROFILE_FORCE_NEW = [
    "serviceCidr",
    "serviceCidrs",
    "podCidrs",
    "dnsServiceIP",
    "networkMode",
    "networkPlugin",
    "networkPluginMode",
    "podCidr",
    "networkDataplane",
    "networkPolicy",
    "outboundType",
    "ipFamilies",
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
            "agentPoolProfiles[].networkProfile.nodePublicIPTags",
        ],
        deleteFirst: true,
    },
    // forceNewMap "AgentPool": gpuInstanceProfile, vmSize, nodePublicIPTags (in networkProfile).
    "azure-native:containerservice:AgentPool": {
        label: "user pool",
        pathParameters: ["resourceGroupName", "resourceName", "agentPoolName"],
        forceNew: ["gpuInstanceProfile", "vmSize", "networkProfile.nodePublicIPTags"],
        deleteFirst: true,
    },
    // Not in forceNewMap: only its path replaces it; configName is one of AKS's two fixed names.
    "azure-native:containerservice:MaintenanceConfiguration": {
        label: "maintenance windows",
        pathParameters: ["resourceGroupName", "resourceName", "configName"],
        forceNew: [],
        deleteFirst: true,
    },
    // Not in forceNewMap. Replacing or deleting it loses the logs it holds.
    "azure-native:operationalinsights:Workspace": {
        label: "Log Analytics workspace",
        pathParameters: ["resourceGroupName", "workspaceName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:monitor:DataCollectionRule": {
        label: "data collection rule",
        pathParameters: ["resourceGroupName", "dataCollectionRuleName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:monitor:DataCollectionRuleAssociation": {
        label: "data collection rule association",
        pathParameters: ["resourceUri", "associationName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:authorization:PolicyAssignment": {
        label: "policy assignment",
        pathParameters: ["scope", "policyAssignmentName"],
        forceNew: [],
        deleteFirst: true,
    },
    // Not in forceNewMap (module Insights): only its path replaces it.
    "azure-native:monitor:DiagnosticSetting": {
        label: "control-plane logs",
        pathParameters: ["resourceUri", "name"],
        forceNew: [],
        deleteFirst: true,
    },
    // Not in forceNewMap (module Authorization lists only RoleAssignment): only their paths replace them.
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": {
        label: "resource group lock",
        pathParameters: ["resourceGroupName", "lockName"],
        forceNew: [],
        deleteFirst: true,
    },
    "azure-native:authorization:ManagementLockByScope": {
        label: "cluster lock",
        pathParameters: ["scope", "lockName"],
        forceNew: [],
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
 * Changes AKS refuses or cannot undo. Most are no replacement for azure-native, so a preview shows
 * an update, and `pulumi up` either fails at Azure (create-only) or succeeds once and can never be
 * reversed (one-way). A few one-way inputs are force-new in azure-native (the Overlay move, the
 * Cilium dataplane): undoing them shows as a replacement, the only way back Pulumi has, which
 * deletes the cluster first; the guard refuses that replacement too. The preview guard refuses
 * each whatever --allow says, and the config rules and docs/configuration.md read the same table.
 */
export interface IrreversibleChange {
    readonly type: string;
    /** The input path (array items as `[]`). */
    readonly path: string;
    /**
     * one-way: once the input holds `lockedValue`, no other value (nor its absence) is accepted;
     * create-only: what the resource was created with never changes (declared, or as AKS reported it).
     */
    readonly kind: "one-way" | "create-only";
    readonly lockedValue?: unknown;
    /** create-only: what an undeclared input means (no zones: []); without it, undeclared changes nothing. */
    readonly absentValue?: unknown;
    /**
     * one-way only while this holds of the resource as it is: "outOfCommunitySupport" = its
     * Kubernetes version is out of AKS's community support (guard/communitySupport.ts), or this
     * guard cannot tell.
     */
    readonly lockedWhile?: "outOfCommunitySupport";
    /** The config key that sets it. */
    readonly configKey: string;
    /** Why, in one sentence a user can act on. */
    readonly why: string;
    /** Where Microsoft says so. */
    readonly source: string;
}

const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";
const POOL_TYPE = "azure-native:containerservice:AgentPool";
const ZONES_WHY =
    "AKS cannot change a node pool's availability zones after the pool is created (\"You can't change the number of availability zones after you create a node pool\"); add a new pool with the zones you want and move the workloads";
const ZONES_SOURCE = "learn.microsoft.com/azure/aks/availability-zones-overview";
const OS_DISK_TYPE_WHY =
    "AKS sets a node pool's OS disk type when the pool is created and refuses to change it (to or from Ephemeral is a limit of the whole scale set); add a new pool with the disk type you want and move the workloads";
const OS_DISK_TYPE_SOURCE =
    "Azure/AKS#1370 (AKS: not being able to change to/from ephemeral OS is a limitation on the whole scaleset; add new pools)";
const OS_DISK_SIZE_WHY =
    "AKS refuses to change a node pool's OS disk size after the pool is created (\"You can't change the OS disk size after cluster or node pool creation\"); add a new pool";
const OS_DISK_SOURCE = "learn.microsoft.com/azure/aks/concepts-storage (OS disk size)";
const POOL_SETTING_WHY = (what: string) =>
    `AKS cannot change an existing node pool's ${what} (PropertyChangeNotAllowed; an in-place resize is a preview feature): add a new pool with the ${what} you want, move the workloads (the system pods too), and delete the old pool`;
const POOL_SETTING_SOURCE =
    "learn.microsoft.com/azure/aks/use-system-pools (to change immutable settings, create a new pool, e.g. a new maxPods); pulumi/pulumi-azure-native#959";
const CILIUM_WHY =
    "there is no way back from the Cilium dataplane: Microsoft documents moves to it only, and azure-native would replace the cluster, deleting it first; keep networkPolicy=cilium, or build a new cluster";

export const IRREVERSIBLE_CHANGES: readonly IrreversibleChange[] = Object.freeze([
    {
        type: CLUSTER_TYPE,
        path: "aadProfile.managed",
        kind: "one-way",
        lockedValue: true,
        configKey: "clusterAccess",
        why: "AKS cannot turn Microsoft Entra ID integration off once it is on; keep clusterAccess=entra (local accounts can come back with disableLocalAccounts, Entra ID cannot go)",
        source: "learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id: Microsoft Entra integration can't be disabled after it's enabled",
    },
    {
        type: CLUSTER_TYPE,
        path: "oidcIssuerProfile.enabled",
        kind: "one-way",
        lockedValue: true,
        configKey: "workloadIdentity",
        why: "AKS cannot turn the OIDC issuer off once it is on; keep workloadIdentity=true (workload identity itself can be turned off with az aks update --disable-workload-identity, the issuer cannot)",
        source: "learn.microsoft.com/azure/aks/use-oidc-issuer: after the OIDC issuer is enabled on a cluster, disabling it isn't supported",
    },
    ...(["agentPoolProfiles[].availabilityZones", "availabilityZones"] as const).map((path) => ({
        type: path === "availabilityZones" ? POOL_TYPE : CLUSTER_TYPE,
        path,
        kind: "create-only" as const,
        absentValue: [],
        configKey: "zones",
        why: ZONES_WHY,
        source: ZONES_SOURCE,
    })),
    ...(["agentPoolProfiles[].osDiskType", "osDiskType"] as const).map((path) => ({
        type: path === "osDiskType" ? POOL_TYPE : CLUSTER_TYPE,
        path,
        kind: "create-only" as const,
        configKey: "osDiskType",
        why: OS_DISK_TYPE_WHY,
        source: OS_DISK_TYPE_SOURCE,
    })),
    // The system pool is inline in the cluster, where azure-native sends a new size or maxPods as an
    // update; the user pool's vmSize is force-new (a replacement the guard names), its maxPods is not.
    {
        type: CLUSTER_TYPE,
        path: "agentPoolProfiles[].vmSize",
        kind: "create-only",
        configKey: "nodeVmSize",
        why: POOL_SETTING_WHY("VM size"),
        source: POOL_SETTING_SOURCE,
    },
    ...(["agentPoolProfiles[].maxPods", "maxPods"] as const).map((path) => ({
        type: path === "maxPods" ? POOL_TYPE : CLUSTER_TYPE,
        path,
        kind: "create-only" as const,
        configKey: "maxPods",
        why: POOL_SETTING_WHY("maxPods (azureCniMaxPods on the Azure CNI cluster)"),
        source: POOL_SETTING_SOURCE,
    })),
    {
        type: CLUSTER_TYPE,
        path: "supportPlan",
        kind: "one-way",
        lockedValue: "AKSLongTermSupport",
        lockedWhile: "outOfCommunitySupport",
        configKey: "skuTier",
        why: "AKS refuses to leave long-term support (skuTier Premium) once the cluster's Kubernetes version is out of community support, and this guard could not confirm it is in (guard/communitySupport.ts); upgrade to a version in community support first, or, if az aks get-versions says yours is, leave it outside Pulumi (az aks update --tier standard --k8s-support-plan KubernetesOfficial), then pulumi refresh",
        source: "learn.microsoft.com/azure/aks/long-term-support (FAQ: once the community support period has ended, you can't disable LTS for that version)",
    },
    {
        type: CLUSTER_TYPE,
        path: "networkProfile.networkPluginMode",
        kind: "one-way",
        lockedValue: "overlay",
        configKey: "networkPlugin",
        why: "the move to Azure CNI Overlay cannot be undone, and azure-native would replace the cluster instead, deleting it first; keep networkPlugin=overlay, or build a new kubenet cluster in a stack of its own (kubenet retires on 31 March 2028)",
        source: "learn.microsoft.com/azure/aks/update-azure-cni (Updating a cluster to Azure CNI Overlay is a one-way, irreversible operation)",
    },
    ...(["networkProfile.networkDataplane", "networkProfile.networkPolicy"] as const).map((path) => ({
        type: CLUSTER_TYPE,
        path,
        kind: "one-way" as const,
        lockedValue: "cilium",
        configKey: "networkPolicy",
        why: CILIUM_WHY,
        source: "learn.microsoft.com/azure/aks/update-azure-cni (the data plane migrations, all to Azure CNI Powered by Cilium)",
    })),
    ...(["agentPoolProfiles[].osDiskSizeGB", "osDiskSizeGB"] as const).map((path) => ({
        type: path === "osDiskSizeGB" ? POOL_TYPE : CLUSTER_TYPE,
        path,
        kind: "create-only" as const,
        configKey: "osDiskType",
        why: OS_DISK_SIZE_WHY,
        source: OS_DISK_SOURCE,
    })),
]);

/** The facts about one config key: what the config rules and docs say about its traps. */
export function irreversibleFactsFor(configKey: string): IrreversibleChange[] {
    return IRREVERSIBLE_CHANGES.filter((fact) => fact.configKey === configKey);
}

/** Whether a force-new input: undoing it shows as a replacement, not an update. */
export const replacesFor = (fact: IrreversibleChange) => replacingPaths(fact.type, [fact.path]).length > 0;
