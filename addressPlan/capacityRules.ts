/**
 * The address plan's counting rules: nodes, pods and their upgrade surge (surge.ts) against what
 * each plugin offers them (kubenet's route table, the pod CIDR's /24 slices, the node subnet's
 * addresses; classic Azure CNI's subnet for nodes and pods alike). Every user of the plan's counts
 * (config/, the policy pack, migrate) runs these, never a copy.
 */
import { error, Finding, RuleContext, warning } from "./findings";
import { MAX_MAX_PODS, MIN_MAX_PODS, NODE_POD_SLICE_PREFIX } from "./limits";
import {
    azureCniAddressesPerNode,
    azureCniMaxNodes,
    azureCniMaxPodsFor,
    peakNodes,
    podSliceCount,
    poolsWithSurge,
    usableSubnetAddresses,
} from "./plan";
import { NETWORK_PLUGINS, NODES_PER_POOL_LIMIT } from "./plugins";
import { DEFAULT_MAX_SURGE, largestPoolWithin, parseMaxSurge, surgeNodes, withSurge } from "./surge";

/** How a message names the surge: its nodes and the setting that makes them. */
const surgeText = (surge: number, maxSurge?: string) =>
    `${surge} upgrade surge node${surge === 1 ? "" : "s"} (maxSurge ${maxSurge ?? `unset: AKS's ${DEFAULT_MAX_SURGE}`})`;

/** maxSurge is a node count of at least 1 or a percentage from 1% to 100%. */
function maxSurgeValid({ input }: RuleContext): Finding[] {
    if (input.maxSurge === undefined) return [];
    const parsed = parseMaxSurge(input.maxSurge);
    return parsed.ok ? [] : [error("maxSurgeValid", "maxSurge", { maxSurge: input.maxSurge }, parsed.reason)];
}

/**
 * nodeCount fits the plugin: kubenet's route table holds 400 routes, an AKS pool 1000 nodes. The
 * surge needs routes too: past the table, upgrades cannot surge. With AKS's default surge that is
 * a warning (the tutorial's kubenet400 lab plan); a maxSurge you chose that cannot fit is an error.
 */
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
    const surge = surgeNodes(nodeCount, input.maxSurge);
    if (!plugin.routeTable || nodeCount + surge <= plugin.maxNodes) return [];
    const found = input.maxSurge === undefined ? warning : error;
    return [
        found(
            "nodeCountWithinPluginLimit",
            input.maxSurge === undefined ? "nodeCount" : "maxSurge",
            { ...values, surgeNodes: surge, ...(input.maxSurge === undefined ? {} : { maxSurge: input.maxSurge }) },
            `${nodeCount} nodes plus ${surgeText(surge, input.maxSurge)} need ${nodeCount + surge} routes, and the route table holds ${plugin.maxNodes}: ` +
                (nodeCount < plugin.maxNodes
                    ? `set maxSurge to at most ${plugin.maxNodes - nodeCount}, or lower nodeCount`
                    : "upgrades cannot surge; lower nodeCount"),
        ),
    ];
}

/** Every node gets a whole /24 of the pod CIDR, its upgrade surge included. */
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
    const surge = surgeNodes(nodeCount, input.maxSurge);
    const wanted = nodeCount + surge;
    if (nodeCount < 1 || podSliceCount(pods) >= wanted) return [];
    return [
        error(
            "podCidrHoldsEveryNode",
            "podCidr",
            { podCidr: pods.text, slices: podSliceCount(pods), needed: wanted, surgeNodes: surge },
            `${pods.text} holds ${podSliceCount(pods)} /${NODE_POD_SLICE_PREFIX} slices, but ${nodeCount} nodes plus ${surgeText(surge, input.maxSurge)} need ${wanted}; use a larger pod CIDR, a lower maxSurge or a lower nodeCount`,
        ),
    ];
}

/** The node subnet has an address for every node after Azure's 5 reserved ones, its upgrade surge included. */
function nodeSubnetHoldsEveryNode({ input, ranges }: RuleContext): Finding[] {
    const subnet = ranges.get("kubenetSubnetCidr");
    const nodeCount = input.nodeCount;
    if (!subnet || nodeCount === undefined || nodeCount < 1) return [];
    const surge = surgeNodes(nodeCount, input.maxSurge);
    const wanted = nodeCount + surge;
    const usable = usableSubnetAddresses(subnet);
    if (usable >= wanted) return [];
    return [
        error(
            "nodeSubnetHoldsEveryNode",
            "kubenetSubnetCidr",
            { kubenetSubnetCidr: subnet.text, usable, needed: wanted, surgeNodes: surge },
            `${subnet.text} has ${usable} addresses after Azure's 5 reserved ones, but ${nodeCount} nodes plus ${surgeText(surge, input.maxSurge)} need ${wanted}; use a larger subnet, a lower maxSurge or a lower nodeCount`,
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
 * (azureCniNodeCount + its surge) x (azureCniMaxPods + 1) addresses fit in the usable addresses of
 * the azurecni subnet (concepts-network-legacy-cni.md). The problem names both keys and the
 * largest value of each that fits (0 when none does).
 */
function azureCniSubnetHoldsEveryPod({ input, ranges }: RuleContext): Finding[] {
    const subnet = ranges.get("azureCniSubnetCidr");
    const { azureCniNodeCount: nodeCount, azureCniMaxPods: maxPods, maxSurge } = input;
    if (!input.azureCniCluster || !subnet || nodeCount === undefined || maxPods === undefined) return [];
    if (
        nodeCount < 1 ||
        nodeCount > NETWORK_PLUGINS.azureCni.maxNodes ||
        maxPods < MIN_MAX_PODS ||
        maxPods > MAX_MAX_PODS
    )
        return [];
    const others = input.azureCniMorePoolPeaks ?? [];
    const pools = [nodeCount, ...others];
    // Each pool surges by itself, rounded pool by pool (surge.ts).
    const surge = pools.reduce((sum, size) => sum + surgeNodes(size, maxSurge), 0);
    const needed = poolsWithSurge(pools, maxSurge) * azureCniAddressesPerNode(maxPods);
    const usable = usableSubnetAddresses(subnet);
    if (needed <= usable) return [];
    const largestNodeCount = azureCniMaxNodes(subnet, maxPods, maxSurge, others);
    const fittingPods = azureCniMaxPodsFor(subnet, pools, maxSurge);
    const largestMaxPods = fittingPods >= MIN_MAX_PODS ? Math.min(fittingPods, MAX_MAX_PODS) : 0;
    const otherNodes = others.reduce((sum, size) => sum + size, 0);
    const nodesText =
        others.length === 0
            ? `azureCniNodeCount ${nodeCount}`
            : `azureCniNodeCount ${nodeCount} + ${otherNodes} node${otherNodes === 1 ? "" : "s"} of its other pools`;
    return [
        error(
            "azureCniSubnetHoldsEveryPod",
            "azureCniNodeCount",
            {
                azureCniNodeCount: nodeCount,
                azureCniMaxPods: maxPods,
                azureCniSubnetCidr: subnet.text,
                ...(others.length > 0 ? { otherPoolNodes: otherNodes } : {}),
                surgeNodes: surge,
                needed,
                usable,
                largestNodeCount,
                largestMaxPods,
            },
            `${nodesText} (+${surgeText(surge, maxSurge)}) x (azureCniMaxPods ${maxPods} + 1) = ${needed} addresses, ` +
                `but azureCniSubnetCidr ${subnet.text} has ${usable} after Azure's 5 reserved ones. ` +
                `${largestNodeCount >= 1 ? `The largest azureCniNodeCount that fits at azureCniMaxPods ${maxPods} is ${largestNodeCount}` : `No azureCniNodeCount fits at azureCniMaxPods ${maxPods}`}; ` +
                `${largestMaxPods > 0 ? `the largest azureCniMaxPods that fits at azureCniNodeCount ${nodeCount} is ${largestMaxPods}` : `no azureCniMaxPods of ${MIN_MAX_PODS} or more fits at azureCniNodeCount ${nodeCount}`}; ` +
                "or use a larger azureCniSubnetCidr or a lower maxSurge",
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
 * The main cluster at its peak (every pool at its autoscaler's maximum, plus every pool's surge at
 * that size) fits the plan: kubenet's route table (400 routes, one per node), one /24 of the pod
 * CIDR per node (kubenet and Overlay), and one address of the node subnet per node. Only when an
 * autoscaler or a user pool raises the peak above nodeCount; nodeCount alone is the rules above.
 * The error names the largest autoscaleMaxCount that fits.
 */
function peakNodesFitPlan({ input, ranges, plugin }: RuleContext): Finding[] {
    const morePools = (input.moreUserPoolPeaks ?? []).length > 0;
    if (
        input.nodeCount === undefined ||
        (input.autoscaleMaxCount === undefined && !input.userPoolNodeCount && !morePools)
    )
        return [];
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
    // What the system pool may grow to: the tightest limit, less the user pools at their peak with
    // their surges, and never past a pool's own limit (autoscalerRange refuses more than 1,000 nodes).
    const userPoolsWithSurge = peak.total - withSurge(peak.system, input.maxSurge);
    const room = largestPoolWithin(
        Math.min(...limits.map(([, limit]) => limit)) - userPoolsWithSurge,
        input.maxSurge,
        plugin.maxNodes,
    );
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
                surgeNodes: peak.surge,
                limit: Math.min(...exceeded.map(([, limit]) => limit)),
                largestAutoscaleMaxCount: room,
                plugin: plugin.name,
            },
            `at its peak the ${plugin.title} cluster has ${peak.system} system + ${peak.user} user + ${surgeText(peak.surge, input.maxSurge)} = ${peak.total} nodes, more than ${exceeded.map(([what, limit]) => `${what} (${limit})`).join(" and ")}; ` +
                (room >= (input.nodeCount ?? 1)
                    ? `the largest autoscaleMaxCount that fits is ${room}`
                    : "lower the user pool's counts") +
                ", or lower maxSurge, or widen the plan",
        ),
    ];
}

/** The counting rules, in the order their problems are reported. */
export const CAPACITY_RULES = [
    maxSurgeValid,
    nodeCountWithinPluginLimit,
    podCidrHoldsEveryNode,
    nodeSubnetHoldsEveryNode,
    maxPodsWithinBounds,
    azureCniCountsWithinBounds,
    azureCniSubnetHoldsEveryPod,
    autoscalerRange,
    peakNodesFitPlan,
];
