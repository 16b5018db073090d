/**
 * The wiring with a packet's path drawn on it, hop by hop, from lab explain's steps: each hop an
 * arrow labelled with its step and the rule that decides it (bridge, route, iptables/NAT, the route
 * table, Azure's SDN), decisions taken in place as notes, and the step list in words. Pure.
 */
import type { Hop, PathPoint, PathRule, PathStep } from "../lab/explain";
import { Box, Link, Picture, renderPicture } from "./scene";
import { wiringBoxes } from "./wiring";
import { WiringModel } from "./wiringModel";

/** Clusters up to this size are drawn whole; larger ones, only the nodes on the path. */
export const WHOLE_CLUSTER_LIMIT = 6;

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

/** Finds the box a point is drawn as, by the data the wiring puts on its boxes. */
function findBox(boxes: readonly Box[], point: PathPoint, prefix: string): string | undefined {
    const matches = (box: Box): boolean => {
        const data = box.data ?? {};
        switch (point.kind) {
            case "pod":
                return data.role === "pod" && data.ip === point.ip;
            case "bridge":
                return data.role === "bridge" && data.node === point.node;
            case "node":
                return data.role === "eth0" && data.ip === point.ip;
            case "route":
                return data.role === "route" && data.prefix === point.prefix && data.missing !== "true";
            case "service":
                return data.role === "service" && data.ip === point.ip;
            case "vnet":
                return box.id === `${prefix}-gateway`;
            default:
                return false;
        }
    };
    const walk = (list: readonly Box[]): string | undefined => {
        for (const box of list) {
            if (matches(box)) return box.id;
            const inner = walk(box.children ?? []);
            if (inner) return inner;
        }
        return undefined;
    };
    return walk(boxes);
}

/** What a point outside the drawn wiring is, in words. */
function outsideLines(point: PathPoint): { text: string; bold?: boolean; problem?: boolean }[] {
    switch (point.kind) {
        case "vm":
            return [{ text: `the VM ${point.ip}`, bold: true }, { text: "services subnet" }];
        case "internet":
            return [{ text: `the internet host ${point.ip}`, bold: true }, { text: "outside Azure" }];
        case "nowhere":
            return [{ text: `PROBLEM: dropped, never reaches ${point.ip}`, problem: true }];
        case "route":
            return [{ text: `PROBLEM: no route ${point.prefix} in the table: dropped`, problem: true }];
        default:
            return [
                { text: `${"ip" in point ? point.ip : point.kind}`, bold: true },
                { text: "outside this picture's cluster" },
            ];
    }
}

/** The nodes a path touches, by name. */
function nodesOnPath(model: WiringModel, steps: readonly PathStep[]): Set<string> {
    const names = new Set<string>();
    for (const hop of steps.flatMap((step) => step.hops))
        for (const point of [hop.from, hop.to])
            for (const node of model.nodes) {
                const on =
                    (point.kind === "bridge" && point.node === node.name) ||
                    (point.kind === "node" && point.ip === node.ip) ||
                    (point.kind === "pod" && [...node.pods, ...node.hostPods].some((pod) => pod.ip === point.ip)) ||
                    (point.kind === "route" && point.prefix === node.podCidr);
                if (on) names.add(node.name);
            }
    return names;
}

export function pathPicture(full: WiringModel, input: PathInput, id = "path"): Picture {
    const onPath = nodesOnPath(full, input.steps);
    const whole = full.nodes.length <= WHOLE_CLUSTER_LIMIT;
    const nodes = whole ? full.nodes : full.nodes.filter((node) => onPath.has(node.name));
    const prefixes = new Set(nodes.map((node) => node.podCidr));
    const model: WiringModel = {
        ...full,
        nodes,
        routes: whole ? full.routes : full.routes.filter((route) => prefixes.has(route.prefix)),
    };
    const { boxes: wiring, links } = wiringBoxes(model, id);
    const gateway: Box = {
        id: `${id}-gateway`,
        tone: "vnet",
        lines: [{ text: "the VNet's router", bold: true }, { text: "each subnet's gateway (.1); Azure's SDN" }],
        data: { role: "gateway" },
    };
    // The gateway goes into the VNet box, beside the subnets.
    const boxes = wiring.map((box) =>
        box.id === `${id}-vnet` ? { ...box, children: [gateway, ...(box.children ?? [])] } : box,
    );
    const extra = new Map<string, Box>();
    const boxOf = (point: PathPoint): string => {
        const found = findBox(boxes, point, id);
        if (found) return found;
        const key = pointKey(point);
        if (!extra.has(key))
            extra.set(key, {
                id: `${id}-x${extra.size}`,
                tone: point.kind === "nowhere" || point.kind === "route" ? "problem" : "outside",
                problem: point.kind === "nowhere" || point.kind === "route",
                lines: outsideLines(point),
                data: { role: "outside" },
            });
        return extra.get(key)!.id;
    };
    const pathLinks: Link[] = [];
    const notes: Box[] = [];
    input.steps.forEach((step, stepIndex) =>
        step.hops.forEach((hop: Hop, hopIndex) => {
            const label = `${stepIndex + 1}. ${RULE_WORDS[hop.rule]}: ${hop.label}`;
            const key = `${id}-hop${stepIndex}-${hopIndex}`;
            const from = boxOf(hop.from);
            if (pointKey(hop.from) === pointKey(hop.to)) {
                notes.push({
                    id: `${key}-note`,
                    tone: "step",
                    lines: [{ text: label, bold: true }],
                    data: { role: "hop" },
                });
                pathLinks.push({
                    id: key,
                    from,
                    to: `${key}-note`,
                    kind: "wire",
                    data: { step: String(stepIndex + 1) },
                });
                return;
            }
            const to = boxOf(hop.to);
            const missingRoute = hop.to.kind === "route" && extra.has(pointKey(hop.to));
            pathLinks.push({
                id: key,
                from,
                to,
                kind: "path",
                label: missingRoute ? `${label} (PROBLEM: route missing)` : label,
                problem: missingRoute || hop.rule === "drop",
                data: { step: String(stepIndex + 1), rule: hop.rule },
            });
        }),
    );
    const stepList: Box = {
        id: `${id}-steps`,
        tone: "legend",
        lines: [
            { text: `The path from ${input.source} to ${input.destination}, step by step (lab explain)`, bold: true },
        ],
        data: { role: "steps" },
        children: [
            {
                id: `${id}-steps-text`,
                tone: "caption",
                lines: input.steps.map((step, index) => ({ text: `${index + 1}. ${step.text}` })),
            },
        ],
    };
    const drawn = whole ? "" : `; ${nodes.length} of ${full.nodes.length} nodes drawn: those on the path`;
    return {
        id,
        title: `Path from ${input.source} to ${input.destination} in ${full.clusterName}`,
        description: `${input.steps.length} steps, ${pathLinks.length} hops, from ${full.source}${drawn}`,
        boxes: [stepList, ...boxes, ...extra.values(), ...notes],
        links: [...links, ...pathLinks],
        crossLinks: true,
        legend: [
            "vnet",
            "subnet",
            "node",
            "interface",
            "bridge",
            "pod",
            "route",
            "service",
            "step",
            "outside",
            "problem",
        ],
    };
}

export const drawPath = (model: WiringModel, input: PathInput, id?: string): Promise<string> =>
    renderPicture(pathPicture(model, input, id));
