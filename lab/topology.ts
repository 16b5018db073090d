/**
 * The local lab's topology: the data path of the stack's address plan, as network namespaces.
 * Both clusters of the tutorial can be built on one VNet: kubenet (bridge, route table) and
 * Azure CNI (pods on the subnet, a /32 per pod, Azure's SDN). Pure: every address comes from the
 * address plan (addressPlan/), none is restated.
 */
import {
    AddressPlan,
    azureCniPodIpAt,
    cidr,
    formatIp,
    hostAt,
    MainNetworkPlugin,
    nodeIpAt,
    overlaps,
    podIpAt,
    RANGES_AKS_FORBIDS,
} from "../addressPlan";
import { CLUSTER_CHOICES, ClusterChoice, parseClusterChoice } from "../names";
import { validateName } from "../cli/ownership";

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
/** The router's table for the kubenet subnet's route table (policy routing: that subnet only). */
export const KUBENET_ROUTE_TABLE_ID = 100;
/** AKS's Azure CNI (transparent mode) gives every pod this link-local gateway; the node answers by proxy ARP. */
export const AZURE_CNI_POD_GATEWAY = "169.254.1.1";
/** Candidates for the "internet" host: documentation ranges, outside any lab range. */
const EXTERNAL_NETWORK_CANDIDATES = ["203.0.113.0/24", "198.51.100.0/24"];

/** Which of the stack's clusters the lab builds: one of them, or both. */
export type LabClusters = ClusterChoice | "both";
export const LAB_CLUSTER_CHOICES: readonly LabClusters[] = [...CLUSTER_CHOICES, "both"];

/** A lab --cluster value as typed (kubenet is accepted for main), or undefined. */
export function parseLabClusters(text: string): LabClusters | undefined {
    return text.toLowerCase() === "both" ? "both" : parseClusterChoice(text);
}

/** A route the router holds: a node's slice via the node's address, out of the link to it. */
export interface LabRoute {
    readonly prefix: string;
    readonly via: string;
    readonly dev: string;
}

/** A route as `ip -j route show` prints it. */
export interface IpRoute {
    readonly dst: string;
    readonly gateway?: string;
    readonly dev?: string;
    readonly type?: string;
}

/** The destination of an `ip -j` route as a prefix: iproute2 prints a host route without its /32. */
export function ipRoutePrefix(route: IpRoute): string {
    return route.dst.includes("/") || route.dst === "default" ? route.dst : `${route.dst}/32`;
}

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

/** An Azure CNI pod: its own subnet address, on a veth the node routes to (no bridge). */
export interface LabAzureCniPod extends LabPod {
    /** The node-side end of the pod's veth. */
    readonly hostInterface: string;
}

export interface LabAzureCniNode {
    readonly name: string;
    readonly netns: string;
    readonly ip: string;
    readonly gateway: string;
    readonly routerInterface: string;
    readonly pods: readonly LabAzureCniPod[];
}

/** A host in the VNet outside both clusters (a jumpbox in the services subnet). */
export interface LabVnetHost {
    readonly name: string;
    readonly netns: string;
    readonly ip: string;
    readonly gateway: string;
    readonly prefixLength: number;
    readonly routerInterface: string;
}

export interface LabService {
    readonly name: string;
    readonly clusterIp: string;
    readonly port: number;
    readonly targetPort: number;
    readonly endpoints: readonly string[];
    /** The address an internal Azure load balancer would take: the services subnet's first. */
    readonly loadBalancerIp: string;
}

export interface LabTopology {
    readonly name: string;
    readonly prefix: string;
    readonly stack: string;
    readonly clusters: LabClusters;
    /**
     * The main cluster's plugin: kubenet (slices in a route table on its subnet, which a user can
     * break) or Overlay (the same slices, held by Azure's SDN for the cluster's own nodes only).
     */
    readonly plugin: MainNetworkPlugin;
    readonly vnetCidr: string;
    /** The kubenet subnet. */
    readonly subnetCidr: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly router: {
        readonly netns: string;
        readonly gateway: string;
        /**
         * The slices' table (KUBENET_ROUTE_TABLE_ID), consulted only for traffic from the main
         * cluster's nodes: kubenet's route table, or Overlay's SDN routes.
         */
        readonly routeTable: number;
        readonly routes: readonly LabRoute[];
        /** Ranges answered with "unreachable" unless a more specific route exists. */
        readonly unreachable: readonly string[];
        readonly externalInterface: string;
        readonly externalGateway: string;
    };
    /** The main cluster's nodes (empty when only the Azure CNI cluster is built). */
    readonly nodes: readonly LabNode[];
    readonly external: { readonly netns: string; readonly ip: string; readonly prefixLength: number };
    readonly vnetHost: LabVnetHost;
    readonly service: LabService;
    /** Present when the Azure CNI cluster is built. */
    readonly azureCni?: {
        readonly subnetCidr: string;
        readonly gateway: string;
        readonly nodes: readonly LabAzureCniNode[];
        readonly service: LabService;
    };
}

export interface LabOptions {
    /** Lab name, part of every namespace name (letters, digits, '-'; at most 12). */
    readonly name: string;
    readonly stack: string;
    readonly podsPerNode: number;
    /** The stack's nginxReplicas: which pods are nginx's, the Service's endpoints. */
    readonly nginxReplicas: number;
    /** Which clusters; default main. A plan without `azureCni` cannot build the Azure CNI one. */
    readonly clusters?: LabClusters;
}

/**
 * The nginx Deployment's pods, placed as its topology spread constraint places them: one per node
 * in node order, then a second round when there are more replicas than nodes (config warns of
 * that). They are the nginx Service's endpoints in the lab, as in the stack; the lab's other pods
 * only answer direct requests. So each node's kube-proxy rules hold nginxReplicas endpoints, not
 * every pod of the cluster (which made every node's rules grow with the cluster: quadratic).
 */
export function nginxPods<P>(nodes: ReadonlyArray<{ readonly pods: readonly P[] }>, replicas: number): P[] {
    const placed: P[] = [];
    for (let replica = 0; replica < replicas && nodes.length > 0; replica++) {
        const pod = nodes[replica % nodes.length].pods[Math.floor(replica / nodes.length)];
        if (pod !== undefined) placed.push(pod);
    }
    return placed;
}

/** The main cluster's short name in check names and status lines: "kubenet" or "Overlay". */
export function mainClusterLabel(topology: LabTopology): string {
    return topology.plugin === "overlay" ? "Overlay" : "kubenet";
}

/** Who holds the main cluster's slices, in words (status, explain). */
export function sliceRoutesHolder(topology: LabTopology): string {
    return topology.plugin === "overlay"
        ? "Overlay (Azure's SDN, for the cluster's own nodes)"
        : "Route table (kubenet subnet)";
}

export const validateLabName = (name: string): string | undefined => validateName("lab", name);

export function netnsPrefix(name: string): string {
    return `${LAB_NETNS_PREFIX}${name}-`;
}

function labService(plan: AddressPlan, endpoints: readonly string[]): LabService {
    return {
        name: "nginx",
        clusterIp: formatIp(hostAt(cidr(plan.serviceCidr), SERVICE_IP_OFFSET)),
        port: SERVICE_PORT,
        targetPort: POD_HTTP_PORT,
        endpoints,
        loadBalancerIp: nodeIpAt(cidr(plan.subnets.services.cidr), 0),
    };
}

/** Builds the lab for a plan (its node counts are the lab's node counts). */
export function buildLabTopology(plan: AddressPlan, options: LabOptions): LabTopology {
    const invalid = validateLabName(options.name);
    if (invalid) throw new Error(invalid);
    const clusters = options.clusters ?? "main";
    const withMain = clusters !== "azurecni";
    const withAzureCni = clusters !== "main";
    if (withAzureCni && !plan.azureCni) throw new Error("the plan has no Azure CNI cluster (azureCniCluster is off)");
    const maxPods = withAzureCni ? Math.min(250, plan.azureCni!.maxPods) : 250;
    if (!Number.isInteger(options.podsPerNode) || options.podsPerNode < 1 || options.podsPerNode > maxPods) {
        throw new Error(
            `--pods ${options.podsPerNode}: use 1 to ${maxPods} pods per node${withAzureCni ? ` (azureCniMaxPods ${plan.azureCni!.maxPods})` : ""}`,
        );
    }
    const prefix = netnsPrefix(options.name);
    const gateway = plan.subnets.kubenet.gateway;
    const nodes: LabNode[] = !withMain
        ? []
        : plan.nodes.map((node) => ({
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
    const azureCni = withAzureCni ? buildAzureCni(plan, prefix, options) : undefined;

    const labRanges = [plan.vnetCidr, plan.podCidr, plan.serviceCidr, ...RANGES_AKS_FORBIDS].map(cidr);
    const externalNetwork = EXTERNAL_NETWORK_CANDIDATES.map(cidr).find(
        (candidate) => !labRanges.some((range) => overlaps(candidate, range)),
    );
    if (!externalNetwork)
        throw new Error(`no address for the external host outside ${labRanges.map((range) => range.text).join(", ")}`);
    const extraUnreachable = [plan.podCidr, plan.serviceCidr, plan.vnetCidr].filter(
        (range) => !PRIVATE_RANGES.map(cidr).some((privateRange) => overlaps(privateRange, cidr(range))),
    );
    const services = cidr(plan.subnets.services.cidr);
    return {
        name: options.name,
        prefix,
        stack: options.stack,
        clusters,
        plugin: plan.networkPlugin,
        vnetCidr: plan.vnetCidr,
        subnetCidr: plan.subnets.kubenet.cidr,
        podCidr: plan.podCidr,
        serviceCidr: plan.serviceCidr,
        router: {
            netns: `${prefix}vnet`,
            gateway,
            routeTable: KUBENET_ROUTE_TABLE_ID,
            // kubenet: the route table's routes. Overlay: no route table, but the SDN carries the same
            // slices to the same nodes.
            routes: nodes.map((node) => ({ prefix: node.podCidr, via: node.ip, dev: node.routerInterface })),
            unreachable: [...PRIVATE_RANGES, ...extraUnreachable],
            externalInterface: "to-internet",
            externalGateway: formatIp(hostAt(externalNetwork, 1)),
        },
        nodes,
        external: {
            netns: `${prefix}internet`,
            ip: formatIp(hostAt(externalNetwork, 10)),
            prefixLength: externalNetwork.prefix,
        },
        // The jumpbox takes the services subnet's second VM address: the first is the load balancer's.
        vnetHost: {
            name: "vm",
            netns: `${prefix}vm`,
            ip: nodeIpAt(services, 1),
            gateway: plan.subnets.services.gateway,
            prefixLength: services.prefix,
            routerInterface: "to-vm",
        },
        service: labService(
            plan,
            nginxPods(nodes, options.nginxReplicas).map((pod) => pod.ip),
        ),
        ...(azureCni ? { azureCni } : {}),
    };
}

function buildAzureCni(
    plan: AddressPlan,
    prefix: string,
    { podsPerNode, nginxReplicas }: LabOptions,
): NonNullable<LabTopology["azureCni"]> {
    const azureCni = plan.azureCni!;
    const subnet = cidr(azureCni.subnet.cidr);
    const nodes: LabAzureCniNode[] = azureCni.nodes.map((node) => {
        const name = `cni-${node.name}`;
        return {
            name,
            netns: `${prefix}${name}`,
            ip: node.ip,
            gateway: azureCni.subnet.gateway,
            routerInterface: `to-${name}`.slice(0, 15),
            pods: Array.from({ length: podsPerNode }, (_, index) => ({
                name: `${name}-pod-${index}`,
                netns: `${prefix}${name}-pod-${index}`,
                ip: azureCniPodIpAt(subnet, azureCni.maxPods, node.index, index),
                hostInterface: `veth${index}`,
            })),
        };
    });
    return {
        subnetCidr: azureCni.subnet.cidr,
        gateway: azureCni.subnet.gateway,
        nodes,
        service: labService(
            plan,
            nginxPods(nodes, nginxReplicas).map((pod) => pod.ip),
        ),
    };
}

/** Every namespace of the lab, router first. */
export function allNetns(topology: LabTopology): string[] {
    return [
        topology.router.netns,
        topology.external.netns,
        topology.vnetHost.netns,
        ...topology.nodes.flatMap((node) => [node.netns, ...node.pods.map((pod) => pod.netns)]),
        ...(topology.azureCni?.nodes ?? []).flatMap((node) => [node.netns, ...node.pods.map((pod) => pod.netns)]),
    ];
}

/** Every HTTP server the lab runs: one per pod, the VM and the internet host. */
export function allServers(topology: LabTopology): Array<{ netns: string; name: string }> {
    return [
        ...topology.nodes.flatMap((node) => node.pods.map((pod) => ({ netns: pod.netns, name: pod.name }))),
        ...(topology.azureCni?.nodes ?? []).flatMap((node) =>
            node.pods.map((pod) => ({ netns: pod.netns, name: pod.name })),
        ),
        { netns: topology.vnetHost.netns, name: topology.vnetHost.name },
        { netns: topology.external.netns, name: "internet" },
    ];
}

export type Located =
    | { readonly kind: "pod"; readonly node: LabNode; readonly pod: LabPod }
    | { readonly kind: "node"; readonly node: LabNode }
    | { readonly kind: "cniPod"; readonly cniNode: LabAzureCniNode; readonly pod: LabAzureCniPod }
    | { readonly kind: "cniNode"; readonly cniNode: LabAzureCniNode }
    | { readonly kind: "vm" }
    | { readonly kind: "external" }
    | { readonly kind: "service" }
    | { readonly kind: "unknown" };

/** What an address is in the lab. */
export function locate(topology: LabTopology, ip: string): Located {
    for (const node of topology.nodes) {
        if (node.ip === ip) return { kind: "node", node };
        const pod = node.pods.find((candidate) => candidate.ip === ip);
        if (pod) return { kind: "pod", node, pod };
    }
    for (const cniNode of topology.azureCni?.nodes ?? []) {
        if (cniNode.ip === ip) return { kind: "cniNode", cniNode };
        const pod = cniNode.pods.find((candidate) => candidate.ip === ip);
        if (pod) return { kind: "cniPod", cniNode, pod };
    }
    if (ip === topology.vnetHost.ip) return { kind: "vm" };
    if (ip === topology.external.ip) return { kind: "external" };
    if (ip === topology.service.clusterIp) return { kind: "service" };
    return { kind: "unknown" };
}

/** The lab's choices (clusters, plugin, node count) as config over the stack's: same rules, same plan. */
export function labConfigOverrides(choices: {
    clusters: LabClusters;
    plugin?: MainNetworkPlugin;
    nodes?: number;
}): Record<string, string> {
    return {
        ...(choices.nodes === undefined
            ? {}
            : { nodeCount: String(choices.nodes), azureCniNodeCount: String(choices.nodes) }),
        // The lab builds the Azure CNI cluster even where the stack leaves it off.
        ...(choices.clusters === "main" ? {} : { azureCniCluster: "true" }),
        ...(choices.plugin ? { networkPlugin: choices.plugin } : {}),
    };
}
