/**
 * One place that decides what happens when the lab's process is told to stop: SIGINT (Ctrl-C),
 * SIGTERM (a CI runner, systemd, `kill`), SIGHUP (a closed terminal). Whatever the lab has
 * changed registers an undo here while the change is live (a namespace built, a route deleted,
 * a bench lab up); on a signal every registered undo runs, newest first, then the process exits
 * with 128 + the signal's number. Nothing is left half-changed, whichever moment the signal hits.
 */
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
export function stop(signal: NodeJS.Signals, reason = signal): Promise<never> {
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
