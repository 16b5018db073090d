/**
 * The local lab (kubenet, and part 2's Azure CNI beside it):  sudo npm run lab -- <command> [options]
 * --name defaults to the stack name; every namespace is named akl-<name>-*. See USAGE.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import {
    EXIT_CHECK_FAILED,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    parseOptions,
    runMain,
    STACK_TOOL_OPTIONS,
} from "../cli/shell";
import { explainPath } from "./explain";
import { watchLauncher } from "../cli/interrupts";
import { down, driftOf, labTopologyFor, LabState, readState, repair, show, snapshot, status, up } from "./lab";
import { describeDrift } from "./drift";
import { LabError, preflight } from "./system";
import { LAB_CLUSTER_CHOICES, mainClusterLabel, parseLabClusters, sliceRoutesHolder } from "./topology";
import { MAIN_NETWORK_PLUGINS, MainNetworkPlugin } from "../addressPlan";
import { validatedStackConfig } from "../stackFiles";
import { CLUSTER_CHOICES, parseClusterChoice } from "../names";
import { formatTable, verify } from "./verify";

const USAGE = `usage: sudo npm run lab -- <up|status|show|explain|verify|repair|snapshot|down> [--stack dev] [--name NAME] [--json]
  up [--cluster main|azurecni|both] [--plugin kubenet|overlay] [--nodes N] [--pods N]
                           build the lab from the stack's config and address plan (default cluster:
                           both when the stack enables azureCniCluster, else main, the cluster in
                           the kubenet subnet; kubenet is accepted for main; default plugin of the
                           main cluster: the stack's networkPlugin)
  status [--json]          print the lab's topology, and how the live lab differs from it (drift)
  show <node>              inside a node: ip addr, brctl show (kubenet), route -n, the nat rules
  explain <src> <dst>      which path a packet from <src> to <dst> takes, and the rule that decides it
  verify                   check the live lab matches its state file, then prove the data paths with
                           real packets (both clusters' contrasts when built); progress on stderr
  repair                   bring a drifted lab back to its state file (routes, servers, namespaces)
  snapshot DIR [--cluster main|azurecni]
                           write that cluster as nodes, pods, services, routes and subnet JSON
                           for \`npm run verify -- --from DIR --cluster ...\`
  down                     remove everything the lab made; without --name, only a lab that this
                           checkout made for --stack (the state file records who made it)
--name defaults to the stack name. A signal (Ctrl-C, SIGTERM, SIGHUP), or the end of the npm
that started the lab, undoes what the command was changing.
Exit 0 on success, 1 when a verify check (or a command the lab runs) fails, 2 when the lab cannot
run as asked (not root, tools missing, not up, bad option).`;

function integerOption(name: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new LabError(`--${name} ${value}: use a whole number`);
    return Number(value);
}

function requireState(name: string): LabState {
    const topology = readState(name);
    if (!topology) throw new LabError(`lab "${name}" is not up; run \`sudo npm run lab -- up --name ${name}\``);
    return topology;
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            ...STACK_TOOL_OPTIONS,
            name: { type: "string" },
            nodes: { type: "string" },
            pods: { type: "string" },
            cluster: { type: "string" },
            plugin: { type: "string" },
        },
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
        (values.help ? console.log : console.error)(USAGE);
        return values.help ? EXIT_OK : EXIT_UNUSABLE_INPUT;
    }
    const stack = values.stack;
    const name = values.name ?? stack;
    const options = {
        stack,
        name,
        nodes: integerOption("nodes", values.nodes),
        podsPerNode: integerOption("pods", values.pods) ?? 3,
    };
    const clusters = values.cluster === undefined ? undefined : parseLabClusters(values.cluster);
    const log = (line: string) => console.error(line);
    // npm ends at once on SIGTERM and does not tell the lab (its grandchild): watch for that.
    watchLauncher();

    switch (command) {
        case "up": {
            if (values.cluster !== undefined && !clusters)
                throw new LabError(`--cluster ${values.cluster}: use ${LAB_CLUSTER_CHOICES.join(", ")}`);
            if (values.plugin !== undefined && !MAIN_NETWORK_PLUGINS.includes(values.plugin as MainNetworkPlugin))
                throw new LabError(`--plugin ${values.plugin}: use ${MAIN_NETWORK_PLUGINS.join(" or ")}`);
            const started = Date.now();
            const topology = await up(
                {
                    ...options,
                    clusters: clusters,
                    plugin: values.plugin as MainNetworkPlugin | undefined,
                },
                log,
            );
            const count = (nodes: ReadonlyArray<{ pods: readonly unknown[] }>) =>
                `${nodes.length} nodes, ${nodes.reduce((sum, node) => sum + node.pods.length, 0)} pods`;
            const built = [
                ...(topology.nodes.length > 0 ? [`${mainClusterLabel(topology)} ${count(topology.nodes)}`] : []),
                ...(topology.azureCni ? [`Azure CNI ${count(topology.azureCni.nodes)}`] : []),
            ];
            console.log(
                `lab "${name}" is up in ${Date.now() - started} ms: ${built.join("; ")}; VM ${topology.vnetHost.ip}, external ${topology.external.ip}, ClusterIP ${topology.service.clusterIp}`,
            );
            const firstNode = topology.nodes[0]?.name ?? topology.azureCni!.nodes[0].name;
            console.log(
                `next: sudo npm run lab -- show ${firstNode} --name ${name}   |   verify --name ${name}   |   down --name ${name}`,
            );
            return EXIT_OK;
        }
        case "status": {
            const current = await status(name);
            if (values.json) {
                console.log(
                    JSON.stringify(
                        current ?? {
                            name,
                            running: false,
                            planned: labTopologyFor({
                                ...options,
                                clusters: clusters,
                                plugin: values.plugin as MainNetworkPlugin | undefined,
                            }),
                        },
                        null,
                        2,
                    ),
                );
                return EXIT_OK;
            }
            if (!current) {
                console.log(`lab "${name}" is not up`);
                return EXIT_OK;
            }
            console.log(
                `lab "${current.name}" (stack ${current.stack}): ${current.running ? "running" : "incomplete"}, ${current.namespaces} namespaces`,
            );
            console.log(
                `router ${current.router.netns}: gateway ${current.router.gateway}; ${sliceRoutesHolder(current)} (table ${current.router.routeTable}): ${current.router.routes.map((route) => `${route.prefix} via ${route.via}`).join(", ") || "none"}`,
            );
            for (const node of current.nodes)
                console.log(
                    `  ${node.name} ${node.ip} ${node.podCidr}: ${node.pods.map((pod) => `${pod.name} ${pod.ip}`).join(", ")}`,
                );
            for (const node of current.azureCni?.nodes ?? [])
                console.log(
                    `  ${node.name} ${node.ip} (Azure CNI): ${node.pods.map((pod) => `${pod.name} ${pod.ip}`).join(", ")}`,
                );
            console.log(
                `VM ${current.vnetHost.ip} (${current.vnetHost.netns}); external ${current.external.ip}; service ${current.service.name} ClusterIP ${current.service.clusterIp}:${current.service.port}`,
            );
            if (current.createdBy)
                console.log(
                    `made by stack ${current.createdBy.stack} of ${current.createdBy.checkout} (pid ${current.createdBy.pid}, ${current.createdBy.startedAt})`,
                );
            if (current.driftUnchecked) console.log(current.driftUnchecked);
            for (const line of current.drift) console.log(`drift: ${line}`);
            if (current.drift.length > 0)
                console.log(`repair it with: sudo npm run lab -- repair --name ${current.name}`);
            return EXIT_OK;
        }
        case "show": {
            if (!rest[0]) throw new LabError("usage: lab -- show <node> (e.g. node-0)");
            const topology = requireState(name);
            await preflight();
            console.log(await show(topology, rest[0]));
            return EXIT_OK;
        }
        case "explain": {
            if (rest.length !== 2) throw new LabError("usage: lab -- explain <src-ip> <dst-ip>");
            const topology =
                readState(name) ??
                labTopologyFor({
                    ...options,
                    clusters: clusters,
                    plugin: values.plugin as MainNetworkPlugin | undefined,
                });
            console.log(explainPath(topology, rest[0], rest[1]).join("\n"));
            return EXIT_OK;
        }
        case "verify": {
            // Whether the lab is up is the first thing to know; tools and root come after.
            const topology = requireState(name);
            await preflight();
            // A lab that is not what its state file says would fail checks for the wrong reason.
            const drift = describeDrift(topology, await driftOf(topology));
            if (drift.length > 0) {
                throw new LabError(
                    `lab "${name}" differs from its state file: ${drift.join("; ")}; run \`sudo npm run lab -- repair --name ${name}\` first`,
                );
            }
            const results = await verify(topology, (line) => console.error(`verify: ${line}`));
            console.log(formatTable(results));
            return results.every((result) => result.passed) ? EXIT_OK : EXIT_CHECK_FAILED;
        }
        case "snapshot": {
            if (rest.length !== 1) throw new LabError("usage: lab -- snapshot DIR [--cluster main|azurecni]");
            const which = parseClusterChoice(values.cluster ?? "main");
            if (!which) throw new LabError(`--cluster ${values.cluster}: use ${CLUSTER_CHOICES.join(" or ")}`);
            const topology = requireState(name);
            await preflight();
            const written = await snapshot(topology, rest[0], which);
            console.log(
                `lab "${name}": wrote ${written.join(", ")}; check it with npm run --silent verify -- --stack ${topology.stack} --cluster ${which} --from ${rest[0]}`,
            );
            const declared = validatedStackConfig(topology.stack).networkPlugin;
            if (which === "main" && topology.plugin !== declared) {
                console.log(
                    `note: the lab runs ${topology.plugin} but stack ${topology.stack} declares ${declared}; verify expects what the stack declares, so check it with a stack whose networkPlugin is ${topology.plugin}`,
                );
            }
            return EXIT_OK;
        }
        case "repair": {
            const state = requireState(name);
            const found = await repair(state, log);
            console.log(
                found.length === 0
                    ? `lab "${name}" matches its state file; nothing to repair`
                    : `lab "${name}" repaired: ${found.join("; ")}`,
            );
            return EXIT_OK;
        }
        case "down": {
            const removed = await down({ name, stack, explicitName: values.name !== undefined });
            console.log(`lab "${name}": removed ${removed} namespaces`);
            return EXIT_OK;
        }
        default:
            throw new LabError(`unknown command "${command}"; see --help`);
    }
}

runMain("lab", main, module);
