/** Runs one of the project's command-line tools the way `npm run` does (ts-node, transpiled by SWC). */
import { spawnSync } from "child_process";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");

/** ts-node as package.json's scripts start it: `ts-node --swc SCRIPT` (SWC starts in a third of tsc's time). */
export const TS_NODE = [path.join(REPO, "node_modules", "ts-node", "dist", "bin.js"), "--swc"];

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
    const result = spawnSync(process.execPath, [...TS_NODE, path.join(REPO, script), ...args], {
        cwd: REPO,
        encoding: "utf8",
        input: options.input,
        env: options.env ?? process.env,
    });
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
