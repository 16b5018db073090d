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
    ROUTE_TABLE_ROUTE_LIMIT,
    SMALLEST_AZURE_SUBNET_PREFIX,
    UPGRADE_SURGE_NODES,
} from "./limits";
import { AddressPlanInput, podSliceCount, usableSubnetAddresses } from "./plan";

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

    // 6. Room for the nodes: route table, /24 slices and subnet addresses, each with one surge node.
    const nodeCount = input.nodeCount;
    if (nodeCount !== undefined) {
        const wanted = nodeCount + UPGRADE_SURGE_NODES;
        if (nodeCount < 1 || nodeCount > ROUTE_TABLE_ROUTE_LIMIT) {
            error("nodeCount", `${nodeCount} is out of range; use 1 to ${ROUTE_TABLE_ROUTE_LIMIT} (an Azure route table holds ${ROUTE_TABLE_ROUTE_LIMIT} routes, one per kubenet node)`);
        } else if (wanted > ROUTE_TABLE_ROUTE_LIMIT) {
            warn("nodeCount", `${nodeCount} nodes leave no route for the upgrade surge node (route table limit ${ROUTE_TABLE_ROUTE_LIMIT}); upgrades will need maxSurge 0`);
        }
        if (podCidr) {
            if (podCidr.prefix > NODE_POD_SLICE_PREFIX) {
                error("podCidr", `${podCidr.text} is smaller than a /${NODE_POD_SLICE_PREFIX}, and kubenet gives every node a whole /${NODE_POD_SLICE_PREFIX}; use at least a /${NODE_POD_SLICE_PREFIX - 1}`);
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
        error("maxPods", `${input.maxPods} is out of range; use ${MIN_MAX_PODS} to ${MAX_MAX_PODS} (kubenet's default is 110)`);
    }
    return { errors, warnings };
}
