/**
 * The lab's bookkeeping, pure and without root: drift between a live lab and its state file, who
 * may remove a lab, which ancestors the lab watches, how many checks verify makes.
 */
import * as fs from "fs";
import { buildAddressPlan } from "../addressPlan";
import { validateConfig } from "../config";
import { rawStackConfig, REPO_ROOT } from "../stackFiles";
import { describeDrift, hasDrift, labDrift, LiveLab, parseIpRoutes } from "../lab/drift";
import { ancestorsOf, launcherChain, parseProcStat, ProcessEntry } from "../cli/interrupts";
import { downRefusal, LabState, labTopologyFor } from "../lab/lab";
import { allNetns, allServers, buildLabTopology } from "../lab/topology";
import { checkCount } from "../lab/verify";

const devConfig = validateConfig(rawStackConfig("dev")).config!;
const plan = buildAddressPlan(devConfig);
/** The lab's "both": the lab turns the Azure CNI cluster on, as labTopologyFor does. */
const topology = labTopologyFor({ stack: "dev", name: "t", podsPerNode: 3, clusters: "both" });

/** The lab exactly as its state file says. */
const healthy = (): LiveLab => ({
    namespaces: allNetns(topology),
    routes: topology.router.routes,
    serving: new Set(allServers(topology).map((server) => server.netns)),
});

describe("drift: the live lab against its state file", () => {
    test("a lab as recorded has none", () => {
        const drift = labDrift(topology, healthy());
        expect(hasDrift(drift)).toBe(false);
        expect(describeDrift(topology, drift)).toEqual([]);
    });

    test("a deleted route, a route to another next hop and a route nobody recorded are each named", () => {
        const [first, second, third] = topology.router.routes;
        const live = {
            ...healthy(),
            routes: [
                { ...first, via: "10.220.1.99" },
                third,
                { prefix: "10.100.9.0/24", via: "10.220.1.9", dev: "to-node-9" },
            ],
        };
        const drift = labDrift(topology, live);
        expect(drift.missingRoutes).toEqual([first, second]);
        expect(drift.extraRoutes).toEqual([live.routes[0], live.routes[2]]);
        expect(describeDrift(topology, drift)).toEqual([
            `routes missing from table 100 of akl-t-vnet: 10.100.0.0/24 via 10.220.1.4 dev to-node-0, 10.100.1.0/24 via 10.220.1.5 dev to-node-1`,
            `routes in table 100 of akl-t-vnet the state file does not list: 10.100.0.0/24 via 10.220.1.99 dev to-node-0, 10.100.9.0/24 via 10.220.1.9 dev to-node-9`,
        ]);
    });

    test("a missing namespace, a stranger with the lab's prefix and a stopped server", () => {
        const [server] = allServers(topology);
        const live = {
            ...healthy(),
            namespaces: [...allNetns(topology).filter((netns) => netns !== "akl-t-vm"), "akl-t-node-9"],
            serving: new Set([...healthy().serving].filter((netns) => netns !== server.netns)),
        };
        expect(describeDrift(topology, labDrift(topology, live))).toEqual([
            "missing namespaces: akl-t-vm",
            "namespaces the state file does not list: akl-t-node-9",
            `servers not running: ${server.name} (${server.netns})`,
        ]);
    });

    test("a server whose namespace is gone is one missing namespace, not also a stopped server", () => {
        const live = { ...healthy(), namespaces: allNetns(topology).filter((netns) => netns !== "akl-t-vm") };
        live.serving = new Set([...live.serving].filter((netns) => netns !== "akl-t-vm"));
        const drift = labDrift(topology, live);
        expect(drift.missingNamespaces).toEqual(["akl-t-vm"]);
        expect(drift.stoppedServers).toEqual([]);
    });

    test("a router that is gone is one missing namespace, not every route too", () => {
        const live = {
            ...healthy(),
            namespaces: allNetns(topology).filter((netns) => netns !== "akl-t-vnet"),
            routes: [],
        };
        expect(describeDrift(topology, labDrift(topology, live))).toEqual(["missing namespaces: akl-t-vnet"]);
    });

    test("long lists name five and count the rest", () => {
        const live = { ...healthy(), serving: new Set<string>() };
        const [line] = describeDrift(topology, labDrift(topology, live));
        const servers = allServers(topology).length;
        expect(line).toMatch(
            new RegExp(`^servers not running: (\\S+ \\(\\S+\\), ){4}\\S+ \\(\\S+\\) and ${servers - 5} more$`),
        );
    });

    test("`ip -j route show table N` as iproute2 prints it", () => {
        const printed =
            '[{"dst":"10.100.0.0/24","gateway":"10.220.1.4","dev":"to-node-0","flags":[]},{"type":"unreachable","dst":"10.0.0.0/8","flags":[]}]';
        expect(parseIpRoutes(printed)).toEqual([
            { prefix: "10.100.0.0/24", via: "10.220.1.4", dev: "to-node-0" },
            { prefix: "10.0.0.0/8", via: "", dev: "" },
        ]);
        expect(parseIpRoutes('[{"dst":"10.220.2.5","dev":"to-cni-node-0","flags":[]}]')).toEqual([
            { prefix: "10.220.2.5/32", via: "", dev: "to-cni-node-0" },
        ]);
        expect(parseIpRoutes("")).toEqual([]);
    });
});

describe("down without --name removes only a lab this checkout made for its stack", () => {
    const made = (createdBy?: Partial<LabState["createdBy"]>): LabState => ({
        ...topology,
        createdBy: createdBy && {
            stack: "dev",
            checkout: REPO_ROOT,
            pid: 4242,
            startedAt: "2026-11-29T10:00:00.000Z",
            ...createdBy,
        },
    });

    test("made here for this stack, or nothing there: removed", () => {
        expect(downRefusal("dev", "dev", made({}), 27)).toBeUndefined();
        expect(downRefusal("dev", "dev", undefined, 0)).toBeUndefined();
    });

    test("made by another checkout: refused, naming who made it and the --name that removes it anyway", () => {
        expect(downRefusal("dev", "dev", made({ checkout: "/home/someone/aks-kubenet" }), 27)).toBe(
            `lab "dev" was made by stack dev of /home/someone/aks-kubenet (pid 4242, 2026-11-29T10:00:00.000Z), not by stack dev of this checkout (${REPO_ROOT}); run \`sudo npm run lab -- down --name dev\` to remove it anyway`,
        );
    });

    test("made by another stack of this checkout, with no record of its maker, or with no state file: refused", () => {
        expect(downRefusal("dev", "prod", made({}), 27)).toMatch(/made by stack dev of .*not by stack prod/);
        expect(downRefusal("dev", "dev", made(undefined), 27)).toMatch(
            /does not record who made it; run `sudo npm run lab -- down --name dev`/,
        );
        expect(downRefusal("dev", "dev", undefined, 5)).toMatch(/has 5 namespaces but no state file/);
    });
});

describe("the launcher the lab watches", () => {
    const stat = (pid: number, command: string, ppid: number, start: number) =>
        `${pid} (${command}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 ${start} 1000 100`;

    test("/proc/<pid>/stat: ppid and start time, even with spaces and parentheses in the command", () => {
        expect(parseProcStat(17, stat(17, "npm run lab (x)", 9, 123456))).toEqual({
            pid: 17,
            command: "npm run lab (x)",
            ppid: 9,
            startTime: "123456",
        });
    });

    const processes: Record<number, ProcessEntry> = {
        50: { pid: 50, ppid: 40, command: "node", startTime: "5" },
        40: { pid: 40, ppid: 30, command: "sh", startTime: "4" },
        30: { pid: 30, ppid: 20, command: "npm run lab", startTime: "3" },
        20: { pid: 20, ppid: 10, command: "bash", startTime: "2" },
        10: { pid: 10, ppid: 1, command: "sshd", startTime: "1" },
    };
    const ancestors = ancestorsOf(50, (pid) => processes[pid]);

    test("ancestors, nearest first, up to init", () => {
        expect(ancestors.map((entry) => entry.pid)).toEqual([40, 30, 20, 10]);
    });

    test("under npm: npm's script shell and npm itself; the terminal's shell is left alone", () => {
        expect(launcherChain(ancestors).map((entry) => entry.command)).toEqual(["sh", "npm run lab"]);
    });

    test("without npm nearby: the parent only", () => {
        expect(launcherChain(ancestors.slice(2)).map((entry) => entry.command)).toEqual(["bash"]);
        expect(launcherChain([])).toEqual([]);
    });

    const onLinux = fs.existsSync("/proc/self/stat") ? test : test.skip;
    onLinux("this process's real ancestry parses", () => {
        const real = ancestorsOf(process.pid);
        expect(real.length).toBeGreaterThan(0);
        expect(real[0].pid).toBe(process.ppid);
        expect(real.every((entry) => /^\d+$/.test(entry.startTime))).toBe(true);
    });
});

describe("verify's progress total is the number of checks it makes", () => {
    // The integration suite runs verify on real labs and compares the count with checkCount.
    test.each([
        ["both clusters, 3 x 3", topology, 18],
        [
            "kubenet, 3 x 2",
            buildLabTopology(plan, {
                name: "t",
                stack: "dev",
                podsPerNode: 2,
                nginxReplicas: devConfig.nginxReplicas,
                clusters: "main",
            }),
            12,
        ],
        [
            "kubenet, 2 x 2 (no bystander node)",
            labTopologyFor({ stack: "dev", name: "t", nodes: 2, podsPerNode: 2, clusters: "main" }),
            11,
        ],
        [
            "Overlay, 2 x 2 (no route table to break)",
            labTopologyFor({ stack: "dev", name: "t", nodes: 2, podsPerNode: 2, plugin: "overlay" }),
            7,
        ],
    ])("%s", (_, lab, checks) => {
        expect(checkCount(lab)).toBe(checks);
    });
});

describe("kubenet's ceiling: the kubenet400 stack plans the lab's 400 x 5", () => {
    const ceiling = labTopologyFor({ stack: "kubenet400", name: "c", podsPerNode: 5, clusters: "main" });

    test("400 nodes, one route each, 2000 pods with addresses nobody else holds", () => {
        expect(ceiling.nodes).toHaveLength(400);
        expect(ceiling.router.routes).toHaveLength(400);
        const addresses = [
            ...ceiling.nodes.map((node) => node.ip),
            ...ceiling.nodes.flatMap((node) => node.pods.map((pod) => pod.ip)),
        ];
        expect(addresses).toHaveLength(2400);
        expect(new Set(addresses).size).toBe(2400);
        expect(ceiling.nodes[399]).toMatchObject({ ip: "10.220.5.147", podCidr: "10.101.143.0/24" });
    });

    test("the dev stack's /16 pod CIDR refuses 400 nodes with the rule's message", () => {
        expect(() => labTopologyFor({ stack: "dev", name: "c", nodes: 400, podsPerNode: 5, clusters: "main" })).toThrow(
            /podCidr.*--nodes 400|--nodes 400.*podCidr/s,
        );
    });
});
