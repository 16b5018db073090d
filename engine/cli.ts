/**
 * The real Pulumi engine and a local Kubernetes control plane, built from Go modules:
 * npm run engine -- <build|up|down|status|env> [options]. See USAGE and docs/engine.md.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import * as fs from "fs";
import * as path from "path";
import { buildAddressPlan } from "../addressPlan";
import { watchLauncher } from "../cli/interrupts";
import {
    EXIT_CHECK_FAILED,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    formatTable,
    parseOptions,
    runMain,
    UsageError,
} from "../cli/shell";
import { validatedStackConfig } from "../stackFiles";
import { build, toolsCacheRoot } from "./build";
import { envLines, planeFiles } from "./controlPlane";
import { runStandIn, subnetSource } from "./loadBalancerStandIn";
import { down, LATEST_TOOLS_FILE, planeDir, requireUp, status, up } from "./plane";

const USAGE = `usage: npm run engine -- <build|up|down|status|env> [--stack dev] [--name NAME]
  build [--language-host-source DIR]
                         build the Pulumi CLI, the Kubernetes provider, kube-apiserver,
                         kube-controller-manager, kube-scheduler, kubectl, kine and kwok from the Go
                         module proxy into the tools cache (AKS_KUBENET_TOOLS, default
                         ~/.cache/aks-kubenet), or find them there; progress on stderr, the tools
                         folder as the last line of stdout; the proxy refuses the Node.js language
                         host's module: DIR (or AKS_KUBENET_LANGUAGE_HOST_SOURCE) is a pulumi/pulumi
                         checkout's sdk/nodejs/cmd/pulumi-language-nodejs to build it from
  up [--port-base N] [--tools DIR]
                         start a control plane on 127.0.0.1: kine, the API server (RBAC, Pod
                         Security, service-account tokens), controller manager, scheduler, kwok
                         with the stack's nodes, and a stand-in for AKS's load balancer addresses;
                         ports are free ones unless --port-base N asks for N..N+3; kine
                         listens on a unix socket in the plane's folder (mode 700), not on TCP
  status [--json]        the processes, the API server, Ready nodes, load balancer addresses
  env                    export lines for eval: PATH, KUBECONFIG, PULUMI_HOME, a local backend,
                         PULUMI_CONFIG_PASSPHRASE, no update checks or plugin downloads
  down                   stop the processes the control plane started (never another that names
                         its folder, such as a tail -f of a log) and remove every file of it;
                         without --name, only one this checkout made for --stack
--name defaults to the stack name. A signal during up or down (or the end of the npm that
started it) stops what was started. Exit 0 on success, 1 when a build or start fails, 2 for
input it cannot use (no Go, a module the proxy refuses, a port in use, another's control plane).`;

function portOption(value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1024 || Number(value) > 65530)
        throw new UsageError(`--port-base ${value}: use a port from 1024 to 65530`);
    return Number(value);
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            stack: { type: "string", default: "dev" },
            name: { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
            "port-base": { type: "string" },
            tools: { type: "string" },
            dir: { type: "string" },
            "azure-state": { type: "string" },
            "language-host-source": { type: "string" },
        },
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
        (values.help ? console.log : console.error)(USAGE);
        return values.help ? EXIT_OK : EXIT_UNUSABLE_INPUT;
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"; see --help`);
    const stack = values.stack;
    const name = values.name ?? stack;
    const portBase = portOption(values["port-base"]);
    const log = (line: string) => console.error(line);

    switch (command) {
        case "build": {
            watchLauncher();
            const started = Date.now();
            const languageHostSource = values["language-host-source"] ?? process.env.AKS_KUBENET_LANGUAGE_HOST_SOURCE;
            const result = await build(log, { languageHostSource });
            fs.writeFileSync(path.join(toolsCacheRoot(), LATEST_TOOLS_FILE), `${result.tools}\n`);
            log(
                `engine tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s: built ${result.built.join(", ") || "nothing"}; found ${result.found.join(", ") || "nothing"}${result.unbuildable.length > 0 ? `; not built: ${result.unbuildable.map((entry) => entry.component).join(", ")}` : ""}`,
            );
            console.log(result.tools);
            return EXIT_OK;
        }
        case "up": {
            watchLauncher();
            const started = Date.now();
            const state = await up({ name, stack, tools: values.tools, portBase }, log);
            console.log(
                `control plane "${name}" is up in ${((Date.now() - started) / 1000).toFixed(1)} s: API server https://127.0.0.1:${state.ports.apiserver}, stack ${stack}'s nodes Ready`,
            );
            console.log(
                `next: eval "$(npm run --silent engine -- env --name ${name})"   |   status --name ${name}   |   down --name ${name}`,
            );
            return EXIT_OK;
        }
        case "down": {
            watchLauncher();
            const removed = await down({ name, stack, explicitName: values.name !== undefined }, log);
            console.log(
                removed
                    ? `control plane "${name}" is down: no process, port or file left`
                    : `control plane "${name}" was not up`,
            );
            return EXIT_OK;
        }
        case "status": {
            const found = await status(name);
            if (!found) {
                if (values.json) console.log(JSON.stringify({ name, up: false }));
                else console.log(`control plane "${name}" is not up`);
                return EXIT_CHECK_FAILED;
            }
            const healthy = found.apiserverReady && found.processes.every((entry) => entry.running);
            if (values.json) {
                const { passphrase: _secret, ...state } = found.state;
                console.log(JSON.stringify({ ...found, state, up: healthy }, null, 2));
            } else {
                console.log(
                    `control plane "${name}" of stack ${found.state.stack}, made by ${found.state.createdBy.checkout} (pid ${found.state.createdBy.pid}, ${found.state.createdBy.startedAt})`,
                );
                console.log(
                    formatTable(
                        ["component", "pid", "running", "port"],
                        found.processes.map((entry) => [
                            entry.component,
                            String(entry.pid),
                            entry.running ? "yes" : "NO",
                            entry.component in found.state.ports
                                ? `127.0.0.1:${found.state.ports[entry.component as keyof typeof found.state.ports]}`
                                : entry.component === "storage"
                                  ? `unix:${planeFiles(planeDir(name)).storageSocket}`
                                  : "",
                        ]),
                    ),
                );
                console.log(
                    `API server ready: ${found.apiserverReady ? "yes" : "NO"}; Ready nodes: ${found.readyNodes}`,
                );
                for (const balancer of found.loadBalancers)
                    console.log(`LoadBalancer ${balancer.service}: ${balancer.ip ?? "pending"} (from the stand-in)`);
            }
            return healthy ? EXIT_OK : EXIT_CHECK_FAILED;
        }
        case "env": {
            const state = requireUp(name);
            for (const line of envLines({
                tools: state.tools,
                files: planeFiles(planeDir(name)),
                passphrase: state.passphrase,
                currentPath: process.env.PATH ?? "",
            }))
                console.log(line);
            return EXIT_OK;
        }
        case "lb-stand-in": {
            // Started by `up`, detached; not for users (see loadBalancerStandIn.ts).
            if (!values.dir) throw new UsageError("lb-stand-in needs --dir");
            const plan = buildAddressPlan(validatedStackConfig(stack));
            await runStandIn(
                planeFiles(values.dir).kubeconfig("admin"),
                subnetSource(plan, values["azure-state"]),
                log,
            );
            return EXIT_OK;
        }
        default:
            throw new UsageError(`unknown command "${command}"; use build, up, down, status or env (see --help)`);
    }
}

runMain("engine", main, module);
