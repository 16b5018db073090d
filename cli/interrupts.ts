/**
 * One place that decides what happens when a tool's process is told to stop: SIGINT (Ctrl-C),
 * SIGTERM (a CI runner, systemd, `kill`), SIGHUP (a closed terminal). Whatever the lab or the
 * engine has changed registers an undo here while the change is live (a namespace built, a route
 * deleted, a bench lab up, a control plane starting, a tool half-built); on a signal every
 * registered undo runs, newest first, then the process exits with 128 + the signal's number.
 * Nothing is left half-changed, whichever moment the signal hits.
 */
import * as fs from "fs";
import { constants } from "os";

export type Undo = () => Promise<void> | void;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const undos: Array<{ readonly what: string; readonly undo: Undo }> = [];
let stopping: Promise<never> | undefined;
let log: (line: string) => void = (line) => console.error(line);

/** The exit code a shell reports for a process ended by `signal`. */
export function exitCodeFor(signal: NodeJS.Signals): number {
    return 128 + (constants.signals[signal] ?? 15);
}

/** True once a stop was requested: work in progress must not start anything new. */
export function isStopping(): boolean {
    return stopping !== undefined;
}

/** Where the "removing ..." lines go (the CLIs print them on stderr). */
export function setInterruptLog(write: (line: string) => void): void {
    log = write;
}

/**
 * Runs every registered undo (newest first) and exits with the signal's code. Called by the
 * signal handlers, and by the parent watchdog when the process that started the lab is gone.
 */
export function stop(signal: NodeJS.Signals, reason: string = signal): Promise<never> {
    if (stopping) return stopping;
    stopping = (async () => {
        for (const { what, undo } of [...undos].reverse()) {
            log(`${reason}: ${what}`);
            try {
                await undo();
            } catch (error) {
                log(`${reason}: could not ${what}: ${(error as Error).message.split("\n")[0]}`);
            }
        }
        process.exit(exitCodeFor(signal));
    })();
    return stopping;
}

const handler = (signal: NodeJS.Signals) => void stop(signal);

/**
 * Registers `undo` until the returned function is called. While at least one undo is
 * registered, SIGINT, SIGTERM and SIGHUP run the undos instead of killing the process.
 */
export function registerUndo(what: string, undo: Undo): () => void {
    const entry = { what, undo };
    if (undos.length === 0) for (const signal of STOP_SIGNALS) process.on(signal, handler);
    undos.push(entry);
    return () => {
        const index = undos.indexOf(entry);
        if (index >= 0) undos.splice(index, 1);
        if (undos.length === 0 && !stopping) for (const signal of STOP_SIGNALS) process.off(signal, handler);
    };
}

/**
 * Makes a change and keeps its undo registered while `during` runs; the undo also runs when
 * `during` fails. A signal at any moment after `change` returned runs the undo exactly once.
 */
export async function withUndo<T>(
    what: string,
    change: () => Promise<void>,
    undo: Undo,
    during: () => Promise<T>,
): Promise<T> {
    let undone = false;
    const undoOnce = async () => {
        if (undone) return;
        undone = true;
        await undo();
    };
    // Registered before the change: a signal that lands while the change runs must still undo it
    // (undoing a change that never happened is harmless for every undo the lab registers).
    const unregister = registerUndo(what, undoOnce);
    try {
        await change();
        return await during();
    } finally {
        if (!stopping) {
            unregister();
            await undoOnce();
        }
    }
}

/** A process as /proc shows it; the start time tells it apart from a later one reusing its pid. */
export interface ProcessEntry {
    readonly pid: number;
    readonly ppid: number;
    readonly command: string;
    readonly startTime: string;
}

/** Parses /proc/<pid>/stat: the command sits in parentheses and may itself hold spaces or ")". */
export function parseProcStat(pid: number, stat: string): ProcessEntry {
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    // Fields after the command, counted from "state" (field 3 in proc(5)): ppid is 4, starttime 22.
    return { pid, command: stat.slice(open + 1, close), ppid: Number(fields[1]), startTime: fields[19] };
}

function readProcess(pid: number): ProcessEntry | undefined {
    try {
        return parseProcStat(pid, fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return undefined;
    }
}

/** The parents of `pid`, nearest first, up to (not including) init. */
export function ancestorsOf(
    pid: number,
    read: (pid: number) => ProcessEntry | undefined = readProcess,
): ProcessEntry[] {
    const chain: ProcessEntry[] = [];
    let entry = read(pid);
    while (entry && entry.ppid > 1 && chain.length < 32) {
        const parent = read(entry.ppid);
        if (!parent) break;
        chain.push(parent);
        entry = parent;
    }
    return chain;
}

const LAUNCHER = /^(npm|npx)\b/;

/**
 * The ancestors whose death means "stop the lab": up to and including the nearest npm (through
 * the `sh -c` npm runs scripts with), or only the parent when no npm is near. npm ends at once on
 * SIGTERM and the lab, its grandchild, is not told; a terminal's shell or a CI runner further up
 * is left alone, so `nohup` and friends keep working.
 */
export function launcherChain(ancestors: readonly ProcessEntry[]): ProcessEntry[] {
    const npm = ancestors.slice(0, 4).findIndex((entry) => LAUNCHER.test(entry.command));
    return ancestors.slice(0, npm >= 0 ? npm + 1 : 1);
}

/** True when `entry` is no longer running (gone, or its pid now belongs to another process). */
function isGone(entry: ProcessEntry): boolean {
    const now = readProcess(entry.pid);
    return !now || now.startTime !== entry.startTime;
}

/**
 * Watches the process that started the lab (see launcherChain) and, when it is gone, stops as a
 * SIGTERM would: every registered undo runs, then the process exits. Returns the function that
 * stops watching. Does nothing where /proc is missing.
 */
let watching: NodeJS.Timeout | undefined;

export function watchLauncher(intervalMs = 250): () => void {
    const stopWatching = () => {
        clearInterval(watching);
        watching = undefined;
    };
    if (watching) return stopWatching; // one watch per process, however many commands start one
    const chain = launcherChain(ancestorsOf(process.pid));
    if (chain.length === 0) return stopWatching;
    const timer = (watching = setInterval(() => {
        const gone = chain.find(isGone);
        if (gone) {
            clearInterval(timer);
            void stop("SIGTERM", `${gone.command} (pid ${gone.pid}) that started the lab is gone`);
        }
    }, intervalMs));
    timer.unref();
    return stopWatching;
}
