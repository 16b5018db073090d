/**
 * npm run --silent bench:engine -- [--stack dev] [--name bench-engine] [--runs 3] [--template DIR] [--tier] [--keep]
 * What the engine costs us, on this machine: `rehearse up` of the stack from nothing (the control
 * plane's start, then pulumi up), no-op previews split into phases from the engine's own log
 * (rehearsal/enginePhases.ts), destroy; the same for Pulumi's template with --template; with --tier
 * the engine tier's wall time. A benchmark,
 * not a test: it prints numbers, docs/engine.md shows them. It runs the rehearsal (the Azure
 * stand-in, not Azure) on a control plane of its own, removed at the end (also on Ctrl-C).
 */
import "../cli/nodeVersion";
import { registerUndo } from "../cli/interrupts";
import { CheckFailedError, EXIT_OK, formatTable, parseOptions, runMain, UsageError } from "../cli/shell";
import { down, readPlaneState } from "../engine/plane";
import { REPO_ROOT, stackConfig } from "../stackFiles";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { childrenCpuMs, EnginePhases, enginePhases, median, parseEngineLog } from "./enginePhases";
import { prepareRehearsal, Rehearsal, runPulumi } from "./rehearsal";

const USAGE = `usage: npm run --silent bench:engine -- [--stack dev] [--name bench-engine] [--runs 3] [--template DIR] [--tier] [--keep]
  --stack S     the stack to rehearse (default dev)
  --template D  also the same for pulumi/templates' kubernetes-azure-typescript (its folder, from a
                checkout of github.com/pulumi/templates), under the same rehearsal: the ratio
  --name N      the control plane the bench starts and removes (default bench-engine); it must not
                exist: the bench measures up from nothing
  --runs K      no-op previews to take the median of (1-20, default 3)
  --tier        also run the engine tier (npm run test:engine) and time it (minutes)
  --keep        leave the rehearsal up at the end (npm run engine -- down --name N removes it)
Needs the engine's tools (npm run engine -- build). Exit 0 with the numbers, 1 when a pulumi run or
the tier fails, 2 for input it cannot use.`;

const LOG_FLAGS = ["-v=9", "--logtostderr"];
const HEADER = (runs: number) => ["what (previews: the median of " + runs + ")", "wall", "CPU, all processes"];

interface Timed<T> {
    readonly ms: number;
    /** CPU time of every process the work started and waited for (pulumi, its plugins, node). */
    readonly cpuMs: number;
    readonly value: T;
}

function timed<T>(work: () => T): Timed<T> {
    const started = Date.now();
    const cpuBefore = childrenCpuMs();
    const value = work();
    return { ms: Date.now() - started, cpuMs: childrenCpuMs() - cpuBefore, value };
}

type Measured = EnginePhases & { readonly cpuMs: number };

/** One pulumi command on the rehearsal with the engine's log: its phases and its CPU time. */
function measuredPulumi(rehearsal: Rehearsal, args: readonly string[]): Measured {
    const startedAt = Date.now();
    const run = timed(() => runPulumi(rehearsal, [...args, "--stack", rehearsal.stack, ...LOG_FLAGS]));
    const endedAt = Date.now();
    if (run.value.status !== 0)
        throw new CheckFailedError(
            `pulumi ${args.join(" ")} failed (exit ${run.value.status}); run it with npm run rehearse`,
        );
    return { ...enginePhases(parseEngineLog(run.value.stderr), startedAt, endedAt), cpuMs: run.cpuMs };
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "-");

/** The previews' phases as table rows (what, wall, CPU): the median of each over the runs. */
export function phaseRows(previews: readonly Measured[]): string[][] {
    const row = (what: string, pick: (phases: Measured) => number) => [what, seconds(median(previews.map(pick))), ""];
    const plugins = [...new Set(previews.flatMap((phases) => phases.pluginStarts.map((start) => start.plugin)))];
    return [
        row("CLI start (to the first language host)", (p) => p.cliStartMs),
        row("language hosts (to the program's Run)", (p) => p.languageHostMs),
        row("node, @pulumi/pulumi, ts-node (to the Stack)", (p) => p.nodeAndSdkMs),
        row("the program's modules load (to its first resource)", (p) => p.programLoadMs),
        row("the program runs (providers answer, plugins start)", (p) => p.programRunMs),
        ...plugins.map((plugin) =>
            row(
                `  of which ${plugin}'s start`,
                (p) => p.pluginStarts.find((start) => start.plugin === plugin)?.ms ?? NaN,
            ),
        ),
        row("the engine finishes", (p) => p.finishMs),
        [
            "no-op preview in all",
            seconds(median(previews.map((p) => p.totalMs))),
            seconds(median(previews.map((p) => p.cpuMs))),
        ],
        [
            `per resource (${previews[0]?.resources ?? 0} resources)`,
            `${Math.round(median(previews.map((p) => p.totalMs / Math.max(1, p.resources))))} ms`,
            `${Math.round(median(previews.map((p) => p.cpuMs / Math.max(1, p.resources))))} ms`,
        ],
    ];
}

/** up from nothing, no-op previews, destroy: the rows of one program on the rehearsal. */
function benchProgram(rehearsal: Rehearsal, label: string, runs: number): string[][] {
    const rows: string[][] = [];
    const up = measuredPulumi(rehearsal, ["up", "--yes", "--skip-preview"]);
    rows.push([`${label}: pulumi up from nothing`, seconds(up.totalMs), seconds(up.cpuMs)]);
    const previews: Measured[] = [];
    for (let run = 0; run < runs; run++) {
        console.error(`bench: ${label}: no-op preview ${run + 1} of ${runs}`);
        previews.push(measuredPulumi(rehearsal, ["preview"]));
    }
    rows.push(...phaseRows(previews).map(([what, ...times]) => [`${label}: preview: ${what}`, ...times]));
    // destroy runs no program, so it has no phases: its times only.
    const destroy = timed(() =>
        runPulumi(rehearsal, ["destroy", "--yes", "--skip-preview", "--stack", rehearsal.stack]),
    );
    if (destroy.value.status !== 0)
        throw new CheckFailedError(
            `pulumi destroy failed (exit ${destroy.value.status}); run it with npm run rehearse`,
        );
    rows.push([`${label}: pulumi destroy`, seconds(destroy.ms), seconds(destroy.cpuMs)]);
    return rows;
}

/** Config a template's program needs that has no default (its Pulumi.yaml's `template.config`): stand-in values. */
const TEMPLATE_CONFIG: Readonly<Record<string, string>> = {
    "azure-native:location": "westus2",
    mgmtGroupId: "00000000-0000-0000-0000-00000000beef",
    sshPubKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0benchkeybenchkeybenchkeybenchkeybench bench@rehearsal",
};

/**
 * The template's program as a project of the rehearsal's copy (so that it resolves this checkout's
 * node_modules, as the stack's own program does), its placeholders filled, a stack of its own.
 */
function templateRehearsal(rehearsal: Rehearsal, templateDir: string): Rehearsal {
    const project = path.join(rehearsal.files.project, "bench-template");
    fs.rmSync(project, { recursive: true, force: true });
    fs.mkdirSync(project);
    for (const entry of fs.readdirSync(templateDir)) {
        const from = path.join(templateDir, entry);
        if (!fs.statSync(from).isFile()) continue;
        const text = fs.readFileSync(from, "utf8");
        fs.writeFileSync(
            path.join(project, entry),
            text.replace(/\$\{PROJECT\}/g, "bench-template").replace(/\$\{DESCRIPTION\}/g, "the template, benched"),
        );
    }
    const template: Rehearsal = { ...rehearsal, stack: "bench", files: { ...rehearsal.files, project } };
    for (const args of [
        ["stack", "init", "bench"],
        ...Object.entries(TEMPLATE_CONFIG).map(([key, value]) => ["config", "set", "--stack", "bench", key, value]),
    ]) {
        const run = runPulumi(template, args);
        if (run.status !== 0)
            throw new CheckFailedError(
                `the template: pulumi ${args.slice(0, 3).join(" ")} failed: ${(run.stderr || run.stdout).trim().split("\n").pop()}`,
            );
    }
    return template;
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        options: {
            stack: { type: "string", default: "dev" },
            name: { type: "string", default: "bench-engine" },
            runs: { type: "string", default: "3" },
            template: { type: "string" },
            tier: { type: "boolean", default: false },
            keep: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 20)
        throw new UsageError(`--runs takes a whole number from 1 to 20 (not "${values.runs}")`);
    if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${values.stack}.yaml`)))
        throw new UsageError(`stack "${values.stack}" has no Pulumi.${values.stack}.yaml in ${REPO_ROOT}`);
    const templateDir = values.template === undefined ? undefined : path.resolve(values.template);
    if (templateDir && !["Pulumi.yaml", "index.ts"].every((file) => fs.existsSync(path.join(templateDir, file))))
        throw new UsageError(
            `--template ${values.template}: no Pulumi.yaml and index.ts there; give pulumi/templates' kubernetes-azure-typescript folder`,
        );
    stackConfig(values.stack);
    if (readPlaneState(values.name))
        throw new UsageError(
            `control plane "${values.name}" exists, and the bench measures up from nothing: \`npm run engine -- down --name ${values.name}\`, or another --name`,
        );

    const removePlane = async () => {
        await down({ name: values.name, stack: values.stack, explicitName: true }, (line) =>
            console.error(`bench: ${line}`),
        );
    };
    const unregister = values.keep ? () => {} : registerUndo(`removing control plane "${values.name}"`, removePlane);
    const rows: string[][] = [];
    try {
        console.error(`bench: the rehearsal (the Azure stand-in, not Azure) of ${values.stack} on "${values.name}"`);
        const prepareStarted = Date.now();
        const rehearsal = await prepareRehearsal({ name: values.name, stack: values.stack }, (line) =>
            console.error(`bench: ${line}`),
        );
        rows.push(["control plane start and the rehearsal's files", seconds(Date.now() - prepareStarted), ""]);
        rows.push(...benchProgram(rehearsal, values.stack, runs));
        if (templateDir) rows.push(...benchProgram(templateRehearsal(rehearsal, templateDir), "template", runs));

        if (values.tier) {
            console.error("bench: the engine tier (npm run test:engine), minutes");
            const tier = timed(() =>
                spawnSync(
                    process.execPath,
                    [require.resolve("jest/bin/jest"), "--config", path.join(REPO_ROOT, "jest.engine.config.js")],
                    {
                        cwd: REPO_ROOT,
                        stdio: ["ignore", "ignore", "pipe"],
                        encoding: "utf8",
                        maxBuffer: 256 * 1024 * 1024,
                    },
                ),
            );
            const summary = /Tests:\s+([^\n]+)/.exec(tier.value.stderr ?? "")?.[1] ?? "no summary";
            rows.push([`engine tier (${summary.trim()})`, seconds(tier.ms), seconds(tier.cpuMs)]);
            if (tier.value.status !== 0) {
                console.log(formatTable(HEADER(runs), rows));
                throw new CheckFailedError(`the engine tier failed: ${summary}; run npm run test:engine`);
            }
        }
    } finally {
        unregister();
        if (!values.keep) await removePlane();
    }
    console.log(formatTable(HEADER(runs), rows));
    return EXIT_OK;
}

runMain("bench:engine", main, module);
