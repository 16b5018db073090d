/** Lab lifecycle: up, down, status, show. Everything the lab makes lives in its own namespaces. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildAddressPlan } from "../addressPlan";
import { validateConfig } from "../config";
import { rawStackConfig, validatedStackConfig } from "../stackFiles";
import { expectedFor } from "../verify/expected";
import { writeSnapshot } from "../verify/snapshot";
import { IpRoute, labSnapshot } from "./snapshot";
import { buildCommands } from "./commands";
import { deleteNetns, hasTool, inNetns, LabCommandError, LabError, listNetns, preflight, runOrThrow, runPhases } from "./system";
import { allNetns, buildLabTopology, LabTopology, netnsPrefix, POD_HTTP_PORT, validateLabName } from "./topology";

export const STATE_DIR = process.env.AKS_KUBENET_LAB_STATE_DIR ?? "/run/aks-kubenet-lab";
const SERVER_SCRIPT = path.join(__dirname, "podServer.js");
const SERVER_READY_TIMEOUT_MS = 10000;

export interface UpOptions {
    readonly stack: string;
    readonly name: string;
    /** Overrides the stack's nodeCount. */
    readonly nodes?: number;
    readonly podsPerNode: number;
}

/** The lab's topology from the stack's config and address plan. */
export function labTopologyFor(options: UpOptions): LabTopology {
    const invalid = validateLabName(options.name);
    if (invalid) throw new LabError(invalid);
    const overrides: Record<string, string> = options.nodes === undefined ? {} : { nodeCount: String(options.nodes) };
    const result = validateConfig(rawStackConfig(options.stack, overrides));
    if (!result.config) {
        const problems = result.errors.map((problem) => `${problem.key}: ${problem.message}`).join("; ");
        throw new LabError(`stack ${options.stack}'s config is invalid${options.nodes === undefined ? "" : ` with --nodes ${options.nodes}`}: ${problems}`);
    }
    return buildLabTopology(buildAddressPlan(result.config), { name: options.name, stack: options.stack, podsPerNode: options.podsPerNode });
}

const statePath = (name: string) => path.join(STATE_DIR, `${name}.json`);

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

/** Starts a pod's HTTP server, detached, and waits until it listens. */
function startServer(netns: string, serverName: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("ip", ["netns", "exec", netns, process.execPath, SERVER_SCRIPT, serverName, String(POD_HTTP_PORT)], {
            detached: true,
            stdio: ["ignore", "pipe", "ignore"],
        });
        const timer = setTimeout(() => reject(new LabCommandError(`server in ${netns} did not start within ${SERVER_READY_TIMEOUT_MS} ms`)), SERVER_READY_TIMEOUT_MS);
        child.on("error", (error) => reject(error));
        child.on("exit", (code) => reject(new LabCommandError(`server in ${netns} exited with ${code}`)));
        child.stdout!.once("data", () => {
            clearTimeout(timer);
            child.removeAllListeners("exit");
            child.stdout!.destroy();
            child.unref();
            resolve();
        });
    });
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
        throw new LabError(`lab "${options.name}" is already up (${existing.length} namespaces named ${topology.prefix}*); run \`npm run lab -- down --name ${options.name}\` first, or pick another --name`);
    }

    const cleanUp = () => deleteNetns(allNetns(topology)).then(() => fs.rmSync(statePath(options.name), { force: true }));
    let interrupted: Promise<void> | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
        if (interrupted) return;
        log(`${signal}: removing lab "${options.name}"`);
        interrupted = cleanUp().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        const warnings = await runPhases(buildCommands(topology));
        warnings.forEach(log);
        const servers = [
            ...topology.nodes.flatMap((node) => node.pods.map((pod) => ({ netns: pod.netns, name: pod.name }))),
            { netns: topology.external.netns, name: "internet" },
        ];
        await Promise.all(servers.map((server) => startServer(server.netns, server.name)));
        fs.mkdirSync(STATE_DIR, { recursive: true });
        fs.writeFileSync(statePath(options.name), JSON.stringify(topology, null, 2));
        return topology;
    } catch (error) {
        if (interrupted) {
            // The build failed because the cleanup removed its namespaces: let the cleanup
            // finish and exit with the signal's code, never with this error half-way.
            await interrupted;
            await new Promise(() => {});
        }
        await cleanUp();
        throw error;
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}

/** Removes every namespace (and so every link, rule and server) of the lab, and its state file. */
export async function down(name: string): Promise<number> {
    const invalid = validateLabName(name);
    if (invalid) throw new LabError(invalid);
    await preflight();
    const namespaces = await labNetns(name);
    await deleteNetns(namespaces);
    fs.rmSync(statePath(name), { force: true });
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
    const node = topology.nodes.find((candidate) => candidate.name === which || candidate.name === `node-${which}` || candidate.ip === which);
    if (!node) throw new LabError(`no node "${which}" in lab "${topology.name}"; nodes: ${topology.nodes.map((candidate) => candidate.name).join(", ")}`);
    return node;
}

/** The seed's views from inside a node: ip addr, brctl show, route -n, the nat POSTROUTING chain. */
export async function show(topology: LabTopology, which: string): Promise<string> {
    const node = findNode(topology, which);
    const views: Array<[string, string[]]> = [
        ["ip addr", ["ip", "addr"]],
        (await hasTool("brctl")) ? ["brctl show", ["brctl", "show"]] : ["bridge link (brctl not installed)", ["bridge", "link"]],
        (await hasTool("route")) ? ["route -n", ["route", "-n"]] : ["ip route (route not installed)", ["ip", "route"]],
        ["iptables -t nat -nL POSTROUTING --line-numbers", ["iptables", "-t", "nat", "-nL", "POSTROUTING", "--line-numbers"]],
    ];
    const sections: string[] = [`# ${node.name}: eth0 ${node.ip}, pods ${node.podCidr} on cbr0 ${node.bridgeIp} (netns ${node.netns})`];
    for (const [title, command] of views) {
        const result = await inNetns(node.netns, command);
        sections.push(`\n$ ${title}\n${(result.stdout + result.stderr).trimEnd()}`);
    }
    return sections.join("\n");
}

/** Writes the running lab as the five documents verify reads; returns the files written. */
export async function snapshot(topology: LabTopology, dir: string): Promise<string[]> {
    const routes = JSON.parse(await runOrThrow("ip", ["-n", topology.router.netns, "-j", "route", "show"])) as IpRoute[];
    const expected = expectedFor(validatedStackConfig(topology.stack), "kubenet");
    return writeSnapshot(dir, labSnapshot(topology, expected, routes));
}
