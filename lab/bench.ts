/**
 * Benchmark (not a test): times `up` and `down` of the lab for a few sizes and prints a table.
 *   sudo npm run lab:bench
 */
import { down, up } from "./lab";

const SIZES: ReadonlyArray<[number, number]> = [[3, 3], [10, 10], [50, 2]];

async function main() {
    console.log("nodes x pods  namespaces  up (ms)  down (ms)");
    for (const [nodes, pods] of SIZES) {
        const name = `bench${nodes}x${pods}`;
        const started = Date.now();
        const topology = await up({ stack: "dev", name, nodes, podsPerNode: pods });
        const upMs = Date.now() - started;
        const downStarted = Date.now();
        const removed = await down(name);
        const downMs = Date.now() - downStarted;
        console.log(`${`${topology.nodes.length} x ${pods}`.padEnd(12)}  ${String(removed).padStart(10)}  ${String(upMs).padStart(7)}  ${String(downMs).padStart(9)}`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
