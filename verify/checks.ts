/**
 * The tutorial's observations as checks over a snapshot: a pure function from what the stack
 * expects (verify/expected.ts) and what the cluster shows (verify/snapshot.ts) to named checks.
 * The same checker serves a live cluster, a saved snapshot and the local lab.
 */
import type { Route } from "@azure/arm-network";
import type { V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { cidr, Cidr, containsCidr, containsIp, NODE_POD_SLICE_PREFIX, parseCidr, parseIpv4 } from "../addressPlan";
import { Expected } from "./expected";
import { Snapshot } from "./snapshot";

export interface Check {
    readonly name: string;
    readonly ok: boolean;
    readonly expected: string;
    readonly observed: string;
}

/**
 * Where a problem is, so that a picture can mark it there (diagram/): a node, the route a node
 * lacks, a route of the table, a pod, a Service, the subnet, or the cluster as a whole.
 */
export type Place =
    | { readonly kind: "node"; readonly node: string }
    | { readonly kind: "missingRoute"; readonly node: string; readonly prefix: string; readonly nextHop?: string }
    | { readonly kind: "route"; readonly route?: string; readonly prefix?: string }
    | { readonly kind: "pod"; readonly namespace?: string; readonly name?: string }
    | { readonly kind: "service"; readonly namespace: string; readonly name: string }
    | { readonly kind: "subnet" }
    | { readonly kind: "cluster" };

/** One problem a check found: its words, and where it is. */
export interface Finding {
    readonly text: string;
    readonly place: Place;
}

/** A check with each of its problems and where it is (what a picture marks). */
export interface JudgedCheck extends Check {
    readonly findings: readonly Finding[];
}

const internalIp = (node: V1Node) => node.status?.addresses?.find((address) => address.type === "InternalIP")?.address;
const nodeName = (node: V1Node) => node.metadata?.name ?? "?";
const podName = (pod: V1Pod) => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;
const inRange = (range: Cidr, address: string | undefined) => {
    const parsed = address === undefined ? undefined : parseIpv4(address);
    return parsed?.ok === true && containsIp(range, parsed.value);
};
/** At most a few items, then "and N more": a failing line stays readable. */
function some(items: readonly string[], limit = 4): string {
    return items.length <= limit
        ? items.join("; ")
        : `${items.slice(0, limit).join("; ")}; and ${items.length - limit} more`;
}
const check = (name: string, problems: readonly Finding[], expected: string, fine: string): JudgedCheck => ({
    name,
    ok: problems.length === 0,
    expected,
    observed: problems.length === 0 ? fine : some(problems.map((problem) => problem.text)),
    findings: problems,
});
const at = (place: Place, text: string): Finding => ({ text, place });
const atNode = (node: V1Node, text: string) => at({ kind: "node", node: nodeName(node) }, text);
const atPod = (pod: V1Pod, text: string) =>
    at({ kind: "pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name }, text);
const atRoute = (route: Route, text: string) =>
    at({ kind: "route", route: route.name, prefix: route.addressPrefix }, text);

function nodeIpsInSubnet(expected: Expected, nodes: readonly V1Node[]): JudgedCheck {
    const subnet = cidr(expected.nodeSubnetCidr);
    const problems =
        nodes.length === 0
            ? [at({ kind: "cluster" }, "no nodes")]
            : nodes
                  .filter((node) => !inRange(subnet, internalIp(node)))
                  .map((node) => atNode(node, `${nodeName(node)} has ${internalIp(node) ?? "no InternalIP"}`));
    return check(
        `node IPs in the ${expected.subnetName} subnet`,
        problems,
        `every node's InternalIP in ${subnet.text}`,
        nodes.map((node) => internalIp(node)).join(", "),
    );
}

function nodePodCidrs(expected: Expected, nodes: readonly V1Node[]): JudgedCheck {
    const podCidr = cidr(expected.podCidr!);
    const problems: Finding[] = [];
    const holders = new Map<string, string>();
    for (const node of nodes) {
        const text = node.spec?.podCIDR;
        const parsed = text === undefined ? undefined : parseCidr(text);
        if (!parsed?.ok) {
            problems.push(atNode(node, `${nodeName(node)} has no pod CIDR${text ? ` (${text})` : ""}`));
            continue;
        }
        if (parsed.value.prefix !== NODE_POD_SLICE_PREFIX || !containsCidr(podCidr, parsed.value))
            problems.push(
                atNode(node, `${nodeName(node)} holds ${text}, not a /${NODE_POD_SLICE_PREFIX} of ${podCidr.text}`),
            );
        const other = holders.get(parsed.value.text);
        if (other) problems.push(atNode(node, `${nodeName(node)} and ${other} share ${parsed.value.text}`));
        holders.set(parsed.value.text, nodeName(node));
    }
    return check(
        "node pod CIDRs",
        problems,
        `a distinct /${NODE_POD_SLICE_PREFIX} of ${podCidr.text} per node`,
        nodes.map((node) => `${nodeName(node)} ${node.spec?.podCIDR}`).join(", "),
    );
}

function routeTableRoutes(expected: Expected, nodes: readonly V1Node[], snapshot: Snapshot): JudgedCheck {
    const routes = snapshot.routes ?? [];
    const podCidr = cidr(expected.podCidr!);
    const problems: Finding[] = [];
    for (const node of nodes) {
        const slice = node.spec?.podCIDR;
        if (!slice) continue; // the pod-CIDR check names it
        const matching = routes.filter((route) => route.addressPrefix === slice);
        if (matching.length === 0) {
            problems.push(
                at(
                    { kind: "missingRoute", node: nodeName(node), prefix: slice, nextHop: internalIp(node) },
                    `no route for ${nodeName(node)}'s ${slice}`,
                ),
            );
            continue;
        }
        if (matching.length > 1)
            // Every route for the slice is at fault: the place names the prefix, not one route.
            problems.push(at({ kind: "route", prefix: slice }, `${matching.length} routes for ${slice}`));
        for (const route of matching) {
            if (route.nextHopType !== "VirtualAppliance")
                problems.push(
                    atRoute(
                        route,
                        `route ${route.name} for ${slice} has nextHopType ${route.nextHopType}, not VirtualAppliance`,
                    ),
                );
            if (route.nextHopIpAddress !== internalIp(node))
                problems.push(
                    atRoute(
                        route,
                        `route ${route.name} sends ${slice} to ${route.nextHopIpAddress}, but ${nodeName(node)} is ${internalIp(node)}`,
                    ),
                );
        }
    }
    const held = new Set(nodes.map((node) => node.spec?.podCIDR));
    for (const route of routes) {
        const prefix = route.addressPrefix === undefined ? undefined : parseCidr(route.addressPrefix);
        if (prefix?.ok && containsCidr(podCidr, prefix.value) && !held.has(route.addressPrefix)) {
            problems.push(
                atRoute(
                    route,
                    `stale route ${route.name}: ${route.addressPrefix} -> ${route.nextHopIpAddress}, a slice no node holds`,
                ),
            );
        }
    }
    return check(
        "route table: one route per node",
        problems,
        "<node /24> -> <node IP> (VirtualAppliance) for each node, nothing stale",
        `${routes.length} routes: ${routes.map((route) => `${route.addressPrefix} -> ${route.nextHopIpAddress}`).join(", ")}`,
    );
}

function subnetRouteTable(expected: Expected, snapshot: Snapshot): JudgedCheck {
    const attached = snapshot.subnet.routeTable?.id;
    const problems: Finding[] = [];
    const atSubnet = (text: string) => at({ kind: "subnet" }, text);
    if (snapshot.subnet.addressPrefix !== undefined && snapshot.subnet.addressPrefix !== expected.nodeSubnetCidr) {
        problems.push(
            atSubnet(
                `subnet.json is ${snapshot.subnet.name ?? "?"} ${snapshot.subnet.addressPrefix}, not the ${expected.subnetName} subnet ${expected.nodeSubnetCidr}`,
            ),
        );
    }
    if (expected.routeTableName) {
        // ARM ids are case-insensitive (Microsoft.Network vs microsoft.network).
        const wanted =
            `/resourcegroups/${expected.resourceGroupName}/providers/microsoft.network/routetables/${expected.routeTableName}`.toLowerCase();
        if (!attached)
            problems.push(
                atSubnet(
                    "no route table attached: cross-node pod traffic has no route (AKS may attach its own on the next reconcile, and the next update detaches it)",
                ),
            );
        else if (!attached.toLowerCase().endsWith(wanted))
            problems.push(atSubnet(`attached ${attached}, not the stack's ${expected.routeTableName}`));
        return check(
            `the ${expected.subnetName} subnet carries the stack's route table`,
            problems,
            `${expected.resourceGroupName}/${expected.routeTableName}`,
            attached ?? "",
        );
    }
    if (attached)
        problems.push(
            atSubnet(
                `route table ${attached} is still attached; ${expected.plugin.title} needs none (a leftover can capture pod traffic)`,
            ),
        );
    return check(
        `the ${expected.subnetName} subnet carries no route table`,
        problems,
        `none (${expected.plugin.title}: Azure's SDN routes pods)`,
        "none",
    );
}

function podIps(expected: Expected, nodes: readonly V1Node[], pods: readonly V1Pod[]): JudgedCheck {
    const byName = new Map(nodes.map((node) => [nodeName(node), node]));
    const problems: Finding[] = [];
    let checked = 0;
    for (const pod of pods) {
        const ip = pod.status?.podIP;
        if (!ip) continue; // Pending or not yet addressed: not this check's business
        const node = pod.spec?.nodeName ? byName.get(pod.spec.nodeName) : undefined;
        checked += 1;
        if (pod.spec?.hostNetwork) {
            // kube-proxy and friends: the node's own address (the tutorial's note).
            if (node && ip !== internalIp(node))
                problems.push(
                    atPod(
                        pod,
                        `${podName(pod)} is hostNetwork with ${ip}, but its node ${nodeName(node)} is ${internalIp(node)}`,
                    ),
                );
            continue;
        }
        if (expected.plugin.podAddresses === "nodeSubnet") {
            if (!inRange(cidr(expected.nodeSubnetCidr), ip))
                problems.push(
                    atPod(
                        pod,
                        `${podName(pod)} has ${ip}, outside the ${expected.subnetName} subnet ${expected.nodeSubnetCidr}`,
                    ),
                );
            continue;
        }
        const slice = node?.spec?.podCIDR ? parseCidr(node.spec.podCIDR) : undefined;
        if (!node)
            problems.push(atPod(pod, `${podName(pod)} has ${ip} on unknown node ${pod.spec?.nodeName ?? "(none)"}`));
        else if (!slice?.ok || !inRange(slice.value, ip))
            problems.push(
                atPod(
                    pod,
                    `${podName(pod)} has ${ip}, outside ${nodeName(node)}'s ${node.spec?.podCIDR ?? "(no pod CIDR)"}`,
                ),
            );
    }
    const rule =
        expected.plugin.podAddresses === "nodeSubnet"
            ? `every pod IP in ${expected.nodeSubnetCidr}; hostNetwork pods on their node's IP`
            : "every pod IP inside its node's /24; hostNetwork pods on their node's IP";
    return check("pod IPs", problems, rule, `${checked} pods with an IP, all as expected`);
}

function nginxSpread(expected: Expected, nodes: readonly V1Node[], pods: readonly V1Pod[]): JudgedCheck {
    const { namespace, selector, replicas } = expected.nginx;
    const matches = (pod: V1Pod) =>
        pod.metadata?.namespace === namespace &&
        Object.entries(selector).every(([key, value]) => pod.metadata?.labels?.[key] === value);
    const running = pods.filter((pod) => matches(pod) && pod.status?.phase === "Running");
    const spreadNodes = new Set(running.map((pod) => pod.spec?.nodeName));
    const problems: Finding[] = [];
    const atNginx = (text: string) =>
        at({ kind: "service", namespace: expected.nginx.namespace, name: expected.nginx.serviceName }, text);
    if (running.length < replicas) problems.push(atNginx(`${running.length} of ${replicas} nginx pods Running`));
    // More than the Deployment asks for is as wrong as fewer: something else carries its labels.
    if (running.length > replicas)
        problems.push(
            atNginx(`${running.length} Running pods carry nginx's labels, but the Deployment has ${replicas} replicas`),
        );
    const mustSpread = nodes.length >= replicas;
    if (mustSpread && spreadNodes.size < Math.min(running.length, replicas))
        problems.push(atNginx(`${running.length} Running pods share ${spreadNodes.size} node(s)`));
    return check(
        "nginx replicas Running, one per node",
        problems,
        `${replicas} Running in ${namespace}${mustSpread ? ", on distinct nodes" : ` (only ${nodes.length} node${nodes.length === 1 ? "" : "s"}: sharing allowed)`}`,
        `${running.length} Running on ${spreadNodes.size} node(s): ${[...spreadNodes].join(", ")}`,
    );
}

const findService = (services: readonly V1Service[], namespace: string, name: string) =>
    services.find((service) => service.metadata?.namespace === namespace && service.metadata?.name === name);

const atService = (namespace: string, name: string, text: string) => at({ kind: "service", namespace, name }, text);

function nginxClusterIp(expected: Expected, services: readonly V1Service[]): JudgedCheck {
    const { namespace, serviceName } = expected.nginx;
    const service = findService(services, namespace, serviceName);
    const ip = service?.spec?.clusterIP;
    const problems = !service
        ? [atService(namespace, serviceName, `no Service ${namespace}/${serviceName}`)]
        : inRange(cidr(expected.serviceCidr), ip)
          ? []
          : [atService(namespace, serviceName, `ClusterIP ${ip ?? "none"} outside ${expected.serviceCidr}`)];
    return check("nginx ClusterIP in the service CIDR", problems, `in ${expected.serviceCidr}`, ip ?? "none");
}

function kubeDnsIp(expected: Expected, services: readonly V1Service[]): JudgedCheck {
    const service = findService(services, "kube-system", "kube-dns");
    const ip = service?.spec?.clusterIP;
    const problems = !service
        ? [atService("kube-system", "kube-dns", "no Service kube-system/kube-dns")]
        : ip === expected.dnsServiceIp
          ? []
          : [atService("kube-system", "kube-dns", `kube-dns ClusterIP ${ip ?? "none"}`)];
    return check("kube-dns at the DNS service IP", problems, expected.dnsServiceIp, ip ?? "none");
}

function loadBalancerIp(expected: Expected, services: readonly V1Service[]): JudgedCheck {
    const { namespace, serviceName } = expected.nginx;
    const service = findService(services, namespace, serviceName);
    const ips = (service?.status?.loadBalancer?.ingress ?? [])
        .map((ingress) => ingress.ip)
        .filter((ip): ip is string => Boolean(ip));
    const subnet = cidr(expected.servicesSubnetCidr);
    const problems = !service
        ? [atService(namespace, serviceName, `no Service ${namespace}/${serviceName}`)]
        : ips.length === 0
          ? [
                atService(
                    namespace,
                    serviceName,
                    "no load-balancer IP yet: still pending (kubectl describe svc shows why; SyncLoadBalancerFailed means the cluster identity lacks rights on the services subnet)",
                ),
            ]
          : ips
                .filter((ip) => !inRange(subnet, ip))
                .map((ip) => atService(namespace, serviceName, `${ip} is outside the services subnet`));
    return check(
        "internal load balancer in the services subnet",
        problems,
        `an ingress IP in ${subnet.text}`,
        ips.join(", ") || "none",
    );
}

/** Every check, in the tutorial's order, for the cluster's plugin, with where each problem is. */
export function judgeSnapshot(expected: Expected, snapshot: Snapshot): JudgedCheck[] {
    const nodes = snapshot.nodes.items ?? [];
    const pods = snapshot.pods.items ?? [];
    const services = snapshot.services.items ?? [];
    const slices = expected.plugin.podAddresses === "podCidrSlices";
    return [
        nodeIpsInSubnet(expected, nodes),
        ...(slices ? [nodePodCidrs(expected, nodes)] : []),
        ...(expected.routeTableName ? [routeTableRoutes(expected, nodes, snapshot)] : []),
        subnetRouteTable(expected, snapshot),
        podIps(expected, nodes, pods),
        nginxSpread(expected, nodes, pods),
        nginxClusterIp(expected, services),
        kubeDnsIp(expected, services),
        loadBalancerIp(expected, services),
    ];
}

/** Every check, in the tutorial's order, for the cluster's plugin (verify's table and --json). */
export function checkSnapshot(expected: Expected, snapshot: Snapshot): Check[] {
    return judgeSnapshot(expected, snapshot).map(({ findings: _findings, ...result }) => result);
}
