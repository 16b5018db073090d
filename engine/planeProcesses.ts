/**
 * The control plane's own processes: each component started detached (it outlives the command that
 * started it) with its log in the folder and its pid recorded at once, waited for with a deadline,
 * and at the end stopped: the recorded ones only, each with its descendants, SIGKILL with a
 * deadline and any survivor named; then the folder removed and its ports checked free. The /proc
 * reading below this (pids, start times, descendants, stopping) is engine/processes.ts.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isStopping } from "../cli/interrupts";
import { readJson, writeJsonAtomically } from "../cli/ownership";
import { CheckFailedError, UsageError } from "../cli/shell";
import { Component, PlaneFiles, planeFiles, Ports } from "./controlPlane";
import { portInUse } from "./loopback";
import {
    commandOf,
    descendantsOf,
    isAlive,
    isSameProcess,
    processesNaming,
    sleep,
    startTimeOf,
    stopProcesses,
} from "./processes";

/** The stand-in runs as a process of its own too, found and stopped like the others. */
export const STAND_IN = "loadBalancerStandIn";

export interface PlaneProcess {
    readonly component: Component | typeof STAND_IN;
    readonly pid: number;
    /** /proc/PID/stat's start time when it started: a pid reused by another process is not this one. */
    readonly startTime?: string;
}

/** The processes a plane's folder records: the state file's, and those written as each started. */
export function recordedProcesses(files: PlaneFiles, known?: readonly PlaneProcess[]): PlaneProcess[] {
    const written = readJson<PlaneProcess[]>(files.processes) ?? [];
    const all = [...(known ?? []), ...written];
    return all.filter((entry, index) => all.findIndex((other) => other.pid === entry.pid) === index);
}

/**
 * Stops the processes the plane started, the last started first (the stand-in and kwok before the
 * API server, the API server before its storage: each stops cleanly while what it talks to is still
 * there), each with its descendants; never a process it did not start, however it names the folder.
 * A process still there after SIGKILL's deadline is named and the folder kept, so `down` can be
 * run again. Then removes the folder and checks its ports are free.
 */
export async function removePlane(
    dir: string,
    known: { processes: readonly PlaneProcess[]; ports?: Ports } | undefined,
    log: (line: string) => void = () => {},
    stopOptions?: Parameters<typeof stopProcesses>[1],
): Promise<void> {
    const files = planeFiles(dir);
    const survivors: Array<{ pid: number; command: string }> = [];
    for (const entry of recordedProcesses(files, known?.processes).reverse()) {
        if (!isSameProcess(entry)) continue;
        const started = Date.now();
        const family = [entry.pid, ...descendantsOf([entry.pid])];
        survivors.push(...(await stopProcesses(family, stopOptions)));
        log(
            `stopped ${entry.component} (pid ${entry.pid}${family.length > 1 ? ` and ${family.length - 1} below it` : ""}) in ${Date.now() - started} ms`,
        );
    }
    if (survivors.length > 0)
        throw new CheckFailedError(
            `still running after SIGKILL: ${survivors.map((found) => `pid ${found.pid} (${found.command})`).join(", ")}; ${dir} is kept: stop them, then run down again`,
        );
    for (const pid of processesNaming(dir))
        log(
            `left running: pid ${pid} (${commandOf(pid)}), which names ${dir} but was not started by the control plane`,
        );
    fs.rmSync(dir, { recursive: true, force: true });
    if (known?.ports) {
        const busy: number[] = [];
        for (const port of Object.values(known.ports)) if (await portInUse(port)) busy.push(port);
        if (busy.length > 0)
            throw new CheckFailedError(`ports ${busy.join(", ")} on 127.0.0.1 are still in use after down`);
    }
}

/** Runs a command to its end and returns its output; a missing command or a failure is one line. */
export function run(command: string, args: readonly string[], what: string): string {
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.error)
        throw new UsageError(
            `${command} is not installed or not on PATH (${what}); install it (Debian: apt-get install ${command})`,
        );
    if (result.status !== 0)
        throw new CheckFailedError(
            `${what} failed: ${(result.stderr || result.stdout).trim().split("\n").slice(-1)[0]}`,
        );
    return result.stdout;
}

/** Starts a component detached (it outlives this command), its output in logs/. */
export function startDetached(
    files: PlaneFiles,
    component: PlaneProcess["component"],
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
): PlaneProcess {
    const log = fs.openSync(path.join(files.logs, `${component}.log`), "a");
    const child = spawn(command, args, {
        detached: true,
        stdio: ["ignore", log, log],
        cwd: files.dir,
        env: env ?? process.env,
    });
    fs.closeSync(log);
    child.unref();
    if (!child.pid) throw new CheckFailedError(`${component} did not start (${command})`);
    const started: PlaneProcess = { component, pid: child.pid, startTime: startTimeOf(child.pid) };
    // Recorded at once: a `down` after a crash of `up` still knows what to stop, and nothing else.
    writeJsonAtomically(files.processes, [...(readJson<PlaneProcess[]>(files.processes) ?? []), started]);
    return started;
}

/** Polls `ready` until it resolves true, or fails naming the log to read. */
export async function waitFor(
    what: string,
    files: PlaneFiles,
    component: string,
    pid: number,
    ready: () => Promise<boolean> | boolean,
    timeoutMs = 90000,
) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (isStopping()) await new Promise(() => {}); // the undo is removing everything: wait for its exit
        if (!isAlive(pid)) {
            const tail = readTail(path.join(files.logs, `${component}.log`));
            throw new CheckFailedError(`${component} exited while starting (${what}): ${tail}; see ${files.logs}`);
        }
        if (
            await Promise.resolve()
                .then(ready)
                .catch(() => false)
        )
            return;
        await sleep(250);
    }
    throw new CheckFailedError(
        `${component} was not ${what} after ${timeoutMs / 1000} s; see ${path.join(files.logs, `${component}.log`)}`,
    );
}

function readTail(file: string): string {
    try {
        const lines = fs.readFileSync(file, "utf8").trim().split("\n");
        return lines[lines.length - 1]?.slice(0, 300) ?? "";
    } catch {
        return "no log";
    }
}
