/** Lab lifecycle: up, down, status, show. Everything the lab makes lives in its own namespaces. */
import * as fs from "fs";
import * as path from "path";
import { buildAddressPlan, MainNetworkPlugin } from "../addressPlan";
import { validatedStackConfig } from "../stackFiles";
import { ClusterChoice } from "../names";
import { expectedFor } from "../verify/expected";
import { writeSnapshot } from "../verify/snapshot";
import { IpRoute, labSnapshot } from "./snapshot";
import { buildCommands, IP_MASQ_AGENT_CHAIN } from "./commands";
import { isStopping, registerUndo } from "./interrupts";
import {
    deleteNetns,
    hasTool,
    inNetns,
    LabCommandError,
    LabError,
    listNetns,
    preflight,
    run,
    runOrThrow,
    resumeCommands,
    runPhases,
    stopRunningChildren,
} from "./system";
import {
    allNetns,
    allServers,
    buildLabTopology,
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
/** The lab's choices (clusters, plugin, node count) as config over the stack's: same rules, same plan. */
function labConfigOverrides(choices: {
    clusters: LabClusters;
    plugin?: MainNetworkPlugin;
    nodes?: number;
}): Record<string, string> {
    return {
        ...(choices.nodes === undefined
            ? {}
            : { nodeCount: String(choices.nodes), azureCniNodeCount: String(choices.nodes) }),
        // The lab builds the Azure CNI cluster even where the stack leaves it off.
        ...(choices.clusters === "main" ? {} : { azureCniCluster: "true" }),
        ...(choices.plugin ? { networkPlugin: choices.plugin } : {}),
    };
}

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
            clusters,
        });
    } catch (error) {
        throw new LabError((error as Error).message);
    }
}

const statePath = (name: string) => path.join(STATE_DIR, `${name}.json`);
const wwwDir = (name: string) => path.join(STATE_DIR, `${name}-www`);

export function readState(name: string): LabTopology | undefined {
    try {
        return JSON.parse(fs.readFileSync(statePath(name), "utf8")) as LabTopology;
    } catch {
        return undefined;
    }
}

/** Namespaces of this lab that exist now. */
export async function labNetns(name: string): Promise<string[]> {
    const prefix = netnsPrefix(name);
    return (await listNetns()).filter((netns) => netns.startsWith(prefix));
}

/** Starts a lab server (busybox httpd) in `netns`; resolves once it listens. */
async function startServer(netns: string, serverName: string, home: string): Promise<void> {
    const result = await run("ip", [
        "netns",
        "exec",
        netns,
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

async function startServers(topology: LabTopology): Promise<void> {
    const home = wwwDir(topology.name);
    fs.mkdirSync(path.join(home, "cgi-bin"), { recursive: true });
    fs.writeFileSync(path.join(home, "cgi-bin", "who"), WHO_CGI, { mode: 0o755 });
    const queue = allServers(topology);
    await Promise.all(
        Array.from({ length: SERVER_START_CONCURRENCY }, async () => {
            for (let server = queue.shift(); server; server = queue.shift())
                await startServer(server.netns, server.name, home);
        }),
    );
}

/**
 * Builds the lab. On failure, or on SIGINT/SIGTERM, everything made so far is removed before
 * the error (or the signal's exit code) is passed on.
 */
export async function up(options: UpOptions, log: (line: string) => void = () => {}): Promise<LabTopology> {
    const notes = await preflight();
    notes.forEach(log);
    const topology = labTopologyFor(options);
    const existing = await labNetns(options.name);
    if (existing.length > 0) {
        throw new LabError(
            `lab "${options.name}" is already up (${existing.length} namespaces named ${topology.prefix}*); run \`npm run lab -- down --name ${options.name}\` first, or pick another --name`,
        );
    }

    // Stop what is still running first, then remove every namespace with the lab's prefix: the
    // planned ones and whatever a stopped batch managed to add.
    const cleanUp = async () => {
        await stopRunningChildren();
        await deleteNetns([...new Set([...allNetns(topology), ...(await labNetns(options.name))])]);
        removeFiles(options.name);
    };
    // From here until the lab is up, a signal (or a failure) removes everything made so far.
    const unregister = registerUndo(`removing lab "${options.name}"`, cleanUp);
    try {
        const warnings = await runPhases(buildCommands(topology));
        warnings.forEach(log);
        await startServers(topology);
        fs.mkdirSync(STATE_DIR, { recursive: true });
        fs.writeFileSync(statePath(options.name), JSON.stringify(topology, null, 2));
        return topology;
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

function removeFiles(name: string): void {
    fs.rmSync(statePath(name), { force: true });
    fs.rmSync(wwwDir(name), { force: true, recursive: true });
}

/** Removes every namespace (and so every link, rule and server) of the lab, and its files. */
export async function down(name: string): Promise<number> {
    const invalid = validateLabName(name);
    if (invalid) throw new LabError(invalid);
    await preflight();
    const namespaces = await labNetns(name);
    await deleteNetns(namespaces);
    removeFiles(name);
    const left = await labNetns(name);
    if (left.length > 0) throw new LabCommandError(`could not remove ${left.join(", ")}`);
    return namespaces.length;
}

export interface LabStatus extends LabTopology {
    readonly running: boolean;
    readonly namespaces: number;
}

export async function status(name: string): Promise<LabStatus | undefined> {
    const topology = readState(name);
    if (!topology) return undefined;
    const present = new Set(await labNetns(name));
    const expected = allNetns(topology);
    return { ...topology, running: expected.every((netns) => present.has(netns)), namespaces: present.size };
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
        const result = await inNetns(found.node.netns, command);
        sections.push(`\n$ ${heading}\n${(result.stdout + result.stderr).trimEnd()}`);
    }
    return sections.join("\n");
}

/** Writes one of the running lab's clusters as the documents verify reads; returns the files written. */
export async function snapshot(topology: LabTopology, dir: string, cluster: ClusterChoice = "main"): Promise<string[]> {
    const built = cluster === "main" ? topology.nodes.length > 0 : topology.azureCni !== undefined;
    if (!built)
        throw new LabError(
            `lab "${topology.name}" has no ${cluster} cluster; bring it up with --cluster ${cluster} or both`,
        );
    const routes =
        cluster === "main"
            ? (JSON.parse(
                  await runOrThrow("ip", [
                      "-n",
                      topology.router.netns,
                      "-j",
                      "route",
                      "show",
                      "table",
                      String(topology.router.routeTable),
                  ]),
              ) as IpRoute[])
            : [];
    // The lab's own choices over the stack's config, as labTopologyFor made them.
    const expected = expectedFor(
        validatedStackConfig(
            topology.stack,
            labConfigOverrides({ clusters: topology.clusters, plugin: topology.plugin }),
        ),
        cluster,
    );
    return writeSnapshot(dir, labSnapshot(topology, expected, routes));
}
