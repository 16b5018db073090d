/// <reference lib="dom" />
/**
 * Chromium for the pictures' tests: Debian's package (`apt-get install chromium`, as .ci/run does as
 * root), driven by playwright-core through its executablePath. No browser is downloaded; where none
 * is installed, the suites skip and say so. One browser per suite, one page per picture.
 */
import * as fs from "fs";
import type { Browser, Page } from "playwright-core";

const CANDIDATES = [process.env.AKS_KUBENET_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
    (file): file is string => Boolean(file),
);
export const CHROMIUM = CANDIDATES.find((file) => fs.existsSync(file));

/** describe, or describe.skip with the reason in its title, when no Chromium is installed. */
export function describeWithBrowser(title: string, body: () => void): void {
    if (process.env.CI && process.getuid?.() === 0 && !CHROMIUM)
        throw new Error("CI runs as root but Chromium is missing: .ci/run must install Debian's chromium");
    if (CHROMIUM) describe(title, body);
    else
        describe.skip(
            `${title} (skipped: no Chromium at ${CANDIDATES.join(" or ")}; install Debian's chromium or set AKS_KUBENET_CHROMIUM)`,
            body,
        );
}

export async function launchChromium(): Promise<Browser> {
    const { chromium } = await import("playwright-core");
    return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}

/** A text as a reader sees it: where it is drawn, how big, and whether it stays in its box. */
export interface SeenText {
    readonly text: string;
    readonly left: number;
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly fontPx: number;
    /** Inside the rectangle of the box that holds it (link labels: inside their own). */
    readonly inBox: boolean;
    readonly mark: string | null;
    /** data-node of the nearest box that says which node it is. */
    readonly node: string | null;
}

export interface Seen {
    readonly texts: SeenText[];
    readonly scrollWidth: number;
    readonly viewportWidth: number;
    readonly consoleErrors: string[];
    /** Every request the page made but for the file itself. */
    readonly requests: string[];
}

/** Opens a file in a 1280 px wide window and reads what a reader sees. */
export async function see(browser: Browser, file: string): Promise<Seen> {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = `file://${file}`;
    page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    page.on("request", (request) => {
        if (request.url() !== url) requests.push(request.url());
    });
    try {
        await page.goto(url, { waitUntil: "load" });
        const measured = await page.evaluate(() => {
            const texts = Array.from(document.querySelectorAll("text")).map((element) => {
                const rect = element.getBoundingClientRect();
                const box = element.closest("g.box, g.link");
                const frame = box?.querySelector(":scope > rect") ?? null;
                const outer = frame?.getBoundingClientRect();
                const matrix = (element as SVGGraphicsElement).getScreenCTM();
                const scale = matrix ? Math.hypot(matrix.a, matrix.b) : 1;
                const inBox =
                    !outer ||
                    (rect.left >= outer.left - 1 &&
                        rect.right <= outer.right + 1 &&
                        rect.top >= outer.top - 1 &&
                        rect.bottom <= outer.bottom + 1);
                return {
                    text: element.textContent ?? "",
                    left: rect.left + window.scrollX,
                    top: rect.top + window.scrollY,
                    right: rect.right + window.scrollX,
                    bottom: rect.bottom + window.scrollY,
                    fontPx: parseFloat(getComputedStyle(element).fontSize) * scale,
                    inBox,
                    mark: element.getAttribute("data-mark"),
                    node: element.closest("[data-node]")?.getAttribute("data-node") ?? null,
                };
            });
            const scroller = document.scrollingElement ?? document.documentElement;
            return { texts, scrollWidth: scroller.scrollWidth, viewportWidth: window.innerWidth };
        });
        return { ...measured, consoleErrors, requests };
    } finally {
        await page.close();
    }
}

/** Pairs of texts whose drawn boxes overlap (by more than half a pixel each way). */
export function overlaps(texts: readonly SeenText[]): string[] {
    const sorted = [...texts].sort((a, b) => a.top - b.top);
    const found: string[] = [];
    for (let i = 0; i < sorted.length; i++)
        for (let j = i + 1; j < sorted.length && sorted[j].top < sorted[i].bottom - 0.5; j++) {
            const [a, b] = [sorted[i], sorted[j]];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5) found.push(`"${a.text}" / "${b.text}"`);
        }
    return found;
}

/** Whether `value` is seen as a whole token (10.100.1.5 is not seen in 10.100.1.50). */
export function shows(texts: readonly SeenText[], ...values: string[]): boolean {
    const token = (value: string) =>
        new RegExp(`(^|[^0-9./])${value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}($|[^0-9/])`);
    return texts.some((seen) => seen.right > seen.left && values.every((value) => token(value).test(seen.text)));
}
