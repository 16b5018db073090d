/**
 * How the pictures look: the font and its metrics, the tones (Okabe and Ito's palette, which
 * readers with any common colour-vision deficiency tell apart), and XML escaping. Pure data.
 */

/** Every label is set in a monospace font, so that a label's width is known before a browser draws it. */
export const FONT_FAMILY = "'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace";
/** Text size in px: at least 12 px as drawn, since a picture is never scaled down at 1280 px wide. */
export const FONT_SIZE = 13;
/**
 * A monospace character's advance, as a share of the font size: DejaVu Sans Mono, Liberation Mono,
 * Menlo and Courier New advance 0.60 em, Consolas 0.55 em; 0.62 keeps a margin.
 */
export const CHAR_WIDTH = 0.62 * FONT_SIZE;
export const LINE_HEIGHT = 18;
/** From a line's top to its baseline. */
export const BASELINE = 13;
export const PAD_X = 8;
export const PAD_Y = 5;
/** The widest a picture is drawn: it fits a 1280 px window beside a scroll bar and the page's margins. */
export const MAX_PICTURE_WIDTH = 1200;

export const textWidth = (text: string): number => Math.ceil([...text].length * CHAR_WIDTH);

/**
 * What a box is, which sets its colours. Okabe-Ito: blue #0072B2, sky blue #56B4E9, bluish green
 * #009E73, orange #E69F00, reddish purple #CC79A7, vermillion #D55E00; text is near-black on light
 * tints of them. A problem is never told by colour alone: its box is dashed and its text says PROBLEM.
 */
export type Tone =
    | "caption"
    | "vnet"
    | "subnet"
    | "range"
    | "node"
    | "interface"
    | "bridge"
    | "pod"
    | "hostPod"
    | "service"
    | "routeTable"
    | "route"
    | "sdn"
    | "reserved"
    | "outside"
    | "problem"
    | "legend"
    | "step";

export interface ToneStyle {
    readonly fill: string;
    readonly stroke: string;
    readonly dashed?: boolean;
    /** The words a legend says for it. */
    readonly meaning: string;
}

export const TONES: Readonly<Record<Tone, ToneStyle>> = {
    caption: { fill: "#ffffff", stroke: "none", meaning: "caption" },
    vnet: { fill: "#eef5fb", stroke: "#0072b2", meaning: "VNet" },
    subnet: { fill: "#f7fbfe", stroke: "#56b4e9", meaning: "subnet" },
    range: { fill: "#f4f4f4", stroke: "#555555", meaning: "address range outside the VNet (overlay)" },
    node: { fill: "#ffffff", stroke: "#333333", meaning: "node (VM)" },
    interface: { fill: "#eef5fb", stroke: "#0072b2", meaning: "network interface (eth0)" },
    bridge: { fill: "#fdf3de", stroke: "#b57d00", meaning: "bridge (cbr0)" },
    pod: { fill: "#e6f5ef", stroke: "#009e73", meaning: "pod with its IP" },
    hostPod: { fill: "#f4f4f4", stroke: "#009e73", dashed: true, meaning: "hostNetwork pod (the node's IP)" },
    service: { fill: "#f9edf4", stroke: "#cc79a7", meaning: "Service (ClusterIP, load balancer)" },
    routeTable: { fill: "#fffbe0", stroke: "#7a6a00", meaning: "route table" },
    route: { fill: "#fffbe0", stroke: "#7a6a00", meaning: "route: prefix -> next hop" },
    sdn: { fill: "#f4f4f4", stroke: "#0072b2", dashed: true, meaning: "Azure's SDN (no route table)" },
    reserved: { fill: "#ffffff", stroke: "#555555", dashed: true, meaning: "reserved (surge, autoscaler peak)" },
    outside: { fill: "#ffffff", stroke: "#555555", meaning: "outside the cluster" },
    problem: { fill: "#fbe9df", stroke: "#d55e00", dashed: true, meaning: "PROBLEM found by verify" },
    legend: { fill: "#ffffff", stroke: "#999999", meaning: "legend" },
    step: { fill: "#ffffff", stroke: "#0072b2", meaning: "a step of the packet's path" },
};

/** Text colours: near-black, and a dark vermillion for the words of a problem (contrast above 7:1). */
export const TEXT_COLOUR = "#1a1a1a";
export const PROBLEM_TEXT_COLOUR = "#8a3300";
/** The packet's path: blue, thick, with arrows. */
export const PATH_COLOUR = "#0072b2";

const ESCAPES: Readonly<Record<string, string>> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
};
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character]);

/** Splits a line into lines of at most `columns` characters, at spaces (or anywhere in a long word). */
export function wrapLine(text: string, columns: number): string[] {
    if ([...text].length <= columns) return [text];
    const lines: string[] = [];
    let current = "";
    for (const word of text.split(" ")) {
        let rest = word;
        while ([...rest].length > columns) {
            if (current) lines.push(current);
            current = "";
            lines.push(rest.slice(0, columns));
            rest = rest.slice(columns);
        }
        const joined = current ? `${current} ${rest}` : rest;
        if ([...joined].length > columns) {
            lines.push(current);
            current = rest;
        } else current = joined;
    }
    if (current) lines.push(current);
    return lines;
}
