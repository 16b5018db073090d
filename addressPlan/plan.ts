/**
 * The address plan: from the configured ranges, every address the cluster will use.
 * Pure arithmetic, no Pulumi runtime, JSON-serializable output: it feeds the stack outputs,
 * the policy pack and the local lab (lab/), which must never restate these numbers.
 */
import { Cidr, cidr, cidrLast, cidrSize, formatIp, hostAt, parseIpv4, subnetAt, subnetCount } from "./cidr";
import { AZURE_RESERVED_AT_SUBNET_END, AZURE_RESERVED_AT_SUBNET_START, NODE_POD_SLICE_PREFIX } from "./limits";
import { MainNetworkPlugin, NETWORK_PLUGINS, NetworkPluginSpec, ROUTE_TABLE_ROUTE_LIMIT } from "./plugins";
import { largestPoolWithin, surgeNodes, withSurge } from "./surge";

/** The settings the plan is computed from (config keys of the same names). */
export interface AddressPlanInput {
    readonly vnetCidr: string;
    readonly kubenetSubnetCidr: string;
    readonly azureCniSubnetCidr: string;
    readonly servicesSubnetCidr: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    readonly nodeCount: number;
    readonly maxPods: number;
    /** The main cluster's plugin; unset = kubenet. */
    readonly networkPlugin?: MainNetworkPlugin;
    /** The second (Azure CNI) cluster in the azurecni subnet; unset = off. */
    readonly azureCniCluster?: boolean;
    readonly azureCniNodeCount?: number;
    readonly azureCniMaxPods?: number;
    /** The main cluster's system pool autoscales from nodeCount to this; unset = no autoscaler. */
    readonly autoscaleMaxCount?: number;
    /** The main cluster's user pool; unset = none. */
    readonly userPoolNodeCount?: number;
    /** The user pool autoscales from userPoolNodeCount to this; unset = no autoscaler. */
    readonly userPoolAutoscaleMaxCount?: number;
    /** Every pool's upgradeSettings.maxSurge ("5" or "33%"); unset = AKS's default (surge.ts). */
    readonly maxSurge?: string;
    /**
     * User pools besides the one above, each at its peak size: a stack the policy pack reads may
     * hold several AgentPools (the program declares at most one). Each surges by itself.
     */
    readonly moreUserPoolPeaks?: readonly number[];
    /**
     * The classic Azure CNI cluster's pools besides azureCniNodeCount's, each at its peak size (a
     * stack the policy pack reads; the program's Azure CNI cluster has one pool). They share the
     * subnet and maxPods, and each surges by itself.
     */
    readonly azureCniMorePoolPeaks?: readonly number[];
}

/**
 * The most nodes the main cluster can have at once: each pool at its autoscaler's maximum (or its
 * fixed count), plus each pool's upgrade surge at that size under maxSurge (surge.ts: every pool
 * surges by its own setting, rounded pool by pool, and the surges add up).
 */
export function peakNodes(input: Partial<AddressPlanInput>): {
    system: number;
    /** Every user pool's nodes together. */
    user: number;
    /** The surge nodes of every pool together. */
    surge: number;
    total: number;
} {
    const system = input.autoscaleMaxCount ?? input.nodeCount ?? 0;
    const userPools = [
        input.userPoolNodeCount ? (input.userPoolAutoscaleMaxCount ?? input.userPoolNodeCount) : 0,
        ...(input.moreUserPoolPeaks ?? []),
    ];
    const user = userPools.reduce((sum, size) => sum + size, 0);
    const surge = [system, ...userPools].reduce((sum, size) => sum + surgeNodes(size, input.maxSurge), 0);
    return { system, user, surge, total: system + user + surge };
}

/** Pools of these sizes with each one's surge (rounded pool by pool, surge.ts). */
export const poolsWithSurge = (poolSizes: readonly number[], maxSurge?: string) =>
    poolSizes.reduce((sum, size) => sum + withSurge(size, maxSurge), 0);

/** A node as kubenet lays it out: its VNet address and its /24 of the pod CIDR. */
export interface PlannedNode {
    readonly index: number;
    readonly name: string;
    /** eth0 address, handed out by Azure from .4 upward in the kubenet subnet. */
    readonly ip: string;
    /** The node's /24 of the pod CIDR. */
    readonly podCidr: string;
    /** The cbr0 bridge address: first host of the slice, the pods' default gateway. */
    readonly bridgeIp: string;
    /** First and last pod address in the slice. */
    readonly firstPodIp: string;
    readonly lastPodIp: string;
}

/** A route AKS writes into the kubenet subnet's route table: slice -> node. */
export interface PlannedRoute {
    readonly name: string;
    readonly addressPrefix: string;
    readonly nextHopType: "VirtualAppliance";
    readonly nextHopIpAddress: string;
}

export interface PlannedSubnet {
    readonly cidr: string;
    /** Azure's gateway: the first host (.1). */
    readonly gateway: string;
    /** Addresses left for VMs and load balancers after Azure's 5 reserved ones. */
    readonly usableAddresses: number;
}

export interface AddressCapacity {
    /** /24 slices in the pod CIDR: one per node, surge nodes included. */
    readonly podSlices: number;
    /** Node addresses the kubenet subnet can hand out. */
    readonly kubenetSubnetNodeIps: number;
    readonly routeTableRouteLimit: number;
    /** The nodes the system pool surges at nodeCount under maxSurge. */
    readonly surgeNodes: number;
    /**
     * Largest nodeCount the rules accept: its surge must fit the slices and the subnet; the route
     * table's 400 is a hard limit for the nodes (a full table warns that upgrades cannot surge).
     */
    readonly maxNodes: number;
    readonly podsPerNode: number;
    readonly podsAtNodeCount: number;
    readonly podsAtMaxNodes: number;
    /** ClusterIPs the service CIDR can hand out (network and broadcast excluded). */
    readonly serviceIps: number;
}

/**
 * An Azure CNI node: its address and the block of subnet addresses it reserves for its pods
 * (maxPods of them, right after its own). Azure hands the blocks out; this plan assumes node
 * order, as it does for kubenet slices, and AKS promises neither.
 */
export interface PlannedAzureCniNode {
    readonly index: number;
    readonly name: string;
    readonly ip: string;
    readonly firstPodIp: string;
    readonly lastPodIp: string;
}

export interface AzureCniCapacity {
    /** maxPods + 1: every node's own address plus one per pod. */
    readonly addressesPerNode: number;
    /** The nodes the pool surges at its node count under maxSurge. */
    readonly surgeNodes: number;
    /** (nodeCount + surge) x addressesPerNode. */
    readonly addressesNeeded: number;
    readonly usableAddresses: number;
    /** Largest node count that fits with its surge at this maxPods. */
    readonly maxNodes: number;
}

/** The Azure CNI cluster's addresses: all of them from the azurecni subnet; no pod CIDR, no routes. */
export interface AzureCniPlan {
    readonly subnet: PlannedSubnet;
    readonly maxPods: number;
    readonly nodes: readonly PlannedAzureCniNode[];
    readonly capacity: AzureCniCapacity;
}

export interface AddressPlan {
    /** The main cluster's plugin (kubenet or overlay). */
    readonly networkPlugin: MainNetworkPlugin;
    readonly vnetCidr: string;
    readonly subnets: {
        readonly kubenet: PlannedSubnet;
        readonly azureCni: PlannedSubnet;
        readonly services: PlannedSubnet;
    };
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    /** First address of the service CIDR: kubernetes.default.svc. */
    readonly kubernetesServiceIp: string;
    readonly nodes: readonly PlannedNode[];
    /**
     * The routes AKS is expected to write into the kubenet route table: one per node. AKS does not
     * guarantee which node gets which slice. Empty for Overlay: Azure's SDN carries the slices.
     */
    readonly routes: readonly PlannedRoute[];
    readonly capacity: AddressCapacity;
    /** Present when the second (Azure CNI) cluster is on. */
    readonly azureCni?: AzureCniPlan;
}

export function usableSubnetAddresses(subnet: Cidr): number {
    return Math.max(0, cidrSize(subnet) - AZURE_RESERVED_AT_SUBNET_START - AZURE_RESERVED_AT_SUBNET_END);
}

/** The address Azure hands to the `index`-th VM of a subnet (.4 upward). */
export function nodeIpAt(subnet: Cidr, index: number): string {
    if (index >= usableSubnetAddresses(subnet)) {
        throw new RangeError(`${subnet.text} has no address for node ${index}`);
    }
    return formatIp(hostAt(subnet, AZURE_RESERVED_AT_SUBNET_START + index));
}

/** kubenet's first pod address in a node's /24: cbr0 holds .1, pods start at .2. */
export const FIRST_POD_OFFSET = 2;

/** The address of the `podIndex`-th pod on the `nodeIndex`-th node. */
export function podIpAt(podCidr: Cidr, nodeIndex: number, podIndex: number): string {
    const slice = podSliceAt(podCidr, nodeIndex);
    if (FIRST_POD_OFFSET + podIndex >= cidrSize(slice) - 1)
        throw new RangeError(`${slice.text} has no pod ${podIndex}`);
    return formatIp(hostAt(slice, FIRST_POD_OFFSET + podIndex));
}

/** The `index`-th /24 of the pod CIDR. */
export function podSliceAt(podCidr: Cidr, index: number): Cidr {
    return subnetAt(podCidr, NODE_POD_SLICE_PREFIX, index);
}

export function podSliceCount(podCidr: Cidr): number {
    return subnetCount(podCidr, NODE_POD_SLICE_PREFIX);
}

/** Largest node count the rules accept (see AddressCapacity.maxNodes). */
export function maxNodesFor(
    podCidr: Cidr,
    kubenetSubnet: Cidr,
    plugin: NetworkPluginSpec = NETWORK_PLUGINS.kubenet,
    maxSurge?: string,
): number {
    const limit = Math.min(podSliceCount(podCidr), usableSubnetAddresses(kubenetSubnet));
    return largestPoolWithin(limit, maxSurge, plugin.maxNodes);
}

/** Subnet addresses one Azure CNI node takes: its own and one per pod. */
export function azureCniAddressesPerNode(maxPods: number): number {
    return maxPods + 1;
}

/**
 * Subnet addresses one classic Azure CNI pool takes at its peak: (its nodes + their upgrade surge) x
 * (maxPods + 1). Pools of one subnet add up (concepts-network-legacy-cni.md: every node and pod
 * takes an address of the subnet its pool names).
 */
export function azureCniPoolAddresses(peakNodes: number, maxPods: number, maxSurge?: string): number {
    return withSurge(peakNodes, maxSurge) * azureCniAddressesPerNode(maxPods);
}

/** A classic Azure CNI pool as a subnet sees it: its peak node count, maxPods and upgrade surge. */
export interface AzureCniPoolPeak {
    readonly peakNodes: number;
    readonly maxPods: number;
    readonly maxSurge?: string;
}

/**
 * What classic Azure CNI pools sharing one subnet take of it: each pool's addresses
 * (azureCniPoolAddresses), their sum, and the subnet's usable addresses after Azure's reserved ones.
 */
export function azureCniSharedSubnet(
    subnetCidr: string,
    pools: readonly AzureCniPoolPeak[],
): { readonly perPool: readonly number[]; readonly needed: number; readonly usable: number } {
    const perPool = pools.map((pool) => azureCniPoolAddresses(pool.peakNodes, pool.maxPods, pool.maxSurge));
    return {
        perPool,
        needed: perPool.reduce((sum, addresses) => sum + addresses, 0),
        usable: usableSubnetAddresses(cidr(subnetCidr)),
    };
}

/**
 * Largest Azure CNI node count of one pool that fits in the subnet with its surge, at this
 * maxPods, beside other pools of these peak sizes (and their surges) in the same subnet.
 */
export function azureCniMaxNodes(
    subnet: Cidr,
    maxPods: number,
    maxSurge?: string,
    otherPools: readonly number[] = [],
): number {
    const nodesThatFit = Math.floor(usableSubnetAddresses(subnet) / azureCniAddressesPerNode(maxPods));
    return largestPoolWithin(nodesThatFit - poolsWithSurge(otherPools, maxSurge), maxSurge);
}

/** Largest Azure CNI maxPods that fits in the subnet with the surge, at these pool sizes. */
export function azureCniMaxPodsFor(subnet: Cidr, poolSizes: readonly number[], maxSurge?: string): number {
    return Math.floor(usableSubnetAddresses(subnet) / poolsWithSurge(poolSizes, maxSurge)) - 1;
}

export function planAzureCniNode(subnet: Cidr, maxPods: number, index: number): PlannedAzureCniNode {
    const first = index * azureCniAddressesPerNode(maxPods);
    return {
        index,
        name: `node-${index}`,
        ip: nodeIpAt(subnet, first),
        firstPodIp: nodeIpAt(subnet, first + 1),
        lastPodIp: nodeIpAt(subnet, first + maxPods),
    };
}

/** The address of the `podIndex`-th pod on the `nodeIndex`-th Azure CNI node. */
export function azureCniPodIpAt(subnet: Cidr, maxPods: number, nodeIndex: number, podIndex: number): string {
    if (podIndex >= maxPods) throw new RangeError(`an Azure CNI node with maxPods ${maxPods} has no pod ${podIndex}`);
    return nodeIpAt(subnet, nodeIndex * azureCniAddressesPerNode(maxPods) + 1 + podIndex);
}

function planAzureCni(subnet: Cidr, nodeCount: number, maxPods: number, maxSurge?: string): AzureCniPlan {
    return {
        subnet: plannedSubnet(subnet),
        maxPods,
        nodes: Array.from({ length: nodeCount }, (_, index) => planAzureCniNode(subnet, maxPods, index)),
        capacity: {
            addressesPerNode: azureCniAddressesPerNode(maxPods),
            surgeNodes: surgeNodes(nodeCount, maxSurge),
            addressesNeeded: azureCniPoolAddresses(nodeCount, maxPods, maxSurge),
            usableAddresses: usableSubnetAddresses(subnet),
            maxNodes: azureCniMaxNodes(subnet, maxPods, maxSurge),
        },
    };
}

function plannedSubnet(subnet: Cidr): PlannedSubnet {
    return { cidr: subnet.text, gateway: formatIp(hostAt(subnet, 1)), usableAddresses: usableSubnetAddresses(subnet) };
}

/** kubenet's cbr0 address on a node: the first host of the node's slice, its pods' gateway. */
export function bridgeIpOf(slice: Cidr): string {
    return formatIp(hostAt(slice, 1));
}

export function planNode(podCidr: Cidr, kubenetSubnet: Cidr, index: number): PlannedNode {
    const slice = podSliceAt(podCidr, index);
    return {
        index,
        name: `node-${index}`,
        ip: nodeIpAt(kubenetSubnet, index),
        podCidr: slice.text,
        bridgeIp: bridgeIpOf(slice),
        firstPodIp: podIpAt(podCidr, index, 0),
        lastPodIp: formatIp(cidrLast(slice) - 1),
    };
}

export function routeFor(node: PlannedNode): PlannedRoute {
    return { name: node.name, addressPrefix: node.podCidr, nextHopType: "VirtualAppliance", nextHopIpAddress: node.ip };
}

/**
 * Computes the plan. The input must have passed checkAddressPlan (rules.ts) without errors;
 * anything else throws, because a plan of an invalid input has no meaning.
 */
export function buildAddressPlan(input: AddressPlanInput): AddressPlan {
    const podCidr = cidr(input.podCidr);
    const serviceCidr = cidr(input.serviceCidr);
    const kubenetSubnet = cidr(input.kubenetSubnetCidr);
    const dnsServiceIp = parseIpv4(input.dnsServiceIp);
    if (!dnsServiceIp.ok) {
        throw new Error(dnsServiceIp.reason);
    }
    const plugin = NETWORK_PLUGINS[input.networkPlugin ?? "kubenet"];
    const nodes = Array.from({ length: input.nodeCount }, (_, index) => planNode(podCidr, kubenetSubnet, index));
    const maxNodes = maxNodesFor(podCidr, kubenetSubnet, plugin, input.maxSurge);
    const azureCniSubnet = cidr(input.azureCniSubnetCidr);
    return {
        networkPlugin: plugin.name as MainNetworkPlugin,
        vnetCidr: cidr(input.vnetCidr).text,
        subnets: {
            kubenet: plannedSubnet(kubenetSubnet),
            azureCni: plannedSubnet(azureCniSubnet),
            services: plannedSubnet(cidr(input.servicesSubnetCidr)),
        },
        podCidr: podCidr.text,
        serviceCidr: serviceCidr.text,
        dnsServiceIp: formatIp(dnsServiceIp.value),
        kubernetesServiceIp: formatIp(hostAt(serviceCidr, 1)),
        nodes,
        routes: plugin.routeTable ? nodes.map(routeFor) : [],
        capacity: {
            podSlices: podSliceCount(podCidr),
            kubenetSubnetNodeIps: usableSubnetAddresses(kubenetSubnet),
            routeTableRouteLimit: ROUTE_TABLE_ROUTE_LIMIT,
            surgeNodes: surgeNodes(input.nodeCount, input.maxSurge),
            maxNodes,
            podsPerNode: input.maxPods,
            podsAtNodeCount: input.nodeCount * input.maxPods,
            podsAtMaxNodes: maxNodes * input.maxPods,
            serviceIps: Math.max(0, cidrSize(serviceCidr) - 2),
        },
        ...(input.azureCniCluster
            ? {
                  azureCni: planAzureCni(
                      azureCniSubnet,
                      input.azureCniNodeCount ?? 0,
                      input.azureCniMaxPods ?? 0,
                      input.maxSurge,
                  ),
              }
            : {}),
    };
}
