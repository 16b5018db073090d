/**
 * The stand-in's AKS, seen from Azure's side: the cluster's network (its pools' subnets and VNet,
 * AKS's own VNet when the program brings none), its nodes as the local control plane runs them,
 * and the routes kubenet writes. Pure over the stand-in's state: no effect here.
 */
import * as ipaddr from "ipaddr.js";
import type { ClusterNodes, PoolNodes } from "../../../engine/controlPlane";
import { text, type JsonObject } from "../../azureModel";
import type { AzureResource } from "../azureState";
import type { NetworkView, PoolView } from "../aksRules";
import { isObject, propertiesOf, type StandInContext } from "../azureTypes";

export const CLUSTER = "azure-native:containerservice:ManagedCluster";
export const AGENT_POOL = "azure-native:containerservice:AgentPool";

/**
 * The node subnet of a cluster whose pools name no subnet: AKS creates its own VNet with this
 * subnet (a real AKS node of such a cluster has 10.224.0.6: the kubelet pod list of
 * microsoft/Docker-Provider, in ../shared/realdata/_sources/dp_pods1.json), inside 10.224.0.0/12.
 */
export const AKS_MANAGED_SUBNET = "10.224.0.0/16";
export const AKS_MANAGED_VNET = "10.224.0.0/12";

/** The cluster's inline pools (ARM profiles). */
export const inlinePools = (cluster: JsonObject): JsonObject[] => {
    const pools = propertiesOf(cluster).agentPoolProfiles;
    return Array.isArray(pools) ? pools.filter(isObject) : [];
};

/** The AgentPool resources of a cluster. */
export const separatePools = (context: StandInContext, clusterId: string): AzureResource[] =>
    context
        .ofType(AGENT_POOL)
        .filter((pool) => pool.id.toLowerCase().startsWith(`${clusterId.toLowerCase()}/agentpools/`));

/** Every pool of a cluster as AKS judges it: the inline ones and the AgentPool resources. */
export function poolViews(context: StandInContext, clusterId: string, cluster: JsonObject): PoolView[] {
    return [
        ...inlinePools(cluster).map((pool, index) => ({
            name: text(pool.name),
            target: `properties.agentPoolProfiles[${index}]`,
            properties: pool,
        })),
        ...separatePools(context, clusterId).map((pool) => ({
            name: pool.id.split("/").pop()!,
            target: "properties",
            properties: propertiesOf(pool.body),
        })),
    ];
}

/** The subnet id of the cluster's first inline pool (the one kubenet's route table hangs on). */
export const subnetIdOf = (cluster: JsonObject): string | undefined => {
    const first = inlinePools(cluster)[0];
    return first && typeof first.vnetSubnetID === "string" ? first.vnetSubnetID : undefined;
};

const prefixesOf = (properties: JsonObject, single: string, list: string): string[] => [
    ...(typeof properties[single] === "string" ? [properties[single]] : []),
    ...(Array.isArray(properties[list]) ? properties[list].filter((item) => typeof item === "string") : []),
];

/** The node network AKS checks the cluster's ranges against. */
export function networkOf(context: StandInContext, cluster: JsonObject): NetworkView {
    const subnetId = subnetIdOf(cluster);
    if (!subnetId) return { subnetPrefixes: [AKS_MANAGED_SUBNET], vnetPrefixes: [AKS_MANAGED_VNET] };
    const subnet = context.state.resources[subnetId];
    const vnet = context.state.resources[subnetId.split(/\/subnets\//i)[0]];
    const space = propertiesOf(vnet?.body).addressSpace;
    return {
        subnetPrefixes: subnet ? prefixesOf(propertiesOf(subnet.body), "addressPrefix", "addressPrefixes") : [],
        vnetPrefixes: isObject(space) && Array.isArray(space.addressPrefixes) ? space.addressPrefixes.map(text) : [],
    };
}

/** The route table on the cluster's subnet, if any. */
export function routeTableOf(context: StandInContext, cluster: JsonObject): AzureResource | undefined {
    const subnetId = subnetIdOf(cluster);
    const table = subnetId ? propertiesOf(context.state.resources[subnetId]?.body).routeTable : undefined;
    return isObject(table) && typeof table.id === "string" ? context.state.resources[table.id] : undefined;
}

/** The nodes AKS runs for a cluster: its inline pools and its AgentPool resources. */
export function nodesOf(context: StandInContext, cluster: AzureResource): ClusterNodes {
    const poolOf = (name: string, pool: JsonObject): PoolNodes => ({
        name,
        mode: text(pool.mode ?? "User"),
        count: Number(pool.enableAutoScaling === true ? (pool.minCount ?? pool.count) : (pool.count ?? 1)),
        vmSize: text(pool.vmSize),
        zones: Array.isArray(pool.availabilityZones) ? pool.availabilityZones.map(text) : [],
        taints: Array.isArray(pool.nodeTaints) ? pool.nodeTaints.map(text) : [],
        labels: isObject(pool.nodeLabels) ? (pool.nodeLabels as Record<string, string>) : {},
    });
    const properties = propertiesOf(cluster.body);
    const profile = isObject(properties.networkProfile) ? properties.networkProfile : {};
    const network = networkOf(context, cluster.body);
    return {
        clusterName: cluster.id.split("/").pop()!,
        nodeResourceGroup: text(properties.nodeResourceGroup),
        location: text(cluster.body.location),
        subnetCidr: network.subnetPrefixes[0],
        podCidr: typeof profile.podCidr === "string" ? profile.podCidr : undefined,
        pools: [
            ...inlinePools(cluster.body).map((pool) => poolOf(text(pool.name), pool)),
            ...separatePools(context, cluster.id).map((pool) =>
                poolOf(pool.id.split("/").pop()!, propertiesOf(pool.body)),
            ),
        ],
    };
}

const toNumber = (address: ipaddr.IPv4) => address.toByteArray().reduce((sum, byte) => sum * 256 + byte, 0);
const fromNumber = (value: number) =>
    new ipaddr.IPv4([24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256)).toString();

/**
 * The node's /24 of the pod CIDR and its address, in node order: "the first node 10.244.0.0/24, the
 * second 10.244.1.0/24" (learn.microsoft.com/azure/aks/configure-kubenet); Azure keeps the first
 * four addresses of a subnet, so the first node is .4 (learn.microsoft.com/azure/virtual-network/
 * virtual-networks-faq). The stand-in's own arithmetic, not the address plan's.
 */
export function kubenetRoute(podCidr: string, subnetCidr: string, index: number): { prefix: string; nextHop: string } {
    const pod = toNumber(ipaddr.IPv4.networkAddressFromCIDR(podCidr));
    const subnet = toNumber(ipaddr.IPv4.networkAddressFromCIDR(subnetCidr));
    return { prefix: `${fromNumber(pod + index * 256)}/24`, nextHop: fromNumber(subnet + 4 + index) };
}

/**
 * kubenet: AKS writes one route per node into the subnet's route table, the node's /24 of the pod
 * CIDR to the node's address; it keeps every route it did not write (named aks-...).
 */
export function writeRoutes(context: StandInContext, cluster: AzureResource, nodeCount: number): void {
    const table = routeTableOf(context, cluster.body);
    if (!table) return;
    const profile = propertiesOf(cluster.body).networkProfile;
    const podCidr = isObject(profile) && profile.networkPlugin === "kubenet" ? profile.podCidr : undefined;
    const subnetCidr = networkOf(context, cluster.body).subnetPrefixes[0];
    const routes = propertiesOf(table.body).routes;
    const others = (Array.isArray(routes) ? routes : []).filter(
        (route) => !(isObject(route) && text(route.name).startsWith("aks-")),
    );
    const clusterName = cluster.id.split("/").pop()!;
    const written =
        typeof podCidr === "string" && subnetCidr
            ? Array.from({ length: nodeCount }, (_, index) => {
                  const route = kubenetRoute(podCidr, subnetCidr, index);
                  const name = `aks-${clusterName}-${index}`;
                  return {
                      id: `${table.id}/routes/${name}`,
                      name,
                      type: "Microsoft.Network/routeTables/routes",
                      properties: {
                          addressPrefix: route.prefix,
                          nextHopType: "VirtualAppliance",
                          nextHopIpAddress: route.nextHop,
                          provisioningState: "Succeeded",
                      },
                  };
              })
            : [];
    table.body = { ...table.body, properties: { ...propertiesOf(table.body), routes: [...others, ...written] } };
}
