/**
 * The engine's local control plane, run: up, down, status. Each control plane lives in a folder
 * of its own (AKS_KUBENET_ENGINE_STATE/<name>, default ~/.local/state/aks-kubenet/engine/<name>),
 * its processes run detached with their logs there, and its state file records the ports, the
 * pids and who made it. `down` stops the processes the plane started (their recorded pids, checked
 * by start time, and their descendants) and no other: a user's `tail -f` of a log keeps running.
 * It gives SIGKILL a deadline and names any survivor; then it checks the ports are free and
 * removes the folder.
 */
import { spawn, spawnSync } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { buildAddressPlan } from "../addressPlan";
import { isStopping, registerUndo } from "../cli/interrupts";
import {
    describeMaker,
    Maker,
    makerNow,
    readJson,
    removalRefusal,
    validateName,
    writeJsonAtomically,
} from "../cli/ownership";
import { CheckFailedError, UsageError } from "../cli/shell";
import { REPO_ROOT, validatedStackConfig } from "../stackFiles";
import { toolsCacheRoot } from "./build";
import {
    apiserverArgs,
    Component,
    controllerManagerArgs,
    Identity,
    KUBECONFIG_USERS,
    kubeconfigText,
    kwokArgs,
    kwokConfigText,
    LOCAL_IDENTITIES,
    LocalIdentity,
    nodeManifests,
    opensslArgs,
    opensslConfig,
    planeFiles,
    MAX_SOCKET_PATH,
    PlaneFiles,
    PORTED_COMPONENTS,
    Ports,
    schedulerArgs,
    storageArgs,
    tokenAuthFile,
} from "./controlPlane";
import {
    commandOf,
    descendantsOf,
    isAlive,
    isSameProcess,
    processesNaming,
    startTimeOf,
    stopProcesses,
} from "./processes";
import { KUBERNETES_BINARIES } from "./recipes";

export const PLANE_TOOLS = [...KUBERNETES_BINARIES, "kine", "kwok"];
const BINARY: Readonly<Record<Component, string>> = {
    storage: "kine",
    apiserver: "kube-apiserver",
    controllerManager: "kube-controller-manager",
    scheduler: "kube-scheduler",
    kwok: "kwok",
};
/** The stand-in runs as a process of its own too, found and stopped like the others. */
export const STAND_IN = "loadBalancerStandIn";

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
    return env.AKS_KUBENET_ENGINE_STATE || path.join(os.homedir(), ".local", "state", "aks-kubenet", "engine");
}

export const planeDir = (name: string) => path.join(stateRoot(), name);

export interface PlaneProcess {
    readonly component: Component | typeof STAND_IN;
    readonly pid: number;
    /** /proc/PID/stat's start time when it started: a pid reused by another process is not this one. */
    readonly startTime?: string;
}

/**
 * What a control plane is for: `engine up` registers the stack's system-pool nodes itself; a
 * rehearsal's has none at start, since the Azure stand-in's AKS registers the pools' nodes.
 */
export type PlanePurpose = "engine" | "rehearsal";

export interface PlaneState {
    readonly name: string;
    readonly purpose?: PlanePurpose;
    readonly stack: string;
    readonly tools: string;
    readonly ports: Ports;
    readonly processes: readonly PlaneProcess[];
    readonly passphrase: string;
    readonly createdBy: Maker;
}

export const readPlaneState = (name: string) => readJson<PlaneState>(planeFiles(planeDir(name)).state);

/** The tools folder `build` last made (its path is the last line `build` prints). */
export const LATEST_TOOLS_FILE = "latest-tools";

export function findTools(explicit?: string): string {
    const folder = explicit ?? readLatestTools();
    if (!folder)
        throw new UsageError(
            "the engine's tools are not built; run `npm run engine -- build` first (or pass --tools DIR)",
        );
    const missing = PLANE_TOOLS.filter((tool) => !fs.existsSync(path.join(folder, tool)));
    if (missing.length > 0)
        throw new UsageError(
            `${folder} lacks ${missing.join(", ")}; run \`npm run engine -- build\` (or pass --tools DIR with them)`,
        );
    return folder;
}

function readLatestTools(): string | undefined {
    try {
        return fs.readFileSync(path.join(toolsCacheRoot(), LATEST_TOOLS_FILE), "utf8").trim() || undefined;
    } catch {
        return undefined;
    }
}

/** A free port on 127.0.0.1, chosen by the kernel. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Whether something listens on 127.0.0.1:port (or holds it). */
function portInUse(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(true));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
    });
}

/** Ports: consecutive from `base` (each must be free), or free ones the kernel picks. */
export async function choosePorts(base?: number): Promise<Ports> {
    const ports: Partial<Record<keyof Ports, number>> = {};
    for (const [index, component] of PORTED_COMPONENTS.entries()) {
        if (base === undefined) {
            let port = await freePort();
            while (Object.values(ports).includes(port)) port = await freePort();
            ports[component] = port;
        } else {
            const port = base + index;
            if (await portInUse(port))
                throw new UsageError(
                    `port ${port} on 127.0.0.1 (for ${component}) is in use; choose another --port-base, or stop what listens there (ss -ltnp 'sport = :${port}')`,
                );
            ports[component] = port;
        }
    }
    return ports as Ports;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The processes a plane's folder records: the state file's, and those written as each started. */
function recordedProcesses(files: PlaneFiles, known?: readonly PlaneProcess[]): PlaneProcess[] {
    const written = readJson<PlaneProcess[]>(files.processes) ?? [];
    const all = [...(known ?? []), ...written];
    return all.filter((entry, index) => all.findIndex((other) => other.pid === entry.pid) === index);
}

/**
 * Stops the processes the plane started, the last started first (the stand-in and kwok before the
 * API server, the API server before its storage: each stops cleanly while what it talks to is still
 * there), each with its descendants; never a process it did not start, however it names the folder.
 * A process still there after SIGKILL's deadline is named and the folder kept, so `down` can be
 * run again. Then removes the folder and checks its ports are free.
 */
async function removePlane(
    dir: string,
    known: { processes: readonly PlaneProcess[]; ports?: Ports } | undefined,
    log: (line: string) => void = () => {},
    stopOptions?: Parameters<typeof stopProcesses>[1],
): Promise<void> {
    const files = planeFiles(dir);
    const survivors: Array<{ pid: number; command: string }> = [];
    for (const entry of recordedProcesses(files, known?.processes).reverse()) {
        if (!isSameProcess(entry)) continue;
        const started = Date.now();
        const family = [entry.pid, ...descendantsOf([entry.pid])];
        survivors.push(...(await stopProcesses(family, stopOptions)));
        log(
            `stopped ${entry.component} (pid ${entry.pid}${family.length > 1 ? ` and ${family.length - 1} below it` : ""}) in ${Date.now() - started} ms`,
        );
    }
    if (survivors.length > 0)
        throw new CheckFailedError(
            `still running after SIGKILL: ${survivors.map((found) => `pid ${found.pid} (${found.command})`).join(", ")}; ${dir} is kept: stop them, then run down again`,
        );
    for (const pid of processesNaming(dir))
        log(
            `left running: pid ${pid} (${commandOf(pid)}), which names ${dir} but was not started by the control plane`,
        );
    fs.rmSync(dir, { recursive: true, force: true });
    if (known?.ports) {
        const busy: number[] = [];
        for (const port of Object.values(known.ports)) if (await portInUse(port)) busy.push(port);
        if (busy.length > 0)
            throw new CheckFailedError(`ports ${busy.join(", ")} on 127.0.0.1 are still in use after down`);
    }
}

function run(command: string, args: readonly string[], what: string): string {
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.error)
        throw new UsageError(
            `${command} is not installed or not on PATH (${what}); install it (Debian: apt-get install ${command})`,
        );
    if (result.status !== 0)
        throw new CheckFailedError(
            `${what} failed: ${(result.stderr || result.stdout).trim().split("\n").slice(-1)[0]}`,
        );
    return result.stdout;
}

/**
 * The CA, the serving and client certificates (openssl), the service-account key pair (node's
 * crypto), the kubeconfigs.
 */
function writeCredentials(files: PlaneFiles, kubernetesServiceIp: string, ports: Ports, name: string): void {
    fs.mkdirSync(files.pki, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(files.pki, "ca.cnf"), opensslConfig("ca", kubernetesServiceIp));
    run("openssl", opensslArgs(files, "ca"), "making the control plane's CA");
    const identities: Identity[] = ["apiserver", ...KUBECONFIG_USERS];
    for (const identity of identities) {
        fs.writeFileSync(files.config(identity), opensslConfig(identity, kubernetesServiceIp));
        run("openssl", opensslArgs(files, identity), `making the ${identity} certificate`);
    }
    const tokens = Object.fromEntries(
        (Object.keys(LOCAL_IDENTITIES) as LocalIdentity[]).map((identity) => [
            identity,
            randomBytes(32).toString("base64url"),
        ]),
    ) as Record<LocalIdentity, string>;
    fs.writeFileSync(files.tokens, tokenAuthFile(tokens), { mode: 0o600 });
    for (const identity of Object.keys(tokens) as LocalIdentity[])
        fs.writeFileSync(files.token(identity), tokens[identity], { mode: 0o600 });
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
    });
    fs.writeFileSync(files.serviceAccountKey, privateKey, { mode: 0o600 });
    fs.writeFileSync(files.serviceAccountPublicKey, publicKey);
    const caPem = fs.readFileSync(files.caCert, "utf8");
    for (const user of KUBECONFIG_USERS) {
        fs.writeFileSync(
            files.kubeconfig(user),
            kubeconfigText({
                name: `aks-kubenet-${name}`,
                server: `https://127.0.0.1:${ports.apiserver}`,
                caPem,
                certPem: fs.readFileSync(files.cert(user), "utf8"),
                keyPem: fs.readFileSync(files.key(user), "utf8"),
                user,
            }),
            { mode: 0o600 },
        );
    }
}

/** Starts a component detached (it outlives this command), its output in logs/. */
function startDetached(
    files: PlaneFiles,
    component: PlaneProcess["component"],
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
): PlaneProcess {
    const log = fs.openSync(path.join(files.logs, `${component}.log`), "a");
    const child = spawn(command, args, {
        detached: true,
        stdio: ["ignore", log, log],
        cwd: files.dir,
        env: env ?? process.env,
    });
    fs.closeSync(log);
    child.unref();
    if (!child.pid) throw new CheckFailedError(`${component} did not start (${command})`);
    const started: PlaneProcess = { component, pid: child.pid, startTime: startTimeOf(child.pid) };
    // Recorded at once: a `down` after a crash of `up` still knows what to stop, and nothing else.
    writeJsonAtomically(files.processes, [...(readJson<PlaneProcess[]>(files.processes) ?? []), started]);
    return started;
}

/** Polls `ready` until it resolves true, or fails naming the log to read. */
async function waitFor(
    what: string,
    files: PlaneFiles,
    component: string,
    pid: number,
    ready: () => Promise<boolean> | boolean,
    timeoutMs = 90000,
) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (isStopping()) await new Promise(() => {}); // the undo is removing everything: wait for its exit
        if (!isAlive(pid)) {
            const tail = readTail(path.join(files.logs, `${component}.log`));
            throw new CheckFailedError(`${component} exited while starting (${what}): ${tail}; see ${files.logs}`);
        }
        if (
            await Promise.resolve()
                .then(ready)
                .catch(() => false)
        )
            return;
        await sleep(250);
    }
    throw new CheckFailedError(
        `${component} was not ${what} after ${timeoutMs / 1000} s; see ${path.join(files.logs, `${component}.log`)}`,
    );
}

function readTail(file: string): string {
    try {
        const lines = fs.readFileSync(file, "utf8").trim().split("\n");
        return lines[lines.length - 1]?.slice(0, 300) ?? "";
    } catch {
        return "no log";
    }
}

/** Whether something accepts connections on the unix socket at `socketPath`. */
const socketOpen = (socketPath: string) =>
    new Promise<boolean>((resolve) => {
        const socket = net.connect({ path: socketPath });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });

/** GET over HTTPS on loopback; with the admin's certificate when `files` is given. */
function httpsOk(port: number, urlPath: string, files?: PlaneFiles): Promise<boolean> {
    return new Promise((resolve) => {
        const request = https.get(
            {
                host: "127.0.0.1",
                port,
                path: urlPath,
                timeout: 2000,
                ...(files
                    ? {
                          ca: fs.readFileSync(files.caCert),
                          cert: fs.readFileSync(files.cert("admin")),
                          key: fs.readFileSync(files.key("admin")),
                      }
                    : { rejectUnauthorized: false }),
            },
            (response) => {
                response.resume();
                resolve(response.statusCode === 200);
            },
        );
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
}

const httpOk = (port: number, urlPath: string) =>
    new Promise<boolean>((resolve) => {
        const request = http.get({ host: "127.0.0.1", port, path: urlPath, timeout: 2000 }, (response) => {
            response.resume();
            resolve(response.statusCode === 200);
        });
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });

export interface UpOptions {
    readonly name: string;
    readonly stack: string;
    /** Default "engine": with the stack's nodes. */
    readonly purpose?: PlanePurpose;
    readonly tools?: string;
    readonly portBase?: number;
}

/** The refusal when a control plane of that name is there already (one line, what to do). */
function alreadyUp(name: string, state: PlaneState | undefined): string {
    const by = state ? `, made by ${describeMaker(state.createdBy)}` : " (no state file)";
    return `control plane "${name}" is already up${by}; run \`npm run engine -- down --name ${name}\` first, or pick another --name`;
}

/**
 * Starts storage, API server, controller manager, scheduler, kwok with the stack's nodes, and the
 * load balancer stand-in. A failure or a signal at any moment stops what started and removes the
 * folder before the error (or the signal's exit code) is passed on.
 */
export async function up(options: UpOptions, log: (line: string) => void): Promise<PlaneState> {
    const invalid = validateName("control plane", options.name);
    if (invalid) throw new UsageError(invalid);
    const config = validatedStackConfig(options.stack);
    const plan = buildAddressPlan(config);
    const tools = findTools(options.tools);
    const files = planeFiles(planeDir(options.name));
    if (fs.existsSync(files.dir)) throw new UsageError(alreadyUp(options.name, readPlaneState(options.name)));
    if (Buffer.byteLength(files.storageSocket) > MAX_SOCKET_PATH)
        throw new UsageError(
            `${files.storageSocket} is longer than a unix socket's path may be (${MAX_SOCKET_PATH} bytes); set AKS_KUBENET_ENGINE_STATE to a shorter folder`,
        );
    const ports = await choosePorts(options.portBase);
    const processes: PlaneProcess[] = [];
    const unregister = registerUndo(`stopping control plane "${options.name}" and removing ${files.dir}`, () =>
        removePlane(files.dir, { processes }),
    );
    try {
        // The folder holds kine's socket, the keys and the tokens: its owner only (mode 700).
        fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
        fs.chmodSync(files.dir, 0o700);
        fs.mkdirSync(files.logs, { recursive: true });
        fs.mkdirSync(files.storage, { recursive: true });
        // `env` points Pulumi at these: its file backend refuses a folder that does not exist.
        fs.mkdirSync(files.pulumiHome, { recursive: true });
        fs.mkdirSync(files.pulumiBackend, { recursive: true });
        log(`certificates and keys in ${files.pki}`);
        writeCredentials(files, plan.kubernetesServiceIp, ports, options.name);
        fs.writeFileSync(files.kwokConfig, kwokConfigText());
        const tool = (component: Component) => path.join(tools, BINARY[component]);

        log(`storage: kine on the unix socket ${files.storageSocket}`);
        processes.push(startDetached(files, "storage", tool("storage"), storageArgs(files)));
        await waitFor("listening", files, "storage", processes[0].pid, () => socketOpen(files.storageSocket));

        log(`kube-apiserver on https://127.0.0.1:${ports.apiserver}`);
        const apiserver = startDetached(files, "apiserver", tool("apiserver"), apiserverArgs(files, ports, plan));
        processes.push(apiserver);
        await waitFor("ready", files, "apiserver", apiserver.pid, () => httpsOk(ports.apiserver, "/readyz", files));

        log(`kube-controller-manager and kube-scheduler`);
        const manager = startDetached(
            files,
            "controllerManager",
            tool("controllerManager"),
            controllerManagerArgs(files, ports, plan),
        );
        const scheduler = startDetached(files, "scheduler", tool("scheduler"), schedulerArgs(files, ports));
        processes.push(manager, scheduler);
        await waitFor("healthy", files, "controllerManager", manager.pid, () =>
            httpsOk(ports.controllerManager, "/healthz"),
        );
        await waitFor("healthy", files, "scheduler", scheduler.pid, () => httpsOk(ports.scheduler, "/healthz"));

        const purpose = options.purpose ?? "engine";
        log(
            purpose === "engine"
                ? `kwok, and ${plan.nodes.length} nodes of pool system`
                : "kwok (the rehearsal's AKS stand-in registers the nodes)",
        );
        const kwok = startDetached(files, "kwok", tool("kwok"), kwokArgs(files, ports));
        processes.push(kwok);
        await waitFor("healthy", files, "kwok", kwok.pid, () => httpOk(ports.kwok, "/healthz"));
        if (purpose === "engine") {
            const kubectl = (...args: string[]) =>
                run(
                    path.join(tools, "kubectl"),
                    [`--kubeconfig=${files.kubeconfig("admin")}`, ...args],
                    `kubectl ${args[0]}`,
                );
            fs.writeFileSync(
                files.nodes,
                nodeManifests(plan, config)
                    .map((node) => JSON.stringify(node))
                    .join("\n"),
            );
            kubectl("apply", "-f", files.nodes);
            await waitFor("making the nodes Ready", files, "kwok", kwok.pid, () => {
                const nodes = JSON.parse(kubectl("get", "nodes", "-o", "json")) as {
                    items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
                };
                const ready = nodes.items.filter((node) =>
                    node.status?.conditions?.some(
                        (condition) => condition.type === "Ready" && condition.status === "True",
                    ),
                );
                return ready.length === plan.nodes.length;
            });
        }

        log(`load balancer stand-in: addresses from the services subnet ${plan.subnets.services.cidr}`);
        const standIn = startDetached(
            files,
            STAND_IN,
            process.execPath,
            [
                "-r",
                require.resolve("ts-node/register"),
                path.join(__dirname, "cli.ts"),
                "lb-stand-in",
                "--dir",
                files.dir,
                "--stack",
                options.stack,
            ],
            { ...process.env, TS_NODE_SWC: "true", TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
        );
        processes.push(standIn);
        await sleep(500);
        await waitFor("running", files, STAND_IN, standIn.pid, () => true, 5000);

        const state: PlaneState = {
            name: options.name,
            purpose,
            stack: options.stack,
            tools,
            ports,
            processes,
            passphrase: randomBytes(18).toString("base64url"),
            createdBy: makerNow(options.stack),
        };
        writeJsonAtomically(files.state, state);
        fs.chmodSync(files.state, 0o600);
        return state;
    } catch (error) {
        if (isStopping()) await new Promise(() => {});
        await removePlane(files.dir, { processes });
        throw error;
    } finally {
        unregister();
    }
}

export interface DownOptions {
    readonly name: string;
    readonly stack: string;
    readonly explicitName: boolean;
}

/** Stops the processes the control plane started and removes its folder; false when there was none. */
export async function down(
    options: DownOptions,
    log: (line: string) => void = () => {},
    stopOptions?: Parameters<typeof stopProcesses>[1],
): Promise<boolean> {
    const invalid = validateName("control plane", options.name);
    if (invalid) throw new UsageError(invalid);
    const files = planeFiles(planeDir(options.name));
    const state = readPlaneState(options.name);
    const running = recordedProcesses(files, state?.processes).filter(isSameProcess);
    const exists = fs.existsSync(files.dir);
    if (!options.explicitName) {
        const refusal = removalRefusal({
            subject: `control plane "${options.name}"`,
            stack: options.stack,
            maker: state?.createdBy,
            hasState: state !== undefined,
            leftovers: running.length > 0 || exists ? `${running.length} processes and ${files.dir}` : undefined,
            hint: `run \`npm run engine -- down --name ${options.name}\` to remove it anyway`,
        });
        if (refusal) throw new UsageError(refusal);
    }
    if (!exists && running.length === 0) return false;
    // A removal cut short would leave processes behind: a signal waits for it instead.
    const removal = removePlane(files.dir, state, log, stopOptions);
    const unregister = registerUndo(`finishing the removal of control plane "${options.name}"`, () => removal);
    try {
        await removal;
    } finally {
        unregister();
    }
    return true;
}

export interface PlaneStatus {
    readonly state: PlaneState;
    readonly processes: ReadonlyArray<PlaneProcess & { readonly running: boolean }>;
    readonly apiserverReady: boolean;
    readonly readyNodes: number;
    readonly loadBalancers: ReadonlyArray<{ readonly service: string; readonly ip?: string }>;
}

export async function status(name: string): Promise<PlaneStatus | undefined> {
    const state = readPlaneState(name);
    if (!state) return undefined;
    const files = planeFiles(planeDir(name));
    const apiserverReady = await httpsOk(state.ports.apiserver, "/readyz", files);
    let readyNodes = 0;
    let loadBalancers: PlaneStatus["loadBalancers"] = [];
    if (apiserverReady) {
        const kubectl = (...args: string[]) =>
            JSON.parse(
                run(
                    path.join(state.tools, "kubectl"),
                    [`--kubeconfig=${files.kubeconfig("admin")}`, ...args, "-o", "json"],
                    "kubectl get",
                ),
            ) as {
                items: Array<{
                    metadata: { name: string; namespace?: string };
                    spec?: { type?: string };
                    status?: {
                        conditions?: Array<{ type: string; status: string }>;
                        loadBalancer?: { ingress?: Array<{ ip?: string }> };
                    };
                }>;
            };
        readyNodes = kubectl("get", "nodes").items.filter((node) =>
            node.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True"),
        ).length;
        loadBalancers = kubectl("get", "services", "-A")
            .items.filter((service) => service.spec?.type === "LoadBalancer")
            .map((service) => ({
                service: `${service.metadata.namespace}/${service.metadata.name}`,
                ip: service.status?.loadBalancer?.ingress?.[0]?.ip,
            }));
    }
    return {
        state,
        processes: state.processes.map((entry) => ({ ...entry, running: isSameProcess(entry) })),
        apiserverReady,
        readyNodes,
        loadBalancers,
    };
}

/** A control plane that is up, for `env`: its state, or one line saying how to start it. */
export function requireUp(name: string): PlaneState {
    const state = readPlaneState(name);
    if (!state) throw new UsageError(`control plane "${name}" is not up; run \`npm run engine -- up --name ${name}\``);
    return state;
}
