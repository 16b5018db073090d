/**
 * Azure and AKS numbers the address plan is built on. Sources: Microsoft's AKS docs,
 * learn.microsoft.com/azure/aks/configure-kubenet and /concepts-network-ip-address-planning. The
 * upgrade surge has its own module (surge.ts).
 */

/** kubenet gives every node one /24 of the pod CIDR. */
export const NODE_POD_SLICE_PREFIX = 24;

/** Azure reserves the network address, .1 (gateway), .2 and .3 (DNS) and the broadcast address. */
export const AZURE_RESERVED_AT_SUBNET_START = 4;
export const AZURE_RESERVED_AT_SUBNET_END = 1;

/** The smallest subnet Azure accepts. */
export const SMALLEST_AZURE_SUBNET_PREFIX = 29;

/** The service CIDR must be smaller than /12. */
export const LARGEST_SERVICE_CIDR_PREFIX = 12;

/** maxPods bounds for every plugin's node pools. */
export const MIN_MAX_PODS = 10;
export const MAX_MAX_PODS = 250;

/** Ranges AKS refuses for the VNet, pod and service CIDRs. */
export const RANGES_AKS_FORBIDS: readonly string[] = [
    "169.254.0.0/16",
    "172.30.0.0/16",
    "172.31.0.0/16",
    "192.0.2.0/24",
];

/** The old docker0 bridge on AKS nodes; legal to overlap, but confusing on the node. */
export const DOCKER_BRIDGE_CIDR = "172.17.0.0/16";

/** AKS docs: the DNS service IP "should be the .10 address" of the service CIDR. */
export const CONVENTIONAL_DNS_SERVICE_IP_OFFSET = 10;
