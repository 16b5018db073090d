/**
 * Proves the tutorial's claims on a running lab with real packets; every check opens new
 * connections. kubenet's claims (part 1), then, with the VM and the Azure CNI cluster, the contrasts
 * of part 2. Probes go through one prober per source namespace (lab/probes.ts). The one change a
 * check makes to the lab, deleting a route, is undone on any error and on SIGINT, SIGTERM or SIGHUP
 * (cli/interrupts.ts), so an interrupted verify never leaves the lab half-changed.
 */
import { formatTable as table } from "../cli/shell";
import { withUndo } from "../cli/interrupts";
import { SERVER_PATH } from "./lab";
import { Answer, Probers } from "./probes";
import { ipIn, runAlwaysOrThrow, runOrThrow } from "./system";
import { LabNode, LabTopology, mainClusterLabel, POD_HTTP_PORT } from "./topology";

export interface CheckResult {
    readonly check: string;
    readonly expected: string;
    readonly observed: string;
    readonly passed: boolean;
}

/** Something that can send: a pod, the VM or the internet host. */
interface Sender {
    readonly name: string;
    readonly netns: string;
    readonly ip?: string;
}

/** Where verify reports how far it got (the CLI prints it on stderr). */
export type Progress = (line: string) => void;

/** Connections the ClusterIP check keeps open at once. */
const CLUSTER_IP_CONNECTIONS_IN_FLIGHT = 8;

const urlOf = (ip: string, port = POD_HTTP_PORT) => `http://${ip}:${port}${SERVER_PATH}`;
const describe = (answer: Answer | undefined) => (answer ? `${answer.server} saw ${answer.client}` : "no answer");

/** One verify run: its probers, and the progress line. */
class Run {
    readonly probers = new Probers();
    readonly results: CheckResult[] = [];

    constructor(
        readonly topology: LabTopology,
        private readonly progress: Progress,
        private readonly total: number,
    ) {}

    probe(from: Sender, ip: string, port?: number): Promise<Answer | undefined> {
        return this.probers.probe(from.netns, urlOf(ip, port));
    }

    record(result: CheckResult): void {
        this.results.push(result);
        this.progress(`[${this.results.length}/${this.total}] ${result.passed ? "PASS" : "FAIL"} ${result.check}`);
    }

    async sourceCheck(
        check: string,
        from: Sender,
        toIp: string,
        expectedServer: string,
        expectedClient: string,
        port?: number,
    ) {
        const answer = await this.probe(from, toIp, port);
        this.record({
            check,
            expected: `${expectedServer} saw ${expectedClient}`,
            observed: describe(answer),
            passed: answer?.server === expectedServer && answer.client === expectedClient,
        });
    }

    async reachability(check: string, from: Sender, to: { name: string; ip: string }, reachable: boolean) {
        const answer = await this.probe(from, to.ip);
        this.record({
            check,
            expected: reachable ? `${to.name} answers` : "no answer",
            observed: answer ? `${answer.server} answers` : "no answer",
            passed: reachable ? answer?.server === to.name : answer === undefined,
        });
    }

    /** Progress while a long check runs: at most every two seconds. */
    ticker(label: string): (line: string) => void {
        let last = Date.now();
        return (line) => {
            if (Date.now() - last < 2000) return;
            last = Date.now();
            this.progress(`${label}: ${line}`);
        };
    }
}

/** How many checks a lab's verify makes (for the progress line's total). */
export function checkCount(topology: LabTopology): number {
    const [first, second] = topology.nodes;
    let count = 0;
    if (first) {
        count += (second ? 1 : 0) + (first.pods.length > 1 ? 1 : 0) + 1;
        if (second && topology.plugin === "kubenet") {
            const victim = topology.nodes[topology.nodes.length - 1];
            const bystander = topology.nodes.some((node) => node !== first && node !== victim);
            count += 3 + (bystander ? 1 : 0) + (victim.pods.length > 1 ? 1 : 0);
        }
        count += 1 + 3;
    }
    if (topology.azureCni) count += 3 + (topology.azureCni.nodes[1] ? 1 : 0) + (first ? 2 : 0);
    return count;
}

async function routeTableChecks(run: Run, origin: Sender, first: LabNode): Promise<void> {
    const { topology } = run;
    const victim: LabNode = topology.nodes[topology.nodes.length - 1];
    const bystander = topology.nodes.find((node) => node !== first && node !== victim);
    const route = topology.router.routes.find((candidate) => candidate.prefix === victim.podCidr)!;
    const table = String(topology.router.routeTable);
    await run.reachability(`before: ${first.name} pod reaches ${victim.name} pod`, origin, victim.pods[0], true);
    // The route is deleted, the checks run, and the route comes back: on success, on a failure,
    // and on a signal at any moment in between (withUndo registers the undo before the change).
    await withUndo(
        `restoring route ${route.prefix} via ${route.via} in lab "${topology.name}"`,
        async () =>
            void (await runOrThrow(...ipIn(topology.router.netns, ["route", "del", route.prefix, "table", table]))),
        // `replace` is idempotent: it restores the route whether or not the deletion got through.
        async () =>
            void (await runAlwaysOrThrow(
                ...ipIn(topology.router.netns, [
                    "route",
                    "replace",
                    route.prefix,
                    "via",
                    route.via,
                    "dev",
                    route.dev,
                    "table",
                    table,
                ]),
            )),
        async () => {
            await run.reachability(
                `route ${route.prefix} removed: ${victim.name} pod unreachable`,
                origin,
                victim.pods[0],
                false,
            );
            if (bystander) {
                await run.reachability(
                    `route ${route.prefix} removed: ${bystander.name} pod still reachable`,
                    origin,
                    bystander.pods[0],
                    true,
                );
            }
            if (victim.pods.length > 1) {
                await run.reachability(
                    `route ${route.prefix} removed: ${victim.name}'s own pods still talk`,
                    victim.pods[0],
                    victim.pods[1],
                    true,
                );
            }
        },
    );
    await run.reachability(
        `route ${route.prefix} restored: ${victim.name} pod reachable again`,
        origin,
        victim.pods[0],
        true,
    );
}

/** ClusterIP: new connections until every endpoint (nginx pod) has answered (bounded), several at a time. */
async function clusterIpCheck(run: Run, origin: Sender & { ip: string }, first: LabNode): Promise<void> {
    const { topology } = run;
    const endpoints = new Set(topology.service.endpoints);
    const names = topology.nodes
        .flatMap((node) => node.pods)
        .filter((pod) => endpoints.has(pod.ip))
        .map((pod) => pod.name);
    const seen = new Set<string>();
    const attempts = names.length * 20;
    let tries = 0;
    // The caller's own pod sees the bridge address (hairpin SNAT); every other pod sees the caller.
    const expectedClient = (server: string) => (server === origin.name ? first.bridgeIp : origin.ip);
    let clientsAsExpected = true;
    let strangers = 0;
    const tick = run.ticker(`ClusterIP ${topology.service.clusterIp}`);
    const worker = async () => {
        while (seen.size < names.length && tries < attempts) {
            tries += 1;
            const answer = await run.probe(origin, topology.service.clusterIp, topology.service.port);
            if (!answer) continue;
            if (!names.includes(answer.server)) strangers += 1;
            seen.add(answer.server);
            if (answer.client !== expectedClient(answer.server)) clientsAsExpected = false;
            tick(`${seen.size} of ${names.length} nginx pods in ${tries} connections`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CLUSTER_IP_CONNECTIONS_IN_FLIGHT, attempts) }, worker));
    const reached = names.filter((name) => seen.has(name)).length;
    run.record({
        check: `ClusterIP ${topology.service.clusterIp}:${topology.service.port} reaches every nginx pod (DNAT)`,
        expected: `${names.length} of ${names.length} nginx pods, client ${origin.ip} (own pod: ${first.bridgeIp})`,
        observed: `${reached} of ${names.length} nginx pods in ${tries} connections${strangers > 0 ? `, ${strangers} answers from other pods` : ""}, ${clientsAsExpected ? "client as expected" : "unexpected client address"}`,
        passed: reached === names.length && strangers === 0 && clientsAsExpected,
    });
}

async function mainClusterChecks(run: Run): Promise<void> {
    const { topology } = run;
    const [first, second] = topology.nodes;
    const origin = first.pods[0];
    if (second) {
        const target = second.pods[0];
        await run.sourceCheck(
            `pod->pod across nodes (${first.name} -> ${second.name}) keeps the pod IP`,
            origin,
            target.ip,
            target.name,
            origin.ip,
        );
    }
    if (first.pods.length > 1) {
        const target = first.pods[1];
        await run.sourceCheck(
            `pod->pod on one node (${first.name}) keeps the pod IP`,
            origin,
            target.ip,
            target.name,
            origin.ip,
        );
    }
    await run.sourceCheck(
        "pod->external arrives from the node IP (SNAT)",
        origin,
        topology.external.ip,
        "internet",
        first.ip,
    );
    // A route table is something a user can break; Overlay has none (its slices are the SDN's).
    if (second && topology.plugin === "kubenet") await routeTableChecks(run, origin, first);
    await clusterIpCheck(run, origin, first);

    // kubenet: the route table belongs to the kubenet subnet. Overlay: pod IPs are the cluster's own.
    // Either way nobody else is routed to pod IPs.
    const vm = topology.vnetHost;
    const internet = { name: "internet", netns: topology.external.netns };
    const kind = mainClusterLabel(topology);
    await run.sourceCheck(`${kind} pod -> VM: the VM sees the node IP (SNAT)`, origin, vm.ip, vm.name, first.ip);
    await run.reachability(
        topology.plugin === "overlay"
            ? "VM -> Overlay pod IP: no answer (pod IPs are known to the cluster's own nodes only)"
            : "VM -> kubenet pod IP: no answer (the route table is only on the kubenet subnet)",
        vm,
        origin,
        false,
    );
    await run.reachability(`internet -> ${kind} pod IP: no answer`, internet, origin, false);
}

async function azureCniChecks(run: Run): Promise<void> {
    const { topology } = run;
    const cni = topology.azureCni!;
    const [first, second] = cni.nodes;
    const origin = first.pods[0];
    const vm = topology.vnetHost;
    await run.sourceCheck(
        "Azure CNI pod -> VM: the VM sees the pod IP (no SNAT inside the VNet)",
        origin,
        vm.ip,
        vm.name,
        origin.ip,
    );
    await run.sourceCheck(
        "Azure CNI pod -> internet: arrives from the node IP (ip-masq-agent)",
        origin,
        topology.external.ip,
        "internet",
        first.ip,
    );
    await run.sourceCheck(
        "VM -> Azure CNI pod: answered (Azure's SDN knows every pod)",
        vm,
        origin.ip,
        origin.name,
        vm.ip,
    );
    if (second) {
        const target = second.pods[0];
        await run.sourceCheck(
            `Azure CNI pod -> pod on another node (${first.name} -> ${second.name}) keeps the pod IP`,
            origin,
            target.ip,
            target.name,
            origin.ip,
        );
    }
    if (topology.nodes.length > 0) {
        const mainNode = topology.nodes[0];
        const mainPod = mainNode.pods[0];
        const main = mainClusterLabel(topology);
        await run.sourceCheck(
            `${main} pod -> Azure CNI pod: answered, seen from the ${main} node IP`,
            mainPod,
            origin.ip,
            origin.name,
            mainNode.ip,
        );
        await run.reachability(
            `Azure CNI pod -> ${main} pod IP: no answer (the azurecni subnet has no route to the pod CIDR)`,
            origin,
            mainPod,
            false,
        );
    }
}

export async function verify(topology: LabTopology, progress: Progress = () => {}): Promise<CheckResult[]> {
    const run = new Run(topology, progress, checkCount(topology));
    try {
        if (topology.nodes.length > 0) await mainClusterChecks(run);
        if (topology.azureCni) await azureCniChecks(run);
    } finally {
        await run.probers.close();
    }
    return run.results;
}

/** One probe from a namespace, outside a verify run (tests, the control of the route-table check). */
export async function probe(netns: string, ip: string, port = POD_HTTP_PORT): Promise<Answer | undefined> {
    const probers = new Probers();
    try {
        return await probers.probe(netns, urlOf(ip, port));
    } finally {
        await probers.close();
    }
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
