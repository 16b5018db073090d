/**
 * Where a pulumi command's time goes, read from the engine's own log (`-v=9 --logtostderr`: one
 * JSON object a line, {"time", "msg", "v"}). Pure: the bench (rehearsal/bench.ts) runs pulumi and
 * hands the log here. The messages are the engine's, pulumi v3.274.1:
 *   - "newPlugin(): Launching plugin 'NAME' from ..." (sdk/go/common/resource/plugin/plugin.go),
 *   - "Provider[0x...].GetPluginInfo() executing": the engine's first call once a provider plugin
 *     has started and said its port (the plugin is up),
 *   - "langhost[nodejs].Run(...) executing" and "... success" (the program's run),
 *   - "ResourceMonitor.RegisterResource received: t=TYPE, ..." (pkg/resource/deploy/source_eval.go):
 *     the Node.js SDK registers the Stack once node, @pulumi/pulumi and ts-node are loaded, just
 *     before it requires the program (@pulumi/pulumi's cmd/run/run.js and runtime/stack.js), so the
 *     Stack's registration splits the SDK's start from the program's load. (The SDK's own "Running
 *     program" debug line is no marker: the engine logs it when it arrives, after resources.)
 */
import { readFileSync } from "fs";

export interface EngineLogEvent {
    readonly at: number; // ms since the epoch
    readonly msg: string;
}

/** The lines of `pulumi -v=9 --logtostderr` stderr that are the engine's JSON log; other lines are skipped. */
export function parseEngineLog(text: string): EngineLogEvent[] {
    const events: EngineLogEvent[] = [];
    for (const line of text.split("\n")) {
        // Progress output may share a line with a log object ("@ previewing update....{...}").
        const start = line.indexOf('{"time":');
        if (start < 0) continue;
        try {
            const entry = JSON.parse(line.slice(start)) as { time?: unknown; msg?: unknown };
            const at = typeof entry.time === "string" ? Date.parse(entry.time) : NaN;
            if (Number.isFinite(at) && typeof entry.msg === "string") events.push({ at, msg: entry.msg });
        } catch {
            // a log line cut by other output: not an event
        }
    }
    return events;
}

export interface PluginStart {
    readonly plugin: string;
    readonly ms: number;
}

export interface EnginePhases {
    /** From the command's start to the engine's first language host launch: the CLI itself. */
    readonly cliStartMs: number;
    /** From that launch to the program's Run: the language hosts the engine starts and asks first. */
    readonly languageHostMs: number;
    /** From Run to the Stack's registration: node, @pulumi/pulumi and ts-node loading. */
    readonly nodeAndSdkMs: number;
    /** From the Stack to the first resource the program registers: the program's modules loading. */
    readonly programLoadMs: number;
    /** From the program's first resource to the end of Run: the program, the providers' answers, their starts. */
    readonly programRunMs: number;
    /** From the end of Run to the command's end: the engine finishing, plugins stopped. */
    readonly finishMs: number;
    readonly totalMs: number;
    /** Each resource plugin: from its launch to the engine's first call (its port read). */
    readonly pluginStarts: readonly PluginStart[];
    /** Resources the program registered (the Stack included), for time per resource. */
    readonly resources: number;
}

const LAUNCH = /^newPlugin\(\): Launching plugin '([^']+)'/;
const FIRST_CALL = /^Provider\[(0x[0-9a-f]+)\]\.GetPluginInfo\(\) executing/;

/**
 * The phases of one command, from its log and the wall-clock start and end the caller measured.
 * Throws when a marker is missing (a failed run, or a log level too low): a bench must not print
 * a phase it could not see.
 */
export function enginePhases(events: readonly EngineLogEvent[], startedAt: number, endedAt: number): EnginePhases {
    const firstAt = (test: (msg: string) => boolean, after = -Infinity, what = "a marker") => {
        const found = events.find((event) => event.at >= after && test(event.msg));
        if (!found) throw new Error(`the engine's log has no ${what}: run pulumi with -v=9 --logtostderr`);
        return found.at;
    };
    const hostLaunch = firstAt(
        (msg) => /^newPlugin\(\): Launching plugin 'nodejs'/.test(msg),
        -Infinity,
        "language host launch",
    );
    const runStart = firstAt((msg) => /^langhost\[nodejs\]\.Run\(.*\) executing/s.test(msg), hostLaunch, "Run");
    const registrations = events.filter((event) => event.msg.startsWith("ResourceMonitor.RegisterResource received: "));
    const isStack = (event: EngineLogEvent) => / t=pulumi:pulumi:Stack,/.test(event.msg);
    const programStart = firstAt(
        (msg) => msg.startsWith("ResourceMonitor.RegisterResource received: t=pulumi:pulumi:Stack,"),
        runStart,
        "Stack registration",
    );
    const firstOwn = registrations.find((event) => event.at >= programStart && !isStack(event));
    if (!firstOwn) throw new Error("the engine's log has no resource of the program after its Stack");
    const runEnd = firstAt((msg) => /^langhost\[nodejs\]\.Run\(.*\) success/s.test(msg), firstOwn.at, "end of Run");

    // Plugins are paired with the first call to a provider not yet paired, in launch order.
    const pluginStarts: PluginStart[] = [];
    const paired = new Set<string>();
    for (const event of events) {
        const launch = LAUNCH.exec(event.msg);
        if (!launch || !launch[1].endsWith("(resource)")) continue;
        const call = events.find((other) => {
            const match = other.at >= event.at ? FIRST_CALL.exec(other.msg) : null;
            return match !== null && !paired.has(match[1]);
        });
        if (!call) continue;
        paired.add(FIRST_CALL.exec(call.msg)![1]);
        pluginStarts.push({ plugin: launch[1].replace(/ \(resource\)$/, ""), ms: call.at - event.at });
    }
    return {
        cliStartMs: hostLaunch - startedAt,
        languageHostMs: runStart - hostLaunch,
        nodeAndSdkMs: programStart - runStart,
        programLoadMs: firstOwn.at - programStart,
        programRunMs: runEnd - firstOwn.at,
        finishMs: endedAt - runEnd,
        totalMs: endedAt - startedAt,
        pluginStarts,
        resources: registrations.length,
    };
}

/** The middle value (the lower middle of an even count); NaN for none. */
export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The CPU time this process's waited-for children used, from /proc/self/stat's cutime and cstime
 * (proc(5); USER_HZ ticks, 100 a second on Linux). A child's own waited-for children count in it,
 * so pulumi's plugins and the program's node are included. Unlike wall time, it does not grow
 * when other work shares the cores.
 */
export function childrenCpuMs(stat = readFileSync("/proc/self/stat", "utf8")): number {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): cutime is field 16, cstime field 17.
    return (Number(fields[13]) + Number(fields[14])) * 10;
}
