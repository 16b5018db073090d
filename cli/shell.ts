/**
 * The shell every command-line tool of the project shares (lab, verify, migrate, preview-guard):
 * exit 0 on success, 1 when a check fails, 2 when the input cannot be used, and always one
 * clear line on stderr instead of a stack trace.
 */
import { parseArgs, ParseArgsConfig } from "util";
import { CheckFailedError, UsageError } from "../errors";

// Defined below the tools (stackFiles.ts throws them too); every tool imports them from here.
export { CheckFailedError, UsageError };

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_UNUSABLE_INPUT = 2;

/** The options every stack-reading tool takes, as parseArgs declares them. */
export const STACK_TOOL_OPTIONS = {
    stack: { type: "string", default: "dev" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
} as const;

/** parseArgs with its own errors (unknown option, missing value) turned into UsageError. */
export function parseOptions<T extends ParseArgsConfig>(config: T) {
    try {
        return parseArgs(config);
    } catch (error) {
        throw new UsageError(`${(error as Error).message.split("\n")[0]}; see --help`);
    }
}

/** The exit code and the one line to print for an error a tool's main threw. */
export function describeFailure(tool: string, error: unknown): { code: number; line: string } {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) return { code: EXIT_UNUSABLE_INPUT, line: `${tool}: ${message}` };
    if (error instanceof CheckFailedError) return { code: EXIT_CHECK_FAILED, line: `${tool}: ${message}` };
    // Anything else is a bug or an environment failure: still one line; the stack only on request.
    return {
        code: EXIT_UNUSABLE_INPUT,
        line: `${tool}: ${message.split("\n")[0]} (set AKS_KUBENET_DEBUG=1 for details)`,
    };
}

export type ToolMain = (argv: string[]) => Promise<number>;

/** A tool that does its work without waiting on anything, as a ToolMain (a throw becomes a rejection). */
export const synchronousTool =
    (run: (argv: string[]) => number): ToolMain =>
    (argv) =>
        Promise.resolve().then(() => run(argv));

/**
 * Runs a tool's main and exits with its code; errors become one line (see describeFailure).
 * Only when the file is the process's entry point (`module` is the caller's): tests import main.
 */
export function runMain(tool: string, main: ToolMain, module?: NodeModule): void {
    if (module && require.main !== module) return;
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error) => {
            const { code, line } = describeFailure(tool, error);
            console.error(line);
            if (process.env.AKS_KUBENET_DEBUG) console.error(error);
            process.exit(code);
        },
    );
}

/** A plain-text table: a header, a rule, the rows; columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const all = [header, ...rows];
    const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
    const line = (row: readonly string[]) =>
        row
            .map((cell, column) => (cell ?? "").padEnd(widths[column]))
            .join("  ")
            .trimEnd();
    return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** What a tool printed and returned, run in this process (tests: no process start per case). */
export async function runInProcess(
    tool: string,
    main: ToolMain,
    argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (...args: unknown[]) => void out.push(args.join(" "));
    console.error = (...args: unknown[]) => void err.push(args.join(" "));
    try {
        const code = await main(argv);
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    } catch (thrown) {
        const { code, line } = describeFailure(tool, thrown);
        err.push(line);
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    } finally {
        console.log = log;
        console.error = error;
    }
}
