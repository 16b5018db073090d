/**
 * The local lab's topology: the kubenet data path of the stack's address plan, as network
 * namespaces. Pure: every address comes from the address plan (addressPlan/), none is restated.
 */
import { AddressPlan, cidr, formatIp, hostAt, nodeIpAt, overlaps, podIpAt, RANGES_AKS_FORBIDS } from "../addressPlan";

/** Namespace names carry this prefix plus the lab's name, so labs never collide and `down` finds its own. */
export const LAB_NETNS_PREFIX = "akl-";
export const KUBENET_SNAT_COMMENT = "kubenet: SNAT for outbound traffic from cluster";
/** Every lab pod runs a tiny HTTP server here, as nginx-unprivileged listens on 8080. */
export const POD_HTTP_PORT = 8080;
export const SERVICE_PORT = 80;
/** The nginx Service's ClusterIP: this offset into the service CIDR (Kubernetes picks one at random). */
export const SERVICE_IP_OFFSET = 100;
/** Ranges the VNet router drops unless a route says otherwise, as Azure's system routes do. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];
/** Candidates for the "internet" host: documentation ranges, outside any lab range. */
const EXTERNAL_NETWORK_CANDIDATES = ["203.0.113.0/24", "198.51.100.0/24"];

export interface LabPod {
    readonly name: string;
    readonly netns: string;
    readonly ip: string;
}

export interface LabNode {
    readonly name: string;
    readonly netns: string;
    /** eth0, the node's VNet address. */
    readonly ip: string;
    /** The VNet gateway (the subnet's .1). */
    readonly gateway: string;
    readonly podCidr: string;
    /** cbr0's address, the pods' gateway. */
    readonly bridgeIp: string;
    /** The router-side interface of the node's link. */
    readonly routerInterface: string;
    readonly pods: readonly LabPod[];
}

export interface LabTopology {
    readonly name: string;
    readonly prefix: string;
    readonly stack: string;
    readonly vnetCidr: string;
    readonly subnetCidr: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly router: {
        readonly netns: string;
        readonly gateway: string;
        readonly routes: readonly { readonly prefix: string; readonly via: string }[];
        /** Ranges answered with "unreachable" unless a more specific route exists. */
        readonly unreachable: readonly string[];
        readonly externalInterface: string;
        readonly externalGateway: string;
    };
    readonly nodes: readonly LabNode[];
    readonly external: { readonly netns: string; readonly ip: string; readonly prefixLength: number };
    readonly service: {
        readonly name: string;
        readonly clusterIp: string;
        readonly port: number;
        readonly targetPort: number;
        readonly endpoints: readonly string[];
        /** The address an internal Azure load balancer would take: the services subnet's first. */
        readonly loadBalancerIp: string;
    };
}

export interface LabOptions {
    /** Lab name, part of every namespace name (letters, digits, '-'; at most 12). */
    readonly name: string;
    readonly stack: string;
    readonly podsPerNode: number;
}

export function validateLabName(name: string): string | undefined {
    return /^[a-z0-9][a-z0-9-]{0,11}$/.test(name) ? undefined : `lab name "${name}" must be 1-12 lower-case letters, digits or '-'`;
}

export function netnsPrefix(name: string): string {
    return `${LAB_NETNS_PREFIX}${name}-`;
}

/** Builds the lab for a plan (its node count is the lab's node count). */
export function buildLabTopology(plan: AddressPlan, options: LabOptions): LabTopology {
    const invalid = validateLabName(options.name);
    if (invalid) throw new Error(invalid);
    if (!Number.isInteger(options.podsPerNode) || options.podsPerNode < 1 || options.podsPerNode > 250) {
        throw new Error(`--pods ${options.podsPerNode}: use 1 to 250 pods per node`);
    }
    const prefix = netnsPrefix(options.name);
    const gateway = plan.subnets.kubenet.gateway;
    const nodes: LabNode[] = plan.nodes.map((node) => ({
        name: node.name,
        netns: `${prefix}${node.name}`,
        ip: node.ip,
        gateway,
        podCidr: node.podCidr,
        bridgeIp: node.bridgeIp,
        routerInterface: `to-${node.name}`.slice(0, 15),
        pods: Array.from({ length: options.podsPerNode }, (_, index) => ({
            name: `${node.name}-pod-${index}`,
            netns: `${prefix}${node.name}-pod-${index}`,
            ip: podIpAt(cidr(plan.podCidr), node.index, index),
        })),
    }));
    const labRanges = [plan.vnetCidr, plan.podCidr, plan.serviceCidr, ...RANGES_AKS_FORBIDS].map(cidr);
    const externalNetwork = EXTERNAL_NETWORK_CANDIDATES.map(cidr).find((candidate) => !labRanges.some((range) => overlaps(candidate, range)));
    if (!externalNetwork) throw new Error(`no address for the external host outside ${labRanges.map((range) => range.text).join(", ")}`);
    const extraUnreachable = [plan.podCidr, plan.serviceCidr, plan.vnetCidr].filter((range) => !PRIVATE_RANGES.map(cidr).some((privateRange) => overlaps(privateRange, cidr(range))));
    return {
        name: options.name,
        prefix,
        stack: options.stack,
        vnetCidr: plan.vnetCidr,
        subnetCidr: plan.subnets.kubenet.cidr,
        podCidr: plan.podCidr,
        serviceCidr: plan.serviceCidr,
        router: {
            netns: `${prefix}vnet`,
            gateway,
            routes: plan.routes.map((route) => ({ prefix: route.addressPrefix, via: route.nextHopIpAddress })),
            unreachable: [...PRIVATE_RANGES, ...extraUnreachable],
            externalInterface: "to-internet",
            externalGateway: formatIp(hostAt(externalNetwork, 1)),
        },
        nodes,
        external: { netns: `${prefix}internet`, ip: formatIp(hostAt(externalNetwork, 10)), prefixLength: externalNetwork.prefix },
        service: {
            name: "nginx",
            clusterIp: formatIp(hostAt(cidr(plan.serviceCidr), SERVICE_IP_OFFSET)),
            port: SERVICE_PORT,
            targetPort: POD_HTTP_PORT,
            endpoints: nodes.flatMap((node) => node.pods.map((pod) => pod.ip)),
            loadBalancerIp: nodeIpAt(cidr(plan.subnets.services.cidr), 0),
        },
    };
}

/** Every namespace of the lab, router first. */
export function allNetns(topology: LabTopology): string[] {
    return [topology.router.netns, topology.external.netns, ...topology.nodes.flatMap((node) => [node.netns, ...node.pods.map((pod) => pod.netns)])];
}

export interface Located {
    readonly kind: "pod" | "node" | "external" | "service" | "unknown";
    readonly node?: LabNode;
    readonly pod?: LabPod;
}

/** What an address is in the lab. */
export function locate(topology: LabTopology, ip: string): Located {
    for (const node of topology.nodes) {
        if (node.ip === ip) return { kind: "node", node };
        const pod = node.pods.find((candidate) => candidate.ip === ip);
        if (pod) return { kind: "pod", node, pod };
    }
    if (ip === topology.external.ip) return { kind: "external" };
    if (ip === topology.service.clusterIp) return { kind: "service" };
    return { kind: "unknown" };
}
