/**
 * The rules an address plan must satisfy before anything is created, as pure checks.
 * config.ts runs them on the stack config; the policy pack runs them on resource inputs
 * (which may be partly unknown during preview, so every input is optional and a missing
 * one skips the rules that need it).
 */
import { Cidr, cidr, cidrLast, cidrSize, containsCidr, containsIp, formatIp, hostAt, overlaps, parseCidr, parseIpv4 } from "./cidr";
import {
    CONVENTIONAL_DNS_SERVICE_IP_OFFSET,
    DOCKER_BRIDGE_CIDR,
    LARGEST_SERVICE_CIDR_PREFIX,
    MAX_MAX_PODS,
    MIN_MAX_PODS,
    NODE_POD_SLICE_PREFIX,
    RANGES_AKS_FORBIDS,
    SMALLEST_AZURE_SUBNET_PREFIX,
    UPGRADE_SURGE_NODES,
} from "./limits";
import { AddressPlanInput, azureCniAddressesPerNode, azureCniMaxNodes, azureCniMaxPodsFor, podSliceCount, usableSubnetAddresses } from "./plan";
import { NETWORK_PLUGINS } from "./plugins";

/** One finding, naming the setting to change as the user types it. */
export interface Problem {
    readonly key: string;
    readonly message: string;
}

export interface RuleFindings {
    readonly errors: readonly Problem[];
    readonly warnings: readonly Problem[];
}

type CidrKey = "vnetCidr" | "kubenetSubnetCidr" | "azureCniSubnetCidr" | "servicesSubnetCidr" | "podCidr" | "serviceCidr";
const SUBNET_KEYS: readonly CidrKey[] = ["kubenetSubnetCidr", "azureCniSubnetCidr", "servicesSubnetCidr"];
const CIDR_KEYS: readonly CidrKey[] = ["vnetCidr", ...SUBNET_KEYS, "podCidr", "serviceCidr"];

const forbiddenRanges = RANGES_AKS_FORBIDS.map(cidr);
const dockerBridge = cidr(DOCKER_BRIDGE_CIDR);

export function checkAddressPlan(input: Partial<AddressPlanInput>): RuleFindings {
    const errors: Problem[] = [];
    const warnings: Problem[] = [];
    const error = (key: string, message: string) => errors.push({ key, message });
    const warn = (key: string, message: string) => warnings.push({ key, message });

    // 1. Syntax: every range parses as an IPv4 network address.
    const ranges = new Map<CidrKey, Cidr>();
    for (const key of CIDR_KEYS) {
        const text = input[key];
        if (text === undefined) continue;
        const parsed = parseCidr(text);
        if (parsed.ok) ranges.set(key, parsed.value);
        else error(key, parsed.reason);
    }
    const show = (key: CidrKey) => `${key} ${ranges.get(key)!.text}`;

    // 2. Ranges AKS reserves for itself.
    for (const [key, range] of ranges) {
        const clash = forbiddenRanges.find((forbidden) => overlaps(range, forbidden));
        if (clash) error(key, `${range.text} overlaps ${clash.text}, which AKS reserves (${RANGES_AKS_FORBIDS.join(", ")}); choose a range outside them`);
    }

    // 3. Subnets: inside the VNet, large enough for Azure, disjoint.
    const vnet = ranges.get("vnetCidr");
    const subnets = SUBNET_KEYS.filter((key) => ranges.has(key));
    for (const key of subnets) {
        const subnet = ranges.get(key)!;
        if (vnet && !containsCidr(vnet, subnet)) error(key, `${subnet.text} is not inside vnetCidr ${vnet.text}; choose a subnet within the VNet`);
        if (subnet.prefix > SMALLEST_AZURE_SUBNET_PREFIX) error(key, `${subnet.text} is smaller than /${SMALLEST_AZURE_SUBNET_PREFIX}, the smallest subnet Azure accepts`);
    }
    subnets.forEach((key, i) => {
        for (const other of subnets.slice(i + 1)) {
            if (overlaps(ranges.get(key)!, ranges.get(other)!)) error(other, `${show(other)} overlaps ${show(key)}; subnets of one VNet must not overlap`);
        }
    });

    // 4. The overlay ranges (pods, services) stay off the VNet and off each other.
    for (const overlay of ["podCidr", "serviceCidr"] as const) {
        const range = ranges.get(overlay);
        if (!range) continue;
        const clashes = (["vnetCidr", ...SUBNET_KEYS] as const).filter((key) => ranges.has(key) && overlaps(range, ranges.get(key)!));
        if (clashes.length > 0) {
            error(overlay, `${range.text} overlaps ${clashes.map(show).join(", ")}; the ${overlay === "podCidr" ? "pod" : "service"} range must lie outside the VNet and its subnets`);
        }
        if (overlaps(range, dockerBridge)) {
            warn(overlay, `${range.text} overlaps ${DOCKER_BRIDGE_CIDR}, the docker0 bridge on older AKS nodes; legal, but node routing tables become confusing`);
        }
    }
    const podCidr = ranges.get("podCidr");
    const serviceCidr = ranges.get("serviceCidr");
    if (podCidr && serviceCidr && overlaps(podCidr, serviceCidr)) {
        error("serviceCidr", `${serviceCidr.text} overlaps podCidr ${podCidr.text}; pod and service ranges must be disjoint`);
    }

    // 5. The service range and the DNS service IP.
    if (serviceCidr && serviceCidr.prefix <= LARGEST_SERVICE_CIDR_PREFIX) {
        error("serviceCidr", `${serviceCidr.text} is too large; AKS needs a service CIDR smaller than /${LARGEST_SERVICE_CIDR_PREFIX} (for example /16)`);
    }
    if (input.dnsServiceIp !== undefined) {
        const dns = parseIpv4(input.dnsServiceIp);
        if (!dns.ok) {
            error("dnsServiceIp", dns.reason);
        } else if (serviceCidr) {
            const conventional = formatIp(hostAt(serviceCidr, Math.min(CONVENTIONAL_DNS_SERVICE_IP_OFFSET, cidrSize(serviceCidr) - 2)));
            if (!containsIp(serviceCidr, dns.value)) {
                error("dnsServiceIp", `${input.dnsServiceIp} is not inside serviceCidr ${serviceCidr.text}; use ${conventional}`);
            } else if (dns.value === serviceCidr.network || dns.value === cidrLast(serviceCidr)) {
                error("dnsServiceIp", `${input.dnsServiceIp} is the network or broadcast address of serviceCidr ${serviceCidr.text}; use ${conventional}`);
            } else if (dns.value === serviceCidr.network + 1) {
                error("dnsServiceIp", `${input.dnsServiceIp} is the first address of serviceCidr ${serviceCidr.text}, which Kubernetes gives to kubernetes.default.svc; use ${conventional}`);
            } else if (formatIp(dns.value) !== conventional) {
                warn("dnsServiceIp", `${input.dnsServiceIp} works, but AKS recommends the .10 address of the service CIDR (${conventional})`);
            }
        }
    }

    // 6. Room for the nodes: route table (kubenet), /24 slices and subnet addresses, each with one surge node.
    const plugin = NETWORK_PLUGINS[input.networkPlugin ?? "kubenet"];
    const nodeCount = input.nodeCount;
    if (nodeCount !== undefined) {
        const wanted = nodeCount + UPGRADE_SURGE_NODES;
        const why = plugin.routeTable
            ? `an Azure route table holds ${plugin.maxNodes} routes, one per ${plugin.title} node`
            : `an AKS node pool holds at most ${plugin.maxNodes} nodes`;
        if (nodeCount < 1 || nodeCount > plugin.maxNodes) {
            error("nodeCount", `${nodeCount} is out of range; use 1 to ${plugin.maxNodes} (${why})`);
        } else if (plugin.routeTable && wanted > plugin.maxNodes) {
            warn("nodeCount", `${nodeCount} nodes leave no route for the upgrade surge node (route table limit ${plugin.maxNodes}); upgrades will need maxSurge 0`);
        }
        if (podCidr) {
            if (podCidr.prefix > NODE_POD_SLICE_PREFIX) {
                error("podCidr", `${podCidr.text} is smaller than a /${NODE_POD_SLICE_PREFIX}, and ${plugin.title} gives every node a whole /${NODE_POD_SLICE_PREFIX}; use at least a /${NODE_POD_SLICE_PREFIX - 1}`);
            } else if (nodeCount >= 1 && podSliceCount(podCidr) < wanted) {
                error("podCidr", `${podCidr.text} holds ${podSliceCount(podCidr)} /${NODE_POD_SLICE_PREFIX} slices, but ${nodeCount} nodes plus ${UPGRADE_SURGE_NODES} upgrade surge node need ${wanted}; use a larger pod CIDR or lower nodeCount`);
            }
        }
        const kubenetSubnet = ranges.get("kubenetSubnetCidr");
        if (kubenetSubnet && nodeCount >= 1 && usableSubnetAddresses(kubenetSubnet) < wanted) {
            error("kubenetSubnetCidr", `${kubenetSubnet.text} has ${usableSubnetAddresses(kubenetSubnet)} addresses after Azure's 5 reserved ones, but ${nodeCount} nodes plus ${UPGRADE_SURGE_NODES} upgrade surge node need ${wanted}; use a larger subnet or lower nodeCount`);
        }
    }

    if (input.maxPods !== undefined && (input.maxPods < MIN_MAX_PODS || input.maxPods > MAX_MAX_PODS)) {
        error("maxPods", `${input.maxPods} is out of range; use ${MIN_MAX_PODS} to ${MAX_MAX_PODS} (${plugin.title}'s default is ${plugin.defaultMaxPods})`);
    }

    // 7. The second cluster (classic Azure CNI): every node takes maxPods + 1 addresses of its subnet.
    if (input.azureCniCluster) checkAzureCniCapacity(input, ranges.get("azureCniSubnetCidr"), error);
    return { errors, warnings };
}

/**
 * (azureCniNodeCount + 1 surge) x (azureCniMaxPods + 1) addresses must fit in the usable
 * addresses of the azurecni subnet (concepts-network-legacy-cni.md). The error names both keys
 * and the largest value of each that fits.
 */
function checkAzureCniCapacity(input: Partial<AddressPlanInput>, subnet: Cidr | undefined, error: (key: string, message: string) => void): void {
    const { azureCniNodeCount: nodeCount, azureCniMaxPods: maxPods } = input;
    const nodesOk = nodeCount !== undefined && nodeCount >= 1 && nodeCount <= NETWORK_PLUGINS.azureCni.maxNodes;
    const podsOk = maxPods !== undefined && maxPods >= MIN_MAX_PODS && maxPods <= MAX_MAX_PODS;
    if (nodeCount !== undefined && !nodesOk) error("azureCniNodeCount", `${nodeCount} is out of range; use 1 to ${NETWORK_PLUGINS.azureCni.maxNodes}`);
    if (maxPods !== undefined && !podsOk) error("azureCniMaxPods", `${maxPods} is out of range; use ${MIN_MAX_PODS} to ${MAX_MAX_PODS} (Azure CNI's default is ${NETWORK_PLUGINS.azureCni.defaultMaxPods})`);
    if (!subnet || !nodesOk || !podsOk) return;
    const needed = (nodeCount! + UPGRADE_SURGE_NODES) * azureCniAddressesPerNode(maxPods!);
    const usable = usableSubnetAddresses(subnet);
    if (needed <= usable) return;
    const largestNodes = azureCniMaxNodes(subnet, maxPods!);
    const largestPods = azureCniMaxPodsFor(subnet, nodeCount!);
    error(
        "azureCniNodeCount",
        `azureCniNodeCount ${nodeCount} (+${UPGRADE_SURGE_NODES} upgrade surge node) x (azureCniMaxPods ${maxPods} + 1) = ${needed} addresses, ` +
            `but azureCniSubnetCidr ${subnet.text} has ${usable} after Azure's 5 reserved ones. ` +
            `${largestNodes >= 1 ? `The largest azureCniNodeCount that fits at azureCniMaxPods ${maxPods} is ${largestNodes}` : `No azureCniNodeCount fits at azureCniMaxPods ${maxPods}`}; ` +
            `${largestPods >= MIN_MAX_PODS ? `the largest azureCniMaxPods that fits at azureCniNodeCount ${nodeCount} is ${Math.min(largestPods, MAX_MAX_PODS)}` : `no azureCniMaxPods of ${MIN_MAX_PODS} or more fits at azureCniNodeCount ${nodeCount}`}; ` +
            "or use a larger azureCniSubnetCidr",
    );
}
