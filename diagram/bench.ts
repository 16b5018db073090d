/**
 * npm run --silent bench:diagram -- [--sizes 3,50,400] [--pods N] [--runs N]
 * How long drawing takes: the wiring and the report of the lab's cluster at each size (the lab's
 * documents, built by its pure functions from stack kubenet400's plan, whose 400 nodes are kubenet's
 * ceiling), after one warm-up drawing. A benchmark, not a test: it prints numbers, docs/diagram.md
 * shows them.
 */
import "../cli/nodeVersion";
import { EXIT_OK, formatTable, parseOptions, runMain, UsageError } from "../cli/shell";
import { labTopologyFor } from "../lab/lab";
import { labSnapshot } from "../lab/snapshot";
import { judgeSnapshot } from "../verify/checks";
import { expectedFor } from "../verify/expected";
import { validatedStackConfig } from "../stackFiles";
import { drawReport } from "./report";
import { drawWiring } from "./wiring";
import { wiringModel, WiringModel } from "./wiringModel";

const STACK = "kubenet400";

function labModel(nodes: number, pods: number): WiringModel {
    const topology = labTopologyFor({ stack: STACK, name: "bench", nodes, podsPerNode: pods, clusters: "main" });
    const config = validatedStackConfig(STACK, { nodeCount: String(nodes) });
    const expected = expectedFor(config, "main");
    const routes = topology.router.routes.map((route) => ({ dst: route.prefix, gateway: route.via, dev: route.dev }));
    const snapshot = labSnapshot(topology, expected, routes);
    return wiringModel({
        source: `the lab's ${nodes}-node cluster (stack ${STACK})`,
        vnetCidr: config.vnetCidr,
        expected,
        snapshot,
        checks: judgeSnapshot(expected, snapshot),
    });
}

async function timed(work: () => Promise<string>, runs: number): Promise<{ ms: number; bytes: number }> {
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        bytes = (await work()).length;
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], bytes };
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        options: {
            sizes: { type: "string", default: "3,50,400" },
            pods: { type: "string", default: "5" },
            runs: { type: "string", default: "3" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log("usage: npm run --silent bench:diagram -- [--sizes 3,50,400] [--pods 5] [--runs 3]");
        return EXIT_OK;
    }
    const sizes = values.sizes.split(",").map(Number);
    const [pods, runs] = [Number(values.pods), Number(values.runs)];
    if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 400))
        throw new UsageError(`--sizes ${values.sizes}: node counts from 1 to 400, comma-separated`);
    if (!Number.isInteger(pods) || pods < 1 || !Number.isInteger(runs) || runs < 1)
        throw new UsageError("--pods and --runs take whole numbers from 1");
    await drawWiring(labModel(3, pods)); // warm-up: ELK's first layout compiles its code
    const rows: string[][] = [];
    for (const size of sizes) {
        const model = labModel(size, pods);
        const wiring = await timed(() => drawWiring(model), runs);
        const report = await timed(() => drawReport(model), runs);
        rows.push([
            String(size),
            String(size * pods),
            wiring.ms.toFixed(0),
            `${(wiring.bytes / 1024).toFixed(0)} KiB`,
            report.ms.toFixed(0),
            `${(report.bytes / 1024).toFixed(0)} KiB`,
        ]);
        console.error(`bench:diagram: ${size} nodes done`);
    }
    console.log(formatTable(["nodes", "pods", "wiring ms", "wiring SVG", "report ms", "report HTML"], rows));
    console.log(`median of ${runs} run(s) each, Node ${process.version}, after one warm-up drawing`);
    return EXIT_OK;
}

runMain("bench:diagram", main, module);
