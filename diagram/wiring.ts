/**
 * The tutorial's kubenet wiring (its figure 3), drawn from a wiring model: the VNet and its subnets,
 * each node with eth0, cbr0 and its pods on their veths, the route table with a route per node (or
 * Azure's SDN where there is none), the load balancer in the services subnet, the Services'
 * ClusterIPs, and every problem verify found, in words, where it is. Pure.
 */
import { Box, LAYER_GAP, leafWidth, Line, Link, Picture, renderPicture } from "./scene";
import { Tone } from "./style";
import { WiringModel, WiringNode, WiringPod, WiringRoute } from "./wiringModel";

/**
 * Up to this many nodes each is drawn with its interfaces, pods and veths; above, each as a card
 * with its addresses and every pod IP, in groups (kubenet's ceiling is 400 nodes).
 */
export const DETAIL_LIMIT = 16;
/** Cards of a large cluster come in groups of this many, each group headed by its range. */
export const CARDS_PER_GROUP = 50;

export const problemLines = (problems: readonly string[], mark?: string): Line[] =>
    problems.map((text) => ({ text: `PROBLEM: ${text}`, problem: true, ...(mark ? { mark } : {}) }));

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

function podLines(pod: WiringPod): Line[] {
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

function nodeBoxes(model: WiringModel, links: Link[], prefix: string): Box[] {
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

function routeBox(route: WiringRoute, id: string): Box {
    if (route.missing)
        return {
            id,
            tone: "route",
            problem: true,
            lines: [
                { text: "PROBLEM: MISSING ROUTE", problem: true, mark: "missing-route" },
                { text: `${route.prefix ?? "?"} -> ${route.nextHop ?? "?"}`, bold: true },
                { text: `for ${route.node ?? "?"}` },
            ],
            data: {
                role: "route",
                missing: "true",
                ...(route.node ? { node: route.node } : {}),
                prefix: route.prefix ?? "",
            },
        };
    return {
        id,
        tone: "route",
        problem: route.problems.length > 0,
        lines: [
            { text: `${route.prefix ?? "?"} -> ${route.nextHop ?? route.nextHopType ?? "?"}`, bold: true },
            { text: `${route.name ?? "(no name)"} (${route.nextHopType ?? "?"})` },
            ...problemLines(route.problems),
        ],
        data: { role: "route", prefix: route.prefix ?? "", ...(route.node ? { node: route.node } : {}) },
    };
}

/** The route table (kubenet), or what carries the pods' addresses instead (Azure's SDN). */
export function routingBox(model: WiringModel, prefix: string): Box {
    if (model.plugin.routeTable) {
        const attached = model.routeTableAttached
            ? `attached to subnet ${model.subnetName}`
            : `NOT attached to subnet ${model.subnetName}`;
        const routes = [...model.routes].sort((a, b) =>
            (a.prefix ?? "").localeCompare(b.prefix ?? "", undefined, { numeric: true }),
        );
        return {
            id: `${prefix}-routes`,
            tone: "routeTable",
            newRow: true,
            lines: [
                {
                    text: `route table ${model.routeTableName ?? ""}: ${routes.filter((r) => !r.missing).length} routes`,
                    bold: true,
                },
                { text: attached, problem: !model.routeTableAttached },
            ],
            data: { role: "route-table" },
            children:
                routes.length > 0
                    ? routes.map((route, index) => routeBox(route, `${prefix}-r${index}`))
                    : [{ id: `${prefix}-r-none`, tone: "route", lines: [{ text: "no routes" }] }],
        };
    }
    const overlay = model.plugin.podAddresses === "podCidrSlices";
    return {
        id: `${prefix}-routes`,
        tone: "sdn",
        newRow: true,
        lines: [
            { text: `Azure's SDN (${model.plugin.title}): the subnet has no route table`, bold: true },
            {
                text: overlay
                    ? "it carries each node's slice to the node, for the cluster's own nodes"
                    : "it knows every pod's address (/32 via its node)",
            },
        ],
        data: { role: "sdn" },
        ...(overlay
            ? {
                  children: model.nodes.map((node, index): Box => ({
                      id: `${prefix}-s${index}`,
                      tone: "sdn",
                      lines: [{ text: `${node.podCidr ?? "?"} -> ${node.ip ?? "?"}`, bold: true }, { text: node.name }],
                      data: { role: "route", prefix: node.podCidr ?? "", node: node.name },
                  })),
              }
            : {}),
    };
}

function servicesSubnetBox(model: WiringModel, prefix: string): Box {
    const balancers = model.services.flatMap((service) => service.loadBalancerIps.map((ip) => ({ ip, service })));
    return {
        id: `${prefix}-services-subnet`,
        tone: "subnet",
        lines: [{ text: `subnet services ${model.servicesSubnetCidr}`, bold: true }],
        data: { role: "subnet", subnet: "services" },
        children:
            balancers.length > 0
                ? balancers.map(({ ip, service }, index) => ({
                      id: `${prefix}-lb${index}`,
                      tone: "service",
                      lines: [
                          { text: `internal load balancer ${ip}`, bold: true },
                          { text: `for ${service.namespace}/${service.name}` },
                      ],
                      data: { role: "load-balancer", ip },
                  }))
                : [
                      {
                          id: `${prefix}-lb-none`,
                          tone: "service",
                          lines: [{ text: "no load balancer address in the source" }],
                      },
                  ],
    };
}

export function serviceCidrBox(model: WiringModel, prefix: string): Box {
    const services = model.services.filter((service) => service.clusterIp || service.absent || service.problems.length);
    return {
        id: `${prefix}-service-cidr`,
        tone: "range",
        newRow: true,
        lines: [
            { text: `service CIDR ${model.serviceCidr}`, bold: true },
            { text: "virtual: kube-proxy's rules on every node answer these; nothing owns them on the wire" },
        ],
        data: { role: "service-cidr" },
        children: services.map((service, index) => ({
            id: `${prefix}-svc${index}`,
            tone: "service",
            problem: service.problems.length > 0,
            lines: [
                { text: service.absent ? "absent" : `ClusterIP ${service.clusterIp}`, bold: true },
                { text: `${service.namespace}/${service.name}${service.role ? `: ${service.role}` : ""}` },
                ...problemLines(service.problems),
            ],
            data: {
                role: "service",
                service: `${service.namespace}/${service.name}`,
                ...(service.clusterIp ? { ip: service.clusterIp } : {}),
            },
        })),
    };
}

function verdictBox(model: WiringModel, prefix: string): Box {
    return {
        id: `${prefix}-checks`,
        tone: "legend",
        newRow: true,
        lines: [{ text: "verify's checks on this source", bold: true }],
        children: [
            {
                id: `${prefix}-checks-list`,
                tone: "caption",
                lines: model.checks.map((check) =>
                    check.ok
                        ? { text: `PASS ${check.name}` }
                        : { text: `FAIL ${check.name}: ${check.observed}`, problem: true },
                ),
            },
        ],
    };
}

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export function wiringTitle(model: WiringModel): string {
    return `${model.plugin.title} wiring of ${model.clusterName}`;
}

/** One sentence for <desc> and the caption: what is drawn and what verify says. */
export function wiringSummary(model: WiringModel): string {
    const failed = model.checks.filter((check) => !check.ok).length;
    const pods = model.nodes.reduce((sum, node) => sum + node.pods.length, 0);
    const routes = model.plugin.routeTable
        ? `, ${counted(model.routes.filter((route) => !route.missing).length, "route")}`
        : "";
    return `${counted(model.nodes.length, "node")}, ${counted(pods, "pod")}${routes}, from ${model.source}; verify: ${model.checks.length - failed} checks passed, ${failed} failed`;
}

/** The boxes and links of the wiring, for the wiring picture and the path picture. */
export function wiringBoxes(model: WiringModel, prefix: string): { boxes: Box[]; links: Link[] } {
    const links: Link[] = [];
    const failed = model.checks.filter((check) => !check.ok);
    const caption: Box = {
        id: `${prefix}-caption`,
        tone: "caption",
        lines: [
            { text: wiringTitle(model), bold: true },
            { text: wiringSummary(model), problem: failed.length > 0 },
        ],
    };
    const nodeSubnet: Box = {
        id: `${prefix}-node-subnet`,
        tone: "subnet",
        lines: [
            {
                text: `subnet ${model.subnetName} ${model.subnetCidr}: ${counted(model.nodes.length, "node")}`,
                bold: true,
            },
            ...problemLines(model.subnetProblems, "subnet"),
        ],
        problem: model.subnetProblems.length > 0,
        data: { role: "subnet", subnet: model.subnetName },
        children: nodeBoxes(model, links, prefix),
    };
    const vnet: Box = {
        id: `${prefix}-vnet`,
        tone: "vnet",
        newRow: true,
        lines: [{ text: `VNet ${model.vnetName} ${model.vnetCidr}`, bold: true }],
        data: { role: "vnet" },
        children: [nodeSubnet, routingBox(model, prefix), servicesSubnetBox(model, prefix)],
    };
    const podRange: Box[] = model.podCidr
        ? [
              {
                  id: `${prefix}-pod-cidr`,
                  tone: "range",
                  newRow: true,
                  lines: [
                      { text: `pod CIDR ${model.podCidr}`, bold: true },
                      {
                          text: `outside the VNet: each node holds one /24 of it${model.plugin.routeTable ? ", the route table carries each to its node" : ""}`,
                      },
                  ],
                  data: { role: "pod-cidr" },
              },
          ]
        : [];
    const strays: Box[] =
        model.strayPods.length > 0 || model.clusterProblems.length > 0
            ? [
                  {
                      id: `${prefix}-elsewhere`,
                      tone: "legend",
                      newRow: true,
                      problem: model.clusterProblems.length > 0 || model.strayPods.some((pod) => pod.problems.length),
                      lines: [
                          { text: "pods on no node of the source, and the cluster's own problems", bold: true },
                          ...problemLines(model.clusterProblems, "cluster"),
                      ],
                      children: model.strayPods.map((pod, index) => ({
                          id: `${prefix}-x${index}`,
                          tone: "pod",
                          problem: pod.problems.length > 0,
                          lines: [...podLines(pod), { text: `node ${pod.node ?? "(none)"}` }],
                          data: { role: "pod", pod: `${pod.namespace}/${pod.name}`, ...(pod.ip ? { ip: pod.ip } : {}) },
                      })),
                  },
              ]
            : [];
    return {
        boxes: [caption, vnet, ...podRange, serviceCidrBox(model, prefix), ...strays, verdictBox(model, prefix)],
        links,
    };
}

const WIRING_LEGEND: readonly Tone[] = [
    "vnet",
    "subnet",
    "node",
    "interface",
    "bridge",
    "pod",
    "hostPod",
    "route",
    "service",
    "range",
    "problem",
];

export function wiringPicture(model: WiringModel, id = "wiring"): Picture {
    const { boxes, links } = wiringBoxes(model, id);
    const legend = WIRING_LEGEND.filter(
        (tone) =>
            (tone !== "bridge" || model.plugin.podAddresses === "podCidrSlices") &&
            (tone !== "route" || model.plugin.routeTable),
    );
    return {
        id,
        title: wiringTitle(model),
        description: wiringSummary(model),
        boxes,
        links,
        legend: model.plugin.routeTable ? legend : [...legend.slice(0, -1), "sdn", "problem"],
    };
}

export const drawWiring = (model: WiringModel, id?: string): Promise<string> => renderPicture(wiringPicture(model, id));
