/**
 * The tutorial's kubenet wiring (its figure 3), drawn from a wiring model: the VNet and its subnets,
 * each node with eth0, cbr0 and its pods on their veths, the route table with a route per node (or
 * Azure's SDN where there is none), the load balancer in the services subnet, the Services'
 * ClusterIPs, and every problem verify found, in words, where it is. The nodes are drawn by
 * diagram/wiringNodes.ts. Pure.
 */
import { Box, Link, Picture, problemLines, renderPicture } from "./scene";
import { Tone } from "./style";
import { nodeBoxes, podLines } from "./wiringNodes";
import { WiringModel, WiringRoute } from "./wiringModel";

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
