/**
 * Every command-line tool imports this module first, before anything that needs a newer Node.js
 * (on Node 20, @kubernetes/client-node 2.x fails at load with "Cannot read properties of undefined
 * (reading 'bind')"). The minimum is package.json's `engines.node`, the one place it is written.
 */
import * as fs from "fs";
import * as path from "path";

/** The lowest Node.js major version package.json's engines accept (">=22" -> 22). */
export function requiredNodeMajor(packageJsonPath = path.join(__dirname, "..", "package.json")): number {
    const engines = (JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as { engines?: { node?: string } }).engines;
    const match = /^>=\s*(\d+)/.exec(engines?.node ?? "");
    if (!match) throw new Error(`package.json engines.node is "${engines?.node}", not ">=N"`);
    return Number(match[1]);
}

/** The one line to print when `version` is too old, or undefined. */
export function nodeVersionProblem(version: string, required: number): string | undefined {
    const major = Number(version.replace(/^v/, "").split(".")[0]);
    return major >= required
        ? undefined
        : `Node ${required} or newer is needed; this is Node ${version.replace(/^v/, "")}. Install Node ${required} (nvm install ${required}, or the .nvmrc) and run it again.`;
}

const problem = nodeVersionProblem(process.versions.node, requiredNodeMajor());
if (problem) {
    // npm run names the script (lab, verify, lab:bench, ...); started directly, the file's folder does.
    const script = process.argv[1] ?? "aks-kubenet";
    const file = path.basename(script, path.extname(script));
    const tool = process.env.npm_lifecycle_event || (file === "cli" ? path.basename(path.dirname(script)) : file);
    process.stderr.write(`${tool}: ${problem}\n`);
    process.exit(2);
}
