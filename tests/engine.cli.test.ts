/** The engine's command line on input it cannot use: one line, exit 2, nothing started. Needs no Go. */
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { runInProcess, UsageError } from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import { checkGo, readLanguageHostSource } from "../engine/build";
import { main } from "../engine/cli";
import { choosePorts } from "../engine/loopback";
import { PLANE_TOOLS } from "../engine/plane";

const engine = (...argv: string[]) => runInProcess("engine", main, argv);

let stateRoot: string;
let tools: string;
const saved = process.env.AKS_KUBENET_ENGINE_STATE;

beforeEach(() => {
    stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), "engine-state-"));
    process.env.AKS_KUBENET_ENGINE_STATE = stateRoot;
    // Files named as the tools: enough for `up` to get past looking for them.
    tools = fs.mkdtempSync(path.join(os.tmpdir(), "engine-tools-"));
    for (const tool of PLANE_TOOLS) fs.writeFileSync(path.join(tools, tool), "");
});

afterEach(() => {
    if (saved === undefined) delete process.env.AKS_KUBENET_ENGINE_STATE;
    else process.env.AKS_KUBENET_ENGINE_STATE = saved;
    fs.rmSync(stateRoot, { recursive: true, force: true });
    fs.rmSync(tools, { recursive: true, force: true });
});

/** A control plane's folder and state file as `up` leaves them, made by `checkout`. */
function fakePlane(name: string, checkout: string) {
    const dir = path.join(stateRoot, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "state.json"),
        JSON.stringify({
            name,
            stack: "dev",
            tools,
            ports: {},
            processes: [],
            passphrase: "x",
            createdBy: { stack: "dev", checkout, pid: 4242, startedAt: "2026-11-30T10:00:00.000Z" },
        }),
    );
    return dir;
}

describe("engine command line", () => {
    it("--help prints the usage and exits 0", async () => {
        const result = await engine("--help");
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^usage: npm run engine -- <build\|up\|down\|status\|env>/);
    });

    it.each([
        [["up", "--frobnicate"], /Unknown option '--frobnicate'.*; see --help$/],
        [["launch"], /unknown command "launch"/],
        [["up", "--port-base", "80"], /--port-base 80: use a port from 1024 to 65530/],
        [["up", "--name", "Not_A_Name", "--tools", "TOOLS"], /control plane name "Not_A_Name" must be/],
        [["up", "--tools", "/nonexistent"], /\/nonexistent lacks kube-apiserver/],
        [["env"], /control plane "dev" is not up; run `npm run engine -- up --name dev`/],
    ])("%j: one line, exit 2", async (argv, message) => {
        const result = await engine(...argv.map((arg) => (arg === "TOOLS" ? tools : arg)));
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr.split("\n")).toHaveLength(1);
        expect(fs.readdirSync(stateRoot)).toEqual([]);
    });

    it("refuses to start over a control plane another checkout made, naming it", async () => {
        fakePlane("dev", "/home/someone/aks-kubenet");
        const result = await engine("up", "--tools", tools);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(
            /control plane "dev" is already up, made by stack dev of \/home\/someone\/aks-kubenet \(pid 4242, .*\); run `npm run engine -- down --name dev` first, or pick another --name/,
        );
    });

    it("down without --name leaves another checkout's control plane alone; with --name it goes", async () => {
        const dir = fakePlane("dev", "/home/someone/aks-kubenet");
        const refused = await engine("down");
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/was made by stack dev of \/home\/someone\/aks-kubenet/);
        expect(fs.existsSync(dir)).toBe(true);
        const removed = await engine("down", "--name", "dev");
        expect(removed.code).toBe(0);
        expect(fs.existsSync(dir)).toBe(false);
    });

    it("down without --name removes this checkout's own", async () => {
        const dir = fakePlane("dev", REPO_ROOT);
        expect((await engine("down")).code).toBe(0);
        expect(fs.existsSync(dir)).toBe(false);
        expect((await engine("down")).stdout).toMatch(/was not up/);
    });

    it("a port asked for that is in use is one line naming it", async () => {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as net.AddressInfo;
        try {
            await expect(choosePorts(port)).rejects.toThrow(
                new RegExp(`port ${port} on 127.0.0.1 \\(for apiserver\\) is in use`),
            );
        } finally {
            server.close();
        }
        const free = await choosePorts();
        expect(new Set(Object.values(free)).size).toBe(4); // kine has no port: a unix socket
    });

    it("a language host source that is not one is one line saying what to give", () => {
        expect(() => readLanguageHostSource(tools)).toThrow(
            /has no go.mod; give the folder sdk\/nodejs\/cmd\/pulumi-language-nodejs/,
        );
        fs.writeFileSync(path.join(tools, "go.mod"), "module example.com/other\n");
        expect(() => readLanguageHostSource(tools)).toThrow(/holds module example.com\/other, not github.com\/pulumi/);
        fs.writeFileSync(
            path.join(tools, "go.mod"),
            "module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3\n",
        );
        fs.writeFileSync(path.join(tools, "main.go"), "package main\n");
        fs.writeFileSync(path.join(tools, "main_test.go"), "package main\n");
        expect(readLanguageHostSource(tools).files.map((file) => file.name)).toEqual(["main.go"]);
    });

    it("no Go on PATH is one line saying what to install", () => {
        expect(() => checkGo({ PATH: "/nonexistent" })).toThrow(UsageError);
        expect(() => checkGo({ PATH: "/nonexistent" })).toThrow(
            /Go is not installed or not on PATH .* install Go 1\.26\.6/,
        );
    });
});
