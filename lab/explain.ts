/**
 * Which path a packet takes through the lab, and which rule decides it: the kubenet subnet's route
 * table, Azure's SDN routes, kubenet's MASQUERADE, ip-masq-agent, kube-proxy's DNAT, or the lack of
 * a route. Computed from the lab topology alone (pure). Each step of the explanation carries its
 * hops (from where to where, and the rule), which `diagram path` draws.
 */
import { cidr, containsIp, parseIpv4 } from "../addressPlan";
import { UsageError } from "../cli/shell";
import { AZURE_CNI_POD_GATEWAY, LabTopology, Located, locate, sliceRoutesHolder } from "./topology";

type Source = Exclude<Located, { kind: "service" } | { kind: "unknown" }>;

/** A place a packet passes, as a picture finds it. */
export type PathPoint =
    /** A pod of either cluster, by its address. */
    | { readonly kind: "pod"; readonly ip: string }
    /** A kubenet (or Overlay) node's cbr0 bridge. */
    | { readonly kind: "bridge"; readonly node: string }
    /** A node's eth0, by its address (either cluster). */
    | { readonly kind: "node"; readonly ip: string }
    /** The VNet: its gateway, Azure's SDN. */
    | { readonly kind: "vnet" }
    /** The route for a node's slice: the kubenet route table's (or, for Overlay, the SDN's). */
    | { readonly kind: "route"; readonly prefix: string }
    | { readonly kind: "service"; readonly ip: string }
    | { readonly kind: "vm"; readonly ip: string }
    | { readonly kind: "internet"; readonly ip: string }
    /** Where a dropped packet was headed. */
    | { readonly kind: "nowhere"; readonly ip: string };

/** What decides a hop: a bridge, a host's routing table, iptables (NAT), the route table, the SDN, a drop. */
export type PathRule = "bridge" | "route" | "nat" | "routeTable" | "sdn" | "drop";

/** One move of the packet (from === to: a decision taken in place, such as SNAT on the node). */
export interface Hop {
    readonly from: PathPoint;
    readonly to: PathPoint;
    readonly rule: PathRule;
    /** The rule in a few words (a route, a bridge, a NAT decision). */
    readonly label: string;
}

/** One line of `lab explain`, and the hops it speaks of. */
export interface PathStep {
    readonly text: string;
    readonly hops: readonly Hop[];
}

const step = (text: string, ...hops: Hop[]): PathStep => ({ text, hops });
const hop = (from: PathPoint, to: PathPoint, rule: PathRule, label: string): Hop => ({ from, to, rule, label });
const VNET: PathPoint = { kind: "vnet" };

function describeSource(
    topology: LabTopology,
    from: Source,
    ip: string,
): { origin: string; leave: string; subnet: string; hops: Hop[] } {
    const pod: PathPoint = { kind: "pod", ip };
    switch (from.kind) {
        case "pod": {
            const bridge: PathPoint = { kind: "bridge", node: from.node.name };
            const eth0: PathPoint = { kind: "node", ip: from.node.ip };
            return {
                origin: `pod ${from.pod.name} (${ip}) on ${from.node.name}`,
                leave: `pod ${from.pod.name} (${ip}) on ${from.node.name} sends to its gateway ${from.node.bridgeIp} (cbr0); ${from.node.name} routes it out of eth0 to the VNet gateway ${from.node.gateway}`,
                subnet: `the kubenet subnet ${topology.subnetCidr}`,
                hops: [
                    hop(pod, bridge, "bridge", `to its gateway ${from.node.bridgeIp} (cbr0)`),
                    hop(bridge, eth0, "route", `default via ${from.node.gateway} dev eth0`),
                    hop(eth0, VNET, "route", `to the VNet gateway ${from.node.gateway}`),
                ],
            };
        }
        case "node":
            return {
                origin: `node ${from.node.name} (${ip})`,
                leave: `node ${from.node.name} (${ip}) sends it out of eth0 to the VNet gateway ${from.node.gateway}`,
                subnet: `the kubenet subnet ${topology.subnetCidr}`,
                hops: [hop({ kind: "node", ip }, VNET, "route", `default via ${from.node.gateway} dev eth0`)],
            };
        case "cniPod":
            return {
                origin: `Azure CNI pod ${from.pod.name} (${ip}) on ${from.cniNode.name}`,
                leave: `Azure CNI pod ${from.pod.name} (${ip}) sends to its link-local gateway ${AZURE_CNI_POD_GATEWAY} (${from.cniNode.name} answers by proxy ARP on ${from.pod.hostInterface}); ${from.cniNode.name} routes it out of eth0 to the VNet gateway ${from.cniNode.gateway}`,
                subnet: `the azurecni subnet ${topology.azureCni!.subnetCidr}`,
                hops: [
                    hop(
                        pod,
                        { kind: "node", ip: from.cniNode.ip },
                        "route",
                        `to ${AZURE_CNI_POD_GATEWAY} (proxy ARP on ${from.pod.hostInterface})`,
                    ),
                    hop({ kind: "node", ip: from.cniNode.ip }, VNET, "route", `default via ${from.cniNode.gateway}`),
                ],
            };
        case "cniNode":
            return {
                origin: `Azure CNI node ${from.cniNode.name} (${ip})`,
                leave: `Azure CNI node ${from.cniNode.name} (${ip}) sends it out of eth0 to the VNet gateway ${from.cniNode.gateway}`,
                subnet: `the azurecni subnet ${topology.azureCni!.subnetCidr}`,
                hops: [hop({ kind: "node", ip }, VNET, "route", `default via ${from.cniNode.gateway} dev eth0`)],
            };
        case "vm":
            return {
                origin: `the VM ${ip}`,
                leave: `the VM ${ip} (services subnet) sends it to its gateway ${topology.vnetHost.gateway}`,
                subnet: "the services subnet",
                hops: [hop({ kind: "vm", ip }, VNET, "route", `default via ${topology.vnetHost.gateway}`)],
            };
        case "external":
            return {
                origin: `the internet host ${ip}`,
                leave: `the internet host ${ip} sends it toward the VNet`,
                subnet: "the internet",
                hops: [hop({ kind: "internet", ip }, VNET, "route", "toward the VNet")],
            };
    }
}

/** The source address the destination sees, and the rule that decides it (a NAT decision on the node). */
function sourceTranslation(topology: LabTopology, from: Source, source: string, destination: number): PathStep {
    if (from.kind === "pod") {
        const rule =
            topology.plugin === "overlay"
                ? "ip-masq-agent (non-masquerade: the pod CIDR)"
                : "the kubenet MASQUERADE rule";
        const node: PathPoint = { kind: "node", ip: from.node.ip };
        return containsIp(cidr(topology.podCidr), destination)
            ? step(
                  `No SNAT: the destination is inside the pod CIDR ${topology.podCidr} (${rule} skips it), so the pod IP ${source} is kept.`,
                  hop(node, node, "nat", `no SNAT: ${source} kept`),
              )
            : step(
                  `SNAT: the destination is outside the pod CIDR ${topology.podCidr}, so ${rule} rewrites the source ${source} to the node IP ${from.node.ip}.`,
                  hop(node, node, "nat", `SNAT ${source} -> ${from.node.ip}`),
              );
    }
    if (from.kind === "cniPod") {
        const node: PathPoint = { kind: "node", ip: from.cniNode.ip };
        return containsIp(cidr(topology.vnetCidr), destination)
            ? step(
                  `No SNAT: the destination is inside the VNet ${topology.vnetCidr}, ip-masq-agent's non-masquerade range, so the pod IP ${source} is kept.`,
                  hop(node, node, "nat", `no SNAT: ${source} kept`),
              )
            : step(
                  `SNAT: the destination is outside the VNet ${topology.vnetCidr}, so ip-masq-agent's MASQUERADE rewrites the source ${source} to the node IP ${from.cniNode.ip}.`,
                  hop(node, node, "nat", `SNAT ${source} -> ${from.cniNode.ip}`),
              );
    }
    return step(`The source ${source} is kept.`);
}

/** The path from `source` to `destination`, one line per step; throws UsageError when either cannot be explained. */
export function explainPath(topology: LabTopology, source: string, destination: string): string[] {
    return explainSteps(topology, source, destination).map((explained) => explained.text);
}

/** The path from `source` to `destination` as steps with their hops; throws UsageError as explainPath does. */
export function explainSteps(topology: LabTopology, source: string, destination: string): PathStep[] {
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
    const { origin, leave, subnet, hops: leaving } = describeSource(topology, from, source);
    const fromKubenetSubnet = from.kind === "pod" || from.kind === "node";
    const inPodCidr = containsIp(cidr(topology.podCidr), address);
    const inVnet = containsIp(cidr(topology.vnetCidr), address);
    const dropped = (label: string) => hop(VNET, { kind: "nowhere", ip: destination }, "drop", label);
    const sourcePoint: PathPoint =
        from.kind === "pod" || from.kind === "cniPod"
            ? { kind: "pod", ip: source }
            : from.kind === "node" || from.kind === "cniNode"
              ? { kind: "node", ip: source }
              : from.kind === "vm"
                ? { kind: "vm", ip: source }
                : { kind: "internet", ip: source };

    // The internet opens nothing inside: no public IP, and Azure does not route it to private addresses.
    if (from.kind === "external") {
        return [
            step(`${leave}.`, ...leaving),
            step(
                `No answer: nothing in the VNet has a public IP, and Azure does not route the internet to private addresses (the lab's VNet router refuses new inbound connections from the internet). ${inPodCidr ? `The kubenet route table would not help either: it acts only on traffic leaving the kubenet subnet.` : ""}`.trim(),
                dropped("no public IP: refused"),
            ),
        ];
    }

    if (to.kind === "service") {
        const toService = hop(sourcePoint, { kind: "service", ip: destination }, "nat", "to the ClusterIP");
        if (!fromKubenetSubnet) {
            return [
                step(
                    `${destination} is the ClusterIP of service ${topology.service.name}: only the kubenet nodes' kube-proxy rules know it. From ${origin} it is an address nobody owns: ${inPodCidr || inVnet ? "dropped" : "the VNet drops it (a private range without a route)"}.`,
                    ...leaving,
                    dropped("nobody owns a ClusterIP"),
                ),
            ];
        }
        const node = from.node;
        const endpoints = topology.service.endpoints;
        const eth0: PathPoint = { kind: "node", ip: node.ip };
        return [
            step(
                `${destination} is the ClusterIP of service ${topology.service.name} (${topology.serviceCidr}); nothing owns it on the wire.`,
                toService,
            ),
            step(
                `DNAT: ${node.name}'s kube-proxy chains (KUBE-SERVICES -> KUBE-SVC-${topology.service.name.toUpperCase()} -> KUBE-SEP-*) pick one of ${endpoints.length} endpoints at random (${endpoints.join(", ")}) and rewrite the destination to <pod>:${topology.service.targetPort}.`,
                hop(eth0, eth0, "nat", `DNAT to 1 of ${endpoints.length} endpoints`),
            ),
            step(
                `From there the packet takes the pod-to-pod path to that endpoint (same node via cbr0, or another node via the route table), and the source is kept.`,
                ...endpoints.map((endpoint) =>
                    hop({ kind: "service", ip: destination }, { kind: "pod", ip: endpoint }, "nat", "endpoint"),
                ),
            ),
        ];
    }

    if (to.kind === "pod") {
        const bridge: PathPoint = { kind: "bridge", node: to.node.name };
        const target: PathPoint = { kind: "pod", ip: destination };
        if (from.kind === "pod" && to.node === from.node) {
            return [
                step(
                    `same node: ${origin} reaches pod ${to.pod.name} (${destination}) through the cbr0 bridge of ${to.node.name}; no routing table outside the node, no SNAT.`,
                    hop(sourcePoint, bridge, "bridge", `cbr0 of ${to.node.name}`),
                    hop(bridge, target, "bridge", `to ${destination}`),
                ),
            ];
        }
        if (!fromKubenetSubnet) {
            return [
                step(`${leave}.`, ...leaving),
                step(
                    topology.plugin === "overlay"
                        ? `No answer: ${destination} is an Overlay pod address (${topology.podCidr}); Azure's SDN carries the slices for the cluster's own nodes only (Azure/AKS#4871), so from ${subnet} it is dropped.`
                        : `No answer: ${destination} is a kubenet pod address (${topology.podCidr}). The route table that knows the slices is attached to the kubenet subnet only, and an Azure route table acts only on traffic leaving its own subnet; from ${subnet} the VNet has no route for ${topology.podCidr} and drops it.`,
                    dropped(`no route for ${topology.podCidr} from ${subnet.replace(/^the /, "")}`),
                ),
            ];
        }
        const slice: PathPoint = { kind: "route", prefix: to.node.podCidr };
        const eth0: PathPoint = { kind: "node", ip: to.node.ip };
        const sliceRule = topology.plugin === "overlay" ? "sdn" : "routeTable";
        return [
            step(`other node: ${leave}.`, ...leaving),
            sourceTranslation(topology, from, source, address),
            step(
                `${sliceRoutesHolder(topology)}: ${to.node.podCidr} via ${to.node.ip} carries it to ${to.node.name}, which forwards it from eth0 onto cbr0 to pod ${to.pod.name} (${destination}).`,
                hop(VNET, slice, sliceRule, `lookup ${to.node.podCidr}`),
                hop(slice, eth0, sliceRule, `${to.node.podCidr} via ${to.node.ip}`),
                hop(eth0, bridge, "route", `${to.node.podCidr} dev cbr0`),
                hop(bridge, target, "bridge", `to ${destination}`),
            ),
        ];
    }

    if (to.kind === "cniPod") {
        const target: PathPoint = { kind: "pod", ip: destination };
        const node: PathPoint = { kind: "node", ip: to.cniNode.ip };
        const toVeth = hop(node, target, "route", `${destination}/32 dev ${to.pod.hostInterface}`);
        if (from.kind === "cniPod" && from.cniNode === to.cniNode) {
            return [
                step(
                    `same node: ${origin} reaches Azure CNI pod ${to.pod.name} (${destination}) through ${to.cniNode.name}'s route ${destination}/32 dev ${to.pod.hostInterface}; no bridge, no SNAT.`,
                    hop(sourcePoint, node, "route", `to ${AZURE_CNI_POD_GATEWAY} (proxy ARP)`),
                    toVeth,
                ),
            ];
        }
        return [
            step(`${leave}.`, ...leaving),
            sourceTranslation(topology, from, source, address),
            step(
                `SDN route: Azure's SDN knows every Azure CNI pod address (${destination}/32 via ${to.cniNode.ip}); no route table is involved. ${to.cniNode.name} routes it to ${to.pod.hostInterface}, pod ${to.pod.name}'s veth.`,
                hop(VNET, node, "sdn", `${destination}/32 via ${to.cniNode.ip}`),
                toVeth,
            ),
        ];
    }

    if (to.kind === "node" || to.kind === "cniNode" || to.kind === "vm") {
        const what =
            to.kind === "node"
                ? `node ${to.node.name}`
                : to.kind === "cniNode"
                  ? `Azure CNI node ${to.cniNode.name}`
                  : "the VM";
        const target: PathPoint =
            to.kind === "vm" ? { kind: "vm", ip: destination } : { kind: "node", ip: destination };
        return [
            step(
                `${leave}; the VNet delivers it to ${what} (${destination}) directly.`,
                ...leaving,
                hop(VNET, target, "route", "VNet: delivered directly"),
            ),
            sourceTranslation(topology, from, source, address),
        ];
    }

    if (inPodCidr) {
        return fromKubenetSubnet
            ? [
                  step(
                      `${leave}, but no route in the ${topology.plugin === "overlay" ? "SDN" : "route table"} covers ${destination}: no node holds that /24, and the VNet drops it.`,
                      ...leaving,
                      dropped("no route covers it"),
                  ),
              ]
            : [
                  step(
                      `${leave}; no answer: nothing routes ${topology.podCidr} outside the kubenet subnet, and no node holds that /24 anyway.`,
                      ...leaving,
                      dropped(`no route for ${topology.podCidr}`),
                  ),
              ];
    }
    const where = to.kind === "external" ? `the external host ${destination}` : destination;
    const translation = sourceTranslation(topology, from, source, address);
    const seen = from.kind === "pod" ? from.node.ip : from.kind === "cniPod" ? from.cniNode.ip : source;
    const unknownInVnet = to.kind === "unknown" && inVnet;
    return [
        step(`outside: ${leave}.`, ...leaving),
        step(
            `${translation.text} ${where} sees ${seen}.`,
            ...translation.hops,
            ...(unknownInVnet
                ? []
                : [hop(VNET, { kind: "internet", ip: destination }, "route", "out to the internet")]),
        ),
        ...(unknownInVnet
            ? [
                  step(
                      `${destination} is in the VNet but nothing in this lab has it.`,
                      dropped("nothing has this address"),
                  ),
              ]
            : []),
    ];
}
