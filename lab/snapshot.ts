/**
 * The lab as a cluster: the five documents verify reads (verify/snapshot.ts), written from a
 * running lab. Pure: the topology and the routes read from the router namespace go in, the
 * documents come out in the shapes kubectl and az print.
 */
import type { Route } from "@azure/arm-network";
import type { V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { cidr, containsCidr, parseCidr } from "../addressPlan";
import { Expected } from "../verify/expected";
import { Snapshot } from "../verify/snapshot";
import { IpRoute, ipRoutePrefix, LabTopology } from "./topology";

/** The namespace the lab's other pods show in (they answer direct requests; nginx's ClusterIP is not theirs). */
export const LAB_WORKLOAD_NAMESPACE = "lab";

/** The lab stands in for this subscription in Azure ids. */
export const LAB_SUBSCRIPTION = "00000000-0000-0000-0000-00000000001a";

const list = <T>(items: T[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });

/** The route table as az prints it: the router's routes into the pod CIDR, each named after the node it points at. */
export function labRoutes(topology: LabTopology, ipRoutes: readonly IpRoute[]): Route[] {
    const podCidr = cidr(topology.podCidr);
    return ipRoutes
        .filter((route) => route.gateway !== undefined && (route.type ?? "unicast") === "unicast")
        .filter((route) => {
            const parsed = parseCidr(ipRoutePrefix(route));
            return parsed.ok && containsCidr(podCidr, parsed.value);
        })
        .map((route) => ({
            name: topology.nodes.find((node) => node.ip === route.gateway)?.name ?? `to-${route.gateway}`,
            addressPrefix: route.dst,
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: route.gateway,
        }));
}

interface ClusterView {
    readonly nodes: ReadonlyArray<{
        name: string;
        ip: string;
        podCidr?: string;
        pods: ReadonlyArray<{ name: string; ip: string }>;
    }>;
    readonly clusterIp: string;
    /** The Service's endpoints (the nginx pods' IPs). */
    readonly endpoints: readonly string[];
    readonly loadBalancerIp: string;
    readonly port: number;
    readonly subnetCidr: string;
}

/** The chosen cluster of the lab, in the terms the documents need. */
function clusterView(topology: LabTopology, expected: Expected): ClusterView {
    if (expected.cluster === "azurecni") {
        const cni = topology.azureCni!;
        return {
            nodes: cni.nodes,
            clusterIp: cni.service.clusterIp,
            endpoints: cni.service.endpoints,
            loadBalancerIp: cni.service.loadBalancerIp,
            port: cni.service.port,
            subnetCidr: cni.subnetCidr,
        };
    }
    return {
        nodes: topology.nodes,
        clusterIp: topology.service.clusterIp,
        endpoints: topology.service.endpoints,
        loadBalancerIp: topology.service.loadBalancerIp,
        port: topology.service.port,
        subnetCidr: topology.subnetCidr,
    };
}

/** The documents of one of the lab's clusters, as that cluster in Azure would show them. */
export function labSnapshot(topology: LabTopology, expected: Expected, ipRoutes: readonly IpRoute[]): Snapshot {
    const view = clusterView(topology, expected);
    const nodes: V1Node[] = view.nodes.map((node) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node.name, labels: { "kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux" } },
        // Azure CNI nodes hold no pod range: their pods take subnet addresses.
        spec: node.podCidr ? { podCIDR: node.podCidr, podCIDRs: [node.podCidr] } : {},
        status: {
            addresses: [
                { type: "Hostname", address: node.name },
                { type: "InternalIP", address: node.ip },
            ],
            conditions: [{ type: "Ready", status: "True" }],
        },
    }));
    // As a cluster shows them: the Service's endpoints as the nginx Deployment's pods (topology.ts
    // placed them), the other lab pods as another workload, and kube-proxy on every node's own
    // address (hostNetwork) in kube-system.
    const pod = (
        name: string,
        namespace: string,
        labels: Record<string, string>,
        node: { name: string; ip: string },
        ip: string,
        hostNetwork = false,
    ): V1Pod => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels },
        spec: {
            nodeName: node.name,
            ...(hostNetwork ? { hostNetwork } : {}),
            containers: [{ name: name.split("-")[0], image: "lab-pod-server" }],
        },
        status: { phase: "Running", hostIP: node.ip, podIP: ip, podIPs: [{ ip }] },
    });
    const nginx = new Set(view.endpoints);
    const pods: V1Pod[] = view.nodes.flatMap((node) => [
        pod(`kube-proxy-${node.name}`, "kube-system", { "k8s-app": "kube-proxy" }, node, node.ip, true),
        ...node.pods.map((labPod) =>
            nginx.has(labPod.ip)
                ? pod(labPod.name, expected.nginx.namespace, { ...expected.nginx.selector }, node, labPod.ip)
                : pod(labPod.name, LAB_WORKLOAD_NAMESPACE, { "app.kubernetes.io/name": "lab-pod" }, node, labPod.ip),
        ),
    ]);
    const services: V1Service[] = [
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kube-dns", namespace: "kube-system" },
            spec: { type: "ClusterIP", clusterIP: expected.dnsServiceIp, ports: [{ port: 53, protocol: "UDP" }] },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: expected.nginx.serviceName, namespace: expected.nginx.namespace },
            spec: { type: "LoadBalancer", clusterIP: view.clusterIp, ports: [{ port: view.port, protocol: "TCP" }] },
            // The lab has no Azure load balancer: the address it would take is the services subnet's first.
            status: { loadBalancer: { ingress: [{ ip: view.loadBalancerIp }] } },
        },
    ];
    const routeTableId = expected.routeTableName
        ? `/subscriptions/${LAB_SUBSCRIPTION}/resourceGroups/${expected.resourceGroupName}/providers/Microsoft.Network/routeTables/${expected.routeTableName}`
        : undefined;
    return {
        nodes: list(nodes),
        pods: list(pods),
        services: list(services),
        ...(expected.routeTableName ? { routes: labRoutes(topology, ipRoutes) } : {}),
        subnet: {
            name: expected.subnetName,
            addressPrefix: view.subnetCidr,
            ...(routeTableId ? { routeTable: { id: routeTableId } } : {}),
        },
    };
}
