/**
 * The local control plane's own boundary (#31 item 10), on its real processes: what each one
 * listens on, read from the kernel (the processes' fds and /proc/PID/net), not from their flags;
 * kine's etcd API on a unix socket in the plane's folder that another user of the machine cannot
 * open; and `down` stopping the plane's processes but not a user's `tail -f` of its log.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { down } from "../../engine/plane";
import { descendantsOf, isAlive, listeningSockets } from "../../engine/processes";
import { startPlane, TestPlane, uniqueName } from "./helpers";

let plane: TestPlane;
beforeAll(async () => {
    plane = await startPlane(uniqueName("pln"));
});
afterAll(async () => {
    if (plane) await plane.remove();
});

const planePids = () => {
    const recorded = plane.state.processes.map((entry) => entry.pid);
    return [...recorded, ...descendantsOf(recorded)];
};

test("kine listens on its unix socket only; every TCP listener of the plane is on 127.0.0.1; the API server on its port", () => {
    const byComponent = Object.fromEntries(
        plane.state.processes.map((entry) => [
            entry.component,
            [entry.pid, ...descendantsOf([entry.pid])].flatMap(listeningSockets),
        ]),
    );
    expect(byComponent.storage).toEqual([{ kind: "unix", address: plane.files.storageSocket }]);
    expect(byComponent.apiserver).toEqual(
        expect.arrayContaining([{ kind: "tcp", address: "127.0.0.1", port: plane.state.ports.apiserver }]),
    );
    const tcp = planePids()
        .flatMap(listeningSockets)
        .filter((socket) => socket.kind === "tcp");
    expect(tcp.length).toBeGreaterThanOrEqual(4); // API server, controller manager, scheduler, kwok
    expect(tcp.filter((socket) => socket.address !== "127.0.0.1" && socket.address !== "::1")).toEqual([]);
});

test("the socket is the owner's only: the folder is mode 700, the socket 600, and user nobody cannot connect", () => {
    expect((fs.statSync(plane.files.dir).mode & 0o777).toString(8)).toBe("700");
    const socket = fs.statSync(plane.files.storageSocket);
    expect([socket.isSocket(), (socket.mode & 0o777).toString(8)]).toEqual([true, "600"]);
    if (process.getuid?.() !== 0) return; // only root can act as another user; the modes above still hold
    const probe = `require("net").connect(${JSON.stringify(plane.files.storageSocket)}).on("connect",()=>{console.log("connected");process.exit(0)}).on("error",(e)=>{console.log(e.code);process.exit(1)})`;
    const asNobody = spawnSync(
        "setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", probe],
        {
            encoding: "utf8",
        },
    );
    expect([asNobody.status, asNobody.stdout.trim()]).toEqual([1, expect.stringMatching(/^(EACCES|ENOENT)$/)]);
    // The control: the owner connects.
    const asOwner = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(asOwner.stdout.trim()).toBe("connected");
});

test("down stops the plane's processes, names and leaves a user's tail -f of the API server's log", async () => {
    const log = path.join(plane.files.logs, "apiserver.log");
    const tail = spawn("tail", ["-f", log], { stdio: "ignore", detached: true });
    tail.unref();
    const pids = planePids();
    const lines: string[] = [];
    try {
        expect(await down({ name: plane.name, stack: "dev", explicitName: true }, (line) => lines.push(line))).toBe(
            true,
        );
        expect(pids.filter(isAlive)).toEqual([]);
        expect(isAlive(tail.pid!)).toBe(true);
        expect(lines).toContainEqual(
            expect.stringMatching(new RegExp(`^left running: pid ${tail.pid} \\(tail -f ${log}\\)`)),
        );
        expect(fs.existsSync(plane.files.dir)).toBe(false);
    } finally {
        tail.kill("SIGKILL");
    }
});
