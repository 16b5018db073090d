/**
 * The local kubenet lab:  sudo npm run lab -- <command> [options]
 *   up [--stack dev] [--name NAME] [--nodes N] [--pods N]   build the lab from the stack's address plan
 *   status [--json]                                          the topology (JSON with --json)
 *   show <node>                                              the seed's views from inside a node
 *   explain <src-ip> <dst-ip>                                which path a packet takes
 *   verify                                                   prove the seed's claims with real traffic
 *   down                                                     remove everything the lab made
 * --name defaults to the stack name; every namespace is named akl-<name>-*.
 */
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNUSABLE_INPUT, parseOptions, runMain } from "../cli/shell";
import { explainPath } from "./explain";
import { down, labTopologyFor, readState, show, snapshot, status, up } from "./lab";
import { LabError, preflight } from "./system";
import { LabTopology } from "./topology";
import { formatTable, verify } from "./verify";

const USAGE = `usage: sudo npm run lab -- <up|status|show|explain|verify|snapshot|down> [--stack dev] [--name NAME] [--nodes N] [--pods N] [--json]
  up                       build the lab from the stack's config and address plan
  status [--json]          print the lab's topology
  show <node>              ip addr, brctl show, route -n and the nat POSTROUTING chain inside a node
  explain <src> <dst>      which path a packet from <src> to <dst> takes
  verify                   prove the kubenet data path with real packets
  snapshot DIR             write the lab as a cluster (nodes, pods, services, routes, subnet JSON)
                           for \`npm run verify -- --from DIR\`
  down                     remove everything the lab made
Exit 0 on success, 1 when a verify check (or a command the lab runs) fails, 2 when the lab cannot
run as asked (not root, tools missing, not up, bad option).`;

function integerOption(name: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new LabError(`--${name} ${value}: use a whole number`);
    return Number(value);
}

function requireState(name: string): LabTopology {
    const topology = readState(name);
    if (!topology) throw new LabError(`lab "${name}" is not up; run \`sudo npm run lab -- up --name ${name}\``);
    return topology;
}

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            stack: { type: "string", default: "dev" },
            name: { type: "string" },
            nodes: { type: "string" },
            pods: { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
        (values.help ? console.log : console.error)(USAGE);
        return values.help ? EXIT_OK : EXIT_UNUSABLE_INPUT;
    }
    const stack = values.stack!;
    const name = values.name ?? stack;
    const options = { stack, name, nodes: integerOption("nodes", values.nodes), podsPerNode: integerOption("pods", values.pods) ?? 3 };
    const log = (line: string) => console.error(line);

    switch (command) {
        case "up": {
            const started = Date.now();
            const topology = await up(options, log);
            const pods = topology.nodes.reduce((sum, node) => sum + node.pods.length, 0);
            console.log(`lab "${name}" is up in ${Date.now() - started} ms: ${topology.nodes.length} nodes, ${pods} pods, router ${topology.router.netns}, external ${topology.external.ip}, ClusterIP ${topology.service.clusterIp}`);
            console.log(`next: sudo npm run lab -- show ${topology.nodes[0].name} --name ${name}   |   verify --name ${name}   |   down --name ${name}`);
            return 0;
        }
        case "status": {
            const current = await status(name);
            if (values.json) {
                console.log(JSON.stringify(current ?? { name, running: false, planned: labTopologyFor(options) }, null, 2));
                return 0;
            }
            if (!current) {
                console.log(`lab "${name}" is not up`);
                return 0;
            }
            console.log(`lab "${current.name}" (stack ${current.stack}): ${current.running ? "running" : "incomplete"}, ${current.namespaces} namespaces`);
            console.log(`router ${current.router.netns}: gateway ${current.router.gateway}; routes ${current.router.routes.map((route) => `${route.prefix} via ${route.via}`).join(", ")}`);
            for (const node of current.nodes) console.log(`  ${node.name} ${node.ip} ${node.podCidr}: ${node.pods.map((pod) => `${pod.name} ${pod.ip}`).join(", ")}`);
            console.log(`external ${current.external.ip}; service ${current.service.name} ClusterIP ${current.service.clusterIp}:${current.service.port}`);
            return 0;
        }
        case "show": {
            if (!rest[0]) throw new LabError("usage: lab -- show <node> (e.g. node-0)");
            const topology = requireState(name);
            await preflight();
            console.log(await show(topology, rest[0]));
            return 0;
        }
        case "explain": {
            if (rest.length !== 2) throw new LabError("usage: lab -- explain <src-ip> <dst-ip>");
            const topology = readState(name) ?? labTopologyFor(options);
            console.log(explainPath(topology, rest[0], rest[1]).join("\n"));
            return 0;
        }
        case "verify": {
            // Whether the lab is up is the first thing to know; tools and root come after.
            const topology = requireState(name);
            await preflight();
            const results = await verify(topology);
            console.log(formatTable(results));
            return results.every((result) => result.passed) ? EXIT_OK : EXIT_CHECK_FAILED;
        }
        case "snapshot": {
            if (rest.length !== 1) throw new LabError("usage: lab -- snapshot DIR");
            const topology = requireState(name);
            await preflight();
            const written = await snapshot(topology, rest[0]);
            console.log(`lab "${name}": wrote ${written.join(", ")}; check it with npm run --silent verify -- --stack ${topology.stack} --from ${rest[0]}`);
            return EXIT_OK;
        }
        case "down": {
            const removed = await down(name);
            console.log(`lab "${name}": removed ${removed} namespaces`);
            return 0;
        }
        default:
            throw new LabError(`unknown command "${command}"; see --help`);
    }
}

runMain("lab", main);
