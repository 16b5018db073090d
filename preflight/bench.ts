/**
 * npm run --silent preflight:bench -- [--runs N]
 * A benchmark, not a test: how long preflight takes on saved output. Two folders: the healthy
 * fixture as it is, and the same padded to a real region's size (az vm list-skus --all listed 1,366
 * VM sizes in eastus; az provider list prints every namespace with its resource types). For each,
 * the whole command as a user runs it (a new process: Node, ts-node, the config) and the checks
 * alone, in one process. Prints a Markdown table; docs/preflight.md shows its numbers.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_OK, parseOptions, runInProcess, runMain, UsageError } from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import { main } from "./cli";

const USAGE = `usage: npm run --silent preflight:bench -- [--runs N]
  --runs N   runs of each measurement (default 5); the table shows the median and the slowest
Times \`preflight --from\` on tests/fixtures/preflight/healthy and on a copy padded to a real
region's size. Exit 0 when every run exited 0, 1 otherwise, 2 for unusable options.`;

const HEALTHY = path.join(REPO_ROOT, "tests", "fixtures", "preflight", "healthy");
/** A region's VM sizes as az vm list-skus --all lists them (eastus, measured in a public field report). */
const REGION_SIZES = 1366;
/** Namespaces and resource types per namespace of a subscription's az provider list. */
const PROVIDERS = 250;
const RESOURCE_TYPES = 30;

/** The healthy folder with its lists grown to a real region's size (made-up names, the same shapes). */
function paddedFolder(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-bench-"));
    for (const file of fs.readdirSync(HEALTHY)) fs.copyFileSync(path.join(HEALTHY, file), path.join(dir, file));
    const read = (file: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Array<Record<string, unknown>>;
    const skus = read("skus.json");
    const padding = Array.from({ length: REGION_SIZES - skus.length }, (_, index) => ({
        ...skus[index % skus.length],
        name: `Standard_Bench${index}_v9`,
    }));
    fs.writeFileSync(path.join(dir, "skus.json"), JSON.stringify([...skus, ...padding], null, 2));
    const providers = read("providers.json");
    const types = Array.from({ length: RESOURCE_TYPES }, (_, index) => ({
        resourceType: `benchType${index}`,
        locations: ["East US", "West Europe", "Southeast Asia"],
        apiVersions: ["2024-01-01", "2023-01-01"],
    }));
    const more = Array.from({ length: PROVIDERS - providers.length }, (_, index) => ({
        ...providers[0],
        namespace: `Bench.Provider${index}`,
        resourceTypes: types,
    }));
    fs.writeFileSync(path.join(dir, "providers.json"), JSON.stringify([...providers, ...more], null, 2));
    return dir;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${Math.round(value)} ms`;
const sizeOf = (file: string) => {
    const bytes = fs.statSync(file).size;
    return bytes < 1048576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
};

function timeCommand(dir: string, runs: number): { times: number[]; ok: boolean } {
    const times: number[] = [];
    let ok = true;
    for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        const result = spawnSync(
            process.execPath,
            [
                path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js"),
                "--swc",
                path.join(REPO_ROOT, "preflight", "cli.ts"),
                "--from",
                dir,
            ],
            { cwd: REPO_ROOT, encoding: "utf8" },
        );
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        ok &&= result.status === 0;
    }
    return { times, ok };
}

async function timeInProcess(dir: string, runs: number): Promise<{ times: number[]; ok: boolean }> {
    const times: number[] = [];
    let ok = true;
    for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        const result = await runInProcess("preflight", main, ["--from", dir]);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        ok &&= result.code === 0;
    }
    return { times, ok };
}

export async function benchMain(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: { runs: { type: "string", default: "5" }, help: { type: "boolean", short: "h", default: false } },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError(`--runs ${values.runs}: use 1 to 100`);
    const padded = paddedFolder();
    try {
        const rows: string[] = [];
        let allOk = true;
        for (const [label, dir] of [
            ["healthy fixture", HEALTHY],
            [`padded: ${REGION_SIZES} VM sizes, ${PROVIDERS} providers`, padded],
        ] as const) {
            const size = `skus.json ${sizeOf(path.join(dir, "skus.json"))}, providers.json ${sizeOf(path.join(dir, "providers.json"))}`;
            const command = timeCommand(dir, runs);
            const inProcess = await timeInProcess(dir, runs);
            allOk &&= command.ok && inProcess.ok;
            rows.push(
                `| ${label} (${size}) | ${ms(median(command.times))} (slowest ${ms(Math.max(...command.times))}) | ${ms(median(inProcess.times))} (slowest ${ms(Math.max(...inProcess.times))}) |`,
            );
        }
        console.log(
            [
                `preflight --from, ${runs} runs each, Node ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
                "",
                "| saved folder | whole command (median) | checks in one process (median) |",
                "| --- | --- | --- |",
                ...rows,
            ].join("\n"),
        );
        return allOk ? EXIT_OK : 1;
    } finally {
        fs.rmSync(padded, { recursive: true, force: true });
    }
}

runMain("preflight:bench", benchMain, module);
