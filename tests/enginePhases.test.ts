/**
 * The bench's phases (rehearsal/enginePhases.ts) on a real engine log: the marker lines of a no-op
 * preview of dev under the rehearsal, from pulumi v3.274.1 with -v=9 --logtostderr (paths
 * shortened). The expected milliseconds are the fixture's timestamps subtracted by hand.
 */
import * as fs from "fs";
import * as path from "path";
import { childrenCpuMs, enginePhases, median, parseEngineLog } from "../rehearsal/enginePhases";

const log = fs.readFileSync(path.join(__dirname, "fixtures", "engine-log", "noop-preview-v9.jsonl"), "utf8");
const at = (clock: string) => Date.parse(`2026-12-07T02:43:${clock}Z`);

describe("enginePhases on a real no-op preview's log", () => {
    const phases = enginePhases(parseEngineLog(log), at("28.591"), at("44.991"));

    it("splits the preview at the language host, the Run, the Stack and the program's first resource", () => {
        expect(phases.cliStartMs).toBe(1000); // 29.591 (first nodejs launch) - 28.591
        expect(phases.languageHostMs).toBe(2338); // 31.929 (Run executing) - 29.591
        expect(phases.nodeAndSdkMs).toBe(3478); // 35.407 (Stack registered) - 31.929
        expect(phases.programLoadMs).toBe(3840); // 39.247 (the Cluster component) - 35.407
        expect(phases.programRunMs).toBe(5611); // 44.858 (Run success) - 39.247
        expect(phases.finishMs).toBe(133); // 44.991 - 44.858
        expect(phases.totalMs).toBe(16400);
    });

    it("times each resource plugin from its launch to the engine's first call, the language host not among them", () => {
        expect(phases.pluginStarts).toEqual([
            { plugin: "azure-native", ms: 1945 }, // 41.211 - 39.266
            { plugin: "time", ms: 2025 }, // 43.676 - 41.651
            { plugin: "kubernetes", ms: 211 }, // 44.203 - 43.992
        ]);
    });

    it("counts the registered resources, the Stack included (pulumi printed 23 unchanged)", () => {
        expect(phases.resources).toBe(23);
    });
});

describe("parseEngineLog and its refusals", () => {
    it("reads a log object that shares its line with progress output, and skips lines that are not the engine's", () => {
        const events = parseEngineLog(
            [
                "Previewing update (dev):",
                '@ previewing update....{"time":"2026-12-07T02:43:35.407Z","level":"INFO","msg":"hello","v":5}',
                '{"time":"2026-12-07T02:43:35.5Z","level":"INFO","msg":"cut off',
                '{"time":"not a time","msg":"x"}',
            ].join("\n"),
        );
        expect(events).toEqual([{ at: at("35.407"), msg: "hello" }]);
    });

    it("throws naming the missing marker rather than print a phase it did not see", () => {
        const withoutRun = log
            .split("\n")
            .filter((line) => !line.includes("langhost[nodejs].Run("))
            .join("\n");
        expect(() => enginePhases(parseEngineLog(withoutRun), 0, 1)).toThrow(/no Run: run pulumi with -v=9/);
        expect(() => enginePhases([], 0, 1)).toThrow(/no language host launch/);
    });

    it("median: the middle value, the lower middle of an even count", () => {
        expect(median([3, 1, 2])).toBe(2);
        expect(median([4, 1, 3, 2])).toBe(2);
        expect(median([])).toBeNaN();
    });
});

describe("childrenCpuMs", () => {
    it("adds cutime and cstime (stat fields 16 and 17, ticks of 10 ms), past a command name holding ') '", () => {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        const stat = "4242 (odd) name) S 1 4242 4242 0 -1 4194560 100 200 0 0 12 3 250 30 20 0 1 0 5 0";
        expect(childrenCpuMs(stat)).toBe(2800);
    });
});
