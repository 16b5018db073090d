/**
 * The address plan: from the configured ranges, every address the cluster will use.
 * Pure arithmetic, no Pulumi runtime, JSON-serializable output: it feeds the stack outputs,
 * the policy pack and the local lab (lab/), which must never restate these numbers.
 */
import { Cidr, cidr, cidrLast, cidrSize, formatIp, hostAt, parseIpv4, subnetAt, subnetCount } from "./cidr";
import {
    AZURE_RESERVED_AT_SUBNET_END,
    AZURE_RESERVED_AT_SUBNET_START,
    NODE_POD_SLICE_PREFIX,
    ROUTE_TABLE_ROUTE_LIMIT,
    UPGRADE_SURGE_NODES,
} from "./limits";

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
}

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
    /** /24 slices in the pod CIDR: one per node, surge node included. */
    readonly podSlices: number;
    /** Node addresses the kubenet subnet can hand out. */
    readonly kubenetSubnetNodeIps: number;
    readonly routeTableRouteLimit: number;
    /**
     * Largest nodeCount the rules accept: the surge node must fit the slices and the subnet; the
     * route table's 400 is a hard limit (a full table only warns that upgrades need maxSurge 0).
     */
    readonly maxNodes: number;
    readonly podsPerNode: number;
    readonly podsAtNodeCount: number;
    readonly podsAtMaxNodes: number;
    /** ClusterIPs the service CIDR can hand out (network and broadcast excluded). */
    readonly serviceIps: number;
}

export interface AddressPlan {
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
    /** The routes AKS is expected to write: one per node. AKS does not guarantee which node gets which slice. */
    readonly routes: readonly PlannedRoute[];
    readonly capacity: AddressCapacity;
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
    if (FIRST_POD_OFFSET + podIndex >= cidrSize(slice) - 1) throw new RangeError(`${slice.text} has no pod ${podIndex}`);
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
export function maxNodesFor(podCidr: Cidr, kubenetSubnet: Cidr): number {
    const withSurge = Math.min(podSliceCount(podCidr), usableSubnetAddresses(kubenetSubnet)) - UPGRADE_SURGE_NODES;
    return Math.max(0, Math.min(withSurge, ROUTE_TABLE_ROUTE_LIMIT));
}

function plannedSubnet(subnet: Cidr): PlannedSubnet {
    return { cidr: subnet.text, gateway: formatIp(hostAt(subnet, 1)), usableAddresses: usableSubnetAddresses(subnet) };
}

export function planNode(podCidr: Cidr, kubenetSubnet: Cidr, index: number): PlannedNode {
    const slice = podSliceAt(podCidr, index);
    return {
        index,
        name: `node-${index}`,
        ip: nodeIpAt(kubenetSubnet, index),
        podCidr: slice.text,
        bridgeIp: formatIp(hostAt(slice, 1)),
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
    const nodes = Array.from({ length: input.nodeCount }, (_, index) => planNode(podCidr, kubenetSubnet, index));
    const maxNodes = maxNodesFor(podCidr, kubenetSubnet);
    return {
        vnetCidr: cidr(input.vnetCidr).text,
        subnets: {
            kubenet: plannedSubnet(kubenetSubnet),
            azureCni: plannedSubnet(cidr(input.azureCniSubnetCidr)),
            services: plannedSubnet(cidr(input.servicesSubnetCidr)),
        },
        podCidr: podCidr.text,
        serviceCidr: serviceCidr.text,
        dnsServiceIp: formatIp(dnsServiceIp.value),
        kubernetesServiceIp: formatIp(hostAt(serviceCidr, 1)),
        nodes,
        routes: nodes.map(routeFor),
        capacity: {
            podSlices: podSliceCount(podCidr),
            kubenetSubnetNodeIps: usableSubnetAddresses(kubenetSubnet),
            routeTableRouteLimit: ROUTE_TABLE_ROUTE_LIMIT,
            maxNodes,
            podsPerNode: input.maxPods,
            podsAtNodeCount: input.nodeCount * input.maxPods,
            podsAtMaxNodes: maxNodes * input.maxPods,
            serviceIps: Math.max(0, cidrSize(serviceCidr) - 2),
        },
    };
}
