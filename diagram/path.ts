/**
 * A packet's path through the wiring, hop by hop, from lab explain's steps: what it passes (pods,
 * cbr0, eth0, the VNet's router, the route table's route, a Service) inside what holds them (the
 * nodes, the route table, the VNet), each hop an arrow labelled with its step and the rule that
 * decides it (bridge, route, iptables/NAT, the route table, Azure's SDN), a decision taken in place
 * written on the box it is taken in, and the steps in words. Pure.
 */
import type { PathPoint, PathRule, PathStep } from "../lab/explain";
import { Box, Line, Link, Picture, problemLines, renderPicture } from "./scene";
import { missingRouteLine } from "./wiringNodes";
import { WiringModel, WiringNode, WiringPod } from "./wiringModel";

export const RULE_WORDS: Readonly<Record<PathRule, string>> = {
    bridge: "bridge",
    route: "route",
    nat: "iptables/NAT",
    routeTable: "route table",
    sdn: "Azure SDN",
    drop: "dropped",
};

export interface PathInput {
    readonly source: string;
    readonly destination: string;
    readonly steps: readonly PathStep[];
}

const pointKey = (point: PathPoint) => JSON.stringify(point);

/** A box on the path, and the container it belongs in (a node, the route table, the VNet, or none). */
interface Placed {
    readonly container: string;
    readonly box: Box;
}

interface Containers {
    readonly nodes: Map<string, WiringNode>;
}

function podLines(pod: WiringPod): Line[] {
    return [
        { text: pod.ip ?? "?", bold: true },
        { text: `pod ${pod.namespace}/${pod.name}` },
        ...(pod.veth
            ? [{ text: `eth0@if${pod.veth.hostIndex} <-> ${pod.veth.hostInterface}@if${pod.veth.podIndex}` }]
            : []),
        ...problemLines(pod.problems),
    ];
}

/** Where a point is drawn, and what its box says. */
function placePoint(model: WiringModel, point: PathPoint, id: string): Placed {
    const nodeWith = (test: (node: WiringNode) => boolean) => model.nodes.find(test);
    switch (point.kind) {
        case "pod": {
            for (const node of model.nodes) {
                const pod = [...node.pods, ...node.hostPods].find((candidate) => candidate.ip === point.ip);
                if (pod)
                    return {
                        container: `node:${node.name}`,
                        box: { id, tone: "pod", lines: podLines(pod), data: { role: "pod", ip: point.ip } },
                    };
            }
            return {
                container: "",
                box: {
                    id,
                    tone: "outside",
                    lines: [{ text: point.ip, bold: true }, { text: "a pod of the lab's other cluster" }],
                },
            };
        }
        case "bridge": {
            const node = nodeWith((candidate) => candidate.name === point.node);
            return {
                container: `node:${point.node}`,
                box: {
                    id,
                    tone: "bridge",
                    lines: [
                        { text: `cbr0 ${node?.bridgeIp ?? ""}`.trim(), bold: true },
                        { text: `pod CIDR ${node?.podCidr ?? "?"}` },
                    ],
                    data: { role: "bridge", node: point.node },
                },
            };
        }
        case "node": {
            const node = nodeWith((candidate) => candidate.ip === point.ip);
            return {
                container: node ? `node:${node.name}` : "vnet",
                box: node
                    ? {
                          id,
                          tone: "interface",
                          lines: [{ text: "eth0", bold: true }, { text: point.ip }],
                          data: { role: "eth0", ip: point.ip },
                      }
                    : {
                          id,
                          tone: "node",
                          lines: [{ text: `node ${point.ip}`, bold: true }, { text: "of the lab's other cluster" }],
                      },
            };
        }
        case "vnet":
            return {
                container: "vnet",
                box: {
                    id,
                    tone: "vnet",
                    lines: [
                        { text: "the VNet's router", bold: true },
                        { text: "each subnet's gateway (.1); Azure's SDN" },
                    ],
                    data: { role: "gateway" },
                },
            };
        case "route": {
            const route = model.routes.find((candidate) => candidate.prefix === point.prefix && !candidate.missing);
            const node = nodeWith((candidate) => candidate.podCidr === point.prefix);
            const missing = model.plugin.routeTable && !route;
            return {
                container: "vnet",
                box: {
                    id,
                    tone: model.plugin.routeTable ? "route" : "sdn",
                    problem: missing || (route?.problems.length ?? 0) > 0,
                    lines: missing
                        ? [
                              {
                                  text: `PROBLEM: MISSING ROUTE ${point.prefix}: the packet is dropped here`,
                                  problem: true,
                                  mark: "missing-route",
                              },
                          ]
                        : [
                              {
                                  text: model.plugin.routeTable
                                      ? `route table ${model.routeTableName ?? ""}, route ${route?.name ?? ""}`
                                      : `Azure's SDN (${model.plugin.title}), for ${node?.name ?? "?"}`,
                              },
                              { text: `${point.prefix} -> ${route?.nextHop ?? node?.ip ?? "?"}`, bold: true },
                              ...problemLines(route?.problems ?? []),
                          ],
                    data: { role: "route", prefix: point.prefix, ...(missing ? { missing: "true" } : {}) },
                },
            };
        }
        case "service": {
            const service = model.services.find((candidate) => candidate.clusterIp === point.ip);
            return {
                container: "services",
                box: {
                    id,
                    tone: "service",
                    lines: [
                        { text: `ClusterIP ${point.ip}`, bold: true },
                        { text: service ? `${service.namespace}/${service.name}` : "a Service" },
                    ],
                    data: { role: "service", ip: point.ip },
                },
            };
        }
        case "vm":
            return {
                container: "vnet",
                box: {
                    id,
                    tone: "outside",
                    lines: [{ text: `the VM ${point.ip}`, bold: true }, { text: "services subnet" }],
                },
            };
        case "internet":
            return {
                container: "",
                box: {
                    id,
                    tone: "outside",
                    lines: [{ text: `the internet host ${point.ip}`, bold: true }, { text: "outside Azure" }],
                },
            };
        case "nowhere":
            return {
                container: "",
                box: {
                    id,
                    tone: "problem",
                    problem: true,
                    lines: [{ text: `dropped: nothing delivers it to ${point.ip}`, problem: true }],
                    data: { role: "drop" },
                },
            };
    }
}

export function pathPicture(model: WiringModel, input: PathInput, id = "path"): Picture {
    const placed = new Map<string, Placed>();
    const notes = new Map<string, Line[]>();
    const links: Link[] = [];
    const boxFor = (point: PathPoint): string => {
        const key = pointKey(point);
        if (!placed.has(key)) placed.set(key, placePoint(model, point, `${id}-p${placed.size}`));
        return placed.get(key)!.box.id;
    };
    input.steps.forEach((step, stepIndex) =>
        step.hops.forEach((hop, hopIndex) => {
            const label = `${stepIndex + 1}. ${RULE_WORDS[hop.rule]}: ${hop.label}`;
            const from = boxFor(hop.from);
            if (pointKey(hop.from) === pointKey(hop.to)) {
                notes.set(from, [...(notes.get(from) ?? []), { text: label, bold: true }]);
                return;
            }
            const to = boxFor(hop.to);
            const toMissing = placed.get(pointKey(hop.to))!.box.data?.missing === "true";
            links.push({
                id: `${id}-hop${stepIndex}-${hopIndex}`,
                from,
                to,
                kind: "path",
                label,
                problem: hop.rule === "drop" || toMissing,
                data: { step: String(stepIndex + 1), rule: hop.rule },
            });
        }),
    );
    // Decisions taken in place (SNAT, DNAT) are written on the box they are taken in.
    const withNotes = (box: Box): Box =>
        notes.has(box.id) ? { ...box, lines: [...box.lines, ...notes.get(box.id)!] } : box;
    const inside = (container: string) =>
        [...placed.values()].filter((entry) => entry.container === container).map((entry) => withNotes(entry.box));
    const containers = { nodes: new Map(model.nodes.map((node) => [node.name, node])) } satisfies Containers;
    const nodeBoxes: Box[] = [...new Set([...placed.values()].map((entry) => entry.container))]
        .filter((container) => container.startsWith("node:"))
        .map((container, index) => {
            const node = containers.nodes.get(container.slice("node:".length))!;
            return {
                id: `${id}-node${index}`,
                tone: "node",
                problem: node.problems.length > 0 || node.missingRoute !== undefined,
                lines: [
                    { text: `${node.name} (${node.ip ?? "?"})`, bold: true },
                    ...problemLines(node.problems),
                    ...missingRouteLine(node),
                ],
                children: inside(container),
                data: { node: node.name },
            };
        });
    const vnet: Box = {
        id: `${id}-vnet`,
        tone: "vnet",
        lines: [{ text: `VNet ${model.vnetName} ${model.vnetCidr}`, bold: true }],
        children: [...inside("vnet"), ...nodeBoxes],
    };
    const services = inside("services");
    const serviceRange: Box[] =
        services.length > 0
            ? [
                  {
                      id: `${id}-service-cidr`,
                      tone: "range",
                      lines: [{ text: `service CIDR ${model.serviceCidr} (virtual)`, bold: true }],
                      children: services,
                  },
              ]
            : [];
    const steps: Box = {
        id: `${id}-steps`,
        tone: "legend",
        lines: [{ text: `From ${input.source} to ${input.destination}, step by step (lab explain)`, bold: true }],
        data: { role: "steps" },
        children: [
            {
                id: `${id}-steps-text`,
                tone: "caption",
                lines: input.steps.map((step, index) => ({ text: `${index + 1}. ${step.text}` })),
            },
        ],
    };
    return {
        id,
        title: `Path from ${input.source} to ${input.destination} in ${model.clusterName}`,
        description: `${input.steps.length} steps and ${links.length} hops through the ${model.plugin.title} wiring, from ${model.source}`,
        boxes: [
            {
                id: `${id}-flow`,
                tone: "caption",
                layout: "flow",
                lines: [
                    { text: `Path from ${input.source} to ${input.destination} in ${model.clusterName}`, bold: true },
                    { text: `from ${model.source}` },
                ],
                children: [...serviceRange, vnet, ...inside("")],
            },
            { ...steps, newRow: true },
        ],
        links,
        legend: [
            "vnet",
            "node",
            "interface",
            "bridge",
            "pod",
            model.plugin.routeTable ? "route" : "sdn",
            "service",
            "outside",
            "problem",
        ],
    };
}

export const drawPath = (model: WiringModel, input: PathInput, id?: string): Promise<string> =>
    renderPicture(pathPicture(model, input, id));
