/** The tools refuse Node older than package.json's engines with one line, before anything fails to load. */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeVersionProblem, requiredNodeMajor } from "../cli/nodeVersion";
import { REPO, TS_NODE } from "./helpers/cli";

test("the minimum is package.json's engines.node; the message names it and the version found", () => {
    expect(requiredNodeMajor()).toBe(22);
    expect(nodeVersionProblem("22.0.0", 22)).toBeUndefined();
    expect(nodeVersionProblem("v24.1.0", 22)).toBeUndefined();
    expect(nodeVersionProblem("v20.20.2", 22)).toBe(
        "Node 22 or newer is needed; this is Node 20.20.2. Install Node 22 (nvm install 22, or the .nvmrc) and run it again.",
    );
});

test("npm refuses to install on an older Node: engine-strict, and engines naming 22", () => {
    expect(fs.readFileSync(path.join(REPO, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
    expect(fs.readFileSync(path.join(REPO, ".nvmrc"), "utf8").trim()).toBe(String(requiredNodeMajor()));
});

/** A Node.js older than the minimum on this machine's PATH (CI machines ship Node 20), if any. */
const olderNode = (process.env.PATH ?? "")
    .split(":")
    .map((dir) => path.join(dir, "node"))
    .filter((file) => fs.existsSync(file))
    .find((file) => {
        try {
            return (
                Number(execFileSync(file, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).trim()) <
                22
            );
        } catch {
            return false;
        }
    });

const TOOLS = ["lab/cli.ts", "lab/bench.ts", "verify/cli.ts", "migrate/cli.ts", "guard/cli.ts", "tests/e2e/e2e.ts"];

test.each(TOOLS)("%s loads the Node check before any other module", (script) => {
    const source = fs.readFileSync(path.join(REPO, script), "utf8");
    const firstImport = /^import .*$/m.exec(source)?.[0];
    expect(firstImport).toMatch(/^import "(\.\.\/)+cli\/nodeVersion";/);
});

// What that first import does, in one tool started for real (each start costs a second of CPU).
(olderNode ? test : test.skip)(
    `a tool started with an older Node (${olderNode ?? "none on PATH"}) exits 2 with one line naming Node 22`,
    () => {
        const result = spawnSync(olderNode!, [...TS_NODE, path.join(REPO, "lab/cli.ts"), "--help"], {
            cwd: REPO,
            encoding: "utf8",
            env: { ...process.env, npm_lifecycle_event: "" },
        });
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr.trim().split("\n")).toEqual([
            expect.stringMatching(/^[\w:.-]+: Node 22 or newer is needed; this is Node 20\./),
        ]);
    },
);
