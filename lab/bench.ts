/**
 * Benchmark (not a test): times `up` and `down` of the lab for a few sizes, and sums the memory
 * (VmRSS) of every process in the lab's namespaces while it is up. Prints a table.
 *   sudo npm run lab:bench
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { down, labNetns, up } from "./lab";
import { run } from "./system";
import { LabClusters } from "./topology";

const SIZES: ReadonlyArray<[LabClusters, number, number]> = [["kubenet", 3, 3], ["both", 3, 3], ["kubenet", 10, 10], ["both", 7, 5], ["kubenet", 100, 5]];

/** Sum of VmRSS (MiB) of the processes in the lab's namespaces. */
async function labMemoryMiB(name: string): Promise<number> {
    let kib = 0;
    for (const netns of await labNetns(name)) {
        const { stdout } = await run("ip", ["netns", "pids", netns]);
        for (const pid of stdout.split(/\s+/).filter(Boolean)) {
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

/** Starts `up` as the CLI would, interrupts it half-way with `signal`, and counts what is left. */
async function interrupted(signal: NodeJS.Signals, clusters: LabClusters, nodes: number, pods: number): Promise<string> {
    const name = `i${clusters.slice(0, 1)}${nodes}x${pods}`;
    const cli = path.join(__dirname, "cli.ts");
    const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", cli, "up", "--name", name, "--cluster", clusters, "--nodes", String(nodes), "--pods", String(pods)], { stdio: "ignore" });
    const deadline = Date.now() + 30000;
    // Half-way: once the namespaces exist and the build is under way.
    while ((await labNetns(name)).length < nodes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = (await labNetns(name)).length;
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const left = await labNetns(name);
    // Servers whose namespace was deleted would run on unseen: look for them by their home directory.
    const servers = fs.readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${name}-www`);
        } catch {
            return false;
        }
    });
    return `| ${signal} during up | ${clusters} ${nodes} x ${pods} | ${seen} namespaces when interrupted | exit ${code} | ${left.length} namespaces, ${servers.length} server processes |`;
}

async function main() {
    console.log("| cluster | nodes x pods | namespaces | processes | up | down | memory (VmRSS) |");
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    for (const [clusters, nodes, pods] of SIZES) {
        const name = `b${clusters.slice(0, 1)}${nodes}x${pods}`;
        const started = Date.now();
        const topology = await up({ stack: "dev", name, nodes, podsPerNode: pods, clusters });
        const upMs = Date.now() - started;
        const servers = topology.nodes.length * pods + (topology.azureCni?.nodes.length ?? 0) * pods + 2;
        const memory = await labMemoryMiB(name);
        const downStarted = Date.now();
        const removed = await down(name);
        const downMs = Date.now() - downStarted;
        console.log(`| ${clusters} | ${nodes} x ${pods} | ${removed} | ${servers} | ${(upMs / 1000).toFixed(1)} s | ${(downMs / 1000).toFixed(1)} s | ${memory.toFixed(0)} MiB (${((memory * 1024) / servers).toFixed(0)} KiB per server) |`);
    }
    console.log("\n| interrupt | lab | when | result | left behind |\n| --- | --- | --- | --- | --- |");
    console.log(await interrupted("SIGINT", "kubenet", 100, 5));
    console.log(await interrupted("SIGTERM", "both", 7, 5));
}

main().catch((error) => {
    console.error(`lab:bench: ${(error as Error).message}`);
    process.exit(1);
});
