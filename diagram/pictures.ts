/**
 * The tutorial's two other pictures, from the same wiring model: the services and pods with their
 * addresses (figure 1: they come from the service and pod CIDRs, not from the subnet), and the route
 * table with a route per node. Pure.
 */
import { Box, Line, Picture, problemLines, renderPicture } from "./scene";
import { Tone } from "./style";
import { routingBox, serviceCidrBox } from "./wiring";
import { DETAIL_LIMIT, ipLines } from "./wiringNodes";
import { WiringModel, WiringNode } from "./wiringModel";

function podListing(node: WiringNode): Line[] {
    return node.pods.map((pod) => ({
        text: `${pod.ip ?? "no IP"} ${pod.namespace}/${pod.name}`,
        ...(pod.problems.length > 0 ? { problem: true } : {}),
    }));
}

export function servicesAndPodsPicture(model: WiringModel, id = "services-pods"): Picture {
    const slices = model.plugin.podAddresses === "podCidrSlices";
    const detailed = model.nodes.length <= DETAIL_LIMIT;
    const podsOf = (node: WiringNode): Line[] =>
        detailed
            ? podListing(node)
            : [{ text: `${node.pods.length} pods:` }, ...ipLines(node.pods.flatMap((pod) => (pod.ip ? [pod.ip] : [])))];
    const nodes: Box = {
        id: `${id}-subnet`,
        tone: "subnet",
        newRow: true,
        lines: [
            { text: `subnet ${model.subnetName} ${model.subnetCidr}: the nodes' addresses`, bold: true },
            ...(slices ? [] : [{ text: "Azure CNI: the pods take their addresses from this subnet too" }]),
        ],
        children: model.nodes.map((node, index): Box => ({
            id: `${id}-n${index}`,
            tone: "node",
            problem: node.problems.length > 0,
            lines: [
                { text: node.ip ?? "no InternalIP", bold: true },
                { text: node.name },
                ...node.hostPods.map((pod) => ({ text: `${pod.name}: hostNetwork, the node's IP` })),
                ...(slices ? [] : podsOf(node)),
                ...problemLines(node.problems),
            ],
            data: { node: node.name, ...(node.ip ? { ip: node.ip } : {}) },
        })),
    };
    const pods: Box[] = slices
        ? [
              {
                  id: `${id}-pod-cidr`,
                  tone: "range",
                  newRow: true,
                  lines: [
                      { text: `pod CIDR ${model.podCidr ?? ""}: the pods' addresses, one /24 per node`, bold: true },
                      { text: "outside the VNet and the subnet" },
                  ],
                  children: model.nodes.map((node, index): Box => ({
                      id: `${id}-s${index}`,
                      tone: "pod",
                      problem: node.pods.some((pod) => pod.problems.length > 0),
                      lines: [
                          { text: `${node.podCidr ?? "no pod CIDR"} on ${node.name}`, bold: true },
                          ...podsOf(node),
                          ...node.pods.flatMap((pod) => problemLines(pod.problems)),
                      ],
                      data: { node: node.name, ...(node.podCidr ? { prefix: node.podCidr } : {}) },
                  })),
              },
          ]
        : [];
    return {
        id,
        title: `Services and pods of ${model.clusterName}`,
        description: `Where the addresses come from: nodes from subnet ${model.subnetCidr}, ${slices ? `pods from the pod CIDR ${model.podCidr}` : "pods from the same subnet"}, Services from the service CIDR ${model.serviceCidr}; from ${model.source}`,
        boxes: [
            {
                id: `${id}-caption`,
                tone: "caption",
                lines: [
                    { text: `Services and pods of ${model.clusterName} (${model.plugin.title})`, bold: true },
                    {
                        text: slices
                            ? "kubectl get svc / get pods -o wide: ClusterIPs from the service CIDR, pod IPs from the pod CIDR, not from the subnet"
                            : "kubectl get svc / get pods -o wide: ClusterIPs from the service CIDR, pod IPs from the subnet itself",
                    },
                ],
            },
            nodes,
            ...pods,
            serviceCidrBox(model, id),
        ],
        legend: ["subnet", "node", ...(slices ? (["range", "pod"] as Tone[]) : []), "service", "problem"],
    };
}

export function routeTablePicture(model: WiringModel, id = "route-table"): Picture {
    const missing = model.nodes.filter((node) => node.missingRoute);
    return {
        id,
        title: model.plugin.routeTable
            ? `Route table ${model.routeTableName ?? ""} of ${model.clusterName}`
            : `${model.clusterName} has no route table (${model.plugin.title})`,
        description: model.plugin.routeTable
            ? `${model.routes.filter((route) => !route.missing).length} routes, one per node's /24 to the node's IP; ${missing.length} missing; from ${model.source}`
            : `Azure's SDN carries the pods' addresses; from ${model.source}`,
        boxes: [
            {
                id: `${id}-caption`,
                tone: "caption",
                lines: [
                    {
                        text: model.plugin.routeTable
                            ? `The route table: any traffic for a node's /24 goes to that node's IP`
                            : `No route table: ${model.plugin.title}`,
                        bold: true,
                    },
                    ...(missing.length > 0
                        ? [{ text: `PROBLEM: ${missing.length} node(s) without their route (below)`, problem: true }]
                        : []),
                ],
            },
            routingBox(model, id),
        ],
        legend: model.plugin.routeTable ? ["routeTable", "route", "problem"] : ["sdn", "problem"],
    };
}

export const drawServicesAndPods = (model: WiringModel, id?: string): Promise<string> =>
    renderPicture(servicesAndPodsPicture(model, id));
export const drawRouteTable = (model: WiringModel, id?: string): Promise<string> =>
    renderPicture(routeTablePicture(model, id));
