/**
 * The diagram tool's shell side: where the data comes from. A saved snapshot (the folder
 * `verify --from` reads, read by verify's own reader), a running lab (its state file and, inside
 * its namespaces, the router's routes and the pods' veths), or a live cluster (verify's access).
 * Everything here reads; the pictures are drawn elsewhere, from what these return.
 */
import { ClusterChoice } from "../names";
import { StackConfig } from "../config";
import { validatedStackConfig } from "../stackFiles";
import { UsageError } from "../cli/shell";
import { judgeSnapshot } from "../verify/checks";
import { Expected, expectedFor, snapshotNamesOf } from "../verify/expected";
import { incompletePodsCapture, readSnapshot, Snapshot } from "../verify/snapshot";
import type { LabState } from "../lab/lab";
import { VethPair, WiringModel, wiringModel } from "./wiringModel";

/** Where a picture's data comes from, as the options said it. */
export type Origin =
    | { readonly kind: "from"; readonly dir: string }
    | { readonly kind: "lab"; readonly name: string }
    | { readonly kind: "live" };

/** The stack's config and verify's expectations, as verify reads them for a cluster. */
export function expectationsFor(stack: string, cluster: ClusterChoice): { config: StackConfig; expected: Expected } {
    // The Azure CNI cluster's expectations exist even when the stack has it off (the lab builds it anyway).
    const config = validatedStackConfig(stack, cluster === "azurecni" ? { azureCniCluster: "true" } : {});
    return { config, expected: expectedFor(config, cluster) };
}

function model(
    source: string,
    config: StackConfig,
    expected: Expected,
    snapshot: Snapshot,
    extras: { veths?: Map<string, VethPair>; hostInterfaces?: Map<string, string> } = {},
): WiringModel {
    return wiringModel({
        source,
        vnetCidr: config.vnetCidr,
        expected,
        snapshot,
        checks: judgeSnapshot(expected, snapshot),
        ...extras,
    });
}

/** The running lab's state, or a UsageError saying why it cannot be read (not up, not root). */
export async function runningLab(name: string): Promise<LabState> {
    const { readState, labNetns } = await import("../lab/lab");
    const { allNetns, validateLabName } = await import("../lab/topology");
    const invalid = validateLabName(name);
    if (invalid) throw new UsageError(invalid);
    const state = readState(name);
    if (!state)
        throw new UsageError(`lab "${name}" is not up; start it with \`sudo npm run lab -- up --name ${name}\``);
    if (process.getuid?.() !== 0)
        throw new UsageError(
            `reading lab "${name}" (its routes and veths, inside its namespaces) needs root; run the same command with sudo`,
        );
    const present = new Set(await labNetns(name));
    const missing = allNetns(state).filter((netns) => !present.has(netns));
    if (missing.length > 0)
        throw new UsageError(
            `lab "${name}" is not up: ${missing.length} of its namespaces are missing (${missing.slice(0, 3).join(", ")}); run \`sudo npm run lab -- repair --name ${name}\``,
        );
    return state;
}

/** The wiring of a running lab's cluster: the documents verify reads, and the veths as `ip link` shows them. */
export async function labWiring(state: LabState, cluster: ClusterChoice): Promise<WiringModel> {
    const { labPodLinks, labSnapshotNow } = await import("../lab/readings");
    const { config, expected, snapshot } = await labSnapshotNow(state, cluster);
    const links = await labPodLinks(state);
    const veths = new Map<string, VethPair>();
    const hostInterfaces = new Map<string, string>();
    for (const link of links) {
        veths.set(link.podIp, {
            hostInterface: link.hostInterface,
            hostIndex: link.hostIndex,
            podInterface: "eth0",
            podIndex: link.podIndex,
        });
        hostInterfaces.set(link.podIp, link.hostInterface);
    }
    return model(`lab ${state.name} (stack ${state.stack})`, config, expected, snapshot, {
        ...(cluster === "azurecni" ? { hostInterfaces } : { veths }),
    });
}

/** The wiring from a saved snapshot folder, read exactly as `verify --from` reads it. */
export function snapshotWiring(dir: string, stack: string, cluster: ClusterChoice): WiringModel {
    const { config, expected } = expectationsFor(stack, cluster);
    return model(`snapshot ${dir} (stack ${stack})`, config, expected, readSnapshot(dir, snapshotNamesOf(expected)));
}

/** The wiring of the deployed stack, gathered the way verify gathers it. */
export async function liveWiring(stack: string, cluster: ClusterChoice): Promise<WiringModel> {
    const { config, expected } = expectationsFor(stack, cluster);
    const { gatherLive } = await import("../verify/live");
    const snapshot = await gatherLive(stack, expected);
    const incomplete = incompletePodsCapture(snapshot.pods.items, expected.nginx.namespace);
    if (incomplete)
        throw new UsageError(
            `the cluster's pod list ${incomplete}; are the stack's credentials allowed to list every namespace?`,
        );
    return model(`live stack ${stack}`, config, expected, snapshot);
}

/** The wiring from wherever the options point. */
export async function wiringFrom(origin: Origin, stack: string, cluster: ClusterChoice): Promise<WiringModel> {
    switch (origin.kind) {
        case "from":
            return snapshotWiring(origin.dir, stack, cluster);
        case "lab":
            return labWiring(await runningLab(origin.name), cluster);
        case "live":
            return liveWiring(stack, cluster);
    }
}
