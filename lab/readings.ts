/**
 * What a running lab holds, read from inside its namespaces (root): the router's slice table, one
 * of its clusters as the documents verify reads, and every pod's veth pair.
 */
import { StackConfig } from "../config";
import { ClusterChoice } from "../names";
import { validatedStackConfig } from "../stackFiles";
import { Expected, expectedFor } from "../verify/expected";
import { Snapshot } from "../verify/snapshot";
import { labSnapshot } from "./snapshot";
import { ipIn, LabError, runOrThrow } from "./system";
import { IpRoute, labConfigOverrides, LabTopology } from "./topology";

/** The router's slice table (kubenet's route table, or Overlay's SDN routes) as `ip -j` prints it. */
export function sliceTableJson(topology: LabTopology): Promise<string> {
    const { netns, routeTable } = topology.router;
    return runOrThrow(...ipIn(netns, ["-j", "route", "show", "table", String(routeTable)]));
}

/**
 * One of the running lab's clusters as the documents verify reads, with what verify expects of it:
 * the lab's own choices over the stack's config, as labTopologyFor made them.
 */
export async function labSnapshotNow(
    topology: LabTopology,
    cluster: ClusterChoice = "main",
): Promise<{ config: StackConfig; expected: Expected; snapshot: Snapshot }> {
    const built = cluster === "main" ? topology.nodes.length > 0 : topology.azureCni !== undefined;
    if (!built)
        throw new LabError(
            `lab "${topology.name}" has no ${cluster} cluster; bring it up with --cluster ${cluster} or both`,
        );
    const routes = cluster === "main" ? (JSON.parse(await sliceTableJson(topology)) as IpRoute[]) : [];
    const config = validatedStackConfig(
        topology.stack,
        labConfigOverrides({ clusters: topology.clusters, plugin: topology.plugin }),
    );
    const expected = expectedFor(config, cluster);
    return { config, expected, snapshot: labSnapshot(topology, expected, routes) };
}

/** A pod's veth pair as the node's `ip link` shows it: the node's end and both interface indexes. */
export interface LabPodLink {
    readonly podIp: string;
    readonly hostInterface: string;
    readonly hostIndex: number;
    /** The pod's end (eth0) index in the pod's namespace. */
    readonly podIndex: number;
}

/**
 * Every pod's veth pair, read from each node's namespace (`ip -j link show type veth`): which
 * interface of the node is which pod's, by the lab's names (kubenet veth<i>, Azure CNI the pod's
 * hostInterface), and the indexes that make the tutorial's vethXXX@ifN and eth0@ifM.
 */
export async function labPodLinks(topology: LabTopology): Promise<LabPodLink[]> {
    const nodes = [
        ...topology.nodes.map((node) => ({
            netns: node.netns,
            pods: node.pods.map((pod, index) => ({ ip: pod.ip, hostInterface: `veth${index}` })),
        })),
        ...(topology.azureCni?.nodes ?? []).map((node) => ({
            netns: node.netns,
            pods: node.pods.map((pod) => ({ ip: pod.ip, hostInterface: pod.hostInterface })),
        })),
    ];
    const links: LabPodLink[] = [];
    for (const node of nodes) {
        const shown = JSON.parse(
            await runOrThrow(...ipIn(node.netns, ["-j", "link", "show", "type", "veth"])),
        ) as Array<{
            ifindex: number;
            ifname: string;
            link_index?: number;
        }>;
        for (const pod of node.pods) {
            const host = shown.find((link) => link.ifname === pod.hostInterface);
            if (host?.link_index !== undefined)
                links.push({
                    podIp: pod.ip,
                    hostInterface: pod.hostInterface,
                    hostIndex: host.ifindex,
                    podIndex: host.link_index,
                });
        }
    }
    return links;
}
