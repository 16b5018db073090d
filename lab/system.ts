/** Running commands for the lab: preflight checks, command groups, namespaces and their processes. */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { CheckFailedError, UsageError } from "../cli/shell";
import { CommandGroup, Phase } from "./commands";

const execFileAsync = promisify(execFile);

/** The lab cannot run as asked: not root, tools missing, not up, a bad name or option (exit 2). */
export class LabError extends UsageError {}

/** A command the lab ran failed (exit 1). */
export class LabCommandError extends CheckFailedError {}

export interface RunResult {
    readonly stdout: string;
    readonly stderr: string;
    readonly code: number;
}

/** Children still running, so an interrupted build can stop them before it cleans up. */
const runningChildren = new Set<ChildProcess>();
/** Set by an interrupt: the build starts nothing more (only the clean-up runs commands). */
let stopped = false;

/**
 * Stops the build: nothing new starts, and every child still running is killed (an `ip -batch`
 * mid-way would otherwise add namespaces after the clean-up, a server could start in a namespace
 * being deleted). Resolves when they are gone.
 */
export async function stopRunningChildren(): Promise<void> {
    stopped = true;
    const children = [...runningChildren];
    await Promise.all(
        children.map(
            (child) =>
                new Promise<void>((resolve) => {
                    if (child.exitCode !== null || child.signalCode !== null) return resolve();
                    child.once("close", () => resolve());
                    child.kill("SIGKILL");
                }),
        ),
    );
}

/** After a clean-up that did not end the process (a failed build): commands may run again. */
export function resumeCommands(): void {
    stopped = false;
}

/** Runs a program, never through a shell; resolves with its exit code instead of throwing. */
export function run(file: string, args: readonly string[], input?: string): Promise<RunResult> {
    if (stopped) return Promise.resolve({ stdout: "", stderr: "interrupted", code: 130 });
    return runAlways(file, args, input);
}

/** As run, even after an interrupt: the clean-up's own commands. */
function runAlways(file: string, args: readonly string[], input?: string): Promise<RunResult> {
    return new Promise((resolve) => {
        const child = spawn(file, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
        runningChildren.add(child);
        child.on("close", () => runningChildren.delete(child));
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => (stdout += chunk));
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("error", (error) => resolve({ stdout, stderr: stderr + error.message, code: 127 }));
        child.on("close", (code) => resolve({ stdout, stderr, code: code ?? 1 }));
        if (input !== undefined) {
            // A program that exits without reading its input must not crash the lab (EPIPE).
            child.stdin!.on("error", () => {});
            child.stdin!.end(input);
        }
    });
}

/**
 * Starts a long-lived child with piped stdin and stdout (a prober). It is stopped with the others
 * when the lab is interrupted; its stderr is dropped.
 */
export function spawnTracked(file: string, args: readonly string[]): ChildProcess {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "ignore"] });
    runningChildren.add(child);
    child.on("close", () => runningChildren.delete(child));
    child.on("error", () => runningChildren.delete(child));
    return child;
}

export async function runOrThrow(file: string, args: readonly string[], input?: string): Promise<string> {
    return stdoutOrThrow(file, args, await run(file, args, input));
}

/** As runOrThrow, even after an interrupt: an undo that must not be skipped (restoring a route). */
export async function runAlwaysOrThrow(file: string, args: readonly string[], input?: string): Promise<string> {
    return stdoutOrThrow(file, args, await runAlways(file, args, input));
}

function stdoutOrThrow(file: string, args: readonly string[], result: RunResult): string {
    if (result.code !== 0) {
        throw new LabCommandError(
            `${file} ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
        );
    }
    return result.stdout;
}

/** Where iproute2 keeps a named namespace. */
export const NETNS_DIR = "/run/netns";

/**
 * Runs `args` inside a namespace's network stack. nsenter only joins the network namespace;
 * `ip netns exec` also unshares the mount namespace and remounts /sys, which copies every mount of
 * the machine and so slows down as the lab grows (each lab namespace is a mount). /proc/sys/net,
 * /proc/net, sockets and netfilter all follow the network namespace, so sysctl, iptables and the
 * servers need nothing more.
 */
export function inNetns(netns: string, args: readonly string[], input?: string): Promise<RunResult> {
    return run("nsenter", [`--net=${NETNS_DIR}/${netns}`, "--", ...args], input);
}

/**
 * `ip ARGS` inside a namespace, as [file, args] for run and friends. Not `ip -n NETNS`: like
 * `ip netns exec`, it remounts /sys in a new mount namespace (iproute2's netns_switch), whose cost
 * grows with every namespace already made (an up of 400 nodes took 10 times one of 100).
 */
export function ipIn(netns: string, args: readonly string[]): [string, string[]] {
    return ["nsenter", [`--net=${NETNS_DIR}/${netns}`, "--", "ip", ...args]];
}

/** As inNetns, with /sys remounted for the namespace: for tools that read it (brctl). */
export function inNetnsWithSysfs(netns: string, args: readonly string[]): Promise<RunResult> {
    return run("ip", ["netns", "exec", netns, ...args]);
}

const REQUIRED_TOOLS: ReadonlyArray<[string, string]> = [
    ["ip", "iproute2"],
    ["nsenter", "util-linux"],
    ["iptables-restore", "iptables"],
    ["iptables", "iptables"],
    ["sysctl", "procps"],
    // The pod servers: busybox httpd, about 2 MB each.
    ["busybox", "busybox"],
];
const OPTIONAL_TOOLS: ReadonlyArray<[string, string]> = [["brctl", "bridge-utils"]];

export async function hasTool(tool: string): Promise<boolean> {
    return (await run("sh", ["-c", `command -v ${tool}`])).code === 0;
}

/** Stops with a clear message unless the lab can run here: root, and the tools. */
export async function preflight(): Promise<string[]> {
    if (process.platform !== "linux")
        throw new LabError("the lab needs Linux network namespaces; run it on a Linux machine");
    if (typeof process.getuid === "function" && process.getuid() !== 0) {
        throw new LabError(
            "the lab needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to create network namespaces: run it as `sudo npm run lab -- ...`. An unprivileged container cannot run it.",
        );
    }
    const missing: string[] = [];
    for (const [tool, pkg] of REQUIRED_TOOLS) if (!(await hasTool(tool))) missing.push(`${tool} (package ${pkg})`);
    if (missing.length > 0) {
        throw new LabError(
            `missing: ${missing.join(", ")}. Install them, e.g. on Debian/Ubuntu: sudo apt-get install iproute2 iptables procps busybox bridge-utils`,
        );
    }
    const notes: string[] = [];
    for (const [tool, pkg] of OPTIONAL_TOOLS)
        if (!(await hasTool(tool))) notes.push(`${tool} not found (package ${pkg}); 'show' uses 'bridge link' instead`);
    return notes;
}

async function runGroup(group: CommandGroup, warnings: string[]): Promise<void> {
    switch (group.kind) {
        case "ip": {
            const input = group.lines.join("\n") + "\n";
            if (!group.netns) await runOrThrow("ip", ["-batch", "-"], input);
            else await runOrThrow(...ipIn(group.netns, ["-batch", "-"]), input);
            return;
        }
        case "sysctl": {
            const result = await inNetns(group.netns, [
                "sysctl",
                "-q",
                "-w",
                ...Object.entries(group.settings).map(([key, value]) => `${key}=${value}`),
            ]);
            if (result.code !== 0) {
                const message = `sysctl in ${group.netns} failed: ${result.stderr.trim()}`;
                if (!group.optional) throw new LabCommandError(message);
                warnings.push(message);
            }
            return;
        }
        case "iptables-restore": {
            const result = await inNetns(group.netns, ["iptables-restore", "--noflush"], group.rules);
            if (result.code !== 0)
                throw new LabCommandError(`iptables-restore in ${group.netns} failed: ${result.stderr.trim()}`);
            return;
        }
    }
}

/** Runs the phases in order, each phase's groups in parallel (a few at a time on 2 cores). */
export async function runPhases(phases: readonly Phase[], concurrency = 8): Promise<string[]> {
    const warnings: string[] = [];
    for (const phase of phases) {
        const queue = [...phase];
        const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
            for (let group = queue.shift(); group; group = queue.shift()) await runGroup(group, warnings);
        });
        await Promise.all(workers);
    }
    return warnings;
}

/** The machine's network namespaces. */
export async function listNetns(): Promise<string[]> {
    const { stdout } = await execFileAsync("ip", ["netns", "list"]);
    return stdout
        .split("\n")
        .map((line) => line.split(" ")[0])
        .filter(Boolean);
}

/** The inode that identifies a named namespace (`ip netns pids` compares the same). */
function netnsInode(name: string): number | undefined {
    try {
        return fs.statSync(path.join(NETNS_DIR, name)).ino;
    } catch {
        return undefined;
    }
}

/**
 * The processes running in any of the named namespaces, found in one pass over /proc (one
 * `ip netns pids` per namespace would start hundreds of processes for a large lab).
 */
export function pidsInNetns(names: readonly string[]): Map<string, number[]> {
    const byInode = new Map<number, string>();
    for (const name of names) {
        const inode = netnsInode(name);
        if (inode !== undefined) byInode.set(inode, name);
    }
    const found = new Map<string, number[]>(names.map((name) => [name, []]));
    if (byInode.size === 0) return found;
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        let inode: number;
        try {
            inode = fs.statSync(`/proc/${entry}/ns/net`).ino;
        } catch {
            continue; // ended meanwhile, or a kernel thread
        }
        const name = byInode.get(inode);
        if (name) found.get(name)!.push(Number(entry));
    }
    return found;
}

/** Kills every process in the namespaces, then deletes them (which removes their links and rules). */
export async function deleteNetns(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const pids = [...pidsInNetns(names).values()].flat();
    for (const pid of pids) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
    await runAlways("ip", ["-force", "-batch", "-"], names.map((name) => `netns delete ${name}`).join("\n") + "\n");
}

/**
 * Processes of lab `name` found by their command line: its CLI (`--name NAME`) and its servers
 * (their home, NAME-www), even those whose namespace is already gone.
 */
export function labProcesses(name: string): number[] {
    return fs
        .readdirSync("/proc")
        .filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid)
        .filter((pid) => {
            try {
                const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
                return args.includes(name) || args.some((arg) => arg.includes(`${name}-www`));
            } catch {
                return false; // ended meanwhile
            }
        })
        .map(Number);
}
