/**
 * The pictures as a reader sees them in Chromium at 1280 px: every node IP, pod CIDR, route and pod
 * IP of the source visible, no label over another or outside its box, text at least 12 px, nothing
 * scrolling sideways, no console error, no request leaving the file, and the missing-route mark where
 * the route is missing and nowhere else. On the tutorial's snapshot, the real captures, generated
 * snapshots of 1, 5 and 50 nodes, the plan and the report. One browser for the suite.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser } from "playwright-core";
import { runInProcess } from "../cli/shell";
import { main } from "../diagram/cli";
import { describeWithBrowser, launchChromium, overlaps, see, Seen, shows } from "./helpers/browser";
import { expectedTexts, writeGeneratedSnapshot } from "./helpers/diagramSnapshots";
import { REALDATA_DIR, realdataPresent } from "./helpers/realdata";

const TUTORIAL = path.join(__dirname, "fixtures", "tutorial-snapshot");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-browser-"));
const draw = async (name: string, ...args: string[]) => {
    const file = path.join(out, name);
    const result = await runInProcess("diagram", main, [...args, "--out", file]);
    return { file, code: result.code, stderr: result.stderr };
};

/** What any picture must be for any reader. */
function expectLegible(seen: Seen): void {
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.scrollWidth).toBeLessThanOrEqual(seen.viewportWidth);
    expect(overlaps(seen.texts)).toEqual([]);
    expect(seen.texts.filter((text) => !text.inBox).map((text) => text.text)).toEqual([]);
    expect(seen.texts.filter((text) => text.fontPx < 12).map((text) => [text.text, text.fontPx])).toEqual([]);
}

/** Everything of the source folder a reader must find in the picture. */
function expectEverySourceValue(seen: Seen, dir: string): void {
    const { nodeIps, podCidrs, routes, podIps } = expectedTexts(dir);
    expect(nodeIps.filter((ip) => !shows(seen.texts, ip))).toEqual([]);
    expect(podCidrs.filter((prefix) => !shows(seen.texts, prefix))).toEqual([]);
    expect(podIps.filter((ip) => !shows(seen.texts, ip))).toEqual([]);
    // A route is seen as its prefix and next hop on one line.
    expect(routes.filter(([prefix, hop]) => !shows(seen.texts, prefix, hop))).toEqual([]);
}

const marks = (seen: Seen) => seen.texts.filter((text) => text.mark === "missing-route").map((text) => text.node);

describeWithBrowser("the pictures in Chromium (1280 px)", () => {
    let browser: Browser;
    beforeAll(async () => {
        browser = await launchChromium();
    });
    afterAll(async () => {
        await browser?.close();
        fs.rmSync(out, { recursive: true, force: true });
    });

    test("the tutorial's wiring: every address of its snapshot, legible, no missing-route mark", async () => {
        const { file, code } = await draw("tutorial.svg", "wiring", "--from", TUTORIAL);
        expect(code).toBe(0);
        const seen = await see(browser, file);
        expectLegible(seen);
        expectEverySourceValue(seen, TUTORIAL);
        // The tutorial's own: cbr0 10.100.1.1 on the node holding 10.100.1.0/24, the DNS and LB addresses.
        expect(shows(seen.texts, "cbr0", "10.100.1.1")).toBe(true);
        expect(shows(seen.texts, "10.200.0.10")).toBe(true);
        expect(shows(seen.texts, "10.220.3.4")).toBe(true);
        expect(marks(seen)).toEqual([]);
    });

    test.each([1, 5, 50])("a generated snapshot of %i node(s): every address, legible", async (nodes) => {
        const generated = writeGeneratedSnapshot(nodes);
        try {
            const { file, code } = await draw(`generated-${nodes}.svg`, "wiring", "--from", generated.dir);
            expect(code).toBe(0);
            const seen = await see(browser, file);
            expectLegible(seen);
            expectEverySourceValue(seen, generated.dir);
            expect(marks(seen)).toEqual([]);
        } finally {
            fs.rmSync(generated.dir, { recursive: true, force: true });
        }
    });

    test("a missing route is marked on its node and in the route table, nowhere else (5 nodes, the fourth's route gone)", async () => {
        const generated = writeGeneratedSnapshot(5, { withoutRouteOf: 3 });
        try {
            const { file, code } = await draw("missing.svg", "wiring", "--from", generated.dir);
            expect(code).toBe(1);
            const seen = await see(browser, file);
            expectLegible(seen);
            const fourth = JSON.parse(fs.readFileSync(path.join(generated.dir, "nodes.json"), "utf8")).items[3];
            // One mark inside the node's box, one on the placeholder route named after it.
            expect(marks(seen)).toEqual([fourth.metadata.name, fourth.metadata.name]);
            expect(shows(seen.texts, "MISSING", fourth.spec.podCIDR, fourth.status.addresses[1].address)).toBe(true);
        } finally {
            fs.rmSync(generated.dir, { recursive: true, force: true });
        }
    });

    test("the report: one page, no request outside the file, the verdicts and three pictures", async () => {
        const { file, code } = await draw("report.html", "report", "--from", TUTORIAL);
        expect(code).toBe(0);
        const html = fs.readFileSync(file, "utf8");
        expect(html).not.toMatch(/\b(src|href)=|url\(|@import/);
        expect(html.match(/<svg /g)).toHaveLength(3);
        const seen = await see(browser, file);
        expectLegible(seen);
        expectEverySourceValue(seen, TUTORIAL);
        expect(marks(seen)).toEqual([]);
    });

    test("the plan: every range with its CIDR, legible", async () => {
        const { file, code } = await draw("plan.svg", "plan");
        expect(code).toBe(0);
        const seen = await see(browser, file);
        expectLegible(seen);
        // The tutorial's ranges, and the 4 slices of 3 nodes and the surge node.
        for (const range of [
            "10.220.0.0/16",
            "10.220.1.0/24",
            "10.220.2.0/24",
            "10.220.3.0/24",
            "10.100.0.0/16",
            "10.200.0.0/16",
            "10.200.0.10",
        ])
            expect([range, shows(seen.texts, range)]).toEqual([range, true]);
        for (const slice of ["10.100.0.0/24", "10.100.1.0/24", "10.100.2.0/24", "10.100.3.0/24"])
            expect([slice, shows(seen.texts, slice)]).toEqual([slice, true]);
    });

    const realCases = realdataPresent
        ? ["v1-kubenet-healthy", "v3-kubenet-missing-route", "v7-kubenet-two-nodes-one-slice"]
        : [];
    (realdataPresent ? test.each(realCases) : test.skip.each(["(no real captures)"]))(
        "the real capture %s (../shared/realdata): every address, legible; the missing route marked only where it is missing",
        async (name) => {
            const dir = path.join(REALDATA_DIR, name);
            const { file, code } = await draw(`${name}.html`, "report", "--from", dir);
            expect(code).toBe(name === "v1-kubenet-healthy" ? 0 : 1);
            const seen = await see(browser, file);
            expectLegible(seen);
            expectEverySourceValue(seen, dir);
            const nodes = JSON.parse(fs.readFileSync(path.join(dir, "nodes.json"), "utf8")).items;
            const routes = expectedTexts(dir).routes.map(([prefix]) => prefix);
            const routeless = nodes
                .filter((node: any) => !routes.includes(node.spec.podCIDR))
                .map((node: any) => node.metadata.name);
            // The report draws the route twice (wiring, route table) and the node once: three marks per missing route.
            expect(marks(seen).sort()).toEqual(routeless.flatMap((node: string) => [node, node, node]).sort());
        },
    );
});
