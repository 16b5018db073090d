/**
 * sudo npm run lab:bench -- [--sizes LIST] [--stack NAME] [--skip-verify] [--interrupts]
 * A benchmark, not a test: times the lab's up, verify and down for each size and sums the memory
 * (VmRSS) of every process in the lab's namespaces while it is up. Prints a Markdown table.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EXIT_OK, parseOptions, runMain, UsageError } from "../cli/shell";
import { BenchSize, benchLabName, DEFAULT_BENCH_SIZES, parseBenchSizes } from "./benchSizes";
import { registerUndo, watchLauncher } from "../cli/interrupts";
import { down, labNetns, up } from "./lab";
import { labProcesses, pidsInNetns, preflight } from "./system";
import { LabClusters, validateLabName } from "./topology";
import { verify } from "./verify";

const USAGE = `usage: sudo npm run lab:bench -- [--sizes LIST] [--stack NAME] [--skip-verify] [--interrupts]
  --sizes LIST    comma-separated [main|azurecni|both:]NODESxPODS (default ${DEFAULT_BENCH_SIZES});
                  400 nodes need a stack whose plan holds them: --stack kubenet400 --sizes 400x5
  --stack NAME    the stack whose config and address plan the labs follow (default dev)
  --skip-verify   time up and down only
  --interrupts    also interrupt an up half-way (SIGINT, SIGTERM, and SIGTERM to npm alone) and count
                  what is left
Each lab's name is printed before it starts; a signal at any moment removes the lab that is up.
Exit 0 when every size ran, 1 when a lab failed, 2 when the options or the machine cannot be used.`;

/** Sum of VmRSS (MiB) of the processes in the lab's namespaces (one pass over /proc). */
async function labMemoryMiB(name: string): Promise<number> {
    let kib = 0;
    for (const pids of pidsInNetns(await labNetns(name)).values()) {
        for (const pid of pids) {
            try {
                const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
                kib += match ? Number(match[1]) : 0;
            } catch {
                // the process ended meanwhile
            }
        }
    }
    return kib / 1024;
}

/** The bench removes the labs it made by name: they are its own, whatever the state file says. */
const downByName = (name: string) => down({ name, stack: "", explicitName: true });

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = Date.now();
    const result = await work();
    return [result, Date.now() - started];
}

async function benchOne(stack: string, size: BenchSize, withVerify: boolean): Promise<string> {
    const name = benchLabName(size);
    console.error(`lab:bench: lab "${name}" (${size.clusters} ${size.nodes} x ${size.pods}, stack ${stack})`);
    const [topology, upMs] = await timed(() =>
        up({ stack, name, nodes: size.nodes, podsPerNode: size.pods, clusters: size.clusters }),
    );
    // From here until down has run, a signal removes this lab.
    const unregister = registerUndo(`removing lab "${name}"`, async () => void (await downByName(name)));
    try {
        const servers = topology.nodes.length * size.pods + (topology.azureCni?.nodes.length ?? 0) * size.pods + 2;
        const memory = await labMemoryMiB(name);
        let verifyCell = "-";
        if (withVerify) {
            const [results, verifyMs] = await timed(() => verify(topology));
            const failed = results.filter((result) => !result.passed).length;
            verifyCell = `${seconds(verifyMs)}${failed > 0 ? ` (${failed} FAILED)` : ""}`;
        }
        const [removed, downMs] = await timed(() => downByName(name));
        return `| ${size.clusters} | ${size.nodes} x ${size.pods} | ${removed} | ${servers} | ${seconds(upMs)} | ${verifyCell} | ${seconds(downMs)} | ${memory.toFixed(0)} MiB (${((memory * 1024) / servers).toFixed(0)} KiB per server) |`;
    } finally {
        unregister();
    }
}

interface Interrupted {
    /** Namespaces of the lab when the signal was sent. */
    readonly seen: number;
    /** The signalled process's exit code (null when a signal ended it). */
    readonly code: number | null;
    /** From the signal until no namespace and no process of the lab was left (or 60 s). */
    readonly cleanAfterMs: number;
    readonly namespacesLeft: number;
    readonly processesLeft: number;
}

/**
 * Waits until `child`'s `up` of lab `name` is half-way (its first `nodes` namespaces exist), sends
 * `signal` to `child`, and measures what is left and how soon it is gone. Whatever happens to the
 * bench, the lab goes too.
 */
async function interruptUp(
    name: string,
    child: ChildProcess,
    signal: NodeJS.Signals,
    nodes: number,
): Promise<Interrupted> {
    const unregister = registerUndo(`removing lab "${name}"`, async () => {
        child.kill("SIGKILL");
        await downByName(name);
    });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
        const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
        const deadline = Date.now() + 60000;
        while ((await labNetns(name)).length < nodes && Date.now() < deadline) await sleep(20);
        const seen = (await labNetns(name)).length;
        const signalled = Date.now();
        child.kill(signal);
        const code = await exited;
        // Servers whose namespace was deleted would run on unseen: processes are found by command line.
        const within = Date.now() + 60000;
        while (((await labNetns(name)).length > 0 || labProcesses(name).length > 0) && Date.now() < within)
            await sleep(50);
        return {
            seen,
            code,
            cleanAfterMs: Date.now() - signalled,
            namespacesLeft: (await labNetns(name)).length,
            processesLeft: labProcesses(name).length,
        };
    } finally {
        unregister();
        await downByName(name).catch(() => undefined);
    }
}

const upArgs = (stack: string, name: string, clusters: LabClusters, nodes: number, pods: number) => [
    "up",
    "--stack",
    stack,
    "--name",
    name,
    "--cluster",
    clusters,
    "--nodes",
    String(nodes),
    "--pods",
    String(pods),
];

const left = (result: Interrupted) => `${result.namespacesLeft} namespaces, ${result.processesLeft} lab processes`;

/** Starts `up` as the CLI would, interrupts it half-way with `signal`, and counts what is left. */
async function interrupted(
    stack: string,
    signal: NodeJS.Signals,
    clusters: LabClusters,
    nodes: number,
    pods: number,
): Promise<string> {
    const name = `i${clusters.slice(0, 1)}${nodes}x${pods}`;
    console.error(`lab:bench: lab "${name}" (${clusters} ${nodes} x ${pods}, interrupted by ${signal})`);
    const cli = path.join(__dirname, "cli.ts");
    const child = spawn(
        process.execPath,
        [require.resolve("ts-node/dist/bin.js"), "--swc", cli, ...upArgs(stack, name, clusters, nodes, pods)],
        {
            stdio: "ignore",
        },
    );
    const result = await interruptUp(name, child, signal, nodes);
    return `| ${signal} during up | ${clusters} ${nodes} x ${pods} | ${result.seen} namespaces when interrupted | exit ${result.code}, clean after ${seconds(result.cleanAfterMs)} | ${left(result)} |`;
}

/**
 * `npm run lab -- up` as a user starts it, with SIGTERM sent to npm alone half-way (what a CI
 * runner or systemd sends): npm ends at once without passing it on; the lab notices.
 */
async function npmTerminated(stack: string, nodes: number, pods: number): Promise<string> {
    const name = `n${nodes}x${pods}`;
    console.error(`lab:bench: lab "${name}" (main ${nodes} x ${pods}, SIGTERM to npm alone)`);
    const npm = spawn("npm", ["run", "--silent", "lab", "--", ...upArgs(stack, name, "main", nodes, pods)], {
        cwd: path.join(__dirname, ".."),
        stdio: "ignore",
    });
    const result = await interruptUp(name, npm, "SIGTERM", nodes);
    return `| SIGTERM to npm alone during up | main ${nodes} x ${pods} | ${result.seen} namespaces when interrupted | npm exit ${result.code}, lab clean after ${seconds(result.cleanAfterMs)} | ${left(result)} |`;
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: {
            sizes: { type: "string", default: DEFAULT_BENCH_SIZES },
            stack: { type: "string", default: "dev" },
            "skip-verify": { type: "boolean", default: false },
            interrupts: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const sizes = parseBenchSizes(values.sizes);
    for (const size of sizes) {
        const invalid = validateLabName(benchLabName(size));
        if (invalid) throw new UsageError(`--sizes: ${invalid}; use fewer digits`);
    }
    await preflight();
    watchLauncher();

    console.log("| cluster | nodes x pods | namespaces | servers | up | verify | down | memory (VmRSS) |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const size of sizes) console.log(await benchOne(values.stack, size, !values["skip-verify"]));
    if (values.interrupts) {
        console.log("\n| interrupt | lab | when | result | left behind |\n| --- | --- | --- | --- | --- |");
        console.log(await interrupted(values.stack, "SIGINT", "main", 100, 5));
        console.log(await interrupted(values.stack, "SIGTERM", "both", 7, 5));
        console.log(await npmTerminated(values.stack, 100, 5));
    }
    return EXIT_OK;
}

runMain("lab:bench", main, module);
