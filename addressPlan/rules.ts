/**
 * The rules an address plan must satisfy before anything is created, one named function per rule.
 * config.ts runs them on the stack config; the policy pack and migrate run them on what a cluster
 * declares or reports (which may be partial, so every input is optional and a rule whose inputs
 * are missing finds nothing).
 */
import {
    Cidr,
    cidr,
    cidrLast,
    cidrSize,
    containsCidr,
    containsIp,
    formatIp,
    hostAt,
    overlaps,
    parseCidr,
    parseIpv4,
} from "./cidr";
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
import {
    AddressPlanInput,
    azureCniAddressesPerNode,
    azureCniMaxNodes,
    azureCniMaxPodsFor,
    peakNodes,
    podSliceCount,
    usableSubnetAddresses,
} from "./plan";
import { NETWORK_PLUGINS, NetworkPluginSpec, NODES_PER_POOL_LIMIT } from "./plugins";

/**
 * One finding: the rule that found it, the setting to change as the user types it, the values
 * that decided it (what tests assert), and the sentence for people.
 */
export interface Problem {
    readonly rule: string;
    readonly key: string;
    readonly values: Readonly<Record<string, string | number | boolean | readonly string[]>>;
    readonly message: string;
}

export interface RuleFindings {
    readonly errors: readonly Problem[];
    readonly warnings: readonly Problem[];
}

type CidrKey =
    "vnetCidr" | "kubenetSubnetCidr" | "azureCniSubnetCidr" | "servicesSubnetCidr" | "podCidr" | "serviceCidr";
const SUBNET_KEYS: readonly CidrKey[] = ["kubenetSubnetCidr", "azureCniSubnetCidr", "servicesSubnetCidr"];
const CIDR_KEYS: readonly CidrKey[] = ["vnetCidr", ...SUBNET_KEYS, "podCidr", "serviceCidr"];

const forbiddenRanges = RANGES_AKS_FORBIDS.map(cidr);
const dockerBridge = cidr(DOCKER_BRIDGE_CIDR);

/** What every rule sees: the input, the ranges that parsed, and the main cluster's plugin. */
interface RuleContext {
    readonly input: Partial<AddressPlanInput>;
    readonly ranges: ReadonlyMap<CidrKey, Cidr>;
    readonly plugin: NetworkPluginSpec;
}

interface Finding extends Problem {
    readonly severity: "error" | "warning";
}
type Rule = (context: RuleContext) => Finding[];

const finding =
    (severity: Finding["severity"]) =>
    (rule: string, key: string, values: Problem["values"], message: string): Finding => ({
        severity,
        rule,
        key,
        values,
        message,
    });
const error = finding("error");
const warning = finding("warning");
const show = (context: RuleContext, key: CidrKey) => `${key} ${context.ranges.get(key)!.text}`;

/** Every range parses as an IPv4 network address (no host bits, no IPv6). */
function rangesParse({ input }: RuleContext): Finding[] {
    return CIDR_KEYS.flatMap((key) => {
        const text = input[key];
        if (text === undefined) return [];
        const parsed = parseCidr(text);
        return parsed.ok ? [] : [error("rangesParse", key, { [key]: text }, parsed.reason)];
    });
}

/** No range overlaps one AKS reserves for itself. */
function rangesAvoidAksReserved(context: RuleContext): Finding[] {
    return [...context.ranges].flatMap(([key, range]) => {
        const clash = forbiddenRanges.find((forbidden) => overlaps(range, forbidden));
        return clash
            ? [
                  error(
                      "rangesAvoidAksReserved",
                      key,
                      { [key]: range.text, reserved: clash.text },
                      `${range.text} overlaps ${clash.text}, which AKS reserves (${RANGES_AKS_FORBIDS.join(", ")}); choose a range outside them`,
                  ),
              ]
            : [];
    });
}

/** Every subnet lies inside the VNet. */
function subnetsInsideVnet(context: RuleContext): Finding[] {
    const vnet = context.ranges.get("vnetCidr");
    if (!vnet) return [];
    return SUBNET_KEYS.filter((key) => context.ranges.has(key) && !containsCidr(vnet, context.ranges.get(key)!)).map(
        (key) =>
            error(
                "subnetsInsideVnet",
                key,
                { [key]: context.ranges.get(key)!.text, vnetCidr: vnet.text },
                `${context.ranges.get(key)!.text} is not inside vnetCidr ${vnet.text}; choose a subnet within the VNet`,
            ),
    );
}

/** Every subnet is at least the smallest Azure accepts (/29). */
function subnetsLargeEnough(context: RuleContext): Finding[] {
    return SUBNET_KEYS.filter((key) => (context.ranges.get(key)?.prefix ?? 0) > SMALLEST_AZURE_SUBNET_PREFIX).map(
        (key) =>
            error(
                "subnetsLargeEnough",
                key,
                { [key]: context.ranges.get(key)!.text, smallestPrefix: SMALLEST_AZURE_SUBNET_PREFIX },
                `${context.ranges.get(key)!.text} is smaller than /${SMALLEST_AZURE_SUBNET_PREFIX}, the smallest subnet Azure accepts`,
            ),
    );
}

/** The subnets of one VNet do not overlap. */
function subnetsDisjoint(context: RuleContext): Finding[] {
    const subnets = SUBNET_KEYS.filter((key) => context.ranges.has(key));
    return subnets.flatMap((key, index) =>
        subnets
            .slice(index + 1)
            .filter((other) => overlaps(context.ranges.get(key)!, context.ranges.get(other)!))
            .map((other) =>
                error(
                    "subnetsDisjoint",
                    other,
                    { [other]: context.ranges.get(other)!.text, [key]: context.ranges.get(key)!.text },
                    `${show(context, other)} overlaps ${show(context, key)}; subnets of one VNet must not overlap`,
                ),
            ),
    );
}

/** The pod and service ranges lie outside the VNet and its subnets. */
function overlayRangesOutsideVnet(context: RuleContext): Finding[] {
    return (["podCidr", "serviceCidr"] as const).flatMap((overlay) => {
        const range = context.ranges.get(overlay);
        if (!range) return [];
        const clashes = (["vnetCidr", ...SUBNET_KEYS] as const).filter(
            (key) => context.ranges.has(key) && overlaps(range, context.ranges.get(key)!),
        );
        if (clashes.length === 0) return [];
        return [
            error(
                "overlayRangesOutsideVnet",
                overlay,
                { [overlay]: range.text, overlaps: clashes.join(",") },
                `${range.text} overlaps ${clashes.map((key) => show(context, key)).join(", ")}; the ${overlay === "podCidr" ? "pod" : "service"} range must lie outside the VNet and its subnets`,
            ),
        ];
    });
}

/** Overlapping docker0 (172.17.0.0/16) is legal but confusing on older nodes: a warning. */
function overlayRangesAvoidDockerBridge(context: RuleContext): Finding[] {
    return (["podCidr", "serviceCidr"] as const)
        .filter((key) => context.ranges.has(key) && overlaps(context.ranges.get(key)!, dockerBridge))
        .map((key) =>
            warning(
                "overlayRangesAvoidDockerBridge",
                key,
                { [key]: context.ranges.get(key)!.text, dockerBridge: DOCKER_BRIDGE_CIDR },
                `${context.ranges.get(key)!.text} overlaps ${DOCKER_BRIDGE_CIDR}, the docker0 bridge on older AKS nodes; legal, but node routing tables become confusing`,
            ),
        );
}

/** Pod and service ranges are disjoint. */
function podAndServiceRangesDisjoint(context: RuleContext): Finding[] {
    const [pods, services] = [context.ranges.get("podCidr"), context.ranges.get("serviceCidr")];
    if (!pods || !services || !overlaps(pods, services)) return [];
    return [
        error(
            "podAndServiceRangesDisjoint",
            "serviceCidr",
            { serviceCidr: services.text, podCidr: pods.text },
            `${services.text} overlaps podCidr ${pods.text}; pod and service ranges must be disjoint`,
        ),
    ];
}

/** The service CIDR is smaller than /12. */
function serviceCidrSmallEnough(context: RuleContext): Finding[] {
    const services = context.ranges.get("serviceCidr");
    if (!services || services.prefix > LARGEST_SERVICE_CIDR_PREFIX) return [];
    return [
        error(
            "serviceCidrSmallEnough",
            "serviceCidr",
            { serviceCidr: services.text, largestPrefix: LARGEST_SERVICE_CIDR_PREFIX },
            `${services.text} is too large; AKS needs a service CIDR smaller than /${LARGEST_SERVICE_CIDR_PREFIX} (for example /16)`,
        ),
    ];
}

/** The DNS service IP lies in the service CIDR, off its network, broadcast and first address; .10 by convention. */
function dnsServiceIpUsable(context: RuleContext): Finding[] {
    const text = context.input.dnsServiceIp;
    if (text === undefined) return [];
    const dns = parseIpv4(text);
    if (!dns.ok) return [error("dnsServiceIpUsable", "dnsServiceIp", { dnsServiceIp: text }, dns.reason)];
    const services = context.ranges.get("serviceCidr");
    if (!services) return [];
    const conventional = formatIp(
        hostAt(services, Math.min(CONVENTIONAL_DNS_SERVICE_IP_OFFSET, cidrSize(services) - 2)),
    );
    const values = { dnsServiceIp: text, serviceCidr: services.text, conventional };
    const refuse = (why: string) => [
        error("dnsServiceIpUsable", "dnsServiceIp", values, `${text} ${why}; use ${conventional}`),
    ];
    if (!containsIp(services, dns.value)) return refuse(`is not inside serviceCidr ${services.text}`);
    if (dns.value === services.network || dns.value === cidrLast(services))
        return refuse(`is the network or broadcast address of serviceCidr ${services.text}`);
    if (dns.value === services.network + 1)
        return refuse(
            `is the first address of serviceCidr ${services.text}, which Kubernetes gives to kubernetes.default.svc`,
        );
    if (formatIp(dns.value) !== conventional)
        return [
            warning(
                "dnsServiceIpUsable",
                "dnsServiceIp",
                values,
                `${text} works, but AKS recommends the .10 address of the service CIDR (${conventional})`,
            ),
        ];
    return [];
}

/** nodeCount fits the plugin: kubenet's route table holds 400 routes, an AKS pool 1000 nodes. */
function nodeCountWithinPluginLimit({ input, plugin }: RuleContext): Finding[] {
    const nodeCount = input.nodeCount;
    if (nodeCount === undefined) return [];
    const values = { nodeCount, maxNodes: plugin.maxNodes, plugin: plugin.name };
    if (nodeCount < 1 || nodeCount > plugin.maxNodes) {
        const why = plugin.routeTable
            ? `an Azure route table holds ${plugin.maxNodes} routes, one per ${plugin.title} node`
            : `an AKS node pool holds at most ${plugin.maxNodes} nodes`;
        return [
            error(
                "nodeCountWithinPluginLimit",
                "nodeCount",
                values,
                `${nodeCount} is out of range; use 1 to ${plugin.maxNodes} (${why})`,
            ),
        ];
    }
    if (plugin.routeTable && nodeCount + UPGRADE_SURGE_NODES > plugin.maxNodes) {
        return [
            warning(
                "nodeCountWithinPluginLimit",
                "nodeCount",
                values,
                `${nodeCount} nodes leave no route for the upgrade surge node (route table limit ${plugin.maxNodes}); upgrades will need maxSurge 0`,
            ),
        ];
    }
    return [];
}

/** Every node gets a whole /24 of the pod CIDR, the upgrade surge node included. */
function podCidrHoldsEveryNode({ input, ranges, plugin }: RuleContext): Finding[] {
    const pods = ranges.get("podCidr");
    const nodeCount = input.nodeCount;
    if (!pods || nodeCount === undefined) return [];
    if (pods.prefix > NODE_POD_SLICE_PREFIX) {
        return [
            error(
                "podCidrHoldsEveryNode",
                "podCidr",
                { podCidr: pods.text, slicePrefix: NODE_POD_SLICE_PREFIX },
                `${pods.text} is smaller than a /${NODE_POD_SLICE_PREFIX}, and ${plugin.title} gives every node a whole /${NODE_POD_SLICE_PREFIX}; use at least a /${NODE_POD_SLICE_PREFIX - 1}`,
            ),
        ];
    }
    const wanted = nodeCount + UPGRADE_SURGE_NODES;
    if (nodeCount < 1 || podSliceCount(pods) >= wanted) return [];
    return [
        error(
            "podCidrHoldsEveryNode",
            "podCidr",
            { podCidr: pods.text, slices: podSliceCount(pods), needed: wanted },
            `${pods.text} holds ${podSliceCount(pods)} /${NODE_POD_SLICE_PREFIX} slices, but ${nodeCount} nodes plus ${UPGRADE_SURGE_NODES} upgrade surge node need ${wanted}; use a larger pod CIDR or lower nodeCount`,
        ),
    ];
}

/** The node subnet has an address for every node after Azure's 5 reserved ones, the surge node included. */
function nodeSubnetHoldsEveryNode({ input, ranges }: RuleContext): Finding[] {
    const subnet = ranges.get("kubenetSubnetCidr");
    const nodeCount = input.nodeCount;
    if (!subnet || nodeCount === undefined || nodeCount < 1) return [];
    const wanted = nodeCount + UPGRADE_SURGE_NODES;
    const usable = usableSubnetAddresses(subnet);
    if (usable >= wanted) return [];
    return [
        error(
            "nodeSubnetHoldsEveryNode",
            "kubenetSubnetCidr",
            { kubenetSubnetCidr: subnet.text, usable, needed: wanted },
            `${subnet.text} has ${usable} addresses after Azure's 5 reserved ones, but ${nodeCount} nodes plus ${UPGRADE_SURGE_NODES} upgrade surge node need ${wanted}; use a larger subnet or lower nodeCount`,
        ),
    ];
}

/** maxPods is within AKS's bounds. */
function maxPodsWithinBounds({ input, plugin }: RuleContext): Finding[] {
    const maxPods = input.maxPods;
    if (maxPods === undefined || (maxPods >= MIN_MAX_PODS && maxPods <= MAX_MAX_PODS)) return [];
    return [
        error(
            "maxPodsWithinBounds",
            "maxPods",
            { maxPods, min: MIN_MAX_PODS, max: MAX_MAX_PODS },
            `${maxPods} is out of range; use ${MIN_MAX_PODS} to ${MAX_MAX_PODS} (${plugin.title}'s default is ${plugin.defaultMaxPods})`,
        ),
    ];
}

/** The second (classic Azure CNI) cluster's node count and maxPods are within bounds. */
function azureCniCountsWithinBounds({ input }: RuleContext): Finding[] {
    if (!input.azureCniCluster) return [];
    const { azureCniNodeCount: nodeCount, azureCniMaxPods: maxPods } = input;
    const findings: Finding[] = [];
    if (nodeCount !== undefined && (nodeCount < 1 || nodeCount > NETWORK_PLUGINS.azureCni.maxNodes)) {
        findings.push(
            error(
                "azureCniCountsWithinBounds",
                "azureCniNodeCount",
                { azureCniNodeCount: nodeCount, max: NETWORK_PLUGINS.azureCni.maxNodes },
                `${nodeCount} is out of range; use 1 to ${NETWORK_PLUGINS.azureCni.maxNodes}`,
            ),
        );
    }
    if (maxPods !== undefined && (maxPods < MIN_MAX_PODS || maxPods > MAX_MAX_PODS)) {
        findings.push(
            error(
                "azureCniCountsWithinBounds",
                "azureCniMaxPods",
                { azureCniMaxPods: maxPods, min: MIN_MAX_PODS, max: MAX_MAX_PODS },
                `${maxPods} is out of range; use ${MIN_MAX_PODS} to ${MAX_MAX_PODS} (Azure CNI's default is ${NETWORK_PLUGINS.azureCni.defaultMaxPods})`,
            ),
        );
    }
    return findings;
}

/**
 * (azureCniNodeCount + 1 surge) x (azureCniMaxPods + 1) addresses fit in the usable addresses of
 * the azurecni subnet (concepts-network-legacy-cni.md). The problem names both keys and the
 * largest value of each that fits (0 when none does).
 */
function azureCniSubnetHoldsEveryPod({ input, ranges }: RuleContext): Finding[] {
    const subnet = ranges.get("azureCniSubnetCidr");
    const { azureCniNodeCount: nodeCount, azureCniMaxPods: maxPods } = input;
    if (!input.azureCniCluster || !subnet || nodeCount === undefined || maxPods === undefined) return [];
    if (
        nodeCount < 1 ||
        nodeCount > NETWORK_PLUGINS.azureCni.maxNodes ||
        maxPods < MIN_MAX_PODS ||
        maxPods > MAX_MAX_PODS
    )
        return [];
    const needed = (nodeCount + UPGRADE_SURGE_NODES) * azureCniAddressesPerNode(maxPods);
    const usable = usableSubnetAddresses(subnet);
    if (needed <= usable) return [];
    const largestNodeCount = azureCniMaxNodes(subnet, maxPods);
    const fittingPods = azureCniMaxPodsFor(subnet, nodeCount);
    const largestMaxPods = fittingPods >= MIN_MAX_PODS ? Math.min(fittingPods, MAX_MAX_PODS) : 0;
    return [
        error(
            "azureCniSubnetHoldsEveryPod",
            "azureCniNodeCount",
            {
                azureCniNodeCount: nodeCount,
                azureCniMaxPods: maxPods,
                azureCniSubnetCidr: subnet.text,
                needed,
                usable,
                largestNodeCount,
                largestMaxPods,
            },
            `azureCniNodeCount ${nodeCount} (+${UPGRADE_SURGE_NODES} upgrade surge node) x (azureCniMaxPods ${maxPods} + 1) = ${needed} addresses, ` +
                `but azureCniSubnetCidr ${subnet.text} has ${usable} after Azure's 5 reserved ones. ` +
                `${largestNodeCount >= 1 ? `The largest azureCniNodeCount that fits at azureCniMaxPods ${maxPods} is ${largestNodeCount}` : `No azureCniNodeCount fits at azureCniMaxPods ${maxPods}`}; ` +
                `${largestMaxPods > 0 ? `the largest azureCniMaxPods that fits at azureCniNodeCount ${nodeCount} is ${largestMaxPods}` : `no azureCniMaxPods of ${MIN_MAX_PODS} or more fits at azureCniNodeCount ${nodeCount}`}; ` +
                "or use a larger azureCniSubnetCidr",
        ),
    ];
}

/** The system pool's autoscaler starts at nodeCount and stops at most at a pool's 1,000 nodes. */
function autoscalerRange({ input }: RuleContext): Finding[] {
    const { autoscaleMaxCount: max, nodeCount } = input;
    if (max === undefined || nodeCount === undefined) return [];
    if (max < nodeCount)
        return [
            error(
                "autoscalerRange",
                "autoscaleMaxCount",
                { autoscaleMaxCount: max, nodeCount },
                `${max} is below nodeCount ${nodeCount}, where the autoscaler starts: use ${nodeCount} or more, or 0 for no autoscaler`,
            ),
        ];
    if (max > NODES_PER_POOL_LIMIT)
        return [
            error(
                "autoscalerRange",
                "autoscaleMaxCount",
                { autoscaleMaxCount: max, max: NODES_PER_POOL_LIMIT },
                `${max} is out of range; an AKS node pool holds at most ${NODES_PER_POOL_LIMIT} nodes`,
            ),
        ];
    return [];
}

/**
 * The main cluster at its peak (every pool at its autoscaler's maximum, plus the surge node) fits
 * the plan: kubenet's route table (400 routes, one per node), one /24 of the pod CIDR per node,
 * and one address of the node subnet per node. Only when an autoscaler or a user pool raises the
 * peak above nodeCount; nodeCount alone is the rules above. The error names the largest
 * autoscaleMaxCount that fits.
 */
function peakNodesFitPlan({ input, ranges, plugin }: RuleContext): Finding[] {
    if (input.nodeCount === undefined || (input.autoscaleMaxCount === undefined && !input.userPoolNodeCount)) return [];
    const peak = peakNodes(input);
    const pods = ranges.get("podCidr");
    const subnet = ranges.get("kubenetSubnetCidr");
    const limits: Array<[string, number]> = [
        ...(plugin.routeTable ? ([["the route table's routes", plugin.maxNodes]] as Array<[string, number]>) : []),
        ...(pods && plugin.podAddresses === "podCidrSlices"
            ? ([[`podCidr ${pods.text}'s /${NODE_POD_SLICE_PREFIX} slices`, podSliceCount(pods)]] as Array<
                  [string, number]
              >)
            : []),
        ...(subnet
            ? ([[`kubenetSubnetCidr ${subnet.text}'s addresses`, usableSubnetAddresses(subnet)]] as Array<
                  [string, number]
              >)
            : []),
    ];
    const exceeded = limits.filter(([, limit]) => peak.total > limit);
    if (exceeded.length === 0) return [];
    const room = Math.min(...limits.map(([, limit]) => limit)) - peak.user - UPGRADE_SURGE_NODES;
    const key =
        input.autoscaleMaxCount !== undefined
            ? "autoscaleMaxCount"
            : input.userPoolAutoscaleMaxCount
              ? "userPoolAutoscaleMaxCount"
              : "userPoolNodeCount";
    return [
        error(
            "peakNodesFitPlan",
            key,
            {
                peakNodes: peak.total,
                systemPool: peak.system,
                userPool: peak.user,
                limit: Math.min(...exceeded.map(([, limit]) => limit)),
                largestAutoscaleMaxCount: Math.max(0, room),
                plugin: plugin.name,
            },
            `at its peak the ${plugin.title} cluster has ${peak.system} system + ${peak.user} user + ${UPGRADE_SURGE_NODES} surge = ${peak.total} nodes, more than ${exceeded.map(([what, limit]) => `${what} (${limit})`).join(" and ")}; ` +
                (room >= (input.nodeCount ?? 1)
                    ? `the largest autoscaleMaxCount that fits is ${room}`
                    : "lower the user pool's counts") +
                ", or widen the plan",
        ),
    ];
}

/** Every rule, in the order their problems are reported. */
export const ADDRESS_PLAN_RULES: readonly Rule[] = [
    rangesParse,
    rangesAvoidAksReserved,
    subnetsInsideVnet,
    subnetsLargeEnough,
    subnetsDisjoint,
    overlayRangesOutsideVnet,
    overlayRangesAvoidDockerBridge,
    podAndServiceRangesDisjoint,
    serviceCidrSmallEnough,
    dnsServiceIpUsable,
    nodeCountWithinPluginLimit,
    podCidrHoldsEveryNode,
    nodeSubnetHoldsEveryNode,
    maxPodsWithinBounds,
    azureCniCountsWithinBounds,
    azureCniSubnetHoldsEveryPod,
    autoscalerRange,
    peakNodesFitPlan,
];

/** Runs every rule over `input`; the ranges that do not parse are left out of the others. */
export function checkAddressPlan(input: Partial<AddressPlanInput>): RuleFindings {
    const ranges = new Map<CidrKey, Cidr>();
    for (const key of CIDR_KEYS) {
        const parsed = input[key] === undefined ? undefined : parseCidr(input[key]);
        if (parsed?.ok) ranges.set(key, parsed.value);
    }
    const context: RuleContext = { input, ranges, plugin: NETWORK_PLUGINS[input.networkPlugin ?? "kubenet"] };
    const findings = ADDRESS_PLAN_RULES.flatMap((rule) => rule(context));
    const strip = ({ severity: _severity, ...problem }: Finding): Problem => problem;
    return {
        errors: findings.filter((found) => found.severity === "error").map(strip),
        warnings: findings.filter((found) => found.severity === "warning").map(strip),
    };
}
