/**
 * `npm run rehearse` on input it cannot use: one line, exit 2, nothing started (no Go, no tools
 * needed: every case stops before the control plane). And --help lists the stand-in's departures.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import { main } from "../rehearsal/cli";
import { STAND_IN_DEPARTURES } from "../rehearsal/standIn/departures";

const rehearse = (...argv: string[]) => runInProcess("rehearse", main, argv);
const saved = { state: process.env.AKS_KUBENET_ENGINE_STATE, tools: process.env.AKS_KUBENET_TOOLS };
let stateRoot: string;

beforeEach(() => {
    stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-state-"));
    process.env.AKS_KUBENET_ENGINE_STATE = stateRoot;
    process.env.AKS_KUBENET_TOOLS = path.join(stateRoot, "no-tools-here");
});
afterEach(() => {
    for (const [key, value] of [
        ["AKS_KUBENET_ENGINE_STATE", saved.state],
        ["AKS_KUBENET_TOOLS", saved.tools],
    ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    fs.rmSync(stateRoot, { recursive: true, force: true });
});

test("--help says what each command does, that the stand-in is not Azure, and where it departs", async () => {
    const help = await rehearse("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run rehearse -- <preview\|up\|refresh\|destroy\|env\|e2e\|azure CHANGE>/);
    expect(help.stdout).toMatch(/The Azure stand-in is test equipment, not Azure/);
    for (const departure of STAND_IN_DEPARTURES) expect(help.stdout).toContain(departure);
});

test.each([
    [
        ["frobnicate"],
        /^rehearse: unknown command "frobnicate"; use preview, up, refresh, destroy, env, e2e or azure CHANGE$/,
    ],
    [[], /^rehearse: give a command: preview, up, refresh, destroy, env, e2e or azure CHANGE; see --help$/],
    [
        ["up", "--stack", "nosuchstack"],
        /^rehearse: stack "nosuchstack" has no Pulumi\.nosuchstack\.yaml in .*; see pulumi stack ls$/,
    ],
    [
        ["azure", "aks-upgrade"],
        /^rehearse: azure takes one change: aks-update-overlay or delete-route \(not "aks-upgrade"\)$/,
    ],
    [
        ["azure", "delete-route"],
        /^rehearse: there is no rehearsal "dev": run `npm run rehearse -- up --name dev` first$/,
    ],
    [["up", "--frob"], /^rehearse: Unknown option '--frob'/],
    [["up", "extra"], /^rehearse: up takes no argument "extra"; pulumi's go after --$/],
    [["up"], /^rehearse: the engine's tools are not built; run `npm run engine -- build` first/],
])("%j: exit 2 with one line, nothing started", async (argv, message) => {
    const result = await rehearse(...argv);
    expect([result.code, result.stderr.split("\n").filter((line) => !line.startsWith("rehearsal: "))]).toEqual([
        2,
        [expect.stringMatching(message)],
    ]);
    expect(fs.readdirSync(stateRoot)).toEqual([]); // no control plane folder made
});
