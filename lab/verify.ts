/** Proves the seed's claims on a running lab with real packets; every check opens new connections. */
import * as path from "path";
import { formatTable as table } from "../cli/shell";
import { inNetns, runOrThrow } from "./system";
import { LabNode, LabPod, LabTopology, POD_HTTP_PORT } from "./topology";

const PROBE_SCRIPT = path.join(__dirname, "probe.js");
const PROBE_TIMEOUT_MS = 1500;

export interface CheckResult {
    readonly check: string;
    readonly expected: string;
    readonly observed: string;
    readonly passed: boolean;
}

interface Answer {
    readonly server: string;
    readonly client: string;
}

/** One HTTP request from inside `netns`; undefined when it fails. */
export async function probe(netns: string, ip: string, port = POD_HTTP_PORT): Promise<Answer | undefined> {
    const result = await inNetns(netns, [process.execPath, PROBE_SCRIPT, `http://${ip}:${port}/`, String(PROBE_TIMEOUT_MS)]);
    if (result.code !== 0) return undefined;
    try {
        return JSON.parse(result.stdout) as Answer;
    } catch {
        return undefined;
    }
}

const describe = (answer: Answer | undefined) => (answer ? `${answer.server} saw ${answer.client}` : "no answer");

async function sourceCheck(check: string, from: LabPod, toIp: string, expectedServer: string, expectedClient: string, port?: number): Promise<CheckResult> {
    const answer = await probe(from.netns, toIp, port);
    return {
        check,
        expected: `${expectedServer} saw ${expectedClient}`,
        observed: describe(answer),
        passed: answer?.server === expectedServer && answer.client === expectedClient,
    };
}

async function reachability(check: string, from: LabPod, to: LabPod, reachable: boolean): Promise<CheckResult> {
    const answer = await probe(from.netns, to.ip);
    return {
        check,
        expected: reachable ? `${to.name} answers` : "no answer",
        observed: answer ? `${answer.server} answers` : "no answer",
        passed: reachable ? answer?.server === to.name : answer === undefined,
    };
}

export async function verify(topology: LabTopology): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const [first, second] = topology.nodes;
    const origin = first.pods[0];

    if (second) {
        const target = second.pods[0];
        results.push(await sourceCheck(`pod->pod across nodes (${first.name} -> ${second.name}) keeps the pod IP`, origin, target.ip, target.name, origin.ip));
    }
    if (first.pods.length > 1) {
        const target = first.pods[1];
        results.push(await sourceCheck(`pod->pod on one node (${first.name}) keeps the pod IP`, origin, target.ip, target.name, origin.ip));
    }
    results.push(await sourceCheck("pod->external arrives from the node IP (SNAT)", origin, topology.external.ip, "internet", first.ip));

    if (second) {
        const victim: LabNode = topology.nodes[topology.nodes.length - 1];
        const bystander = topology.nodes.find((node) => node !== first && node !== victim);
        const route = topology.router.routes.find((candidate) => candidate.prefix === victim.podCidr)!;
        const routeCommand = (...args: string[]) => runOrThrow("ip", ["-n", topology.router.netns, "route", ...args]);
        results.push(await reachability(`before: ${first.name} pod reaches ${victim.name} pod`, origin, victim.pods[0], true));
        await routeCommand("del", route.prefix);
        try {
            results.push(await reachability(`route ${route.prefix} removed: ${victim.name} pod unreachable`, origin, victim.pods[0], false));
            if (bystander) results.push(await reachability(`route ${route.prefix} removed: ${bystander.name} pod still reachable`, origin, bystander.pods[0], true));
            if (victim.pods.length > 1) results.push(await reachability(`route ${route.prefix} removed: ${victim.name}'s own pods still talk`, victim.pods[0], victim.pods[1], true));
        } finally {
            await routeCommand("add", route.prefix, "via", route.via);
        }
        results.push(await reachability(`route ${route.prefix} restored: ${victim.name} pod reachable again`, origin, victim.pods[0], true));
    }

    // ClusterIP: new connections until every endpoint has answered (bounded).
    const endpoints = topology.nodes.flatMap((node) => node.pods.map((pod) => pod.name));
    const seen = new Set<string>();
    const attempts = endpoints.length * 20;
    let tries = 0;
    // The caller's own pod sees the bridge address (hairpin SNAT); every other pod sees the caller.
    const expectedClient = (server: string) => (server === origin.name ? first.bridgeIp : origin.ip);
    let sourceKept = true;
    while (seen.size < endpoints.length && tries < attempts) {
        const batch = await Promise.all(Array.from({ length: Math.min(8, attempts - tries) }, () => probe(origin.netns, topology.service.clusterIp, topology.service.port)));
        tries += batch.length;
        for (const answer of batch) {
            if (!answer) continue;
            seen.add(answer.server);
            if (answer.client !== expectedClient(answer.server)) sourceKept = false;
        }
    }
    results.push({
        check: `ClusterIP ${topology.service.clusterIp}:${topology.service.port} reaches every pod (DNAT)`,
        expected: `${endpoints.length} of ${endpoints.length} pods, client ${origin.ip} (own pod: ${first.bridgeIp})`,
        observed: `${seen.size} of ${endpoints.length} pods in ${tries} connections, ${sourceKept ? "client as expected" : "unexpected client address"}`,
        passed: seen.size === endpoints.length && sourceKept,
    });
    return results;
}

export function formatTable(results: readonly CheckResult[]): string {
    const passed = results.filter((result) => result.passed).length;
    const rows = results.map((result) => [result.check, result.expected, result.observed, result.passed ? "PASS" : "FAIL"]);
    return [table(["check", "expected", "observed", "result"], rows), "", `${passed} passed, ${results.length - passed} failed`].join("\n");
}
