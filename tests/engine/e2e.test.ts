/**
 * The end-to-end test (tests/e2e, the Automation API) under the real engine: end to end against a
 * rehearsal (#25), and, without Azure, as far as it goes (#23).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { down } from "../../engine/plane";
import { engineTools, REPO_ROOT, uniqueName } from "./helpers";

const tsNode = path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js");
const run = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [tsNode, "--swc", ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env,
        maxBuffer: 64 * 1024 * 1024,
    });

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

test("without Azure the e2e test stops before creating anything, naming the credentials it lacks", () => {
    // The real CLI on the PATH, no ARM_* variables, no az: what a machine without Azure has.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ARM_")));
    const e2e = run([path.join(REPO_ROOT, "tests", "e2e", "e2e.ts")], {
        ...env,
        PATH: `${engineTools()}:${env.PATH ?? ""}`,
    });
    expect(e2e.status).toBe(2);
    expect(e2e.stderr.trim()).toMatch(/^test:e2e: cannot run: missing Azure credentials \(`az login`/);
    expect(e2e.stderr).not.toMatch(/the Pulumi CLI/); // it found the built CLI: only Azure is missing
});
