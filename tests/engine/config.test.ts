/**
 * Pulumi.yaml's typed config as the real CLI reads it (#23): the defaults it resolves are the ones
 * stackFiles.ts reads for the tools and the tests, key by key; a value of the wrong type is refused
 * by the CLI itself, before the program runs. No control plane: a local backend in a temp folder.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stopProcesses } from "../../engine/processes";
import { rehearsalFiles, syncProject } from "../../rehearsal/rehearsal";
import { stackConfig } from "../../stackFiles";
import { engineTools, tail } from "./helpers";
import { processesWithVariable } from "./sandbox";

let pulumi: (args: readonly string[]) => { status: number; stdout: string; stderr: string };
let dir: string;

beforeAll(() => {
    const tools = engineTools();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-config-"));
    const files = rehearsalFiles(dir);
    syncProject(files);
    fs.copyFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), files.stackFile("dev"));
    fs.mkdirSync(path.join(dir, "backend"));
    const env = {
        ...process.env,
        PATH: `${tools}:${process.env.PATH ?? ""}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: "engine-tier",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    pulumi = (args) => {
        const result = spawnSync(path.join(tools, "pulumi"), ["--cwd", files.project, ...args], {
            env,
            encoding: "utf8",
        });
        return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    };
    const init = pulumi(["stack", "init", "dev"]);
    expect([init.status, tail(init)]).toEqual([0, expect.any(String)]);
});

afterAll(async () => {
    // The refused previews leave pulumi's language host running (tests/engine/sandbox.teardown.ts
    // says why): this suite stops what runs with its Pulumi home, and checks.
    const home = path.join(dir, "home");
    const left = await stopProcesses(processesWithVariable("PULUMI_HOME", home), {
        graceMs: 5000,
        killDeadlineMs: 5000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
});

test("what the CLI resolves for dev (Pulumi.yaml's defaults, Pulumi.dev.yaml's location) is what stackFiles.ts reads, key by key", () => {
    const resolved = JSON.parse(pulumi(["config", "--json", "--stack", "dev"]).stdout) as Record<
        string,
        { value: string }
    >;
    const all = Object.fromEntries(Object.entries(resolved).map(([key, entry]) => [key, entry.value]));
    // The engine's own settings (pulumi:...) are Pulumi.yaml's too, but no program key: stackFiles.ts leaves them out.
    expect(JSON.parse(all["pulumi:disable-default-providers"])).toEqual(["kubernetes"]);
    const cli = Object.fromEntries(Object.entries(all).filter(([key]) => !key.startsWith("pulumi:")));
    const ours = stackConfig("dev");
    expect(Object.keys(cli).sort()).toEqual(Object.keys(ours).sort());
    for (const key of Object.keys(ours)) expect([key, cli[key]]).toEqual([key, ours[key]]);
});

test("a value of the wrong type is refused by the CLI before the program runs, naming the key and the type", () => {
    for (const [key, value, type] of [
        ["nodeCount", "three", "integer"],
        ["protect", "maybe", "boolean"],
    ] as const) {
        expect(pulumi(["config", "set", "--stack", "dev", key, value]).status).toBe(0);
        const preview = pulumi(["preview", "--stack", "dev"]);
        expect(pulumi(["config", "rm", "--stack", "dev", key]).status).toBe(0);
        expect(preview.status).not.toBe(0);
        expect(`${preview.stdout}${preview.stderr}`).toMatch(
            new RegExp(
                `validating stack config: Stack 'dev' with configuration key '${key}' must be of type '${type}'`,
            ),
        );
        // Refused before the program ran: no update was previewed.
        expect(`${preview.stdout}${preview.stderr}`).not.toMatch(/Previewing update/);
    }
});
