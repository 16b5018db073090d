/**
 * The address plan as a picture, before anything exists: the VNet and its three subnets, the pod
 * CIDR cut into the /24 slices the plan reserves (the nodes, the autoscaler's and the upgrade
 * surge's peak), the route table the plan expects, the service CIDR with the DNS service IP, and
 * part 2's Azure CNI range when it is on. Every address comes from the address plan. Pure.
 */
import {
    AddressPlan,
    bridgeIpOf,
    cidr,
    nodeIpAt,
    NETWORK_PLUGINS,
    peakNodes,
    podSliceAt,
    AddressPlanInput,
} from "../addressPlan";
import type { StackConfig } from "../config";
import { Box, Line, Picture, renderPicture } from "./scene";
import { Tone } from "./style";

/** Beyond this many slices of one kind, the plan shows the first and the last of the run. */
const LISTED_PER_KIND = 8;

interface Reserved {
    readonly index: number;
    /** Who the slot is for: a node, the autoscaler's peak, the user pool, the surge. */
    readonly kind: string;
    readonly planned: boolean;
}

/** Every slot the plan reserves in the node subnet and the pod CIDR, in order. */
function reservedSlots(plan: AddressPlan, input: Partial<AddressPlanInput>): Reserved[] {
    const peak = peakNodes(input);
    const nodes = plan.nodes.length;
    return Array.from({ length: Math.max(peak.total, nodes) }, (_, index) => ({
        index,
        kind:
            index < nodes
                ? "node"
                : index < peak.system
                  ? "system pool autoscaler peak"
                  : index < peak.system + peak.user
                    ? "user pool"
                    : "upgrade surge",
        planned: index < nodes,
    }));
}

/** Runs of one kind: each slot, or the first and the last of a long run. */
function runs<T extends Reserved>(slots: readonly T[]): T[][] {
    const out: T[][] = [];
    for (const slot of slots) {
        const last = out.at(-1);
        if (last && last[0].kind === slot.kind) last.push(slot);
        else out.push([slot]);
    }
    return out.flatMap((run) => (run.length <= LISTED_PER_KIND ? run.map((slot) => [slot]) : [run]));
}

function slotBox(id: string, run: readonly Reserved[], describe: (slot: Reserved) => Line[]): Box {
    const tone: Tone = run[0].planned ? "bridge" : "reserved";
    if (run.length === 1) return { id, tone, lines: describe(run[0]), data: { role: "slot", kind: run[0].kind } };
    const [first, last] = [describe(run[0]), describe(run.at(-1)!)];
    return {
        id,
        tone,
        lines: [
            { text: `${first[0].text} ... ${last[0].text}`, bold: true },
            { text: `${run.length} x ${run[0].kind}: ${first[1]?.text ?? ""} ... ${last[1]?.text ?? ""}` },
        ],
        data: { role: "slot", kind: run[0].kind },
    };
}

/** The counts peakNodes reads, from the validated config (the posture holds the autoscalers and the user pool). */
export function peakCountsOf(config: StackConfig): Partial<AddressPlanInput> {
    return {
        nodeCount: config.nodeCount,
        autoscaleMaxCount: config.posture.autoscaleMaxCount,
        userPoolNodeCount: config.posture.userPool?.nodeCount,
        userPoolAutoscaleMaxCount: config.posture.userPool?.autoscaleMaxCount,
        maxSurge: config.maxSurge,
    };
}

export interface PlanPictureInput {
    readonly stack: string;
    readonly vnetName: string;
    readonly routeTableName: string;
    readonly plan: AddressPlan;
    /** The counts peakNodes reads (nodeCount, autoscaleMaxCount, the user pool, maxSurge). */
    readonly counts: Partial<AddressPlanInput>;
}

export function planPicture({ stack, vnetName, routeTableName, plan, counts }: PlanPictureInput, id = "plan"): Picture {
    const plugin = NETWORK_PLUGINS[plan.networkPlugin];
    const slots = reservedSlots(plan, counts);
    const podCidr = cidr(plan.podCidr);
    const kubenetSubnet = cidr(plan.subnets.kubenet.cidr);
    const sliceOf = (slot: Reserved) => podSliceAt(podCidr, slot.index);
    const nodeName = (slot: Reserved) => (slot.planned ? plan.nodes[slot.index].name : slot.kind);
    const kubenet = plan.subnets.kubenet;
    const nodeSubnet: Box = {
        id: `${id}-kubenet`,
        tone: "subnet",
        lines: [
            { text: `subnet kubenet ${kubenet.cidr}`, bold: true },
            { text: `gateway ${kubenet.gateway}; ${kubenet.usableAddresses} addresses for nodes` },
        ],
        children: runs(slots).map((run, index) =>
            slotBox(`${id}-ip${index}`, run, (slot) => [
                { text: nodeIpAt(kubenetSubnet, slot.index), bold: true },
                { text: nodeName(slot) },
            ]),
        ),
    };
    const azureCni = plan.azureCni;
    const cniSubnet: Box = {
        id: `${id}-azurecni`,
        tone: "subnet",
        lines: [
            { text: `subnet azurecni ${plan.subnets.azureCni.cidr}`, bold: true },
            {
                text: azureCni
                    ? `part 2's Azure CNI cluster: nodes and pods take these addresses (${azureCni.maxPods} pods per node)`
                    : "part 2's Azure CNI cluster is off (azureCniCluster)",
            },
        ],
        ...(azureCni
            ? {
                  children: azureCni.nodes.map((node, index) => ({
                      id: `${id}-cni${index}`,
                      tone: "pod",
                      lines: [
                          { text: `${node.name} ${node.ip}`, bold: true },
                          { text: `pods ${node.firstPodIp} - ${node.lastPodIp}` },
                      ],
                  })),
              }
            : {}),
    };
    const services: Box = {
        id: `${id}-services`,
        tone: "subnet",
        lines: [
            { text: `subnet services ${plan.subnets.services.cidr}`, bold: true },
            { text: "internal load balancers take their addresses here" },
        ],
    };
    const vnet: Box = {
        id: `${id}-vnet`,
        tone: "vnet",
        newRow: true,
        lines: [{ text: `VNet ${vnetName} ${plan.vnetCidr}`, bold: true }],
        children: [nodeSubnet, cniSubnet, services],
    };
    const used = slots.length;
    const pods: Box = {
        id: `${id}-pods`,
        tone: "range",
        newRow: true,
        lines: [
            { text: `pod CIDR ${plan.podCidr}: ${plan.capacity.podSlices} slices of /24`, bold: true },
            {
                text: `${plugin.title}: one /24 per node, outside the VNet; ${plan.capacity.podSlices - used} slices left free`,
            },
        ],
        children: runs(slots).map((run, index) =>
            slotBox(`${id}-slice${index}`, run, (slot) => [
                { text: sliceOf(slot).text, bold: true },
                {
                    text: slot.planned
                        ? `${nodeName(slot)}, cbr0 ${bridgeIpOf(sliceOf(slot))}`
                        : `${slot.kind} (${nodeIpAt(kubenetSubnet, slot.index)})`,
                },
            ]),
        ),
    };
    const routes: Box = plugin.routeTable
        ? {
              id: `${id}-routes`,
              tone: "routeTable",
              newRow: true,
              lines: [
                  {
                      text: `route table ${routeTableName}: ${plan.routes.length} routes now, at most ${plan.capacity.routeTableRouteLimit}`,
                      bold: true,
                  },
                  {
                      text: "AKS writes one route per node: its slice -> its IP (which node gets which slice is AKS's choice)",
                  },
              ],
              children: runs(slots).map((run, index) =>
                  slotBox(`${id}-route${index}`, run, (slot) => [
                      { text: `${sliceOf(slot).text} -> ${nodeIpAt(kubenetSubnet, slot.index)}`, bold: true },
                      { text: slot.planned ? nodeName(slot) : `${slot.kind}, when it exists` },
                  ]),
              ),
          }
        : {
              id: `${id}-routes`,
              tone: "sdn",
              newRow: true,
              lines: [{ text: `${plugin.title}: no route table; Azure's SDN carries the slices`, bold: true }],
          };
    const serviceRange: Box = {
        id: `${id}-service-cidr`,
        tone: "range",
        newRow: true,
        lines: [
            { text: `service CIDR ${plan.serviceCidr}: ${plan.capacity.serviceIps} ClusterIPs`, bold: true },
            { text: "virtual: only kube-proxy's rules on the nodes know these addresses" },
        ],
        children: [
            {
                id: `${id}-kubernetes`,
                tone: "service",
                lines: [{ text: plan.kubernetesServiceIp, bold: true }, { text: "default/kubernetes: the API server" }],
            },
            {
                id: `${id}-dns`,
                tone: "service",
                lines: [{ text: plan.dnsServiceIp, bold: true }, { text: "kube-system/kube-dns: the DNS service IP" }],
            },
        ],
    };
    const peak = peakNodes(counts);
    const caption: Box = {
        id: `${id}-caption`,
        tone: "caption",
        lines: [
            { text: `Address plan of stack ${stack} (${plugin.title}), before anything exists`, bold: true },
            {
                text: `${plan.nodes.length} nodes now, ${peak.total} at the peak (autoscalers and ${peak.surge} upgrade surge node${peak.surge === 1 ? "" : "s"}); at most ${plan.capacity.maxNodes} nodes fit; ${plan.capacity.podsPerNode} pods per node`,
            },
        ],
    };
    return {
        id,
        title: `Address plan of stack ${stack}`,
        description: `VNet ${plan.vnetCidr}, subnets kubenet ${kubenet.cidr}, azurecni ${plan.subnets.azureCni.cidr}, services ${plan.subnets.services.cidr}; pod CIDR ${plan.podCidr} in /24 slices for ${peak.total} nodes at the peak; service CIDR ${plan.serviceCidr} with DNS ${plan.dnsServiceIp}`,
        boxes: [caption, vnet, pods, routes, serviceRange],
        legend: [
            "vnet",
            "subnet",
            { tone: "bridge", meaning: "a node's address and /24 slice (cbr0: its first address)" },
            { tone: "reserved", meaning: "reserved for the autoscaler's peak or the upgrade surge" },
            plugin.routeTable ? { tone: "routeTable", meaning: "route table and its planned routes" } : "sdn",
            "range",
            "service",
            ...(azureCni ? [{ tone: "pod" as Tone, meaning: "Azure CNI node and its pods' addresses" }] : []),
        ],
    };
}

export const drawPlan = (input: PlanPictureInput, id?: string): Promise<string> =>
    renderPicture(planPicture(input, id));
