/**
 * A picture as boxes, text lines and links, laid out by ELK (the Eclipse Layout Kernel, elkjs) and
 * written as one SVG string. Nothing here knows networks: the pictures (plan.ts, wiring.ts, ...)
 * say what is in a box; ELK says where it goes. Pure: data in, SVG text out (ELK's layout is
 * asynchronous, so the string comes as a promise).
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkLabel, ElkNode } from "elkjs/lib/elk-api";
import {
    BASELINE,
    CHAR_WIDTH,
    escapeXml,
    FONT_FAMILY,
    FONT_SIZE,
    LINE_HEIGHT,
    MAX_PICTURE_WIDTH,
    PAD_X,
    PAD_Y,
    PATH_COLOUR,
    PROBLEM_TEXT_COLOUR,
    TEXT_COLOUR,
    textWidth,
    Tone,
    TONES,
    wrapLine,
} from "./style";

export interface Line {
    readonly text: string;
    readonly bold?: boolean;
    /** The words of a problem: bold, in the problem's colour. */
    readonly problem?: boolean;
    /** A mark readers and tests find the line by (data-mark), e.g. missing-route. */
    readonly mark?: string;
}

/** A problem said in words where it is: each a line in the problem's colour, with a mark if given. */
export const problemLines = (problems: readonly string[], mark?: string): Line[] =>
    problems.map((text) => ({ text: `PROBLEM: ${text}`, problem: true, ...(mark ? { mark } : {}) }));

/** How a box places its children: in rows (wrapped at the width), or in a flow along its links. */
export type Layout = "rows" | "right" | "down" | "flow";

export interface Box {
    /** Unique in the picture (letters, digits, '-', '_'). */
    readonly id: string;
    readonly tone: Tone;
    /** A leaf's text; a box with children shows them as its header. */
    readonly lines: readonly Line[];
    readonly children?: readonly Box[];
    readonly layout?: Layout;
    /** In a parent laid out in rows: start a new row. */
    readonly newRow?: boolean;
    /** Width the box leaves to its siblings beside it in a flow (its text wraps within the rest). */
    readonly reserve?: number;
    /** Marked as a problem: dashed vermillion border (the words say PROBLEM too). */
    readonly problem?: boolean;
    /** data-* attributes, for readers of the SVG and for tests (names without the data- prefix). */
    readonly data?: Readonly<Record<string, string>>;
}

export interface Link {
    readonly id: string;
    readonly from: string;
    readonly to: string;
    readonly label?: string;
    /** wire: a plain line (a veth, a link); path: the packet's way, thick with an arrow. */
    readonly kind: "wire" | "path";
    readonly problem?: boolean;
    readonly data?: Readonly<Record<string, string>>;
}

export interface LegendEntry {
    readonly tone: Tone;
    readonly meaning: string;
}

export interface Picture {
    /** Prefix of the SVG's own ids, unique on a page that holds several pictures. */
    readonly id: string;
    readonly title: string;
    readonly description: string;
    readonly boxes: readonly Box[];
    readonly links?: readonly Link[];
    /** The tones the legend explains, in order (a tone's own words, or the picture's). */
    readonly legend: readonly (Tone | LegendEntry)[];
    readonly width?: number;
}

const GAP = 10;
const HEADER_GAP = 4;
const INNER_PAD = 8;

const elk = new ELK();

const headerHeight = (lines: number) => (lines === 0 ? INNER_PAD : PAD_Y + lines * LINE_HEIGHT + HEADER_GAP);
const columnsFor = (width: number) => Math.max(8, Math.floor((width - 2 * PAD_X) / CHAR_WIDTH));

/** The box's lines wrapped to the width it may take. */
function wrapped(lines: readonly Line[], width: number): Line[] {
    return lines.flatMap((line) => wrapLine(line.text, columnsFor(width)).map((text) => ({ ...line, text })));
}

const boxWidth = (lines: readonly Line[]) => Math.max(0, ...lines.map((line) => textWidth(line.text))) + 2 * PAD_X;
/** A leaf's width for these lines. */
export const leafWidth = boxWidth;
/** What a flow puts between two boxes side by side: the spacing between layers and an edge's turn. */
export const LAYER_GAP = 40;

interface Placed {
    readonly box: Box;
    readonly lines: readonly Line[];
}

function layoutOptionsFor(box: Box, budget: number, inFlow: boolean): Record<string, string> {
    const layout = box.layout ?? (inFlow ? "down" : "rows");
    const header = headerHeight(box.lines.length);
    const common: Record<string, string> = {
        "elk.padding": `[top=${header},left=${INNER_PAD},bottom=${INNER_PAD},right=${INNER_PAD}]`,
        "elk.spacing.nodeNode": String(GAP),
        "elk.nodeSize.constraints": "[MINIMUM_SIZE]",
        // elkjs 0.12.2 lays a flow (layered, DOWN, INCLUDE_CHILDREN) out transposed and does not turn a
        // nested box's minimum size back: inside a flow it is given as (height, width). The browser
        // tests catch a header left outside its box.
        "elk.nodeSize.minimum": inFlow
            ? `(${header + INNER_PAD},${boxWidth(box.lines)})`
            : `(${boxWidth(box.lines)},${header + INNER_PAD})`,
    };
    if (layout === "rows" && !inFlow)
        return {
            ...common,
            "elk.algorithm": "rectpacking",
            "elk.rectpacking.widthApproximation.strategy": "TARGET_WIDTH",
            "elk.rectpacking.widthApproximation.targetWidth": String(budget - 2 * INNER_PAD),
            "elk.rectpacking.packing.strategy": "SIMPLE",
        };
    return {
        ...common,
        "elk.algorithm": "layered",
        "elk.direction": layout === "right" ? "RIGHT" : "DOWN",
        ...(layout === "flow" ? { "elk.hierarchyHandling": "INCLUDE_CHILDREN" } : {}),
        "elk.edgeRouting": "ORTHOGONAL",
        "elk.layered.spacing.nodeNodeBetweenLayers": "28",
        "elk.spacing.edgeLabel": "4",
        "elk.edgeLabels.inline": "false",
        "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
    };
}

function toElk(box: Box, offered: number, inFlow: boolean, placed: Map<string, Placed>): ElkNode {
    const budget = offered - (box.reserve ?? 0);
    const lines = wrapped(box.lines, budget);
    placed.set(box.id, { box, lines });
    const rowOptions: Record<string, string> = box.newRow ? { "elk.rectpacking.inNewRow": "true" } : {};
    if (!box.children || box.children.length === 0) {
        return {
            id: box.id,
            width: boxWidth(lines),
            height: lines.length * LINE_HEIGHT + 2 * PAD_Y,
            layoutOptions: rowOptions,
        };
    }
    const inner = budget - 2 * INNER_PAD;
    return {
        id: box.id,
        layoutOptions: { ...layoutOptionsFor({ ...box, lines }, budget, inFlow), ...rowOptions },
        children: box.children.map((child) => toElk(child, inner, inFlow || box.layout === "flow", placed)),
        edges: [],
    };
}

/** Each link goes into the lowest box that holds both its ends (ELK's rule for nested graphs). */
function attachLinks(root: ElkNode, links: readonly Link[]): void {
    const parent = new Map<string, ElkNode>();
    const walk = (node: ElkNode) =>
        node.children?.forEach((child) => {
            parent.set(child.id, node);
            walk(child);
        });
    walk(root);
    const ancestors = (id: string) => {
        const chain: ElkNode[] = [];
        for (let node = parent.get(id); node; node = parent.get(node.id)) chain.push(node);
        return chain;
    };
    for (const link of links) {
        const fromChain = ancestors(link.from);
        const toChain = new Set(ancestors(link.to).map((node) => node.id));
        const holder = fromChain.find((node) => toChain.has(node.id)) ?? root;
        const labels: ElkLabel[] = link.label
            ? [{ text: link.label, width: textWidth(link.label) + 2 * 3, height: LINE_HEIGHT }]
            : [];
        const edge: ElkExtendedEdge = { id: link.id, sources: [link.from], targets: [link.to], labels };
        (holder.edges ??= []).push(edge);
    }
}

const round = (value: number) => Math.round(value * 10) / 10;
const dataAttributes = (data: Readonly<Record<string, string>> | undefined) =>
    Object.entries(data ?? {})
        .map(([key, value]) => ` data-${key}="${escapeXml(value)}"`)
        .join("");

function renderBox(node: ElkNode, placed: Map<string, Placed>, out: string[]): void {
    const { box, lines } = placed.get(node.id)!;
    const tone = TONES[box.problem ? "problem" : box.tone];
    const [x, y, width, height] = [node.x ?? 0, node.y ?? 0, node.width ?? 0, node.height ?? 0].map(round);
    const dashed = tone.dashed || box.problem ? ` stroke-dasharray="6 3"` : "";
    const strokeWidth = box.problem ? 2 : 1;
    out.push(`<g class="box tone-${box.tone}" data-box="${escapeXml(box.id)}"${dataAttributes(box.data)}>`);
    if (box.tone !== "caption")
        out.push(
            `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="4" fill="${tone.fill}" stroke="${tone.stroke}" stroke-width="${strokeWidth}"${dashed}/>`,
        );
    lines.forEach((line, index) => {
        const attributes = [
            line.bold || line.problem ? ` font-weight="bold"` : "",
            line.problem ? ` fill="${PROBLEM_TEXT_COLOUR}"` : "",
            line.mark ? ` data-mark="${escapeXml(line.mark)}"` : "",
        ].join("");
        out.push(
            `<text x="${round(x + PAD_X)}" y="${round(y + PAD_Y + index * LINE_HEIGHT + BASELINE)}"${attributes}>${escapeXml(line.text)}</text>`,
        );
    });
    for (const child of node.children ?? []) renderBox(child, placed, out);
    out.push("</g>");
}

function renderLink(edge: ElkExtendedEdge, link: Link, out: string[], markerId: string): void {
    const points = (edge.sections ?? []).flatMap((section) => [
        section.startPoint,
        ...(section.bendPoints ?? []),
        section.endPoint,
    ]);
    if (points.length === 0) return;
    const d = points.map((point, index) => `${index === 0 ? "M" : "L"}${round(point.x)},${round(point.y)}`).join(" ");
    const path = link.kind === "path";
    const colour = link.problem ? TONES.problem.stroke : path ? PATH_COLOUR : "#555555";
    out.push(
        `<g class="link link-${link.kind}" data-link="${escapeXml(link.id)}"${dataAttributes(link.data)}>` +
            `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${path ? 2.5 : 1.2}"${link.problem ? ` stroke-dasharray="6 3"` : ""}${path ? ` marker-end="url(#${markerId})"` : ""}/>`,
    );
    for (const label of edge.labels ?? []) {
        const [x, y] = [round(label.x ?? 0), round(label.y ?? 0)];
        out.push(
            `<rect x="${x}" y="${y}" width="${round(label.width ?? 0)}" height="${round(label.height ?? 0)}" fill="#ffffff" stroke="${colour}" stroke-width="0.8" rx="3"/>` +
                `<text x="${round(x + 3)}" y="${round(y + BASELINE + 1)}"${link.problem ? ` fill="${PROBLEM_TEXT_COLOUR}" font-weight="bold"` : ""}>${escapeXml(label.text ?? "")}</text>`,
        );
    }
    out.push("</g>");
}

function legendBox(picture: Picture): Box {
    return {
        id: `${picture.id}-legend`,
        tone: "legend",
        lines: [{ text: "Legend", bold: true }],
        newRow: true,
        data: { role: "legend" },
        children: picture.legend.map((entry) => {
            const { tone, meaning } =
                typeof entry === "string" ? { tone: entry, meaning: TONES[entry].meaning } : entry;
            return {
                id: `${picture.id}-legend-${tone}`,
                tone,
                lines: [{ text: tone === "problem" ? "PROBLEM: what verify found wrong, where it is" : meaning }],
                ...(tone === "problem" ? { problem: true } : {}),
            };
        }),
    };
}

/** Lays the picture out and writes it as a standalone SVG document. */
export async function renderPicture(picture: Picture): Promise<string> {
    const width = picture.width ?? MAX_PICTURE_WIDTH;
    const placed = new Map<string, Placed>();
    const boxes = [...picture.boxes, legendBox(picture)];
    const root: ElkNode = {
        id: `${picture.id}-root`,
        layoutOptions: {
            "elk.algorithm": "rectpacking",
            "elk.rectpacking.widthApproximation.strategy": "TARGET_WIDTH",
            "elk.rectpacking.widthApproximation.targetWidth": String(width - 2 * INNER_PAD),
            "elk.rectpacking.packing.strategy": "SIMPLE",
            "elk.padding": `[top=${INNER_PAD},left=${INNER_PAD},bottom=${INNER_PAD},right=${INNER_PAD}]`,
            "elk.spacing.nodeNode": String(GAP + 4),
            "elk.layered.spacing.nodeNodeBetweenLayers": "28",
            "elk.spacing.edgeLabel": "4",
            "elk.json.shapeCoords": "ROOT",
            "elk.json.edgeCoords": "ROOT",
        },
        children: boxes.map((box) => toElk(box, width - 2 * INNER_PAD, false, placed)),
        edges: [],
    };
    attachLinks(root, picture.links ?? []);
    const laid = await elk.layout(root);
    const out: string[] = [];
    const [svgWidth, svgHeight] = [Math.ceil(laid.width ?? 0), Math.ceil(laid.height ?? 0)];
    const markerId = `${picture.id}-arrow`;
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${svgWidth}" height="${svgHeight}" viewBox="0 0 ${svgWidth} ${svgHeight}" role="img" aria-labelledby="${picture.id}-title ${picture.id}-desc" font-family="${escapeXml(FONT_FAMILY)}" font-size="${FONT_SIZE}" fill="${TEXT_COLOUR}" data-picture="${escapeXml(picture.id)}">`,
        `<title id="${picture.id}-title">${escapeXml(picture.title)}</title>`,
        `<desc id="${picture.id}-desc">${escapeXml(picture.description)}</desc>`,
        `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${PATH_COLOUR}"/></marker></defs>`,
        `<rect width="${svgWidth}" height="${svgHeight}" fill="#ffffff"/>`,
    );
    for (const child of laid.children ?? []) renderBox(child, placed, out);
    const links = new Map((picture.links ?? []).map((link) => [link.id, link]));
    const edges: ElkExtendedEdge[] = [];
    const collect = (node: ElkNode) => {
        edges.push(...(node.edges ?? []));
        node.children?.forEach(collect);
    };
    collect(laid);
    for (const edge of edges) renderLink(edge, links.get(edge.id)!, out, markerId);
    out.push("</svg>");
    return out.join("\n") + "\n";
}
