/**
 * The end-to-end test (tests/e2e, the Automation API) under the real engine: end to end against a
 * rehearsal (#25), and, without Azure, as far as it goes (#23).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { down } from "../../engine/plane";
import { engineTools, REPO_ROOT, uniqueName } from "./helpers";
import { currentSandbox, SANDBOX_VARIABLE } from "./sandbox";

const tsNode = path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js");
// A deadline of its own: jest's test timeout cannot stop a blocking spawn. SIGTERM lets test:e2e
// cancel and destroy what it made.
const run = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [tsNode, "--swc", ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 12 * 60 * 1000,
        killSignal: "SIGTERM",
    });

/** The user's own az, signed in: answers `account show` as a user would see it, and records each call. */
function signedInAz(dir: string): { bin: string; log: string } {
    const bin = fs.mkdtempSync(path.join(dir, "users-az-"));
    const log = path.join(bin, "calls.log");
    fs.writeFileSync(log, "");
    fs.writeFileSync(
        path.join(bin, "az"),
        `#!/bin/sh\necho "AZURE_CONFIG_DIR=\${AZURE_CONFIG_DIR:-unset} $*" >> '${log}'\necho '{"state":"Enabled","user":{"name":"someone@example.com","type":"user"}}'\nexit 0\n`,
        { mode: 0o755 },
    );
    return { bin, log };
}
const stacksIn = (backend: string) => {
    try {
        return fs.readdirSync(path.join(backend, ".pulumi", "stacks"), { recursive: true });
    } catch {
        return [];
    }
};

test("npm run rehearse -- e2e: a throwaway stack up, verify with every check passing, destroy, the stack removed", async () => {
    engineTools();
    const name = uniqueName("e2e");
    try {
        const e2e = run([path.join(REPO_ROOT, "rehearsal", "cli.ts"), "e2e", "--name", name]);
        const output = `${e2e.stdout}${e2e.stderr}`;
        expect([e2e.status, output.split("\n").filter((line) => /passed|FAIL|^==|test:e2e/.test(line))]).toEqual([
            0,
            expect.arrayContaining([
                expect.stringMatching(/^9 passed, 0 failed$/),
                expect.stringMatching(/^== remove stack: /),
            ]),
        ]);
        expect(output).not.toMatch(/^FAIL/m);
    } finally {
        await down({ name, stack: "dev", explicitName: true });
    }
});

test("every engine-tier test runs in the sandbox: an empty AZURE_CONFIG_DIR, a refusing az first on PATH, a file backend, no plugin downloads", () => {
    const sandbox = currentSandbox();
    expect(process.env.AZURE_CONFIG_DIR).toBe(sandbox.azureConfigDir);
    expect(fs.readdirSync(sandbox.azureConfigDir)).toEqual([]);
    expect((process.env.PATH ?? "").split(":")[0]).toBe(sandbox.bin);
    expect(process.env.PULUMI_BACKEND_URL).toBe(`file://${sandbox.backend}`);
    expect(process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    expect(Object.keys(process.env).filter((key) => /^(ARM_|PULUMI_ACCESS_TOKEN$)/.test(key))).toEqual([]);
    const az = spawnSync("az", ["account", "show"], { encoding: "utf8" });
    expect([az.status, az.stderr]).toEqual([
        1,
        expect.stringMatching(/refused by the aks-kubenet engine tier's sandbox/),
    ]);
});

test("on a machine signed in to Azure, test:e2e under the engine tier deploys nothing and never asks the user's az", () => {
    const sandbox = currentSandbox();
    // The user's signed-in az sits on PATH right after the sandbox's, where /usr/bin/az would be.
    const user = signedInAz(sandbox.dir);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: [sandbox.bin, engineTools(), user.bin, process.env.PATH].join(":"),
    };
    const e2e = run([path.join(REPO_ROOT, "tests", "e2e", "e2e.ts")], env);
    expect([e2e.status, e2e.stderr.trim()]).toEqual([
        2,
        expect.stringMatching(/^test:e2e: inside the engine tier's sandbox/),
    ]);
    // Without the sandbox's marker (a tool that knows nothing of it): the sandbox's az still
    // answers first, so Azure counts as missing (#23's message) and nothing starts.
    const unmarked = Object.fromEntries(Object.entries(env).filter(([key]) => key !== SANDBOX_VARIABLE));
    const bare = run([path.join(REPO_ROOT, "tests", "e2e", "e2e.ts")], unmarked);
    expect(bare.status).toBe(2);
    expect(bare.stderr.trim()).toMatch(/^test:e2e: cannot run: missing Azure credentials \(`az login`/);
    expect(bare.stderr).not.toMatch(/the Pulumi CLI/); // it found the built CLI: only Azure is missing
    expect(fs.readFileSync(user.log, "utf8")).toBe("");
    expect(stacksIn(sandbox.backend)).toEqual([]);
});
