/**
 * preflight's saved folders for tests: tests/fixtures/preflight/healthy, with one of cases/ laid
 * over a copy of it (a case holds only the files that differ), and the tool run in this process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../../cli/shell";
import { main } from "../../preflight/cli";
import type { CheckResult } from "../../preflight/verdicts";

export const PREFLIGHT_FIXTURES = path.join(__dirname, "..", "fixtures", "preflight");
export const HEALTHY = path.join(PREFLIGHT_FIXTURES, "healthy");
export const CASES = path.join(PREFLIGHT_FIXTURES, "cases");

const made: string[] = [];

/** A copy of healthy/ with `caseName`'s files over it, without the files in `omit`. */
export function savedFolder(caseName?: string, omit: readonly string[] = []): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
    made.push(dir);
    const copyFrom = (from: string) => {
        for (const file of fs.readdirSync(from))
            if (!omit.includes(file)) fs.copyFileSync(path.join(from, file), path.join(dir, file));
    };
    copyFrom(HEALTHY);
    if (caseName) copyFrom(path.join(CASES, caseName));
    return dir;
}

export function removeSavedFolders(): void {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface PreflightRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    /** --json's report, when the run got that far. */
    readonly checks: readonly CheckResult[];
}

export async function runPreflight(args: readonly string[]): Promise<PreflightRun> {
    const run = await runInProcess("preflight", main, [...args, "--json"]);
    const checks = run.stdout.trim().startsWith("{")
        ? (JSON.parse(run.stdout) as { checks: CheckResult[] }).checks
        : [];
    return { ...run, checks };
}

/** check -> verdict, for the checks that did not pass. */
export const notPassing = (checks: readonly CheckResult[]) =>
    Object.fromEntries(checks.filter((check) => check.verdict !== "PASS").map((check) => [check.check, check.verdict]));

export const detailOf = (checks: readonly CheckResult[], name: string) =>
    checks.find((check) => check.check === name)?.detail;
