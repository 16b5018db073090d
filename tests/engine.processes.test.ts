/**
 * The control plane's processes (#31 item 10), without the engine's tools: `down` on a plane
 * folder whose recorded processes are ordinary ones stops them and their descendants, and nothing
 * else that names the folder (a user's `tail -f` of a log); a pid reused by another process is
 * left alone; what survives SIGKILL's deadline is named and the folder kept; and the listening
 * sockets are read from the kernel, checked against servers whose addresses the test chose.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planeFiles } from "../engine/controlPlane";
import { down, planeDir } from "../engine/plane";
import { PlaneProcess } from "../engine/planeProcesses";
import { descendantsOf, isAlive, listeningSockets, startTimeOf, stopProcesses } from "../engine/processes";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "plane-processes-"));
const savedState = process.env.AKS_KUBENET_ENGINE_STATE;
const started: ChildProcess[] = [];
beforeAll(() => (process.env.AKS_KUBENET_ENGINE_STATE = root));
afterAll(() => {
    for (const child of started) if (child.pid && isAlive(child.pid)) process.kill(child.pid, "SIGKILL");
    if (savedState === undefined) delete process.env.AKS_KUBENET_ENGINE_STATE;
    else process.env.AKS_KUBENET_ENGINE_STATE = savedState;
    fs.rmSync(root, { recursive: true, force: true });
});

const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.unref();
    started.push(child);
    return child.pid!;
};
const until = async (ready: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return ready();
};

/** A plane folder as `up` leaves it, with `processes` recorded as the plane's own. */
function planeWith(name: string, processes: PlaneProcess[]) {
    const files = planeFiles(planeDir(name));
    fs.mkdirSync(files.logs, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(files.logs, "apiserver.log"), "log line\n");
    fs.writeFileSync(files.processes, JSON.stringify(processes));
    return files;
}

test("down stops the recorded processes and their descendants, and leaves a user's tail -f of a log running", async () => {
    const files = planeFiles(planeDir("stops"));
    fs.mkdirSync(files.logs, { recursive: true });
    fs.writeFileSync(path.join(files.logs, "apiserver.log"), "");
    const kwok = start("sh", ["-c", "sleep 300 & sleep 301 & wait"]);
    expect(await until(() => descendantsOf([kwok]).length === 2)).toBe(true);
    const children = descendantsOf([kwok]);
    planeWith("stops", [{ component: "kwok", pid: kwok, startTime: startTimeOf(kwok) }]);
    const tail = start("tail", ["-f", path.join(files.logs, "apiserver.log")]);
    const lines: string[] = [];
    expect(await down({ name: "stops", stack: "dev", explicitName: true }, (line) => lines.push(line))).toBe(true);
    expect([kwok, ...children].filter(isAlive)).toEqual([]);
    expect(isAlive(tail)).toBe(true); // the user's, untouched
    expect(fs.existsSync(files.dir)).toBe(false);
    expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^stopped kwok \\(pid ${kwok} and 2 below it\\) in \\d+ ms$`)),
        expect.stringMatching(
            new RegExp(
                `^left running: pid ${tail} \\(tail -f .*apiserver\\.log\\), which names .* but was not started by the control plane$`,
            ),
        ),
    ]);
});

test("a recorded pid now used by another process (another start time) is not stopped", async () => {
    const stranger = start("sleep", ["300"]);
    const files = planeWith("reused", [{ component: "scheduler", pid: stranger, startTime: "1" }]);
    await down({ name: "reused", stack: "dev", explicitName: true });
    expect(isAlive(stranger)).toBe(true);
    expect(fs.existsSync(files.dir)).toBe(false);
});

test("SIGTERM ignored: SIGKILL after the grace period; a process that outlives SIGKILL's deadline is named and the folder kept", async () => {
    const stubborn = start("sh", ["-c", "trap '' TERM; sleep 300 & wait"]);
    await until(() => descendantsOf([stubborn]).length === 1);
    expect(await stopProcesses([stubborn], { graceMs: 200, killDeadlineMs: 2000 })).toEqual([]);
    expect(isAlive(stubborn)).toBe(false);
    // A process SIGKILL does not end in time (a process in uninterruptible sleep): played by a kill that does nothing.
    const undying = start("sleep", ["300"]);
    const files = planeWith("undying", [{ component: "apiserver", pid: undying, startTime: startTimeOf(undying) }]);
    const attempt = down({ name: "undying", stack: "dev", explicitName: true }, () => {}, {
        graceMs: 100,
        killDeadlineMs: 300,
        kill: () => {},
    });
    await expect(attempt).rejects.toThrow(
        new RegExp(
            `^still running after SIGKILL: pid ${undying} \\(sleep 300\\); .* is kept: stop them, then run down again$`,
        ),
    );
    expect(fs.existsSync(files.dir)).toBe(true);
});

test("listening sockets come from the kernel: a TCP listener on loopback and a unix socket, not a connected socket", async () => {
    const socketPath = path.join(root, "probe.sock");
    const server = spawn(
        process.execPath,
        [
            "-e",
            `const net=require("net");const a=net.createServer().listen(0,"127.0.0.1",()=>{net.createServer().listen(${JSON.stringify(socketPath)},()=>{net.connect(a.address().port,"127.0.0.1",()=>console.log(a.address().port))})})`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
    );
    started.push(server);
    const port = await new Promise<number>((resolve) =>
        server.stdout.once("data", (data) => resolve(Number(String(data).trim()))),
    );
    const sockets = listeningSockets(server.pid!);
    expect(sockets).toEqual(
        expect.arrayContaining([
            { kind: "tcp", address: "127.0.0.1", port },
            { kind: "unix", address: socketPath },
        ]),
    );
    // The outgoing connection it holds is no listener.
    expect(sockets.filter((socket) => socket.kind === "tcp")).toHaveLength(1);
    server.kill("SIGKILL");
});
