/**
 * The pictures of a running lab, in Chromium: the wiring read from its namespaces (the veth pairs'
 * interface indexes as the tutorial shows them, vethX@ifN and eth0@ifM), lab explain's path hop by
 * hop, and a route deleted from the lab's route table marked where it is missing, on the wiring and
 * on the path that needs it. Needs root, the lab's tools and Chromium; skips, saying why, without.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser } from "playwright-core";
import { runInProcess } from "../cli/shell";
import { main } from "../diagram/cli";
import { down, up } from "../lab/lab";
import { isRoot, labToolsPresent } from "./helpers/labTools";
import { CHROMIUM, launchChromium, overlaps, see, Seen, shows } from "./helpers/browser";

const toolsPresent = labToolsPresent;
const why = [
    ...(isRoot ? [] : ["not root"]),
    ...(toolsPresent ? [] : ["the lab's tools (iproute2 iptables procps busybox) missing"]),
    ...(CHROMIUM ? [] : ["no Chromium"]),
];
const describeWithLab = (title: string, body: () => void) =>
    why.length === 0 ? describe(title, body) : describe.skip(`${title} (skipped: ${why.join(", ")})`, body);

const name = `dg${process.pid % 100000}`;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-lab-"));
const draw = async (file: string, ...args: string[]) => {
    const result = await runInProcess("diagram", main, [...args, "--lab", name, "--out", path.join(out, file)]);
    return { ...result, file: path.join(out, file) };
};
const legible = (seen: Seen) => {
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.scrollWidth).toBeLessThanOrEqual(seen.viewportWidth);
    expect(overlaps(seen.texts)).toEqual([]);
    expect(seen.texts.filter((text) => !text.inBox).map((text) => text.text)).toEqual([]);
};
/** The node's end of each pod's veth, as `ip -j link` shows it in the node's namespace. */
const veths = (node: string) =>
    JSON.parse(
        execFileSync("ip", ["-j", "-n", `akl-${name}-${node}`, "link", "show", "type", "veth"], { encoding: "utf8" }),
    ) as Array<{
        ifindex: number;
        ifname: string;
        link_index: number;
    }>;

describeWithLab("pictures of a running lab (root, Chromium)", () => {
    let browser: Browser;
    beforeAll(async () => {
        await up({ stack: "dev", name, podsPerNode: 2, clusters: "main" });
        browser = await launchChromium();
    });
    afterAll(async () => {
        await browser?.close();
        await down({ name, stack: "dev", explicitName: true }).catch(() => undefined);
        fs.rmSync(out, { recursive: true, force: true });
    });

    test("the wiring: every pod with its IP and its veth pair's indexes as ip link shows them", async () => {
        const { code, file } = await draw("wiring.svg", "wiring");
        expect(code).toBe(0);
        const seen = await see(browser, file);
        legible(seen);
        for (const node of ["node-0", "node-1", "node-2"])
            // The node's own eth0 is a veth too (its link to the VNet's router): only the pods' ends.
            for (const veth of veths(node).filter((link) => link.ifname.startsWith("veth")))
                expect([
                    node,
                    veth.ifname,
                    shows(seen.texts, `eth0@if${veth.ifindex}`, `${veth.ifname}@if${veth.link_index}`),
                ]).toEqual([node, veth.ifname, true]);
        expect(seen.texts.filter((text) => text.mark === "missing-route")).toEqual([]);
    });

    test("the path from a pod to a pod on another node: each hop named by its rule", async () => {
        const { code, file } = await draw("path.svg", "path", "10.100.0.2", "10.100.2.3");
        expect(code).toBe(0);
        const seen = await see(browser, file);
        legible(seen);
        expect(shows(seen.texts, "1. bridge: to its gateway 10.100.0.1 (cbr0)")).toBe(true);
        expect(shows(seen.texts, "2. iptables/NAT: no SNAT: 10.100.0.2 kept")).toBe(true);
        expect(shows(seen.texts, "3. route table: 10.100.2.0/24 via 10.220.1.6")).toBe(true);
        expect(shows(seen.texts, "3. bridge: to 10.100.2.3")).toBe(true);
    });

    test("an address that is not the lab's: exit 2, one line", async () => {
        const result = await draw("none.svg", "path", "10.9.9.9", "10.100.2.3");
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^diagram: 10\.9\.9\.9 is not a pod, node or host of this lab/);
        expect(fs.existsSync(result.file)).toBe(false);
    });

    test("a route deleted from the lab's route table: marked on node-1 and in the table; the path through it, MISSING", async () => {
        execFileSync("ip", ["-n", `akl-${name}-vnet`, "route", "del", "10.100.1.0/24", "table", "100"]);
        const wiring = await draw("broken.svg", "wiring");
        expect(wiring.code).toBe(1);
        const seen = await see(browser, wiring.file);
        legible(seen);
        expect(seen.texts.filter((text) => text.mark === "missing-route").map((text) => text.node)).toEqual([
            "node-1",
            "node-1",
        ]);
        const route = await draw("broken-path.svg", "path", "10.100.0.2", "10.100.1.3");
        expect(route.code).toBe(1);
        const onPath = await see(browser, route.file);
        legible(onPath);
        expect(shows(onPath.texts, "PROBLEM: MISSING ROUTE 10.100.1.0/24")).toBe(true);
    });
});
