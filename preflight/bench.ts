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
  --runs N   runs of each measurement (default 5); the table shows medians of wall and CPU time
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

/**
 * CPU time (user + system, ms) of the children this process has waited for: /proc/self/stat's
 * cutime and cstime, in clock ticks of 10 ms (Linux's USER_HZ). Unlike wall time, it hardly moves
 * when other work shares the cores. Undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
        return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
        return undefined;
    }
}

interface Timed {
    readonly times: number[];
    readonly cpu: number[];
    readonly ok: boolean;
}

function timeCommand(dir: string, runs: number): Timed {
    const times: number[] = [];
    const cpu: number[] = [];
    let ok = true;
    for (let run = 0; run < runs; run++) {
        const cpuBefore = childrenCpuMs();
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
        const cpuAfter = childrenCpuMs();
        if (cpuBefore !== undefined && cpuAfter !== undefined) cpu.push(cpuAfter - cpuBefore);
        ok &&= result.status === 0;
    }
    return { times, cpu, ok };
}

async function timeInProcess(dir: string, runs: number): Promise<Timed> {
    const times: number[] = [];
    const cpu: number[] = [];
    let ok = true;
    for (let run = 0; run < runs; run++) {
        const cpuBefore = process.cpuUsage();
        const started = process.hrtime.bigint();
        const result = await runInProcess("preflight", main, ["--from", dir]);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / 1000);
        ok &&= result.code === 0;
    }
    return { times, cpu, ok };
}

/** "wall (CPU)" medians of a measurement. */
const cell = ({ times, cpu }: Timed) => `${ms(median(times))} (CPU ${cpu.length > 0 ? ms(median(cpu)) : "n/a"})`;

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
            rows.push(`| ${label} (${size}) | ${cell(command)} | ${cell(inProcess)} |`);
        }
        console.log(
            [
                `preflight --from, ${runs} runs each, Node ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
                "",
                "| saved folder | whole command: wall (CPU), medians | checks in one process: wall (CPU), medians |",
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
