/** Lab lifecycle: up, down, status, show. Everything the lab makes lives in its own namespaces. */
import * as fs from "fs";
import * as path from "path";
import { buildAddressPlan, MainNetworkPlugin } from "../addressPlan";
import { validatedStackConfig } from "../stackFiles";
import { Maker, makerNow, readJson, removalRefusal, writeJsonAtomically } from "../cli/ownership";
import { ClusterChoice } from "../names";
import { writeSnapshot } from "../verify/snapshot";
import { labSnapshotNow, sliceTableJson } from "./readings";
import { buildCommands, IP_MASQ_AGENT_CHAIN } from "./commands";
import { describeDrift, hasDrift, LabDrift, labDrift, LiveLab, parseIpRoutes } from "./drift";
import { isStopping, registerUndo } from "../cli/interrupts";
import {
    deleteNetns,
    inNetnsWithSysfs,
    hasTool,
    inNetns,
    ipIn,
    LabCommandError,
    LabError,
    listNetns,
    pidsInNetns,
    preflight,
    runOrThrow,
    resumeCommands,
    runPhases,
    stopRunningChildren,
} from "./system";
import {
    allNetns,
    allServers,
    buildLabTopology,
    labConfigOverrides,
    LabClusters,
    LabTopology,
    netnsPrefix,
    POD_HTTP_PORT,
    validateLabName,
} from "./topology";

export const STATE_DIR = process.env.AKS_KUBENET_LAB_STATE_DIR ?? "/run/aks-kubenet-lab";
/** Every lab server answers GET on this path with its name and the client address it sees. */
export const SERVER_PATH = "/cgi-bin/who";
/**
 * The pod server: busybox httpd (about 2 MB of RSS, so 500 pods fit in about 1 GB; a Node.js
 * server per pod took about 40 MB) running this CGI, which prints the server's name and
 * REMOTE_ADDR. httpd binds before it daemonizes, so its exit means it listens.
 */
const WHO_CGI = `#!/bin/sh
printf 'Content-Type: application/json\r\nConnection: close\r\n\r\n{"server":"%s","client":"%s"}\n' "$LAB_SERVER_NAME" "$REMOTE_ADDR"
`;
const SERVER_START_CONCURRENCY = 16;

export interface UpOptions {
    readonly stack: string;
    readonly name: string;
    /** Overrides the stack's nodeCount (and azureCniNodeCount). */
    readonly nodes?: number;
    readonly podsPerNode: number;
    /** Which clusters; default: both when the stack enables azureCniCluster, else main. */
    readonly clusters?: LabClusters;
    /** The main cluster's plugin; default: the stack's networkPlugin. */
    readonly plugin?: MainNetworkPlugin;
}

/** The lab's topology from the stack's config and address plan. */
export function labTopologyFor(options: UpOptions): LabTopology {
    const invalid = validateLabName(options.name);
    if (invalid) throw new LabError(invalid);
    const clusters = options.clusters ?? (validatedStackConfig(options.stack).azureCniCluster ? "both" : "main");
    let config;
    try {
        config = validatedStackConfig(
            options.stack,
            labConfigOverrides({ clusters, plugin: options.plugin, nodes: options.nodes }),
        );
    } catch (error) {
        throw new LabError(
            `${(error as Error).message}${options.nodes === undefined ? "" : ` (with --nodes ${options.nodes})`}`,
        );
    }
    try {
        return buildLabTopology(buildAddressPlan(config), {
            name: options.name,
            stack: options.stack,
            podsPerNode: options.podsPerNode,
            nginxReplicas: config.nginxReplicas,
            clusters,
        });
    } catch (error) {
        throw new LabError((error as Error).message);
    }
}

const statePath = (name: string) => path.join(STATE_DIR, `${name}.json`);
const wwwDir = (name: string) => path.join(STATE_DIR, `${name}-www`);

/** Who made a lab: `down` without --name removes only labs its own checkout's stack made. */
export type LabMaker = Maker;

/** The state file: the topology the lab was built from, and who built it. */
export interface LabState extends LabTopology {
    readonly createdBy?: LabMaker;
}

export function readState(name: string): LabState | undefined {
    return readJson<LabState>(statePath(name));
}

function writeState(state: LabState): void {
    writeJsonAtomically(statePath(state.name), state);
}

/** Namespaces of this lab that exist now. */
export async function labNetns(name: string): Promise<string[]> {
    const prefix = netnsPrefix(name);
    return (await listNetns()).filter((netns) => netns.startsWith(prefix));
}

/** Starts a lab server (busybox httpd) in `netns`; resolves once it listens. */
async function startServer(netns: string, serverName: string, home: string): Promise<void> {
    const result = await inNetns(netns, [
        "env",
        `LAB_SERVER_NAME=${serverName}`,
        "busybox",
        "httpd",
        "-p",
        `0.0.0.0:${POD_HTTP_PORT}`,
        "-h",
        home,
    ]);
    if (result.code !== 0)
        throw new LabCommandError(`server ${serverName} in ${netns} did not start: ${result.stderr.trim()}`);
}

async function startServers(name: string, servers: ReadonlyArray<{ netns: string; name: string }>): Promise<void> {
    const home = wwwDir(name);
    fs.mkdirSync(path.join(home, "cgi-bin"), { recursive: true });
    fs.writeFileSync(path.join(home, "cgi-bin", "who"), WHO_CGI, { mode: 0o755 });
    const queue = [...servers];
    await Promise.all(
        Array.from({ length: SERVER_START_CONCURRENCY }, async () => {
            for (let server = queue.shift(); server; server = queue.shift())
                await startServer(server.netns, server.name, home);
        }),
    );
}

/**
 * Builds `state` from nothing. On failure, or on SIGINT/SIGTERM/SIGHUP (or the launcher's death),
 * everything made so far is removed before the error (or the signal's exit code) is passed on.
 */
async function build(state: LabState, log: (line: string) => void): Promise<void> {
    // Stop what is still running first, then remove every namespace with the lab's prefix: the
    // planned ones and whatever a stopped batch managed to add.
    const cleanUp = async () => {
        await stopRunningChildren();
        await deleteNetns([...new Set([...allNetns(state), ...(await labNetns(state.name))])]);
        removeFiles(state.name);
    };
    // From here until the lab is up, a signal (or a failure) removes everything made so far.
    const unregister = registerUndo(`removing lab "${state.name}"`, cleanUp);
    try {
        const warnings = await runPhases(buildCommands(state));
        warnings.forEach(log);
        await startServers(state.name, allServers(state));
        writeState(state);
    } catch (error) {
        if (isStopping()) {
            // The build failed because the clean-up removed its namespaces: let the clean-up
            // finish and exit with the signal's code, never with this error half-way.
            await new Promise(() => {});
        }
        await cleanUp();
        resumeCommands();
        throw error;
    } finally {
        unregister();
    }
}

/** Builds the lab from the stack's config and address plan, and records who made it. */
export async function up(options: UpOptions, log: (line: string) => void = () => {}): Promise<LabTopology> {
    const notes = await preflight();
    notes.forEach(log);
    const topology = labTopologyFor(options);
    const existing = await labNetns(options.name);
    if (existing.length > 0) {
        throw new LabError(
            `lab "${options.name}" is already up (${existing.length} namespaces named ${topology.prefix}*); run \`npm run lab -- down --name ${options.name}\` first (or \`repair --name ${options.name}\` if it drifted), or pick another --name`,
        );
    }
    await build({ ...topology, createdBy: makerNow(options.stack) }, log);
    return topology;
}

function removeFiles(name: string): void {
    fs.rmSync(statePath(name), { force: true });
    fs.rmSync(wwwDir(name), { force: true, recursive: true });
}

/**
 * Why `down` without an explicit --name must not remove lab `name` (undefined: it may). The
 * default name is the stack's, which anyone's checkout shares; only a lab this checkout made for
 * this stack is removed without asking by name.
 */
export function downRefusal(
    name: string,
    stack: string,
    state: LabState | undefined,
    namespaces: number,
): string | undefined {
    return removalRefusal({
        subject: `lab "${name}"`,
        stack,
        maker: state?.createdBy,
        hasState: state !== undefined,
        leftovers: namespaces > 0 ? `${namespaces} namespaces` : undefined,
        hint: `run \`sudo npm run lab -- down --name ${name}\` to remove it anyway`,
    });
}

export interface DownOptions {
    readonly name: string;
    /** The stack of this invocation (--stack). */
    readonly stack: string;
    /** True when the user gave --name: the lab is removed whoever made it. */
    readonly explicitName: boolean;
}

/** Removes every namespace (and so every link, rule and server) of the lab, and its files. */
export async function down(options: DownOptions): Promise<number> {
    const { name } = options;
    const invalid = validateLabName(name);
    if (invalid) throw new LabError(invalid);
    await preflight();
    const namespaces = await labNetns(name);
    if (!options.explicitName) {
        const refusal = downRefusal(name, options.stack, readState(name), namespaces.length);
        if (refusal) throw new LabError(refusal);
    }
    // A removal cut short would leave half a lab: a signal waits for it to finish instead.
    const removal = deleteNetns(namespaces).then(() => removeFiles(name));
    const unregister = registerUndo(`finishing the removal of lab "${name}"`, () => removal);
    try {
        await removal;
    } finally {
        unregister();
    }
    const left = await labNetns(name);
    if (left.length > 0) throw new LabCommandError(`could not remove ${left.join(", ")}`);
    return namespaces.length;
}

/** The namespaces among `names` in which a busybox (the lab's httpd) runs. */
function namespacesServing(names: readonly string[]): Set<string> {
    const isServer = (pid: number) => {
        try {
            return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "busybox";
        } catch {
            return false; // ended meanwhile
        }
    };
    const serving = new Set<string>();
    for (const [netns, pids] of pidsInNetns(names)) if (pids.some(isServer)) serving.add(netns);
    return serving;
}

/** Reads what is running now: namespaces, the router's slice table, the servers. */
async function observe(topology: LabTopology): Promise<LiveLab> {
    const namespaces = await labNetns(topology.name);
    const routes = namespaces.includes(topology.router.netns) ? parseIpRoutes(await sliceTableJson(topology)) : [];
    return { namespaces, routes, serving: namespacesServing(allServers(topology).map((server) => server.netns)) };
}

/** How the live lab differs from its state file. */
export async function driftOf(topology: LabTopology): Promise<LabDrift> {
    return labDrift(topology, await observe(topology));
}

/**
 * Brings a drifted lab back to its state file: routes replaced or removed, servers restarted,
 * namespaces the state file does not list removed. A lab missing namespaces is rebuilt whole
 * (its links and rules span namespaces), from the same state. Returns what was wrong.
 */
export async function repair(state: LabState, log: (line: string) => void = () => {}): Promise<string[]> {
    await preflight();
    const drift = await driftOf(state);
    const found = describeDrift(state, drift);
    if (!hasDrift(drift)) return found;
    if (drift.missingNamespaces.length > 0) {
        log(`rebuilding lab "${state.name}": ${drift.missingNamespaces.length} namespaces are missing`);
        await deleteNetns(await labNetns(state.name));
        await build(state, log);
    } else {
        const table = String(state.router.routeTable);
        const ip = (args: string[]) => runOrThrow(...ipIn(state.router.netns, args));
        for (const route of drift.extraRoutes) await ip(["route", "del", route.prefix, "table", table]);
        for (const route of drift.missingRoutes)
            await ip(["route", "replace", route.prefix, "via", route.via, "dev", route.dev, "table", table]);
        await deleteNetns(drift.extraNamespaces);
        await startServers(state.name, drift.stoppedServers);
    }
    const left = describeDrift(state, await driftOf(state));
    if (left.length > 0)
        throw new LabCommandError(`lab "${state.name}" still differs after repair: ${left.join("; ")}`);
    return found;
}

export interface LabStatus extends LabState {
    readonly running: boolean;
    readonly namespaces: number;
    /** How the live lab differs from the state file, one line per kind (empty: it matches). */
    readonly drift: readonly string[];
    /** Why drift was not checked (not root), when it was not. */
    readonly driftUnchecked?: string;
}

export async function status(name: string): Promise<LabStatus | undefined> {
    const state = readState(name);
    if (!state) return undefined;
    const namespaces = await labNetns(name);
    if (process.getuid?.() !== 0) {
        // Routes and processes inside the namespaces can only be read as root: say so, do not guess.
        const present = new Set(namespaces);
        return {
            ...state,
            running: allNetns(state).every((netns) => present.has(netns)),
            namespaces: namespaces.length,
            drift: [],
            driftUnchecked: "drift not checked: reading routes and processes inside the lab needs root (sudo)",
        };
    }
    const drift = await driftOf(state);
    return {
        ...state,
        running: drift.missingNamespaces.length === 0,
        namespaces: namespaces.length,
        drift: describeDrift(state, drift),
    };
}

export function findNode(topology: LabTopology, which: string) {
    const main = topology.nodes.find(
        (candidate) => candidate.name === which || candidate.name === `node-${which}` || candidate.ip === which,
    );
    if (main) return { kind: "main" as const, node: main };
    const cni = topology.azureCni?.nodes.find((candidate) => candidate.name === which || candidate.ip === which);
    if (cni) return { kind: "azurecni" as const, node: cni };
    const names = [...topology.nodes, ...(topology.azureCni?.nodes ?? [])].map((candidate) => candidate.name);
    throw new LabError(`no node "${which}" in lab "${topology.name}"; nodes: ${names.join(", ")}`);
}

/**
 * The tutorial's views from inside a node: ip addr, brctl show (kubenet), route -n, and the nat rules
 * (kubenet's MASQUERADE, or Azure CNI's ip-masq-agent chain).
 */
export async function show(topology: LabTopology, which: string): Promise<string> {
    const found = findNode(topology, which);
    const route: [string, string[]] = (await hasTool("route"))
        ? ["route -n", ["route", "-n"]]
        : ["ip route (route not installed)", ["ip", "route"]];
    const views: Array<[string, string[]]> =
        found.kind === "main"
            ? [
                  ["ip addr", ["ip", "addr"]],
                  (await hasTool("brctl"))
                      ? ["brctl show", ["brctl", "show"]]
                      : ["bridge link (brctl not installed)", ["bridge", "link"]],
                  route,
                  [
                      "iptables -t nat -nL POSTROUTING --line-numbers",
                      ["iptables", "-t", "nat", "-nL", "POSTROUTING", "--line-numbers"],
                  ],
              ]
            : [
                  ["ip addr", ["ip", "addr"]],
                  route,
                  [
                      "iptables -t nat -nL POSTROUTING --line-numbers",
                      ["iptables", "-t", "nat", "-nL", "POSTROUTING", "--line-numbers"],
                  ],
                  [
                      `iptables -t nat -nL ${IP_MASQ_AGENT_CHAIN} --line-numbers`,
                      ["iptables", "-t", "nat", "-nL", IP_MASQ_AGENT_CHAIN, "--line-numbers"],
                  ],
              ];
    const title =
        found.kind === "main"
            ? `# ${found.node.name}: eth0 ${found.node.ip}, pods ${found.node.podCidr} on cbr0 ${found.node.bridgeIp} (netns ${found.node.netns})`
            : `# ${found.node.name} (Azure CNI): eth0 ${found.node.ip}, pods ${found.node.pods.map((pod) => pod.ip).join(", ")} each on its own veth, no bridge (netns ${found.node.netns})`;
    const sections: string[] = [title];
    for (const [heading, command] of views) {
        // brctl reads /sys, which only `ip netns exec` remounts for the namespace.
        const result =
            command[0] === "brctl"
                ? await inNetnsWithSysfs(found.node.netns, command)
                : await inNetns(found.node.netns, command);
        sections.push(`\n$ ${heading}\n${(result.stdout + result.stderr).trimEnd()}`);
    }
    return sections.join("\n");
}

/** Writes one of the running lab's clusters as the documents verify reads; returns the files written. */
export async function snapshot(topology: LabTopology, dir: string, cluster: ClusterChoice = "main"): Promise<string[]> {
    return writeSnapshot(dir, (await labSnapshotNow(topology, cluster)).snapshot);
}
