/** Which path a packet takes through the kubenet data path, computed from the lab topology. */
import { locate, LabTopology } from "./topology";
import { cidr, containsIp, parseIpv4 } from "../addressPlan";
import { UsageError } from "../cli/shell";

/** The path from `source` to `destination`; throws UsageError when either cannot be explained. */
export function explainPath(topology: LabTopology, source: string, destination: string): string[] {
    for (const address of [source, destination]) {
        const parsed = parseIpv4(address);
        if (!parsed.ok) throw new UsageError(parsed.reason);
    }
    const from = locate(topology, source);
    const to = locate(topology, destination);
    if (from.kind !== "pod" && from.kind !== "node") {
        throw new UsageError(`${source} is not a pod or node of this lab; sources are pod IPs (${topology.podCidr}) or node IPs (${topology.subnetCidr}); see \`lab -- status\``);
    }
    const origin = from.kind === "pod" ? `pod ${from.pod!.name} (${source}) on ${from.node!.name}` : `node ${from.node!.name} (${source})`;
    const leaveNode = from.kind === "pod"
        ? `${origin} sends to its gateway ${from.node!.bridgeIp} (cbr0); ${from.node!.name} routes it out of eth0 to the VNet gateway ${from.node!.gateway}`
        : `${origin} sends it out of eth0 to the VNet gateway ${from.node!.gateway}`;
    const address = parseIpv4(destination);
    if (!address.ok) throw new UsageError(address.reason);

    if (to.kind === "service") {
        const endpoints = topology.service.endpoints;
        return [
            `${destination} is the ClusterIP of service ${topology.service.name} (${topology.serviceCidr}); nothing owns it on the wire.`,
            `DNAT: ${from.node!.name}'s kube-proxy chains (KUBE-SERVICES -> KUBE-SVC-${topology.service.name.toUpperCase()} -> KUBE-SEP-*) pick one of ${endpoints.length} endpoints at random (${endpoints.join(", ")}) and rewrite the destination to <pod>:${topology.service.targetPort}.`,
            `From there the packet takes the pod-to-pod path to that endpoint (same node via cbr0, or another node via the route table), and the source is kept.`,
        ];
    }
    if (to.kind === "pod") {
        if (to.node === from.node) {
            return [`same node: ${origin} reaches pod ${to.pod!.name} (${destination}) through the cbr0 bridge of ${to.node!.name}; no routing table outside the node, no SNAT.`];
        }
        return [
            `other node: ${leaveNode}.`,
            `No SNAT: ${destination} is inside the pod CIDR ${topology.podCidr} (the kubenet MASQUERADE rule skips it), so the pod IP ${source} is kept.`,
            `Route table: ${to.node!.podCidr} via ${to.node!.ip} carries it to ${to.node!.name}, which forwards it from eth0 onto cbr0 to pod ${to.pod!.name} (${destination}).`,
        ];
    }
    if (to.kind === "node") {
        return [`to a node: ${leaveNode}; the VNet delivers it to ${to.node!.name} (${destination}) directly. ${from.kind === "pod" ? `SNAT: ${destination} is outside the pod CIDR, so it arrives from ${from.node!.ip}.` : ""}`.trim()];
    }
    if (containsIp(cidr(topology.podCidr), address.value)) {
        return [`${leaveNode}, but no route in the route table covers ${destination}: no node holds that /24, and the VNet drops it.`];
    }
    const where = to.kind === "external" ? `the external host ${destination}` : destination;
    return [
        `outside: ${leaveNode}.`,
        from.kind === "pod"
            ? `SNAT: ${destination} is outside the pod CIDR ${topology.podCidr}, so the kubenet MASQUERADE rule rewrites the source ${source} to the node IP ${from.node!.ip}; ${where} sees ${from.node!.ip}.`
            : `${where} sees the node IP ${source}.`,
        to.kind === "unknown" && containsIp(cidr(topology.vnetCidr), address.value) ? `${destination} is in the VNet but nothing in this lab has it.` : "",
    ].filter(Boolean);
}
