/**
 * Deploy time installs only the program: `npm ci --omit=dev` (Deployments' preRunCommands) keeps
 * every package the program loads. The program runs under the mock runtime in a child process that
 * records each package it loads; none may be a devDependency-only entry of package-lock.json.
 * .ci/run goes further: a fresh clone, `npm ci --omit=dev`, and the same run.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackConfig } from "../stackFiles";
import { REPO } from "./helpers/cli";

interface Run {
    readonly resources: number;
    readonly types: string[];
    readonly packages: string[];
}

let run: Run;
beforeAll(() => {
    const output = execFileSync(process.execPath, [path.join(REPO, "tests", "deployInstall", "programUnderMocks.js")], {
        cwd: REPO,
        encoding: "utf8",
        env: { ...process.env, AKS_KUBENET_CONFIG: JSON.stringify(stackConfig("dev")) },
    });
    run = JSON.parse(output) as Run;
}, 30000);

test("the program runs under mocks outside jest, declaring the whole dev stack", () => {
    expect(run.resources).toBeGreaterThanOrEqual(20);
    expect(run.types).toEqual(
        expect.arrayContaining([
            "azure-native:containerservice:ManagedCluster",
            "kubernetes:apps/v1:Deployment",
            "time:index/sleep:Sleep",
        ]),
    );
});

/**
 * Loaded when present, skipped when absent: debug (of @grpc/grpc-js) does
 * `try { const supportsColor = require('supports-color'); ... } catch (error) {}` (debug src/node.js),
 * and supports-color brings has-flag. The fresh-clone run in .ci/run proves the program runs without them.
 */
const OPTIONAL_LOADS = ["supports-color", "has-flag"];

test("every package the program loads is installed by npm ci --omit=dev (none is dev-only in package-lock.json)", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
        packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = run.packages.filter(
        (name) => lock.packages[`node_modules/${name}`]?.dev === true && !OPTIONAL_LOADS.includes(name),
    );
    const unknown = run.packages.filter((name) => lock.packages[`node_modules/${name}`] === undefined);
    expect({ devOnly, unknown }).toEqual({ devOnly: [], unknown: [] });
    // ...and the tools' packages are not among them: they stay out of a deploy.
    for (const tool of ["@kubernetes/client-node", "@azure/arm-network", "@azure/identity", "jest"]) {
        expect(run.packages).not.toContain(tool);
        expect(lock.packages[`node_modules/${tool}`]?.dev).toBe(true);
    }
});
