/**
 * The lab with real namespaces and packets: up, status --json, show, verify and down, an
 * interrupted up, and the root namespace untouched. Needs root, ip and iptables; CI runs as
 * root and installs them, so there this suite must run, not skip.
 */
import { execFileSync, spawn } from "child_process";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { runInProcess } from "../cli/shell";
import { down, labNetns, show, snapshot, up } from "../lab/lab";
import { main as verifyMain } from "../verify/cli";
import { verify } from "../lab/verify";
import { runTool } from "./helpers/cli";

const has = (tool: string) => {
    try {
        execFileSync("sh", ["-c", `command -v ${tool}`]);
        return true;
    } catch {
        return false;
    }
};
const isRoot = process.getuid?.() === 0;
const toolsPresent = ["ip", "iptables", "iptables-restore"].every(has);
if (process.env.CI && isRoot && !toolsPresent) throw new Error("CI runs as root but ip/iptables are missing: .ci/run must install iproute2 and iptables");
const describeWithRoot = isRoot && toolsPresent ? describe : describe.skip;

const REPO = path.resolve(__dirname, "..");
const name = `it${process.pid % 100000}`;

/** What the lab must never change: the root namespace's addresses, routes and firewall. */
function rootNamespaceSnapshot(): string {
    return ["ip -o addr", "ip route show table all", "iptables-save -t nat", "iptables-save -t filter"]
        .map((command) => execFileSync("sh", ["-c", command], { encoding: "utf8" }).replace(/^#.*$/gm, "").replace(/\[\d+:\d+\]/g, ""))
        .join("\n");
}

const runCli = (args: string[], env?: NodeJS.ProcessEnv) => runTool("lab/cli.ts", args, { env });

describeWithRoot("the lab on this machine (root)", () => {
    let before: string;
    beforeAll(() => {
        before = rootNamespaceSnapshot();
    });
    afterAll(async () => {
        await down(name).catch(() => undefined);
        await down(`${name}x`).catch(() => undefined);
    });

    test("up builds 3 nodes x 3 pods in under 3 s, and verify passes every check", async () => {
        const started = Date.now();
        const topology = await up({ stack: "dev", name, podsPerNode: 3 });
        const elapsed = Date.now() - started;
        expect(elapsed).toBeLessThan(3000);
        expect(await labNetns(name)).toHaveLength(14);

        const status = JSON.parse(runCli(["status", "--json", "--name", name]).stdout);
        expect(status).toMatchObject({
            running: true,
            router: { netns: `akl-${name}-vnet` },
            nodes: [
                { name: "node-0", ip: "10.220.1.4", podCidr: "10.100.0.0/24", pods: [{ ip: "10.100.0.2" }, { ip: "10.100.0.3" }, { ip: "10.100.0.4" }] },
                { name: "node-1", ip: "10.220.1.5", podCidr: "10.100.1.0/24" },
                { name: "node-2", ip: "10.220.1.6", podCidr: "10.100.2.0/24" },
            ],
            external: { netns: `akl-${name}-internet`, ip: "203.0.113.10" },
        });

        const views = await show(topology, "node-1");
        expect(views).toMatch(/inet 10\.220\.1\.5\/24 .*eth0/);
        expect(views).toMatch(/inet 10\.100\.1\.1\/24 .*cbr0/);
        expect(views).toMatch(/10\.100\.1\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U .*cbr0|10\.100\.1\.0\/24 dev cbr0/);
        expect(views).toMatch(/MASQUERADE .*!10\.100\.0\.0\/16 .*kubenet: SNAT for outbound traffic from cluster/);

        const results = await verify(topology);
        expect(results.filter((result) => !result.passed)).toEqual([]);
        expect(results.map((result) => result.check)).toEqual([
            "pod->pod across nodes (node-0 -> node-1) keeps the pod IP",
            "pod->pod on one node (node-0) keeps the pod IP",
            "pod->external arrives from the node IP (SNAT)",
            "before: node-0 pod reaches node-2 pod",
            "route 10.100.2.0/24 removed: node-2 pod unreachable",
            "route 10.100.2.0/24 removed: node-1 pod still reachable",
            "route 10.100.2.0/24 removed: node-2's own pods still talk",
            "route 10.100.2.0/24 restored: node-2 pod reachable again",
            "ClusterIP 10.200.0.100:80 reaches every pod (DNAT)",
        ]);

        // The lab is a cluster too: its snapshot passes verify, and a deleted route is seen.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-snapshot-"));
        expect(await snapshot(topology, dir)).toHaveLength(5);
        const checked = await runInProcess("verify", verifyMain, ["--from", dir, "--json"]);
        expect([checked.code, JSON.parse(checked.stdout).failed]).toEqual([0, 0]);
        execFileSync("ip", ["-n", topology.router.netns, "route", "del", "10.100.1.0/24"]);
        try {
            await snapshot(topology, dir);
        } finally {
            execFileSync("ip", ["-n", topology.router.netns, "route", "add", "10.100.1.0/24", "via", "10.220.1.5"]);
        }
        const broken = await runInProcess("verify", verifyMain, ["--from", dir]);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(/FAIL +route table: one route per node .*no route for node-1's 10\.100\.1\.0\/24/);
    }, 60000);

    test("a second up of the same lab is refused; down removes everything", async () => {
        await expect(up({ stack: "dev", name, podsPerNode: 3 })).rejects.toThrow(/already up/);
        expect(await down(name)).toBe(14);
        expect(await labNetns(name)).toEqual([]);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 30000);

    test("an interrupted up leaves nothing behind", async () => {
        const child = spawn(process.execPath, [path.join(REPO, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", path.join(REPO, "lab", "cli.ts"), "up", "--name", `${name}x`, "--nodes", "10", "--pods", "5"], { cwd: REPO, stdio: "ignore" });
        // Interrupt as soon as the first namespaces exist.
        const deadline = Date.now() + 15000;
        while ((await labNetns(`${name}x`)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await labNetns(`${name}x`)).length).toBeGreaterThan(0);
        child.kill("SIGTERM");
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        expect(code).toBe(143);
        expect(await labNetns(`${name}x`)).toEqual([]);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 30000);
});

describe("the CLI's preconditions, on any machine (root or not, with or without the lab's tools)", () => {
    test("verify of a lab that is not up: exit 2, one line saying how to bring it up", () => {
        const result = runCli(["verify", "--name", "nosuchlab"]);
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toBe("lab: lab \"nosuchlab\" is not up; run `sudo npm run lab -- up --name nosuchlab`");
    });

    test("up without root, or as root without ip/iptables on the PATH: exit 2 naming what is missing", () => {
        // Debian keeps ip and iptables in /usr/sbin and /sbin: without them on the PATH, a root
        // machine looks like a fresh one without the lab's packages.
        const path = (process.env.PATH ?? "").split(":").filter((dir) => !/\/sbin$/.test(dir)).join(":");
        const result = runCli(["up", "--name", "nolab"], { ...process.env, PATH: path });
        expect(result.code).toBe(2);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toMatch(isRoot ? /^lab: missing: .*iptables \(package iptables\).*\. Install them, e\.g\. on Debian\/Ubuntu: sudo apt-get install iproute2 iptables/ : /needs root .* sudo npm run lab/);
    });

    test("explain refuses text that is no IP and an address that is no pod or node: exit 2", () => {
        expect(runCli(["explain", "pod-a", "10.100.0.3"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^lab: "pod-a" is not an IPv4 address/) });
        expect(runCli(["explain", "10.9.9.9", "10.100.0.3"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^lab: 10\.9\.9\.9 is not a pod or node of this lab/) });
        expect(runCli(["explain", "10.100.0.2", "10.100.2.3"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^other node/) });
    });

    test("--help exits 0; an unknown option or command exits 2", () => {
        expect(runCli(["--help"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: sudo npm run lab/) });
        expect(runCli(["up", "--nods", "3"]).code).toBe(2);
        expect(runCli(["teleport"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "teleport"/) });
    });
});
