/**
 * What the stand-in knows of each resource type the program creates: where Azure puts it (its ARM
 * id from the path parameters), what must exist first, which of its properties are sub-resources
 * kept across a PUT, and what Azure fills in. Replacement is not here: it comes from the one
 * force-new table, guard/replacements.ts, through rehearsal/azureModel.ts.
 */
import { createHash } from "crypto";
import { isObject, text, type JsonObject } from "../azureModel";

export interface TypeContext {
    readonly subscriptionId: string;
    readonly tenantId: string;
    /** A stable GUID derived from a basis: the same resource gets the same principalId every run. */
    guid(basis: string): string;
}

export interface StandInType {
    /** The ARM type Azure reports. */
    readonly armType: string;
    /** The ARM id from the inputs (path parameters). */
    idOf(inputs: JsonObject, context: TypeContext): string;
    /** The ids that must exist before this one is created (its resource group, its VNet, ...). */
    parentsOf(inputs: JsonObject, context: TypeContext): string[];
    /**
     * Properties that are sub-resources managed apart (a route table's routes, a VNet's subnets):
     * a PUT without them keeps Azure's, and Read never copies them into the inputs.
     */
    readonly subResources: readonly string[];
    /** What Azure adds to what was sent, given what it reported before (undefined on create). */
    filledIn(inputs: JsonObject, context: TypeContext, before?: JsonObject): JsonObject;
}

const rgId = (inputs: JsonObject, context: TypeContext) =>
    `/subscriptions/${context.subscriptionId}/resourceGroups/${text(inputs.resourceGroupName)}`;
const inGroup = (provider: string) => (inputs: JsonObject, context: TypeContext) =>
    `${rgId(inputs, context)}/providers/${provider}`;

export const stableGuid = (basis: string): string => {
    const hex = createHash("sha256").update(basis).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** The fields every network resource reports. */
const networkFilled = (id: string, before?: JsonObject): JsonObject => ({
    etag: `W/"${stableGuid(`${id}:${Date.now()}`)}"`,
    provisioningState: "Succeeded",
    ...(before?.resourceGuid ? { resourceGuid: before.resourceGuid } : { resourceGuid: stableGuid(id) }),
});

/** The Kubernetes version the stand-in's AKS reports when none is pinned (the local control plane's minor). */
export const DEFAULT_KUBERNETES_MINOR = "1.34";

export const STAND_IN_TYPES: Readonly<Record<string, StandInType>> = Object.freeze({
    "azure-native:resources:ResourceGroup": {
        armType: "Microsoft.Resources/resourceGroups",
        idOf: rgId,
        parentsOf: () => [],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.resourceGroupName,
            type: "Microsoft.Resources/resourceGroups",
            properties: { provisioningState: "Succeeded" },
            azureApiVersion: "2024-03-01",
        }),
    },
    "azure-native:network:VirtualNetwork": {
        armType: "Microsoft.Network/virtualNetworks",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.Network")(inputs, context)}/virtualNetworks/${text(inputs.virtualNetworkName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: ["subnets"],
        filledIn: (inputs, context, before) => ({
            name: inputs.virtualNetworkName,
            type: "Microsoft.Network/virtualNetworks",
            azureApiVersion: "2024-05-01",
            ...networkFilled(`${text(inputs.resourceGroupName)}/${text(inputs.virtualNetworkName)}`, before),
        }),
    },
    "azure-native:network:Subnet": {
        armType: "Microsoft.Network/virtualNetworks/subnets",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.Network")(inputs, context)}/virtualNetworks/${text(inputs.virtualNetworkName)}/subnets/${text(inputs.subnetName)}`,
        parentsOf: (inputs, context) => [
            `${inGroup("Microsoft.Network")(inputs, context)}/virtualNetworks/${text(inputs.virtualNetworkName)}`,
            ...(typeof inputs.routeTable === "object" && inputs.routeTable && "id" in inputs.routeTable
                ? [text(inputs.routeTable.id)]
                : []),
        ],
        subResources: [],
        filledIn: (inputs, context, before) => ({
            name: inputs.subnetName,
            type: "Microsoft.Network/virtualNetworks/subnets",
            azureApiVersion: "2024-05-01",
            privateEndpointNetworkPolicies: "Disabled",
            privateLinkServiceNetworkPolicies: "Enabled",
            ...networkFilled(`${text(inputs.virtualNetworkName)}/${text(inputs.subnetName)}`, before),
        }),
    },
    "azure-native:network:RouteTable": {
        armType: "Microsoft.Network/routeTables",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.Network")(inputs, context)}/routeTables/${text(inputs.routeTableName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: ["routes"],
        filledIn: (inputs, context, before) => ({
            name: inputs.routeTableName,
            type: "Microsoft.Network/routeTables",
            azureApiVersion: "2024-05-01",
            disableBgpRoutePropagation: false,
            ...networkFilled(`${text(inputs.resourceGroupName)}/${text(inputs.routeTableName)}`, before),
        }),
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        armType: "Microsoft.ManagedIdentity/userAssignedIdentities",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.ManagedIdentity")(inputs, context)}/userAssignedIdentities/${text(inputs.resourceName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: [],
        filledIn: (inputs, context) => {
            const basis = `${context.subscriptionId}/${text(inputs.resourceGroupName)}/${text(inputs.resourceName)}`;
            return {
                name: inputs.resourceName,
                type: "Microsoft.ManagedIdentity/userAssignedIdentities",
                azureApiVersion: "2023-01-31",
                principalId: context.guid(`principal:${basis}`),
                clientId: context.guid(`client:${basis}`),
                tenantId: context.tenantId,
            };
        },
    },
    "azure-native:authorization:RoleAssignment": {
        armType: "Microsoft.Authorization/roleAssignments",
        idOf: (inputs) =>
            `${text(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${text(inputs.roleAssignmentName)}`,
        parentsOf: (inputs) => [text(inputs.scope)],
        subResources: [],
        filledIn: (inputs, context, before) => ({
            name: inputs.roleAssignmentName,
            type: "Microsoft.Authorization/roleAssignments",
            azureApiVersion: "2022-04-01",
            createdOn: before?.createdOn ?? new Date().toISOString(),
            updatedOn: new Date().toISOString(),
        }),
    },
    "azure-native:containerservice:ManagedCluster": {
        armType: "Microsoft.ContainerService/managedClusters",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.ContainerService")(inputs, context)}/managedClusters/${text(inputs.resourceName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: [],
        filledIn: managedClusterFilledIn,
    },
    "azure-native:containerservice:AgentPool": {
        armType: "Microsoft.ContainerService/managedClusters/agentPools",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.ContainerService")(inputs, context)}/managedClusters/${text(inputs.resourceName)}/agentPools/${text(inputs.agentPoolName)}`,
        parentsOf: (inputs, context) => [
            `${inGroup("Microsoft.ContainerService")(inputs, context)}/managedClusters/${text(inputs.resourceName)}`,
        ],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.agentPoolName,
            type: "Microsoft.ContainerService/managedClusters/agentPools",
            azureApiVersion: "2025-05-01",
            ...poolFilledIn(inputs),
        }),
    },
    "azure-native:containerservice:MaintenanceConfiguration": {
        armType: "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.ContainerService")(inputs, context)}/managedClusters/${text(inputs.resourceName)}/maintenanceConfigurations/${text(inputs.configName)}`,
        parentsOf: (inputs, context) => [
            `${inGroup("Microsoft.ContainerService")(inputs, context)}/managedClusters/${text(inputs.resourceName)}`,
        ],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.configName,
            type: "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
            azureApiVersion: "2025-05-01",
        }),
    },
    "azure-native:monitor:DataCollectionRule": {
        armType: "Microsoft.Insights/dataCollectionRules",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.Insights")(inputs, context)}/dataCollectionRules/${text(inputs.dataCollectionRuleName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.dataCollectionRuleName,
            type: "Microsoft.Insights/dataCollectionRules",
            azureApiVersion: "2023-03-11",
            provisioningState: "Succeeded",
        }),
    },
    "azure-native:monitor:DataCollectionRuleAssociation": {
        armType: "Microsoft.Insights/dataCollectionRuleAssociations",
        idOf: (inputs) =>
            `${text(inputs.resourceUri)}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${text(inputs.associationName)}`,
        parentsOf: (inputs) => [
            text(inputs.resourceUri),
            ...(typeof inputs.dataCollectionRuleId === "string" ? [inputs.dataCollectionRuleId] : []),
        ],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.associationName,
            type: "Microsoft.Insights/dataCollectionRuleAssociations",
            azureApiVersion: "2023-03-11",
            provisioningState: "Succeeded",
        }),
    },
    "azure-native:authorization:PolicyAssignment": {
        armType: "Microsoft.Authorization/policyAssignments",
        idOf: (inputs) =>
            `${text(inputs.scope)}/providers/Microsoft.Authorization/policyAssignments/${text(inputs.policyAssignmentName)}`,
        parentsOf: (inputs) => [text(inputs.scope)],
        subResources: [],
        filledIn: (inputs) => ({
            name: inputs.policyAssignmentName,
            type: "Microsoft.Authorization/policyAssignments",
            azureApiVersion: "2024-04-01",
        }),
    },
    "azure-native:operationalinsights:Workspace": {
        armType: "Microsoft.OperationalInsights/workspaces",
        idOf: (inputs, context) =>
            `${inGroup("Microsoft.OperationalInsights")(inputs, context)}/workspaces/${text(inputs.workspaceName)}`,
        parentsOf: (inputs, context) => [rgId(inputs, context)],
        subResources: [],
        filledIn: (inputs, context) => ({
            name: inputs.workspaceName,
            type: "Microsoft.OperationalInsights/workspaces",
            azureApiVersion: "2023-09-01",
            customerId: context.guid(`workspace:${text(inputs.resourceGroupName)}/${text(inputs.workspaceName)}`),
            provisioningState: "Succeeded",
        }),
    },
});

/** What AKS reports on a pool beyond what was sent. */
function poolFilledIn(pool: JsonObject): JsonObject {
    const version = typeof pool.orchestratorVersion === "string" ? pool.orchestratorVersion : DEFAULT_KUBERNETES_MINOR;
    return {
        orchestratorVersion: version,
        currentOrchestratorVersion: `${version}.0`,
        nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.01.0",
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        osDiskSizeGB: pool.osDiskSizeGB ?? 128,
        osDiskType: pool.osDiskType ?? "Managed",
        kubeletDiskType: "OS",
        osSKU: "Ubuntu",
        enableFIPS: false,
        enableNodePublicIP: false,
        maxPods: pool.maxPods ?? 110,
    };
}

/**
 * What AKS adds to a ManagedCluster: its FQDN, node resource group, versions and states, the
 * kubelet identity, the networkProfile fields it computes (podCidrs, serviceCidrs, ipFamilies, the
 * load balancer profile, and networkPolicy "none" as recent API versions report it) and each
 * pool's computed fields. Values a later read must keep (fqdn, identities) come from `before`.
 */
function managedClusterFilledIn(inputs: JsonObject, context: TypeContext, before?: JsonObject): JsonObject {
    const name = text(inputs.resourceName);
    const group = text(inputs.resourceGroupName);
    const location = text(inputs.location);
    const network = (
        typeof inputs.networkProfile === "object" && inputs.networkProfile ? inputs.networkProfile : {}
    ) as JsonObject;
    const version = typeof inputs.kubernetesVersion === "string" ? inputs.kubernetesVersion : DEFAULT_KUBERNETES_MINOR;
    const pools = Array.isArray(inputs.agentPoolProfiles) ? (inputs.agentPoolProfiles as JsonObject[]) : [];
    const entra =
        typeof inputs.aadProfile === "object" && inputs.aadProfile ? (inputs.aadProfile as JsonObject) : undefined;
    return {
        name,
        type: "Microsoft.ContainerService/ManagedClusters",
        azureApiVersion: "2025-05-01",
        fqdn: before?.fqdn ?? `${text(inputs.dnsPrefix)}-${context.guid(name).slice(0, 8)}.hcp.${location}.azmk8s.io`,
        azurePortalFQDN:
            before?.azurePortalFQDN ??
            `${text(inputs.dnsPrefix)}-${context.guid(name).slice(0, 8)}.portal.hcp.${location}.azmk8s.io`,
        nodeResourceGroup: inputs.nodeResourceGroup ?? `MC_${group}_${name}_${location}`,
        kubernetesVersion: version,
        currentKubernetesVersion: `${version}.0`,
        maxAgentPools: 100,
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        resourceUID: before?.resourceUID ?? context.guid(`uid:${group}/${name}`).replace(/-/g, "").slice(0, 24),
        identityProfile: {
            kubeletidentity: {
                resourceId: `/subscriptions/${context.subscriptionId}/resourceGroups/MC_${group}_${name}_${location}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
                clientId: context.guid(`kubelet-client:${group}/${name}`),
                objectId: context.guid(`kubelet-object:${group}/${name}`),
            },
        },
        networkProfile: {
            ...network,
            networkPolicy: network.networkPolicy ?? "none",
            podCidrs: network.podCidr ? [network.podCidr] : [],
            serviceCidrs: network.serviceCidr ? [network.serviceCidr] : [],
            ipFamilies: ["IPv4"],
            loadBalancerProfile: {
                managedOutboundIPs: { count: 1 },
                backendPoolType: "nodeIPConfiguration",
                effectiveOutboundIPs: [
                    {
                        id: `/subscriptions/${context.subscriptionId}/resourceGroups/MC_${group}_${name}_${location}/providers/Microsoft.Network/publicIPAddresses/${context.guid(`outbound:${name}`)}`,
                    },
                ],
            },
        },
        agentPoolProfiles: pools.map((pool) => ({
            ...pool,
            ...poolFilledIn({ orchestratorVersion: version, ...pool }),
        })),
        ...(entra ? { aadProfile: { ...entra, tenantID: entra.tenantID ?? context.tenantId } } : {}),
        ...(isObject(inputs.oidcIssuerProfile) && inputs.oidcIssuerProfile.enabled === true
            ? {
                  oidcIssuerProfile: {
                      enabled: true,
                      issuerURL: `https://${location}.oic.prod-aks.azure.com/${context.tenantId}/${context.guid(`oidc:${name}`)}/`,
                  },
              }
            : {}),
    };
}
