/**
 * Snapshots of other sizes for the pictures' tests, written as kubectl and az print them: N nodes
 * named as AKS names a scale set's instances, each holding a /24 that is not its index's (AKS
 * promises no order), kube-proxy on the node's address, two system pods and nginx's replicas spread
 * one per node, a route per node, and the Services. The addresses come from the dev stack's plan
 * functions; the pictures must show them whatever they are.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cidr, nodeIpAt, podIpAt, podSliceAt } from "../../addressPlan";
import { validatedStackConfig } from "../../stackFiles";

const list = (items: unknown[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });
const pool = "aks-nodepool1-31415926-vmss";
/** A scale set instance's name: the index in base 36, six digits. */
const nodeName = (index: number) => `${pool}${index.toString(36).padStart(6, "0")}`;

export interface GeneratedSnapshot {
    readonly dir: string;
    readonly nodes: number;
}

/** Writes a snapshot of `nodes` nodes into a new temporary folder; `withoutRouteOf` drops that node's route. */
export function writeGeneratedSnapshot(
    nodes: number,
    options: { withoutRouteOf?: number; stack?: string } = {},
): GeneratedSnapshot {
    const config = validatedStackConfig(options.stack ?? "dev", { nodeCount: String(nodes) });
    const subnet = cidr(config.kubenetSubnetCidr);
    const podCidr = cidr(config.podCidr);
    // Node i holds slice (i * 7 + 3) mod the slices in use: a fixed shuffle, never the identity.
    const sliceOf = (index: number) => (index * 7 + 3) % Math.max(nodes + 2, 11);
    const nodeItems = Array.from({ length: nodes }, (_, index) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: nodeName(index), labels: { agentpool: "nodepool1", "kubernetes.io/os": "linux" } },
        spec: {
            podCIDR: podSliceAt(podCidr, sliceOf(index)).text,
            podCIDRs: [podSliceAt(podCidr, sliceOf(index)).text],
        },
        status: {
            addresses: [
                { type: "Hostname", address: nodeName(index) },
                { type: "InternalIP", address: nodeIpAt(subnet, index) },
            ],
            conditions: [{ type: "Ready", status: "True" }],
        },
    }));
    const pod = (name: string, namespace: string, node: number, ip: string, labels = {}, hostNetwork = false) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels },
        spec: { nodeName: nodeName(node), ...(hostNetwork ? { hostNetwork } : {}), containers: [{ name, image: "x" }] },
        status: { phase: "Running", hostIP: nodeIpAt(subnet, node), podIP: ip, podIPs: [{ ip }] },
    });
    const nginxLabels = { "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": "nginx" };
    const podItems = nodeItems.flatMap((_, index) => [
        pod(`kube-proxy-${index.toString(36)}x`, "kube-system", index, nodeIpAt(subnet, index), {}, true),
        pod(`coredns-7d9f8c-${index.toString(36)}q`, "kube-system", index, podIpAt(podCidr, sliceOf(index), 3)),
        pod(`konnectivity-agent-${index.toString(36)}`, "kube-system", index, podIpAt(podCidr, sliceOf(index), 7)),
        ...(index < config.nginxReplicas
            ? [
                  pod(
                      `nginx-5c689d88bb-${index}n`,
                      config.nginxNamespace,
                      index,
                      podIpAt(podCidr, sliceOf(index), 12),
                      nginxLabels,
                  ),
              ]
            : []),
    ]);
    // With fewer nodes than replicas, the rest share the first node (as the spread allows).
    for (let replica = nodes; replica < config.nginxReplicas; replica++)
        podItems.push(
            pod(
                `nginx-5c689d88bb-${replica}n`,
                config.nginxNamespace,
                0,
                podIpAt(podCidr, sliceOf(0), 12 + replica),
                nginxLabels,
            ),
        );
    const services = [
        {
            metadata: { name: "kubernetes", namespace: "default" },
            spec: { type: "ClusterIP", clusterIP: "10.200.0.1" },
        },
        {
            metadata: { name: "kube-dns", namespace: "kube-system" },
            spec: { type: "ClusterIP", clusterIP: config.dnsServiceIp },
        },
        {
            metadata: { name: "nginx", namespace: config.nginxNamespace },
            spec: { type: "LoadBalancer", clusterIP: "10.200.91.7" },
            status: { loadBalancer: { ingress: [{ ip: nodeIpAt(cidr(config.servicesSubnetCidr), 0) }] } },
        },
    ].map((service) => ({ apiVersion: "v1", kind: "Service", ...service }));
    const table = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${config.resourceGroupName}/providers/Microsoft.Network/routeTables/${config.vnetName}-kubenet-routes`;
    const routes = nodeItems
        .map((node, index) => ({ node, index }))
        .filter(({ index }) => index !== options.withoutRouteOf)
        .map(({ node }) => ({
            id: `${table}/routes/${node.metadata.name}`,
            name: node.metadata.name,
            addressPrefix: node.spec.podCIDR,
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: node.status.addresses[1].address,
            provisioningState: "Succeeded",
            resourceGroup: config.resourceGroupName,
            type: "Microsoft.Network/routeTables/routes",
        }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `diagram-${nodes}-`));
    const write = (file: string, value: unknown) =>
        fs.writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));
    write("nodes.json", list(nodeItems));
    write("pods.json", list(podItems));
    write("services.json", list(services));
    write("routes.json", routes);
    write("subnet.json", {
        name: "kubenet",
        addressPrefix: config.kubenetSubnetCidr,
        routeTable: { id: table, resourceGroup: config.resourceGroupName },
        type: "Microsoft.Network/virtualNetworks/subnets",
    });
    return { dir, nodes };
}

/** What a reader must find in a picture of a snapshot folder, read from its JSON (not from the pictures' code). */
export function expectedTexts(dir: string): {
    nodeIps: string[];
    podCidrs: string[];
    routes: string[][];
    podIps: string[];
} {
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8").replace(/^\uFEFF/, ""));
    const nodes = read("nodes.json").items;
    const pods = read("pods.json").items;
    const routesJson = read("routes.json");
    const routes = (Array.isArray(routesJson) ? routesJson : (routesJson.value ?? [routesJson])).map((route: any) => [
        route.addressPrefix ?? route.properties?.addressPrefix,
        route.nextHopIpAddress ?? route.properties?.nextHopIpAddress,
    ]);
    return {
        nodeIps: nodes.map(
            (node: any) => node.status.addresses.find((address: any) => address.type === "InternalIP").address,
        ),
        podCidrs: nodes.map((node: any) => node.spec?.podCIDR).filter(Boolean),
        routes,
        podIps: pods
            .filter((pod: any) => !pod.spec?.hostNetwork && pod.status?.podIP)
            .map((pod: any) => pod.status.podIP),
    };
}
