/**
 * The lab with real namespaces and packets: up, status --json, show, verify and down, an
 * interrupted up, and the root namespace untouched. Needs root, ip and iptables; CI runs as
 * root and installs them, so there this suite must run, not skip.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { runInProcess } from "../cli/shell";
import { down as downLab, labNetns, show, snapshot, STATE_DIR, up } from "../lab/lab";
import { main as verifyMain } from "../verify/cli";
import { main as labMain } from "../lab/cli";
import { checkCount, probe, verify } from "../lab/verify";
import { labProcesses } from "../lab/system";
import { REPO, runTool, TS_NODE } from "./helpers/cli";
import { isRoot, labToolsPresent } from "./helpers/labTools";

const toolsPresent = labToolsPresent;
if (process.env.CI && isRoot && !toolsPresent)
    throw new Error(
        "CI runs as root but the lab's tools are missing: .ci/run must install iproute2, iptables, procps and busybox",
    );
const describeWithRoot = isRoot && toolsPresent ? describe : describe.skip;

const name = `it${process.pid % 100000}`;

/** What the lab must never change: the root namespace's addresses, routes and firewall. */
function rootNamespaceSnapshot(): string {
    return ["ip -o addr", "ip route show table all", "iptables-save -t nat", "iptables-save -t filter"]
        .map((command) =>
            execFileSync("sh", ["-c", command], { encoding: "utf8" })
                .replace(/^#.*$/gm, "")
                .replace(/\[\d+:\d+\]/g, ""),
        )
        .join("\n");
}

const runCli = (args: string[], env?: NodeJS.ProcessEnv) => runTool("lab/cli.ts", args, { env });
/** The tests remove their own labs by name (as `down --name` does). */
const down = (labName: string) => downLab({ name: labName, stack: "dev", explicitName: true });
const lab = (...args: string[]) => runInProcess("lab", labMain, args);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The routes in the lab router's slice table, as `ip route` prints them. */
const sliceTable = (labName: string) =>
    execFileSync("ip", ["-n", `akl-${labName}-vnet`, "route", "show", "table", "100"], { encoding: "utf8" });

/** Starts the lab CLI as a user would (through ts-node), for the tests that signal it. */
function startCli(args: string[]) {
    return spawn(process.execPath, [...TS_NODE, path.join(REPO, "lab", "cli.ts"), ...args], {
        cwd: REPO,
        stdio: ["ignore", "ignore", "pipe"],
    });
}

describeWithRoot("the lab on this machine (root)", () => {
    let before: string;
    beforeAll(() => {
        before = rootNamespaceSnapshot();
    });
    afterAll(async () => {
        await down(name).catch(() => undefined);
        await down(`${name}x`).catch(() => undefined);
        await down(`${name}o`).catch(() => undefined);
        await down(`${name}n`).catch(() => undefined);
    });

    // Speed is measured by `npm run lab:bench` (README), never by a timed test.
    test("up builds both clusters (3 nodes x 3 pods each), the VM and the internet host; verify passes every check", async () => {
        const topology = await up({ stack: "dev", name, podsPerNode: 3, clusters: "both" });
        expect(await labNetns(name)).toHaveLength(1 + 1 + 1 + 2 * (3 + 9));

        const status = JSON.parse(runCli(["status", "--json", "--name", name]).stdout);
        expect(status).toMatchObject({
            running: true,
            router: { netns: `akl-${name}-vnet` },
            nodes: [
                {
                    name: "node-0",
                    ip: "10.220.1.4",
                    podCidr: "10.100.0.0/24",
                    pods: [{ ip: "10.100.0.2" }, { ip: "10.100.0.3" }, { ip: "10.100.0.4" }],
                },
                { name: "node-1", ip: "10.220.1.5", podCidr: "10.100.1.0/24" },
                { name: "node-2", ip: "10.220.1.6", podCidr: "10.100.2.0/24" },
            ],
            external: { netns: `akl-${name}-internet`, ip: "203.0.113.10" },
            vnetHost: { netns: `akl-${name}-vm`, ip: "10.220.3.5" },
            azureCni: {
                nodes: [
                    {
                        name: "cni-node-0",
                        netns: `akl-${name}-cni-node-0`,
                        ip: "10.220.2.4",
                        pods: [
                            { name: "cni-node-0-pod-0", ip: "10.220.2.5" },
                            { ip: "10.220.2.6" },
                            { ip: "10.220.2.7" },
                        ],
                    },
                    { name: "cni-node-1", ip: "10.220.2.35" },
                    { name: "cni-node-2", ip: "10.220.2.66" },
                ],
            },
        });

        const views = await show(topology, "node-1");
        expect(views).toMatch(/inet 10\.220\.1\.5\/24 .*eth0/);
        expect(views).toMatch(/inet 10\.100\.1\.1\/24 .*cbr0/);
        expect(views).toMatch(/10\.100\.1\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U .*cbr0|10\.100\.1\.0\/24 dev cbr0/);
        expect(views).toMatch(/MASQUERADE .*!10\.100\.0\.0\/16 .*kubenet: SNAT for outbound traffic from cluster/);

        const cniViews = await show(topology, "cni-node-1");
        expect(cniViews).toMatch(/10\.220\.2\.36 +0\.0\.0\.0 +255\.255\.255\.255 +UH .*veth0|10\.220\.2\.36 dev veth0/);
        expect(cniViews).toMatch(/RETURN .*10\.220\.0\.0\/16 .*ip-masq-agent/);
        expect(cniViews).not.toMatch(/cbr0/);

        const progress: string[] = [];
        const results = await verify(topology, (line) => progress.push(line));
        expect(results.filter((result) => !result.passed)).toEqual([]);
        expect(results).toHaveLength(checkCount(topology));
        expect(progress[0]).toBe(`[1/${results.length}] PASS ${results[0].check}`);
        expect(results.map((result) => result.check)).toEqual([
            "pod->pod across nodes (node-0 -> node-1) keeps the pod IP",
            "pod->pod on one node (node-0) keeps the pod IP",
            "pod->external arrives from the node IP (SNAT)",
            "before: node-0 pod reaches node-2 pod",
            "route 10.100.2.0/24 removed: node-2 pod unreachable",
            "route 10.100.2.0/24 removed: node-1 pod still reachable",
            "route 10.100.2.0/24 removed: node-2's own pods still talk",
            "route 10.100.2.0/24 restored: node-2 pod reachable again",
            "ClusterIP 10.200.0.100:80 reaches every nginx pod (DNAT)",
            "kubenet pod -> VM: the VM sees the node IP (SNAT)",
            "VM -> kubenet pod IP: no answer (the route table is only on the kubenet subnet)",
            "internet -> kubenet pod IP: no answer",
            "Azure CNI pod -> VM: the VM sees the pod IP (no SNAT inside the VNet)",
            "Azure CNI pod -> internet: arrives from the node IP (ip-masq-agent)",
            "VM -> Azure CNI pod: answered (Azure's SDN knows every pod)",
            "Azure CNI pod -> pod on another node (cni-node-0 -> cni-node-1) keeps the pod IP",
            "kubenet pod -> Azure CNI pod: answered, seen from the kubenet node IP",
            "Azure CNI pod -> kubenet pod IP: no answer (the azurecni subnet has no route to the pod CIDR)",
        ]);

        // The control that makes "VM -> kubenet pod: no answer" mean something: with the slice in the
        // router's main table (a route table for every subnet), the VM does reach the pod.
        const pod = topology.nodes[0].pods[0];
        execFileSync("ip", [
            "-n",
            topology.router.netns,
            "route",
            "add",
            topology.nodes[0].podCidr,
            "via",
            topology.nodes[0].ip,
            "dev",
            topology.nodes[0].routerInterface,
        ]);
        try {
            expect((await probe(topology.vnetHost.netns, pod.ip))?.server).toBe(pod.name);
        } finally {
            execFileSync("ip", ["-n", topology.router.netns, "route", "del", topology.nodes[0].podCidr]);
        }
        expect(await probe(topology.vnetHost.netns, pod.ip)).toBeUndefined();

        // The lab is a cluster too: its snapshot passes verify, and a deleted route is seen.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-snapshot-"));
        expect(await snapshot(topology, dir)).toHaveLength(5);
        const checked = await runInProcess("verify", verifyMain, ["--from", dir, "--json"]);
        expect([checked.code, JSON.parse(checked.stdout).failed]).toEqual([0, 0]);
        execFileSync("ip", ["-n", topology.router.netns, "route", "del", "10.100.1.0/24", "table", "100"]);
        try {
            await snapshot(topology, dir);
        } finally {
            execFileSync("ip", [
                "-n",
                topology.router.netns,
                "route",
                "add",
                "10.100.1.0/24",
                "via",
                "10.220.1.5",
                "dev",
                "to-node-1",
                "table",
                "100",
            ]);
        }
        const broken = await runInProcess("verify", verifyMain, ["--from", dir]);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(
            /FAIL +route table: one route per node .*no route for node-1's 10\.100\.1\.0\/24/,
        );
        // ...and the Azure CNI cluster's snapshot passes verify --cluster azurecni.
        const cniDir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-snapshot-cni-"));
        expect(await snapshot(topology, cniDir, "azurecni")).toHaveLength(4);
        const cni = await runInProcess("verify", verifyMain, ["--from", cniDir, "--cluster", "azurecni", "--json"]);
        expect([cni.code, JSON.parse(cni.stdout).passed, JSON.parse(cni.stdout).failed]).toEqual([0, 7, 0]);
    }, 60000);

    test("drift: a deleted route and a stopped server are named by status and verify (exit 2), and repair restores them", async () => {
        execFileSync("ip", ["-n", `akl-${name}-vnet`, "route", "del", "10.100.1.0/24", "table", "100"]);
        for (const pid of execFileSync("ip", ["netns", "pids", `akl-${name}-node-1-pod-0`], { encoding: "utf8" })
            .split(/\s+/)
            .filter(Boolean))
            process.kill(Number(pid), "SIGKILL");
        const status = await lab("status", "--name", name);
        expect(status.stdout).toMatch(
            /^drift: routes missing from table 100 of akl-.*-vnet: 10\.100\.1\.0\/24 via 10\.220\.1\.5 dev to-node-1$/m,
        );
        expect(status.stdout).toMatch(/^drift: servers not running: node-1-pod-0 \(akl-.*-node-1-pod-0\)$/m);

        const refused = await lab("verify", "--name", name);
        expect(refused.code).toBe(2);
        expect(refused.stderr.trim()).toMatch(
            new RegExp(
                `^lab: lab "${name}" differs from its state file: routes missing .*10\\.100\\.1\\.0/24.*; servers not running: node-1-pod-0 .*; run \`sudo npm run lab -- repair --name ${name}\` first$`,
            ),
        );

        const repaired = await lab("repair", "--name", name);
        expect(repaired).toMatchObject({
            code: 0,
            stdout: expect.stringMatching(/repaired: routes missing .*; servers not running: node-1-pod-0/),
        });
        expect(sliceTable(name)).toMatch(/^10\.100\.1\.0\/24 via 10\.220\.1\.5 dev to-node-1/m);
        expect((await lab("status", "--name", name)).stdout).not.toMatch(/drift/);
        expect((await probe(`akl-${name}-node-0-pod-0`, "10.100.1.2"))?.server).toBe("node-1-pod-0");
        expect((await lab("repair", "--name", name)).stdout).toMatch(/matches its state file; nothing to repair/);
    }, 30000);

    // Without root, status still reads the state file and the namespaces, and says drift was not
    // checked. Run as nobody only where nobody can read the checkout: a clone under a folder other
    // users cannot enter (/root, mode 700) cannot be, and the test says so instead of failing.
    const nobody = nobodyCanRead(REPO);
    (nobody.ok ? test : test.skip)(
        `status as nobody (no root) reads the lab from its state file${nobody.ok ? "" : ` (${nobody.reason})`}`,
        () => {
            const asNobody = spawnSync(
                "setpriv",
                [
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    process.execPath,
                    ...TS_NODE,
                    "lab/cli.ts",
                    "status",
                    "--name",
                    name,
                ],
                { cwd: REPO, encoding: "utf8" },
            );
            expect([asNobody.status, asNobody.stderr]).toEqual([0, ""]);
            expect(asNobody.stdout).toMatch(/: running, 27 namespaces\n/);
            expect(asNobody.stdout).toMatch(
                /^drift not checked: reading routes and processes inside the lab needs root \(sudo\)$/m,
            );
        },
    );

    test("SIGINT while verify has a route deleted: the route comes back and verify exits 130", async () => {
        const child = startCli(["verify", "--name", name]);
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
        // The route to node-2's slice is gone while the "removed" checks run (each waits for a probe timeout).
        const deadline = Date.now() + 20000;
        while (/10\.100\.2\.0\/24/.test(sliceTable(name)) && Date.now() < deadline) await sleep(10);
        expect(sliceTable(name)).not.toMatch(/10\.100\.2\.0\/24/);
        child.kill("SIGINT");
        expect(await exited).toBe(130);
        expect(sliceTable(name)).toMatch(/^10\.100\.2\.0\/24 via 10\.220\.1\.6 dev to-node-2/m);
        expect(stderr).toMatch(/^verify: \[\d+\/18\] PASS /m);
        expect(stderr).toMatch(/^SIGINT: restoring route 10\.100\.2\.0\/24 via 10\.220\.1\.6/m);
        expect((await lab("status", "--name", name)).stdout).not.toMatch(/drift/);
    }, 30000);

    test("a second up of the same lab is refused; down removes everything", async () => {
        await expect(up({ stack: "dev", name, podsPerNode: 3 })).rejects.toThrow(/already up/);
        expect(await down(name)).toBe(27);
        expect(await labNetns(name)).toEqual([]);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 30000);

    test("--plugin overlay: the slices work with no route table, and nobody outside the cluster reaches pods", async () => {
        const topology = await up({ stack: "dev", name: `${name}o`, nodes: 2, podsPerNode: 2, plugin: "overlay" });
        try {
            const results = await verify(topology);
            expect(results.filter((result) => !result.passed)).toEqual([]);
            expect(results.map((result) => result.check)).toEqual([
                "pod->pod across nodes (node-0 -> node-1) keeps the pod IP",
                "pod->pod on one node (node-0) keeps the pod IP",
                "pod->external arrives from the node IP (SNAT)",
                "ClusterIP 10.200.0.100:80 reaches every nginx pod (DNAT)",
                "Overlay pod -> VM: the VM sees the node IP (SNAT)",
                "VM -> Overlay pod IP: no answer (pod IPs are known to the cluster's own nodes only)",
                "internet -> Overlay pod IP: no answer",
            ]);
        } finally {
            await down(`${name}o`);
        }
    }, 30000);

    test("a failed up removes everything it made", async () => {
        // The servers' directory cannot be made (a file is in its way): the build fails after
        // every namespace exists.
        const blocker = path.join(STATE_DIR, `${name}f-www`);
        fs.mkdirSync(STATE_DIR, { recursive: true });
        fs.writeFileSync(blocker, "in the way");
        await expect(up({ stack: "dev", name: `${name}f`, podsPerNode: 2, clusters: "both" })).rejects.toThrow();
        expect(await labNetns(`${name}f`)).toEqual([]);
        expect(fs.existsSync(blocker)).toBe(false);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 30000);

    /** Waits until the lab's first namespaces exist (the build is under way), then sends `signal` to `target`. */
    async function interruptWhenStarted(labName: string, target: ChildProcess, signal: NodeJS.Signals) {
        const exited = new Promise<number | null>((resolve) => target.on("exit", resolve));
        const deadline = Date.now() + 15000;
        while ((await labNetns(labName)).length === 0 && Date.now() < deadline) await sleep(20);
        expect((await labNetns(labName)).length).toBeGreaterThan(0);
        target.kill(signal);
        return exited;
    }
    const upBoth7x5 = (labName: string) => [
        "up",
        "--name",
        labName,
        "--cluster",
        "both",
        "--nodes",
        "7",
        "--pods",
        "5",
    ];

    test("an interrupted up leaves nothing behind", async () => {
        const child = startCli(upBoth7x5(`${name}x`));
        expect(await interruptWhenStarted(`${name}x`, child, "SIGTERM")).toBe(143);
        expect([await labNetns(`${name}x`), labProcesses(`${name}x`)]).toEqual([[], []]);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 30000);

    test("SIGTERM to npm alone (as a CI runner sends it): within 20 s no namespace and no lab process is left", async () => {
        const labName = `${name}n`;
        const npm = spawn("npm", ["run", "--silent", "lab", "--", ...upBoth7x5(labName)], {
            cwd: REPO,
            stdio: "ignore",
        });
        await interruptWhenStarted(labName, npm, "SIGTERM");
        // npm is gone at once and does not pass the signal on; the lab notices its launcher is gone.
        const within = Date.now() + 20000;
        while (((await labNetns(labName)).length > 0 || labProcesses(labName).length > 0) && Date.now() < within)
            await sleep(100);
        expect([await labNetns(labName), labProcesses(labName)]).toEqual([[], []]);
        expect(rootNamespaceSnapshot()).toEqual(before);
    }, 40000);

    test("down without --name removes only a lab this checkout made for the stack", async () => {
        // A lab named like a stack ("<name>s"), recorded as made by another checkout.
        const labName = `${name}s`;
        execFileSync("ip", ["netns", "add", `akl-${labName}-vnet`]);
        fs.mkdirSync(STATE_DIR, { recursive: true });
        const stateFile = path.join(STATE_DIR, `${labName}.json`);
        fs.writeFileSync(
            stateFile,
            JSON.stringify({
                name: labName,
                createdBy: {
                    stack: labName,
                    checkout: "/home/someone/aks-kubenet",
                    pid: 1,
                    startedAt: "2026-11-29T00:00:00.000Z",
                },
            }),
        );
        try {
            const refused = await lab("down", "--stack", labName);
            expect(refused.code).toBe(2);
            expect(refused.stderr.trim()).toBe(
                `lab: lab "${labName}" was made by stack ${labName} of /home/someone/aks-kubenet (pid 1, 2026-11-29T00:00:00.000Z), not by stack ${labName} of this checkout (${REPO}); run \`sudo npm run lab -- down --name ${labName}\` to remove it anyway`,
            );
            expect(await labNetns(labName)).toEqual([`akl-${labName}-vnet`]);
            expect(await lab("down", "--stack", labName, "--name", labName)).toMatchObject({
                code: 0,
                stdout: `lab "${labName}": removed 1 namespaces`,
            });
            expect([await labNetns(labName), fs.existsSync(stateFile)]).toEqual([[], false]);
        } finally {
            await down(labName).catch(() => undefined);
        }
    });
});

/**
 * Whether user nobody (65534) can enter `dir` and read what the lab's CLI starts with: every folder
 * above it must let others through. The reason says which one does not.
 */
function nobodyCanRead(dir: string): { ok: boolean; reason: string } {
    const probe = spawnSync(
        "setpriv",
        [
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            process.execPath,
            "-e",
            `require("fs").accessSync(${JSON.stringify(path.join(dir, "lab", "cli.ts"))})`,
        ],
        { cwd: "/", encoding: "utf8" },
    );
    if (probe.error) return { ok: false, reason: `skipped: setpriv cannot run (${probe.error.message})` };
    if (probe.status === 0) return { ok: true, reason: "" };
    let closed = dir;
    for (let folder = dir; folder !== path.dirname(folder); folder = path.dirname(folder))
        if ((fs.statSync(folder).mode & 0o001) === 0) closed = folder;
    return {
        ok: false,
        reason: `skipped: user nobody cannot enter ${closed} (mode ${(fs.statSync(closed).mode & 0o777).toString(8)}), which holds this checkout`,
    };
}
