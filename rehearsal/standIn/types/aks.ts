/**
 * AKS's types in the stand-in: the managed cluster, its separate pools and maintenance windows.
 * What AKS fills in is what real ARM GETs of AKS clusters carry (the azure-cli recordings and
 * `az aks create` output in ../shared/realdata/_sources: sku Base/Free, servicePrincipalProfile
 * clientId "msi", 128 GB managed OS disks, maxPods 110 for kubenet, 30 for Azure CNI, 250 for
 * Overlay, upgradeSettings maxSurge 10% and maxUnavailable 0, scaleDownMode Delete, the storage CSI
 * drivers on, supportPlan KubernetesOfficial, and the 2025 GET's autoUpgradeProfile NodeImage,
 * metricsProfile, bootstrapProfile) and the spec's defaults where a request leaves them out (podCidr, serviceCidr,
 * dnsServiceIP, outboundType). What it refuses: aksRules.ts, the second opinion.
 */
import { contractOf, type Json } from "../../../azureFacts/contract";
import { text, type JsonObject } from "../../azureModel";
import { clusterCreateRefusals, clusterUpdateRefusals, poolUpdateRefusals } from "../aksRules";
import type { AzureResource } from "../azureState";
import { isObject, propertiesOf, type StandInContext, type StandInType } from "../azureTypes";
import type { ArmError } from "../errors";
import { AGENT_POOL, CLUSTER, networkOf, nodesOf, poolViews, routeTableOf, writeRoutes } from "./aksCluster";
import { clusterIdentityRefusals, requireRouteTableGrant } from "./aksIdentity";

/** The Kubernetes version the stand-in's AKS reports when none is pinned (the local control plane's minor). */
export const DEFAULT_KUBERNETES_MINOR = "1.35";

/** A networkProfile property's default in the cluster's contract (the spec's `default`). */
function networkDefault(name: string): Json | undefined {
    const contract = contractOf(CLUSTER)!;
    return contract.definitions.ContainerServiceNetworkProfile?.properties?.[name]?.default;
}

/** The maxPods AKS gives a pool that names none, by plugin (the real GETs above). */
const defaultMaxPods = (profile: JsonObject) =>
    profile.networkPlugin === "kubenet" ? 110 : profile.networkPluginMode === "overlay" ? 250 : 30;

/** What AKS reports on a pool beyond what was sent. */
function poolFilledIn(pool: JsonObject, clusterVersion: string, profile: JsonObject, id: string): JsonObject {
    const version = typeof pool.orchestratorVersion === "string" ? pool.orchestratorVersion : clusterVersion;
    return {
        ...pool,
        orchestratorVersion: version,
        currentOrchestratorVersion: /^\d+\.\d+$/.test(version) ? `${version}.0` : version,
        nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.01.0",
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        eTag: `"${id.length.toString(16)}${Date.now().toString(16)}"`,
        type: pool.type ?? "VirtualMachineScaleSets",
        osType: pool.osType ?? "Linux",
        osSKU: pool.osSKU ?? "Ubuntu",
        osDiskSizeGB: pool.osDiskSizeGB ?? 128,
        osDiskType: pool.osDiskType ?? "Managed",
        kubeletDiskType: pool.kubeletDiskType ?? "OS",
        maxPods: pool.maxPods ?? defaultMaxPods(profile),
        enableAutoScaling: pool.enableAutoScaling ?? false,
        enableNodePublicIP: pool.enableNodePublicIP ?? false,
        enableEncryptionAtHost: pool.enableEncryptionAtHost ?? false,
        enableUltraSSD: pool.enableUltraSSD ?? false,
        enableFIPS: pool.enableFIPS ?? false,
        mode: pool.mode ?? "User",
        scaleDownMode: pool.scaleDownMode ?? "Delete",
        upgradeSettings: isObject(pool.upgradeSettings)
            ? pool.upgradeSettings
            : { maxSurge: "10%", maxUnavailable: "0" },
        securityProfile: isObject(pool.securityProfile)
            ? pool.securityProfile
            : { enableVTPM: false, enableSecureBoot: false },
    };
}

/** The networkProfile AKS reports: the request's, the spec's defaults, and what it computes. */
function networkFilledIn(request: JsonObject, context: StandInContext, name: string, nodeGroup: string): JsonObject {
    const kubenetOrOverlay = request.networkPlugin === "kubenet" || request.networkPluginMode === "overlay";
    const withDefaults: JsonObject = { ...request };
    for (const field of ["serviceCidr", "dnsServiceIP", "outboundType", ...(kubenetOrOverlay ? ["podCidr"] : [])])
        withDefaults[field] ??= networkDefault(field) ?? null;
    const balancer = isObject(request.loadBalancerProfile) ? request.loadBalancerProfile : {};
    return {
        ...withDefaults,
        networkPlugin: request.networkPlugin ?? "kubenet",
        loadBalancerSku: request.loadBalancerSku ?? "standard",
        networkPolicy: request.networkPolicy ?? "none",
        ...(kubenetOrOverlay ? { podCidrs: [withDefaults.podCidr] } : {}),
        serviceCidrs: [withDefaults.serviceCidr],
        ipFamilies: ["IPv4"],
        loadBalancerProfile: {
            managedOutboundIPs: { count: 1 },
            backendPoolType: "nodeIPConfiguration",
            ...balancer,
            effectiveOutboundIPs: [
                {
                    id: `/subscriptions/${context.state.subscriptionId}/resourceGroups/${nodeGroup}/providers/Microsoft.Network/publicIPAddresses/${context.guid(`outbound:${name}`)}`,
                },
            ],
        },
    };
}

function identityFilledIn(request: Json | undefined, context: StandInContext, id: string): JsonObject | undefined {
    if (!isObject(request)) return undefined;
    if (request.type === "SystemAssigned")
        return { ...request, principalId: context.guid(`system-identity:${id}`), tenantId: context.state.tenantId };
    if (request.type === "UserAssigned" && isObject(request.userAssignedIdentities))
        return {
            ...request,
            userAssignedIdentities: Object.fromEntries(
                Object.keys(request.userAssignedIdentities).map((identityId) => {
                    const identity = propertiesOf(context.state.resources[identityId]?.body);
                    return [
                        identityId,
                        { principalId: identity.principalId ?? null, clientId: identity.clientId ?? null },
                    ];
                }),
            ),
        };
    return request;
}

function clusterFilledIn(request: JsonObject, context: StandInContext, id: string, before?: JsonObject): JsonObject {
    const properties = propertiesOf(request);
    const old = propertiesOf(before);
    const name = id.split("/").pop()!;
    const group = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
    const location = text(request.location);
    const nodeGroup = text(properties.nodeResourceGroup ?? `MC_${group}_${name}_${location}`);
    const version =
        typeof properties.kubernetesVersion === "string" ? properties.kubernetesVersion : DEFAULT_KUBERNETES_MINOR;
    const profile = networkFilledIn(
        isObject(properties.networkProfile) ? properties.networkProfile : {},
        context,
        name,
        nodeGroup,
    );
    const prefix = text(properties.dnsPrefix ?? name);
    const hash = context.guid(`fqdn:${id}`).slice(0, 8);
    const entra = isObject(properties.aadProfile) ? properties.aadProfile : undefined;
    const oidc = isObject(properties.oidcIssuerProfile) ? properties.oidcIssuerProfile : { enabled: false };
    const identity = identityFilledIn(request.identity, context, id);
    return {
        ...request,
        ...(identity ? { identity } : {}),
        sku: request.sku ?? { name: "Base", tier: "Free" },
        eTag: `"${context.guid(`${id}:${Date.now()}`).slice(0, 8)}"`,
        properties: {
            ...properties,
            provisioningState: "Succeeded",
            powerState: { code: "Running" },
            kubernetesVersion: version,
            currentKubernetesVersion: /^\d+\.\d+$/.test(version) ? `${version}.0` : version,
            dnsPrefix: prefix,
            fqdn: old.fqdn ?? `${prefix}-${hash}.hcp.${location}.azmk8s.io`,
            azurePortalFQDN: old.azurePortalFQDN ?? `${prefix}-${hash}.portal.hcp.${location}.azmk8s.io`,
            nodeResourceGroup: nodeGroup,
            maxAgentPools: 100,
            enableRBAC: properties.enableRBAC ?? true,
            supportPlan: properties.supportPlan ?? "KubernetesOfficial",
            resourceUID: old.resourceUID ?? context.guid(`uid:${id}`).replace(/-/g, "").slice(0, 24),
            servicePrincipalProfile: properties.servicePrincipalProfile ?? { clientId: "msi" },
            identityProfile: {
                kubeletidentity: {
                    resourceId: `/subscriptions/${context.state.subscriptionId}/resourcegroups/${nodeGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
                    clientId: context.guid(`kubelet-client:${id}`),
                    objectId: context.guid(`kubelet-object:${id}`),
                },
            },
            securityProfile: properties.securityProfile ?? {},
            workloadAutoScalerProfile: properties.workloadAutoScalerProfile ?? {},
            autoUpgradeProfile: properties.autoUpgradeProfile ?? { nodeOSUpgradeChannel: "NodeImage" },
            metricsProfile: properties.metricsProfile ?? { costAnalysis: { enabled: false } },
            bootstrapProfile: properties.bootstrapProfile ?? { artifactSource: "Direct" },
            storageProfile: properties.storageProfile ?? {
                diskCSIDriver: { enabled: true },
                fileCSIDriver: { enabled: true },
                snapshotController: { enabled: true },
            },
            networkProfile: profile,
            agentPoolProfiles: (Array.isArray(properties.agentPoolProfiles) ? properties.agentPoolProfiles : [])
                .filter(isObject)
                .map((pool) => poolFilledIn(pool, version, profile, id)),
            ...(entra ? { aadProfile: { ...entra, tenantID: entra.tenantID ?? context.state.tenantId } } : {}),
            oidcIssuerProfile:
                oidc.enabled === true
                    ? {
                          ...oidc,
                          issuerURL: `https://${location}.oic.prod-aks.azure.com/${context.state.tenantId}/${context.guid(`oidc:${id}`)}/`,
                      }
                    : oidc,
        },
    };
}

/** The local control plane's side of a change: nodes, kube-dns at the DNS IP in the cluster's range, routes. */
async function reconcile(cluster: AzureResource, context: StandInContext): Promise<void> {
    const nodes = nodesOf(context, cluster);
    await context.effects.reconcileNodes(nodes);
    const profile = propertiesOf(cluster.body).networkProfile;
    if (isObject(profile) && typeof profile.dnsServiceIP === "string")
        await context.effects.ensureAddons({
            dnsServiceIp: profile.dnsServiceIP,
            ...(typeof profile.serviceCidr === "string" ? { serviceCidr: profile.serviceCidr } : {}),
        });
    writeRoutes(
        context,
        cluster,
        nodes.pools.reduce((sum, pool) => sum + pool.count, 0),
    );
    context.save();
}

const clusterOfPool = (context: StandInContext, poolId: string) =>
    context.state.resources[poolId.split(/\/agentPools\//i)[0]];

export const MANAGED_CLUSTER: StandInType = {
    references: (request) => {
        const identities =
            isObject(request.identity) && isObject(request.identity.userAssignedIdentities)
                ? Object.keys(request.identity.userAssignedIdentities)
                : [];
        const pools = propertiesOf(request).agentPoolProfiles;
        const subnets = (Array.isArray(pools) ? pools : [])
            .filter(isObject)
            .map((pool) => pool.vnetSubnetID)
            .filter((subnet): subnet is string => typeof subnet === "string");
        return [...identities, ...subnets];
    },
    refusals: (request, context, before, id): ArmError[] => {
        if (before) return clusterUpdateRefusals(before.body, request);
        return [
            ...clusterIdentityRefusals(request, context, id),
            ...clusterCreateRefusals(request, poolViews(context, id, request), networkOf(context, request)),
            ...requireRouteTableGrant(request, context, routeTableOf(context, request)),
        ];
    },
    filledIn: clusterFilledIn,
    afterWrite: async (cluster, context) => {
        // A system-assigned identity is a principal of the tenant, which role assignments may name.
        const identity = cluster.body.identity;
        if (isObject(identity) && typeof identity.principalId === "string")
            context.state.principals[identity.principalId] = {
                type: "ServicePrincipal",
                name: cluster.id.split("/").pop()!,
            };
        await reconcile(cluster, context);
    },
    afterDelete: async (resource, context) => {
        await context.effects.removeNodes(resource.id.split("/").pop()!);
        await context.effects.removeAddons();
        writeRoutes(context, resource, 0);
        context.save();
    },
};

export const AGENT_POOL_TYPE: StandInType = {
    references: (request) => {
        const subnet = propertiesOf(request).vnetSubnetID;
        return typeof subnet === "string" ? [subnet] : [];
    },
    refusals: (request, context, before, id) => {
        if (before) return poolUpdateRefusals(propertiesOf(before.body), propertiesOf(request), "properties");
        const cluster = clusterOfPool(context, id);
        if (!cluster) return [];
        // The cluster's kubenet limits with this pool added (maxPods, 400 nodes).
        const withPool = [
            ...poolViews(context, cluster.id, cluster.body),
            { name: id.split("/").pop()!, target: "properties", properties: propertiesOf(request) },
        ];
        return clusterCreateRefusals(cluster.body, withPool, networkOf(context, cluster.body)).filter((error) =>
            ["properties", "properties.agentPoolProfiles"].some(
                (target) => error.target?.startsWith(target) && !error.target.includes("networkProfile"),
            ),
        );
    },
    filledIn: (request, context, id) => {
        const cluster = clusterOfPool(context, id);
        const clusterProperties = propertiesOf(cluster?.body);
        const profile = isObject(clusterProperties.networkProfile) ? clusterProperties.networkProfile : {};
        const version = text(clusterProperties.kubernetesVersion ?? DEFAULT_KUBERNETES_MINOR);
        return { ...request, properties: poolFilledIn(propertiesOf(request), version, profile, id) };
    },
    afterWrite: async (pool, context) => {
        const cluster = clusterOfPool(context, pool.id);
        if (cluster) await reconcile(cluster, context);
    },
    afterDelete: async (pool, context) => {
        const cluster = clusterOfPool(context, pool.id);
        if (cluster) await reconcile(cluster, context);
    },
};

export const AKS_TYPES = {
    [CLUSTER]: MANAGED_CLUSTER,
    [AGENT_POOL]: AGENT_POOL_TYPE,
    "azure-native:containerservice:MaintenanceConfiguration": {} as StandInType,
} as const;
