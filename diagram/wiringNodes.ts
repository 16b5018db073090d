/**
 * The nodes of the wiring picture (diagram/wiring.ts): up to DETAIL_LIMIT, each drawn whole with
 * eth0, cbr0 (kubenet) and its pods on their veths; above, each as a card with its addresses and
 * every pod IP, in groups by pool and range. Every problem verify found is said where it is. Pure.
 */
import { Box, LAYER_GAP, leafWidth, Line, Link, problemLines } from "./scene";
import { Tone } from "./style";
import { WiringModel, WiringNode, WiringPod } from "./wiringModel";

/**
 * Up to this many nodes each is drawn with its interfaces, pods and veths; above, each as a card
 * with its addresses and every pod IP, in groups (kubenet's ceiling is 400 nodes).
 */
export const DETAIL_LIMIT = 16;
/** Cards of a large cluster come in groups of this many, each group headed by its range. */
export const CARDS_PER_GROUP = 50;

export function missingRouteLine(node: WiringNode): Line[] {
    if (!node.missingRoute) return [];
    const { prefix, nextHop } = node.missingRoute;
    return [
        {
            text: `PROBLEM: MISSING ROUTE: the route table has no ${prefix} -> ${nextHop ?? "this node"}`,
            problem: true,
            mark: "missing-route",
        },
    ];
}

const hasProblem = (node: WiringNode) =>
    node.problems.length > 0 ||
    node.missingRoute !== undefined ||
    [...node.pods, ...node.hostPods].some((pod) => pod.problems.length > 0);

export function podLines(pod: WiringPod): Line[] {
    const veth = pod.veth
        ? [{ text: `eth0@if${pod.veth.hostIndex} <-> ${pod.veth.hostInterface}@if${pod.veth.podIndex}` }]
        : pod.hostInterface
          ? [{ text: `${pod.ip}/32 dev ${pod.hostInterface}` }]
          : [];
    return [
        {
            text: pod.ip ? (pod.hostNetwork ? `${pod.ip} (hostNetwork)` : pod.ip) : `no IP (${pod.phase ?? "?"})`,
            bold: true,
        },
        { text: `${pod.namespace}/${pod.name}` },
        ...veth,
        ...problemLines(pod.problems),
    ];
}

function nodeHeader(node: WiringNode): Line[] {
    return [{ text: node.name, bold: true }, ...problemLines(node.problems), ...missingRouteLine(node)];
}

const nodeData = (node: WiringNode) => ({ node: node.name, ...(node.ip ? { ip: node.ip } : {}) });

/** A node drawn whole: eth0, cbr0 (kubenet), its pods with their veths, hostNetwork pods on eth0. */
function detailedNode(model: WiringModel, node: WiringNode, id: string, links: Link[]): Box {
    const slices = model.plugin.podAddresses === "podCidrSlices";
    const eth0: Box = {
        id: `${id}-eth0`,
        tone: "interface",
        lines: [{ text: "eth0", bold: true }, { text: node.ip ?? "no InternalIP" }],
        data: { role: "eth0", ...(node.ip ? { ip: node.ip } : {}) },
    };
    const bridge: Box | undefined = slices
        ? {
              id: `${id}-cbr0`,
              tone: "bridge",
              lines: [
                  {
                      text: model.plugin.name === "kubenet" ? `cbr0 ${node.bridgeIp ?? ""}`.trim() : "pods' slice",
                      bold: true,
                  },
                  { text: `pod CIDR ${node.podCidr ?? "none"}` },
              ],
              data: { role: "bridge", node: node.name },
          }
        : undefined;
    const podBox = (pod: WiringPod, boxId: string, tone: Tone): Box => ({
        id: boxId,
        tone,
        lines: podLines(pod),
        problem: pod.problems.length > 0,
        data: { role: "pod", pod: `${pod.namespace}/${pod.name}`, ...(pod.ip ? { ip: pod.ip } : {}) },
    });
    const pods = node.pods.map((pod, index) => podBox(pod, `${id}-p${index}`, "pod"));
    const hostPods = node.hostPods.map((pod, index) => podBox(pod, `${id}-h${index}`, "hostPod"));
    const podParent = bridge ?? eth0;
    // Pods sit beside eth0 (and cbr0): their words wrap in the width those leave.
    const besidePods = leafWidth(eth0.lines) + LAYER_GAP + (bridge ? leafWidth(bridge.lines) + LAYER_GAP : 0);
    const besideHostPods = leafWidth(eth0.lines) + LAYER_GAP;
    if (bridge) links.push({ id: `${id}-l-bridge`, from: eth0.id, to: bridge.id, kind: "wire" });
    pods.forEach((pod) => links.push({ id: `${pod.id}-l`, from: podParent.id, to: pod.id, kind: "wire" }));
    hostPods.forEach((pod) => links.push({ id: `${pod.id}-l`, from: eth0.id, to: pod.id, kind: "wire" }));
    return {
        id,
        tone: "node",
        layout: "right",
        lines: nodeHeader(node),
        problem: hasProblem(node),
        data: nodeData(node),
        children: [
            eth0,
            ...(bridge ? [bridge] : []),
            ...hostPods.map((pod) => ({ ...pod, reserve: besideHostPods })),
            ...pods.map((pod) => ({ ...pod, reserve: besidePods })),
        ],
    };
}

/** Pod addresses, a few to a line: every one of them readable, the card kept narrow. */
export function ipLines(ips: readonly string[], perLine = 3): Line[] {
    const lines: Line[] = [];
    for (let start = 0; start < ips.length; start += perLine)
        lines.push({ text: `  ${ips.slice(start, start + perLine).join(", ")}` });
    return lines;
}

/** A node as a card (large clusters): its addresses, its pods' IPs, its problems. */
function nodeCard(model: WiringModel, node: WiringNode, id: string): Box {
    const slices = model.plugin.podAddresses === "podCidrSlices";
    const ips = node.pods.flatMap((pod) => (pod.ip ? [pod.ip] : []));
    return {
        id,
        tone: "node",
        lines: [
            ...nodeHeader(node),
            { text: `eth0 ${node.ip ?? "no InternalIP"}` },
            ...(slices
                ? [{ text: `pod CIDR ${node.podCidr ?? "none"}${node.bridgeIp ? ` cbr0 ${node.bridgeIp}` : ""}` }]
                : []),
            { text: `${node.pods.length} pods${ips.length > 0 ? ":" : ""}` },
            ...ipLines(ips),
            ...node.pods.flatMap((pod) => problemLines(pod.problems)),
        ],
        problem: hasProblem(node),
        data: nodeData(node),
    };
}

/** The subnet's nodes: each drawn whole up to DETAIL_LIMIT, as cards above; grouped by pool and range. */
export function nodeBoxes(model: WiringModel, links: Link[], prefix: string): Box[] {
    const detailed = model.nodes.length <= DETAIL_LIMIT;
    const draw = (node: WiringNode, index: number) =>
        detailed
            ? detailedNode(model, node, `${prefix}-n${index}`, links)
            : nodeCard(model, node, `${prefix}-n${index}`);
    const pools = [...new Set(model.nodes.map((node) => node.pool ?? ""))];
    const indexed = model.nodes.map((node, index) => ({ node, index }));
    if (detailed && pools.length <= 1) return indexed.map(({ node, index }) => draw(node, index));
    // Large clusters and several pools: groups, each headed by its pool and range of nodes.
    const groups: Box[] = [];
    for (const [poolIndex, pool] of pools.entries()) {
        const members = indexed.filter(({ node }) => (node.pool ?? "") === pool);
        for (let start = 0; start < members.length; start += detailed ? members.length : CARDS_PER_GROUP) {
            const chunk = members.slice(start, detailed ? members.length : start + CARDS_PER_GROUP);
            groups.push({
                id: `${prefix}-g${poolIndex}-${start}`,
                tone: "legend",
                newRow: true,
                lines: [
                    {
                        text: `${pool ? `pool ${pool}: ` : ""}nodes ${start + 1}-${start + chunk.length} of ${members.length}`,
                        bold: true,
                    },
                ],
                children: chunk.map(({ node, index }) => draw(node, index)),
            });
        }
    }
    return groups;
}
