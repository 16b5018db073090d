/**
 * npm run --silent diagram -- <plan|wiring|path SRC DST|report> [options]
 * The tutorial's pictures drawn from the stack's plan, a saved snapshot, a running lab or the live
 * cluster. This file is the shell: it reads the options first, then the data (sources.ts), hands
 * it to the pure drawing functions and writes the result.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import * as fs from "fs";
import * as path from "path";
import { EXIT_CHECK_FAILED, EXIT_OK, parseOptions, runMain, UsageError } from "../cli/shell";
import { buildAddressPlan } from "../addressPlan";
import { CLUSTER_CHOICES, ClusterChoice, parseClusterChoice, routeTableNameFor } from "../names";
import { validatedStackConfig } from "../stackFiles";
import { drawPlan, peakCountsOf } from "./plan";
import { Origin, runningLab, wiringFrom } from "./sources";
import { drawWiring } from "./wiring";

const USAGE = `usage: npm run --silent diagram -- <command> [options]
commands:
  plan                     the address plan from the stack's config alone, before anything exists
  wiring                   the tutorial's kubenet wiring (nodes, cbr0, pods, route table, VNet), with
                           what verify finds wrong marked where it happens
  path SRC DST             the wiring with a packet's path from SRC to DST, hop by hop, each hop named
                           by the rule that decides it (needs --lab: the path is lab explain's)
  report                   one self-contained HTML page: verify's verdicts, the wiring, the services
                           and pods, the route table (needs --out FILE.html)
where from (wiring, path, report; exactly one):
  --from DIR               a saved snapshot, the folder \`verify --from\` reads (nothing is contacted)
  --lab NAME               a running lab (root: its routes and veths are read inside its namespaces)
  --live                   the deployed stack, reached as verify reaches it (Pulumi CLI, az login)
options:
  --stack NAME             the stack whose config says what to expect (default dev)
  --cluster C              main (default) or azurecni (part 2's cluster)
  --out FILE               write the SVG (or the report's HTML) to FILE instead of standard output
  -h, --help               this text
Exit 0 when the picture is written and verify finds nothing wrong (plan: the plan is valid);
1 when the picture is written and verify found a problem, which the picture marks; 2 when the
input cannot be used (a missing folder, unreadable JSON, a lab that is not up, an address not in
the lab, an invalid stack config), with one line saying why and nothing written.`;

const COMMANDS = ["plan", "wiring", "path", "report"] as const;
type Command = (typeof COMMANDS)[number];

interface Request {
    readonly command: Command;
    readonly stack: string;
    readonly cluster: ClusterChoice;
    readonly origin?: Origin;
    readonly out?: string;
    readonly source?: string;
    readonly destination?: string;
}

/** Every option checked before anything is read or written. */
function parseRequest(argv: string[]): Request | "help" {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            stack: { type: "string", default: "dev" },
            cluster: { type: "string", default: "main" },
            from: { type: "string" },
            lab: { type: "string" },
            live: { type: "boolean", default: false },
            out: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) return "help";
    const [name, ...rest] = positionals;
    if (!name) throw new UsageError(`give a command: ${COMMANDS.join(", ")}; see --help`);
    if (!(COMMANDS as readonly string[]).includes(name))
        throw new UsageError(`unknown command "${name}"; use ${COMMANDS.join(", ")} (see --help)`);
    const command = name as Command;
    const wanted = command === "path" ? 2 : 0;
    if (rest.length !== wanted)
        throw new UsageError(
            command === "path"
                ? `path takes two addresses, SRC and DST (got ${rest.length}); e.g. path 10.100.0.2 10.100.2.3 --lab try`
                : `${command} takes no arguments, got "${rest.join(" ")}"; see --help`,
        );
    const cluster = parseClusterChoice(values.cluster);
    if (!cluster) throw new UsageError(`--cluster ${values.cluster}: use ${CLUSTER_CHOICES.join(" or ")}`);
    const origins: Origin[] = [
        ...(values.from !== undefined ? [{ kind: "from" as const, dir: values.from }] : []),
        ...(values.lab !== undefined ? [{ kind: "lab" as const, name: values.lab }] : []),
        ...(values.live ? [{ kind: "live" as const }] : []),
    ];
    if (command === "plan" && origins.length > 0)
        throw new UsageError("plan draws the stack's config alone: drop --from, --lab and --live");
    if (command !== "plan" && origins.length !== 1)
        throw new UsageError(
            `${command} needs exactly one of --from DIR, --lab NAME or --live (got ${origins.length})`,
        );
    if (command === "path" && origins[0].kind !== "lab")
        throw new UsageError("path draws lab explain's path: give --lab NAME (a running lab)");
    const extension = command === "report" ? ".html" : ".svg";
    if (command === "report" && values.out === undefined)
        throw new UsageError("report writes one HTML file: give --out FILE.html");
    if (values.out !== undefined) {
        if (path.extname(values.out).toLowerCase() !== extension)
            throw new UsageError(
                `--out ${values.out}: ${command} writes ${extension.slice(1).toUpperCase()}, name the file *${extension}`,
            );
        const folder = path.dirname(path.resolve(values.out));
        if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
            throw new UsageError(`--out ${values.out}: the folder ${folder} does not exist`);
    }
    return {
        command,
        stack: values.stack,
        cluster,
        ...(origins[0] ? { origin: origins[0] } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(command === "path" ? { source: rest[0], destination: rest[1] } : {}),
    };
}

/** Writes the picture where --out says, or to standard output. */
function emit(text: string, out: string | undefined): void {
    if (out === undefined) {
        console.log(text.replace(/\n$/, ""));
        return;
    }
    // Written whole or not at all: a reader never opens half a picture.
    const partial = `${out}.partial-${process.pid}`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, out);
    console.error(`diagram: wrote ${out}`);
}

async function drawn(request: Request): Promise<{ text: string; problems: number }> {
    if (request.command === "plan") {
        const config = validatedStackConfig(request.stack);
        const text = await drawPlan({
            stack: request.stack,
            vnetName: config.vnetName,
            routeTableName: routeTableNameFor(config.vnetName),
            plan: buildAddressPlan(config),
            counts: peakCountsOf(config),
        });
        return { text, problems: 0 };
    }
    const origin = request.origin!;
    if (request.command === "path") {
        const state = await runningLab((origin as { name: string }).name);
        const { explainSteps } = await import("../lab/explain");
        // Explained before anything is drawn: an address that is not the lab's is refused first.
        const steps = explainSteps(state, request.source!, request.destination!);
        const { labWiring } = await import("./sources");
        const { drawPath } = await import("./path");
        const model = await labWiring(state, request.cluster);
        const text = await drawPath(model, { source: request.source!, destination: request.destination!, steps });
        return { text, problems: model.checks.filter((check) => !check.ok).length };
    }
    const model = await wiringFrom(origin, request.stack, request.cluster);
    const problems = model.checks.filter((check) => !check.ok).length;
    if (request.command === "wiring") return { text: await drawWiring(model), problems };
    const { drawReport } = await import("./report");
    return { text: await drawReport(model), problems };
}

export async function main(argv: string[]): Promise<number> {
    const request = parseRequest(argv);
    if (request === "help") {
        console.log(USAGE);
        return EXIT_OK;
    }
    const { text, problems } = await drawn(request);
    emit(text, request.out);
    if (problems > 0)
        console.error(
            `diagram: verify found ${problems} failing check${problems === 1 ? "" : "s"}; the picture marks each problem where it is`,
        );
    return problems > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

runMain("diagram", main, module);
