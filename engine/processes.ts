/**
 * The control plane's processes, read from /proc: which are still the ones the plane started (a
 * pid and its start time, so a reused pid is never taken for one), their descendants, stopping
 * them with a deadline, and the sockets they listen on. Linux only, as the engine is.
 */
import * as fs from "fs";

/** A process the plane started: its pid and its start time (clock ticks after boot, /proc/PID/stat field 22). */
export interface StartedProcess {
    readonly pid: number;
    readonly startTime?: string;
}

/** The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    } catch {
        return undefined;
    }
}

/** Running: present in /proc and not a zombie (an ended process its parent has not reaped yet). */
export const isAlive = (pid: number) => {
    const fields = statFields(pid);
    return fields !== undefined && fields[0] !== "Z";
};

/** Field 22 of /proc/PID/stat (the 20th after the name): when the process started. */
export const startTimeOf = (pid: number): string | undefined => statFields(pid)?.[19];

/** Alive and still the process that was started (same start time); without a recorded time, alive. */
export const isSameProcess = (entry: StartedProcess) =>
    isAlive(entry.pid) && (entry.startTime === undefined || startTimeOf(entry.pid) === entry.startTime);

export function commandOf(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
    } catch {
        return "(gone)";
    }
}

/** Every live process below `roots` in the process tree (children, their children, ...). */
export function descendantsOf(roots: readonly number[]): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const parent = Number(statFields(Number(entry))?.[1]);
        if (!Number.isFinite(parent)) continue;
        children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    }
    const found: number[] = [];
    const queue = [...roots];
    while (queue.length > 0) {
        for (const child of children.get(queue.shift()!) ?? []) {
            if (found.includes(child) || roots.includes(child)) continue;
            found.push(child);
            queue.push(child);
        }
    }
    return found;
}

/** Processes whose command line names `dir` (a user's `tail -f` of a log as much as the plane's own). */
export function processesNaming(dir: string): number[] {
    const found: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            if (args.some((arg) => arg.includes(`${dir}/`) || arg === dir)) found.push(Number(entry));
        } catch {
            // ended meanwhile
        }
    }
    return found;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StopOptions {
    /** How long SIGTERM has before SIGKILL. */
    readonly graceMs?: number;
    /** How long SIGKILL has before the process counts as a survivor. */
    readonly killDeadlineMs?: number;
    /** process.kill, replaceable so a test can play a process that does not die. */
    readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

/**
 * Stops `pids` (SIGTERM, SIGKILL after the grace period) and waits for them, but not forever: what
 * still runs `killDeadlineMs` after SIGKILL (a process in uninterruptible sleep, say) is returned,
 * named by its pid and command, for the caller to report.
 */
export async function stopProcesses(
    pids: readonly number[],
    options: StopOptions = {},
): Promise<Array<{ pid: number; command: string }>> {
    const { graceMs = 10000, killDeadlineMs = 10000, kill = (pid, signal) => process.kill(pid, signal) } = options;
    const signal = (pid: number, name: NodeJS.Signals) => {
        try {
            kill(pid, name);
        } catch {
            // already gone
        }
    };
    for (const pid of pids) signal(pid, "SIGTERM");
    let deadline = Date.now() + graceMs;
    while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
    for (const pid of pids.filter(isAlive)) signal(pid, "SIGKILL");
    deadline = Date.now() + killDeadlineMs;
    while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
    return pids.filter(isAlive).map((pid) => ({ pid, command: commandOf(pid) }));
}

export interface ListeningSocket {
    readonly kind: "tcp" | "unix";
    /** tcp: the address; unix: the socket's path ("@name" for an abstract one, "" for none). */
    readonly address: string;
    readonly port?: number;
}

/** The socket inodes a process holds open (/proc/PID/fd links of the form socket:[INODE]). */
function socketInodes(pid: number): Set<string> {
    const inodes = new Set<string>();
    let fds: string[];
    try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
        return inodes;
    }
    for (const fd of fds) {
        try {
            const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
            if (match) inodes.add(match[1]);
        } catch {
            // closed meanwhile
        }
    }
    return inodes;
}

/** /proc/net/tcp's hex address: IPv4 as one little-endian word, IPv6 as four. */
function hexAddress(hex: string): string {
    if (hex.length === 8)
        return [3, 2, 1, 0].map((index) => parseInt(hex.slice(index * 2, index * 2 + 2), 16)).join(".");
    const words = Array.from({ length: 4 }, (_, index) => hex.slice(index * 8, index * 8 + 8));
    const bytes = words.flatMap((word) => [3, 2, 1, 0].map((index) => word.slice(index * 2, index * 2 + 2)));
    const groups = Array.from({ length: 8 }, (_, index) => bytes[index * 2] + bytes[index * 2 + 1]);
    const text = groups.map((group) => parseInt(group, 16).toString(16)).join(":");
    return text === "0:0:0:0:0:0:0:1" ? "::1" : text === "0:0:0:0:0:0:0:0" ? "::" : text;
}

/**
 * The sockets `pid` listens on, read from the kernel (its fds and its network namespace's
 * /proc/PID/net/{tcp,tcp6,unix}), not from its flags: TCP sockets in state LISTEN (0A), and unix
 * sockets accepting connections (flag __SO_ACCEPTCON, 00010000).
 */
export function listeningSockets(pid: number): ListeningSocket[] {
    const inodes = socketInodes(pid);
    const read = (file: string) => {
        try {
            return fs.readFileSync(`/proc/${pid}/net/${file}`, "utf8").trim().split("\n").slice(1);
        } catch {
            return [];
        }
    };
    const found: ListeningSocket[] = [];
    for (const file of ["tcp", "tcp6"])
        for (const line of read(file)) {
            const fields = line.trim().split(/\s+/);
            const [local, state, inode] = [fields[1], fields[3], fields[9]];
            if (state !== "0A" || !inodes.has(inode)) continue;
            const [address, port] = local.split(":");
            found.push({ kind: "tcp", address: hexAddress(address), port: parseInt(port, 16) });
        }
    for (const line of read("unix")) {
        const fields = line.trim().split(/\s+/);
        const [flags, inode, socketPath] = [fields[3], fields[6], fields[7] ?? ""];
        if (!inodes.has(inode) || (parseInt(flags, 16) & 0x10000) === 0) continue;
        found.push({ kind: "unix", address: socketPath });
    }
    return found;
}
