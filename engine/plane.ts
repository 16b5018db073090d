/**
 * The engine's local control plane, run: up, down, status. Each control plane lives in a folder
 * of its own (AKS_KUBENET_ENGINE_STATE/<name>, default ~/.local/state/aks-kubenet/engine/<name>),
 * its processes run detached with their logs there, and its state file records the ports, the
 * pids and who made it. `down` stops the processes the plane started (their recorded pids, checked
 * by start time, and their descendants) and no other: a user's `tail -f` of a log keeps running.
 * It gives SIGKILL a deadline and names any survivor; then it checks the ports are free and
 * removes the folder. This file is the lifecycle; the processes are engine/planeProcesses.ts, the
 * credentials engine/credentials.ts, the ports and probes engine/loopback.ts.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildAddressPlan } from "../addressPlan";
import { registerUndo, isStopping } from "../cli/interrupts";
import {
    describeMaker,
    Maker,
    makerNow,
    readJson,
    removalRefusal,
    validateName,
    writeJsonAtomically,
} from "../cli/ownership";
import { UsageError } from "../cli/shell";
import { REPO_ROOT, validatedStackConfig } from "../stackFiles";
import { toolsCacheRoot } from "./build";
import {
    apiserverArgs,
    Component,
    controllerManagerArgs,
    kwokArgs,
    MAX_SOCKET_PATH,
    nodeManifests,
    planeFiles,
    Ports,
    schedulerArgs,
    storageArgs,
} from "./controlPlane";
import { writeCredentials } from "./credentials";
import { kwokConfigText } from "./kwokStages";
import { choosePorts, httpOk, httpsOk, socketOpen } from "./loopback";
import { PlaneProcess, recordedProcesses, removePlane, run, STAND_IN, startDetached, waitFor } from "./planeProcesses";
import { isSameProcess, sleep, stopProcesses } from "./processes";
import { KUBERNETES_BINARIES } from "./recipes";

export const PLANE_TOOLS = [...KUBERNETES_BINARIES, "kine", "kwok"];
const BINARY: Readonly<Record<Component, string>> = {
    storage: "kine",
    apiserver: "kube-apiserver",
    controllerManager: "kube-controller-manager",
    scheduler: "kube-scheduler",
    kwok: "kwok",
};

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
    return env.AKS_KUBENET_ENGINE_STATE || path.join(os.homedir(), ".local", "state", "aks-kubenet", "engine");
}

export const planeDir = (name: string) => path.join(stateRoot(), name);

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

export interface UpOptions {
    readonly name: string;
    readonly stack: string;
    /** Default "engine": with the stack's nodes. */
    readonly purpose?: PlanePurpose;
    readonly tools?: string;
    readonly portBase?: number;
    /**
     * A rehearsal's Azure stand-in state: the load balancer stand-in then takes a Service's subnet
     * from it (what the program deployed), not from the plan verify checks the address against.
     */
    readonly azureStateFile?: string;
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

        log(
            `load balancer stand-in: addresses from ${options.azureStateFile ? "the Azure stand-in's subnets" : "the address plan's subnets"}`,
        );
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
                ...(options.azureStateFile ? ["--azure-state", options.azureStateFile] : []),
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
