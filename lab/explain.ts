/**
 * Which path a packet takes through the lab, and which rule decides it: the kubenet subnet's route
 * table, Azure's SDN routes, kubenet's MASQUERADE, ip-masq-agent, kube-proxy's DNAT, or the lack of
 * a route. Computed from the lab topology alone (pure).
 */
import { cidr, containsIp, parseIpv4 } from "../addressPlan";
import { UsageError } from "../cli/shell";
import { AZURE_CNI_POD_GATEWAY, LabTopology, Located, locate, sliceRoutesHolder } from "./topology";

type Source = Exclude<Located, { kind: "service" } | { kind: "unknown" }>;

function describeSource(
    topology: LabTopology,
    from: Source,
    ip: string,
): { origin: string; leave: string; subnet: string } {
    switch (from.kind) {
        case "pod":
            return {
                origin: `pod ${from.pod.name} (${ip}) on ${from.node.name}`,
                leave: `pod ${from.pod.name} (${ip}) on ${from.node.name} sends to its gateway ${from.node.bridgeIp} (cbr0); ${from.node.name} routes it out of eth0 to the VNet gateway ${from.node.gateway}`,
                subnet: `the kubenet subnet ${topology.subnetCidr}`,
            };
        case "node":
            return {
                origin: `node ${from.node.name} (${ip})`,
                leave: `node ${from.node.name} (${ip}) sends it out of eth0 to the VNet gateway ${from.node.gateway}`,
                subnet: `the kubenet subnet ${topology.subnetCidr}`,
            };
        case "cniPod":
            return {
                origin: `Azure CNI pod ${from.pod.name} (${ip}) on ${from.cniNode.name}`,
                leave: `Azure CNI pod ${from.pod.name} (${ip}) sends to its link-local gateway ${AZURE_CNI_POD_GATEWAY} (${from.cniNode.name} answers by proxy ARP on ${from.pod.hostInterface}); ${from.cniNode.name} routes it out of eth0 to the VNet gateway ${from.cniNode.gateway}`,
                subnet: `the azurecni subnet ${topology.azureCni!.subnetCidr}`,
            };
        case "cniNode":
            return {
                origin: `Azure CNI node ${from.cniNode.name} (${ip})`,
                leave: `Azure CNI node ${from.cniNode.name} (${ip}) sends it out of eth0 to the VNet gateway ${from.cniNode.gateway}`,
                subnet: `the azurecni subnet ${topology.azureCni!.subnetCidr}`,
            };
        case "vm":
            return {
                origin: `the VM ${ip}`,
                leave: `the VM ${ip} (services subnet) sends it to its gateway ${topology.vnetHost.gateway}`,
                subnet: "the services subnet",
            };
        case "external":
            return {
                origin: `the internet host ${ip}`,
                leave: `the internet host ${ip} sends it toward the VNet`,
                subnet: "the internet",
            };
    }
}

/** The source address the destination sees, and the rule that decides it. */
function sourceTranslation(topology: LabTopology, from: Source, source: string, destination: number): string {
    if (from.kind === "pod") {
        const rule =
            topology.plugin === "overlay"
                ? "ip-masq-agent (non-masquerade: the pod CIDR)"
                : "the kubenet MASQUERADE rule";
        return containsIp(cidr(topology.podCidr), destination)
            ? `No SNAT: the destination is inside the pod CIDR ${topology.podCidr} (${rule} skips it), so the pod IP ${source} is kept.`
            : `SNAT: the destination is outside the pod CIDR ${topology.podCidr}, so ${rule} rewrites the source ${source} to the node IP ${from.node.ip}.`;
    }
    if (from.kind === "cniPod") {
        return containsIp(cidr(topology.vnetCidr), destination)
            ? `No SNAT: the destination is inside the VNet ${topology.vnetCidr}, ip-masq-agent's non-masquerade range, so the pod IP ${source} is kept.`
            : `SNAT: the destination is outside the VNet ${topology.vnetCidr}, so ip-masq-agent's MASQUERADE rewrites the source ${source} to the node IP ${from.cniNode.ip}.`;
    }
    return `The source ${source} is kept.`;
}

/** The path from `source` to `destination`; throws UsageError when either cannot be explained. */
export function explainPath(topology: LabTopology, source: string, destination: string): string[] {
    for (const address of [source, destination]) {
        const parsed = parseIpv4(address);
        if (!parsed.ok) throw new UsageError(parsed.reason);
    }
    const located = locate(topology, source);
    if (located.kind === "service" || located.kind === "unknown") {
        const sources = [
            `pod IPs (${topology.podCidr})`,
            `node IPs (${topology.subnetCidr})`,
            ...(topology.azureCni ? [`Azure CNI pod and node IPs (${topology.azureCni.subnetCidr})`] : []),
            `the VM ${topology.vnetHost.ip}`,
            `the internet host ${topology.external.ip}`,
        ];
        throw new UsageError(
            `${source} is not a pod, node or host of this lab; sources are ${sources.join(", ")}; see \`lab -- status\``,
        );
    }
    const from = located;
    const to = locate(topology, destination);
    const address = (parseIpv4(destination) as { ok: true; value: number }).value;
    const { origin, leave, subnet } = describeSource(topology, from, source);
    const fromKubenetSubnet = from.kind === "pod" || from.kind === "node";
    const inPodCidr = containsIp(cidr(topology.podCidr), address);
    const inVnet = containsIp(cidr(topology.vnetCidr), address);

    // The internet opens nothing inside: no public IP, and Azure does not route it to private addresses.
    if (from.kind === "external") {
        return [
            `${leave}.`,
            `No answer: nothing in the VNet has a public IP, and Azure does not route the internet to private addresses (the lab's VNet router refuses new inbound connections from the internet). ${inPodCidr ? `The kubenet route table would not help either: it acts only on traffic leaving the kubenet subnet.` : ""}`.trim(),
        ];
    }

    if (to.kind === "service") {
        if (!fromKubenetSubnet) {
            return [
                `${destination} is the ClusterIP of service ${topology.service.name}: only the kubenet nodes' kube-proxy rules know it. From ${origin} it is an address nobody owns: ${inPodCidr || inVnet ? "dropped" : "the VNet drops it (a private range without a route)"}.`,
            ];
        }
        const node = from.node;
        const endpoints = topology.service.endpoints;
        return [
            `${destination} is the ClusterIP of service ${topology.service.name} (${topology.serviceCidr}); nothing owns it on the wire.`,
            `DNAT: ${node.name}'s kube-proxy chains (KUBE-SERVICES -> KUBE-SVC-${topology.service.name.toUpperCase()} -> KUBE-SEP-*) pick one of ${endpoints.length} endpoints at random (${endpoints.join(", ")}) and rewrite the destination to <pod>:${topology.service.targetPort}.`,
            `From there the packet takes the pod-to-pod path to that endpoint (same node via cbr0, or another node via the route table), and the source is kept.`,
        ];
    }

    if (to.kind === "pod") {
        if (from.kind === "pod" && to.node === from.node) {
            return [
                `same node: ${origin} reaches pod ${to.pod.name} (${destination}) through the cbr0 bridge of ${to.node.name}; no routing table outside the node, no SNAT.`,
            ];
        }
        if (!fromKubenetSubnet) {
            return [
                `${leave}.`,
                topology.plugin === "overlay"
                    ? `No answer: ${destination} is an Overlay pod address (${topology.podCidr}); Azure's SDN carries the slices for the cluster's own nodes only (Azure/AKS#4871), so from ${subnet} it is dropped.`
                    : `No answer: ${destination} is a kubenet pod address (${topology.podCidr}). The route table that knows the slices is attached to the kubenet subnet only, and an Azure route table acts only on traffic leaving its own subnet; from ${subnet} the VNet has no route for ${topology.podCidr} and drops it.`,
            ];
        }
        return [
            `other node: ${leave}.`,
            sourceTranslation(topology, from, source, address),
            `${sliceRoutesHolder(topology)}: ${to.node.podCidr} via ${to.node.ip} carries it to ${to.node.name}, which forwards it from eth0 onto cbr0 to pod ${to.pod.name} (${destination}).`,
        ];
    }

    if (to.kind === "cniPod") {
        if (from.kind === "cniPod" && from.cniNode === to.cniNode) {
            return [
                `same node: ${origin} reaches Azure CNI pod ${to.pod.name} (${destination}) through ${to.cniNode.name}'s route ${destination}/32 dev ${to.pod.hostInterface}; no bridge, no SNAT.`,
            ];
        }
        return [
            `${leave}.`,
            sourceTranslation(topology, from, source, address),
            `SDN route: Azure's SDN knows every Azure CNI pod address (${destination}/32 via ${to.cniNode.ip}); no route table is involved. ${to.cniNode.name} routes it to ${to.pod.hostInterface}, pod ${to.pod.name}'s veth.`,
        ];
    }

    if (to.kind === "node" || to.kind === "cniNode" || to.kind === "vm") {
        const what =
            to.kind === "node"
                ? `node ${to.node.name}`
                : to.kind === "cniNode"
                  ? `Azure CNI node ${to.cniNode.name}`
                  : "the VM";
        return [
            `${leave}; the VNet delivers it to ${what} (${destination}) directly.`,
            sourceTranslation(topology, from, source, address),
        ];
    }

    if (inPodCidr) {
        return fromKubenetSubnet
            ? [
                  `${leave}, but no route in the ${topology.plugin === "overlay" ? "SDN" : "route table"} covers ${destination}: no node holds that /24, and the VNet drops it.`,
              ]
            : [
                  `${leave}; no answer: nothing routes ${topology.podCidr} outside the kubenet subnet, and no node holds that /24 anyway.`,
              ];
    }
    const where = to.kind === "external" ? `the external host ${destination}` : destination;
    return [
        `outside: ${leave}.`,
        `${sourceTranslation(topology, from, source, address)} ${where} sees ${from.kind === "pod" ? from.node.ip : from.kind === "cniPod" ? from.cniNode.ip : source}.`,
        to.kind === "unknown" && inVnet ? `${destination} is in the VNet but nothing in this lab has it.` : "",
    ].filter(Boolean);
}
