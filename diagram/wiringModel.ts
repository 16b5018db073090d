/**
 * What the wiring picture shows, taken from the documents verify reads (a snapshot, a lab, a live
 * cluster) and verify's own findings, each placed where it happens. Pure: the snapshot, the stack's
 * expectations and the judged checks in, the model out. No address is computed here but cbr0's,
 * which the address plan gives.
 */
import type { Route } from "@azure/arm-network";
import type { V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { bridgeIpOf, NetworkPluginSpec, parseCidr, parseIpv4 } from "../addressPlan";
import type { JudgedCheck, Place } from "../verify/checks";
import type { Expected } from "../verify/expected";
import type { Snapshot } from "../verify/snapshot";

/** A pod's veth pair as `ip link` shows it: the node's end (vethX@ifN) and the pod's (eth0@ifM). */
export interface VethPair {
    readonly hostInterface: string;
    readonly hostIndex: number;
    readonly podInterface: string;
    readonly podIndex: number;
}

export interface WiringPod {
    readonly name: string;
    readonly namespace: string;
    readonly ip?: string;
    readonly node?: string;
    readonly hostNetwork: boolean;
    readonly phase?: string;
    readonly veth?: VethPair;
    /** Azure CNI: the node's end of the pod's veth, when the source knows it. */
    readonly hostInterface?: string;
    readonly problems: string[];
}

export interface WiringNode {
    readonly name: string;
    readonly ip?: string;
    readonly podCidr?: string;
    readonly bridgeIp?: string;
    readonly pool?: string;
    readonly pods: WiringPod[];
    readonly hostPods: WiringPod[];
    readonly problems: string[];
    /** The route the table should hold for this node's slice and does not. */
    missingRoute?: { readonly prefix: string; readonly nextHop?: string; readonly text: string };
}

export interface WiringRoute {
    readonly name?: string;
    readonly prefix?: string;
    readonly nextHopType?: string;
    readonly nextHop?: string;
    /** The node the route's next hop is, if any. */
    readonly node?: string;
    /** A route that should be there and is not (drawn as a placeholder). */
    readonly missing: boolean;
    readonly problems: string[];
}

export interface WiringService {
    readonly namespace: string;
    readonly name: string;
    readonly type?: string;
    readonly clusterIp?: string;
    readonly loadBalancerIps: readonly string[];
    /** What the stack knows it as: the DNS service IP, the API server, the stack's nginx. */
    readonly role?: string;
    /** Expected by verify and absent from the source. */
    readonly absent?: boolean;
    readonly problems: string[];
}

export interface WiringModel {
    /** Where the data came from, in words (a folder, a lab, a live stack). */
    readonly source: string;
    readonly clusterName: string;
    readonly plugin: NetworkPluginSpec;
    readonly vnetName: string;
    readonly vnetCidr: string;
    readonly subnetName: string;
    readonly subnetCidr: string;
    readonly routeTableName?: string;
    /** The id of the route table the subnet carries, as the source says. */
    readonly routeTableAttached?: string;
    readonly servicesSubnetCidr: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    readonly podCidr?: string;
    readonly nodes: WiringNode[];
    readonly routes: WiringRoute[];
    readonly services: WiringService[];
    /** Pods on no node of the source, or on none yet. */
    readonly strayPods: WiringPod[];
    readonly subnetProblems: string[];
    readonly clusterProblems: string[];
    readonly checks: readonly JudgedCheck[];
}

export interface WiringInput {
    readonly source: string;
    readonly vnetCidr: string;
    readonly expected: Expected;
    readonly snapshot: Snapshot;
    readonly checks: readonly JudgedCheck[];
    /** The pods' veth pairs by pod IP, where the source has them (the lab). */
    readonly veths?: ReadonlyMap<string, VethPair>;
    /** Azure CNI: each pod's host interface by pod IP (the lab). */
    readonly hostInterfaces?: ReadonlyMap<string, string>;
}

const internalIp = (node: V1Node) => node.status?.addresses?.find((address) => address.type === "InternalIP")?.address;
/** Addresses in numeric order; text that is no address last. */
const ipOrder = (ip: string | undefined) => {
    const parsed = ip === undefined ? undefined : parseIpv4(ip);
    return parsed?.ok ? parsed.value : Number.MAX_SAFE_INTEGER;
};
const byIp = <T extends { ip?: string; name: string }>(a: T, b: T) =>
    ipOrder(a.ip) - ipOrder(b.ip) || a.name.localeCompare(b.name);
/** Shorter names first, then by text: node-2 before node-10, and AKS's fixed-width base-36 names in order. */
const naturalName = (a: { name: string }, b: { name: string }) =>
    a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function wiringPod(pod: V1Pod, input: WiringInput): WiringPod {
    const ip = pod.status?.podIP;
    return {
        name: pod.metadata?.name ?? "?",
        namespace: pod.metadata?.namespace ?? "?",
        ...(ip ? { ip } : {}),
        ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
        hostNetwork: pod.spec?.hostNetwork === true,
        ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
        ...(ip && input.veths?.get(ip) ? { veth: input.veths.get(ip) } : {}),
        ...(ip && input.hostInterfaces?.get(ip) ? { hostInterface: input.hostInterfaces.get(ip) } : {}),
        problems: [],
    };
}

function wiringNode(node: V1Node): WiringNode {
    const podCidr = node.spec?.podCIDR;
    const slice = podCidr ? parseCidr(podCidr) : undefined;
    const labels = node.metadata?.labels ?? {};
    const pool = labels["kubernetes.azure.com/agentpool"] ?? labels.agentpool;
    const ip = internalIp(node);
    return {
        name: node.metadata?.name ?? "?",
        ...(ip ? { ip } : {}),
        ...(podCidr ? { podCidr } : {}),
        ...(slice?.ok ? { bridgeIp: bridgeIpOf(slice.value) } : {}),
        ...(pool ? { pool } : {}),
        pods: [],
        hostPods: [],
        problems: [],
    };
}

function wiringService(service: V1Service, expected: Expected): WiringService {
    const namespace = service.metadata?.namespace ?? "?";
    const name = service.metadata?.name ?? "?";
    const clusterIp = service.spec?.clusterIP;
    const role =
        clusterIp === expected.dnsServiceIp
            ? "the DNS service IP"
            : namespace === "default" && name === "kubernetes"
              ? "the API server"
              : namespace === expected.nginx.namespace && name === expected.nginx.serviceName
                ? "the stack's nginx"
                : undefined;
    return {
        namespace,
        name,
        ...(service.spec?.type ? { type: service.spec.type } : {}),
        ...(clusterIp && clusterIp !== "None" ? { clusterIp } : {}),
        loadBalancerIps: (service.status?.loadBalancer?.ingress ?? [])
            .map((ingress) => ingress.ip)
            .filter((ip): ip is string => Boolean(ip)),
        ...(role ? { role } : {}),
        problems: [],
    };
}

function wiringRoute(route: Route, nodes: readonly WiringNode[]): WiringRoute {
    return {
        ...(route.name ? { name: route.name } : {}),
        ...(route.addressPrefix ? { prefix: route.addressPrefix } : {}),
        ...(route.nextHopType ? { nextHopType: route.nextHopType } : {}),
        ...(route.nextHopIpAddress ? { nextHop: route.nextHopIpAddress } : {}),
        ...(nodes.find((node) => node.ip && node.ip === route.nextHopIpAddress)
            ? { node: nodes.find((node) => node.ip === route.nextHopIpAddress)!.name }
            : {}),
        missing: false,
        problems: [],
    };
}

/** The wiring of one cluster, every finding of verify placed on what it is about. */
export function wiringModel(input: WiringInput): WiringModel {
    const { expected, snapshot } = input;
    const nodes = (snapshot.nodes.items ?? []).map(wiringNode).sort(naturalName);
    const byName = new Map(nodes.map((node) => [node.name, node]));
    const strayPods: WiringPod[] = [];
    for (const pod of (snapshot.pods.items ?? []).map((item) => wiringPod(item, input))) {
        const node = pod.node ? byName.get(pod.node) : undefined;
        if (!node) strayPods.push(pod);
        else (pod.hostNetwork ? node.hostPods : node.pods).push(pod);
    }
    for (const node of nodes) {
        node.pods.sort(byIp);
        node.hostPods.sort(byIp);
    }
    const routes = (snapshot.routes ?? []).map((route) => wiringRoute(route, nodes));
    const services = (snapshot.services.items ?? []).map((service) => wiringService(service, expected));
    const model: WiringModel = {
        source: input.source,
        clusterName: expected.clusterName,
        plugin: expected.plugin,
        vnetName: expected.vnetName,
        vnetCidr: input.vnetCidr,
        subnetName: expected.subnetName,
        subnetCidr: snapshot.subnet.addressPrefix ?? expected.nodeSubnetCidr,
        ...(expected.routeTableName ? { routeTableName: expected.routeTableName } : {}),
        ...(snapshot.subnet.routeTable?.id ? { routeTableAttached: snapshot.subnet.routeTable.id } : {}),
        servicesSubnetCidr: expected.servicesSubnetCidr,
        serviceCidr: expected.serviceCidr,
        dnsServiceIp: expected.dnsServiceIp,
        ...(expected.podCidr ? { podCidr: expected.podCidr } : {}),
        nodes,
        routes,
        services,
        strayPods,
        subnetProblems: [],
        clusterProblems: [],
        checks: input.checks,
    };
    for (const check of input.checks) for (const finding of check.findings) place(model, finding.place, finding.text);
    return model;
}

/** Puts a finding's words on what it is about; what the picture cannot find goes to the cluster. */
function place(model: WiringModel, where: Place, text: string): void {
    const toCluster = (): void => void model.clusterProblems.push(text);
    switch (where.kind) {
        case "node": {
            const node = model.nodes.find((candidate) => candidate.name === where.node);
            return void (node ? node.problems.push(text) : toCluster());
        }
        case "missingRoute": {
            const node = model.nodes.find((candidate) => candidate.name === where.node);
            if (node)
                node.missingRoute = {
                    prefix: where.prefix,
                    ...(where.nextHop ? { nextHop: where.nextHop } : {}),
                    text,
                };
            model.routes.push({
                prefix: where.prefix,
                ...(where.nextHop ? { nextHop: where.nextHop } : {}),
                node: where.node,
                missing: true,
                problems: [text],
            });
            return;
        }
        case "route": {
            const matching = model.routes.filter(
                (route) =>
                    !route.missing &&
                    (where.route !== undefined ? route.name === where.route : route.prefix === where.prefix),
            );
            if (matching.length === 0) return toCluster();
            for (const route of matching) route.problems.push(text);
            return;
        }
        case "pod": {
            const all = [...model.nodes.flatMap((node) => [...node.pods, ...node.hostPods]), ...model.strayPods];
            const pod = all.find(
                (candidate) => candidate.namespace === where.namespace && candidate.name === where.name,
            );
            return void (pod ? pod.problems.push(text) : toCluster());
        }
        case "service": {
            const service = model.services.find(
                (candidate) => candidate.namespace === where.namespace && candidate.name === where.name,
            );
            if (service) return void service.problems.push(text);
            model.services.push({
                namespace: where.namespace,
                name: where.name,
                loadBalancerIps: [],
                absent: true,
                problems: [text],
            });
            return;
        }
        case "subnet":
            return void model.subnetProblems.push(text);
        case "cluster":
            return toCluster();
    }
}
