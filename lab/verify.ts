/**
 * Proves the tutorial's claims on a running lab with real packets; every check opens new
 * connections. kubenet's claims (part 1), then, with the VM and the Azure CNI cluster, the contrasts
 * of part 2.
 */
import * as path from "path";
import { formatTable as table } from "../cli/shell";
import { SERVER_PATH } from "./lab";
import { inNetns, runOrThrow } from "./system";
import { LabNode, LabTopology, mainClusterLabel, POD_HTTP_PORT } from "./topology";

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

/** Something that can send: a pod, the VM or the internet host. */
interface Sender {
    readonly name: string;
    readonly netns: string;
    readonly ip?: string;
}

/** One HTTP request from inside `netns`; undefined when it fails. */
export async function probe(netns: string, ip: string, port = POD_HTTP_PORT): Promise<Answer | undefined> {
    const result = await inNetns(netns, [
        process.execPath,
        PROBE_SCRIPT,
        `http://${ip}:${port}${SERVER_PATH}`,
        String(PROBE_TIMEOUT_MS),
    ]);
    if (result.code !== 0) return undefined;
    try {
        return JSON.parse(result.stdout) as Answer;
    } catch {
        return undefined;
    }
}

const describe = (answer: Answer | undefined) => (answer ? `${answer.server} saw ${answer.client}` : "no answer");

async function sourceCheck(
    check: string,
    from: Sender,
    toIp: string,
    expectedServer: string,
    expectedClient: string,
    port?: number,
): Promise<CheckResult> {
    const answer = await probe(from.netns, toIp, port);
    return {
        check,
        expected: `${expectedServer} saw ${expectedClient}`,
        observed: describe(answer),
        passed: answer?.server === expectedServer && answer.client === expectedClient,
    };
}

async function reachability(
    check: string,
    from: Sender,
    to: { name: string; ip: string },
    reachable: boolean,
): Promise<CheckResult> {
    const answer = await probe(from.netns, to.ip);
    return {
        check,
        expected: reachable ? `${to.name} answers` : "no answer",
        observed: answer ? `${answer.server} answers` : "no answer",
        passed: reachable ? answer?.server === to.name : answer === undefined,
    };
}

async function kubenetChecks(topology: LabTopology): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const [first, second] = topology.nodes;
    const origin = first.pods[0];

    if (second) {
        const target = second.pods[0];
        results.push(
            await sourceCheck(
                `pod->pod across nodes (${first.name} -> ${second.name}) keeps the pod IP`,
                origin,
                target.ip,
                target.name,
                origin.ip,
            ),
        );
    }
    if (first.pods.length > 1) {
        const target = first.pods[1];
        results.push(
            await sourceCheck(
                `pod->pod on one node (${first.name}) keeps the pod IP`,
                origin,
                target.ip,
                target.name,
                origin.ip,
            ),
        );
    }
    results.push(
        await sourceCheck(
            "pod->external arrives from the node IP (SNAT)",
            origin,
            topology.external.ip,
            "internet",
            first.ip,
        ),
    );

    // A route table is something a user can break; Overlay has none (its slices are the SDN's).
    if (second && topology.plugin === "kubenet") {
        const victim: LabNode = topology.nodes[topology.nodes.length - 1];
        const bystander = topology.nodes.find((node) => node !== first && node !== victim);
        const route = topology.router.routes.find((candidate) => candidate.prefix === victim.podCidr)!;
        const routeCommand = (...args: string[]) =>
            runOrThrow("ip", [
                "-n",
                topology.router.netns,
                "route",
                ...args,
                "table",
                String(topology.router.routeTable),
            ]);
        results.push(
            await reachability(`before: ${first.name} pod reaches ${victim.name} pod`, origin, victim.pods[0], true),
        );
        await routeCommand("del", route.prefix);
        try {
            results.push(
                await reachability(
                    `route ${route.prefix} removed: ${victim.name} pod unreachable`,
                    origin,
                    victim.pods[0],
                    false,
                ),
            );
            if (bystander)
                results.push(
                    await reachability(
                        `route ${route.prefix} removed: ${bystander.name} pod still reachable`,
                        origin,
                        bystander.pods[0],
                        true,
                    ),
                );
            if (victim.pods.length > 1)
                results.push(
                    await reachability(
                        `route ${route.prefix} removed: ${victim.name}'s own pods still talk`,
                        victim.pods[0],
                        victim.pods[1],
                        true,
                    ),
                );
        } finally {
            await routeCommand("add", route.prefix, "via", route.via, "dev", route.dev);
        }
        results.push(
            await reachability(
                `route ${route.prefix} restored: ${victim.name} pod reachable again`,
                origin,
                victim.pods[0],
                true,
            ),
        );
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
        const batch = await Promise.all(
            Array.from({ length: Math.min(8, attempts - tries) }, () =>
                probe(origin.netns, topology.service.clusterIp, topology.service.port),
            ),
        );
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

    // kubenet: the route table belongs to the kubenet subnet. Overlay: pod IPs are the cluster's own.
    // Either way nobody else is routed to pod IPs.
    const vm = topology.vnetHost;
    const internet = { name: "internet", netns: topology.external.netns };
    const kind = mainClusterLabel(topology);
    results.push(
        await sourceCheck(`${kind} pod -> VM: the VM sees the node IP (SNAT)`, origin, vm.ip, vm.name, first.ip),
    );
    results.push(
        await reachability(
            topology.plugin === "overlay"
                ? "VM -> Overlay pod IP: no answer (pod IPs are known to the cluster's own nodes only)"
                : "VM -> kubenet pod IP: no answer (the route table is only on the kubenet subnet)",
            vm,
            origin,
            false,
        ),
    );
    results.push(await reachability(`internet -> ${kind} pod IP: no answer`, internet, origin, false));
    return results;
}

async function azureCniChecks(topology: LabTopology): Promise<CheckResult[]> {
    const cni = topology.azureCni!;
    const [first, second] = cni.nodes;
    const origin = first.pods[0];
    const vm = topology.vnetHost;
    const results: CheckResult[] = [
        await sourceCheck(
            "Azure CNI pod -> VM: the VM sees the pod IP (no SNAT inside the VNet)",
            origin,
            vm.ip,
            vm.name,
            origin.ip,
        ),
        await sourceCheck(
            "Azure CNI pod -> internet: arrives from the node IP (ip-masq-agent)",
            origin,
            topology.external.ip,
            "internet",
            first.ip,
        ),
        await sourceCheck(
            "VM -> Azure CNI pod: answered (Azure's SDN knows every pod)",
            vm,
            origin.ip,
            origin.name,
            vm.ip,
        ),
    ];
    if (second)
        results.push(
            await sourceCheck(
                `Azure CNI pod -> pod on another node (${first.name} -> ${second.name}) keeps the pod IP`,
                origin,
                second.pods[0].ip,
                second.pods[0].name,
                origin.ip,
            ),
        );
    if (topology.nodes.length > 0) {
        const kubenetNode = topology.nodes[0];
        const kubenetPod = kubenetNode.pods[0];
        const main = mainClusterLabel(topology);
        results.push(
            await sourceCheck(
                `${main} pod -> Azure CNI pod: answered, seen from the ${main} node IP`,
                kubenetPod,
                origin.ip,
                origin.name,
                kubenetNode.ip,
            ),
        );
        results.push(
            await reachability(
                `Azure CNI pod -> ${main} pod IP: no answer (the azurecni subnet has no route to the pod CIDR)`,
                origin,
                kubenetPod,
                false,
            ),
        );
    }
    return results;
}

export async function verify(topology: LabTopology): Promise<CheckResult[]> {
    return [
        ...(topology.nodes.length > 0 ? await kubenetChecks(topology) : []),
        ...(topology.azureCni ? await azureCniChecks(topology) : []),
    ];
}

export function formatTable(results: readonly CheckResult[]): string {
    const passed = results.filter((result) => result.passed).length;
    const rows = results.map((result) => [
        result.check,
        result.expected,
        result.observed,
        result.passed ? "PASS" : "FAIL",
    ]);
    return [
        table(["check", "expected", "observed", "result"], rows),
        "",
        `${passed} passed, ${results.length - passed} failed`,
    ].join("\n");
}
