/** Runs one of the project's command-line tools the way `npm run` does (ts-node, transpile only). */
import { spawnSync } from "child_process";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");

export interface ToolResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export function runTool(
    script: string,
    args: readonly string[],
    options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): ToolResult {
    const result = spawnSync(
        process.execPath,
        [
            path.join(REPO, "node_modules", "ts-node", "dist", "bin.js"),
            "--transpile-only",
            path.join(REPO, script),
            ...args,
        ],
        {
            cwd: REPO,
            encoding: "utf8",
            input: options.input,
            env: options.env ?? process.env,
        },
    );
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
