/**
 * A snapshot: the five documents verify checks, as the standard tools print them.
 *   nodes.json     kubectl get nodes -o json
 *   pods.json      kubectl get pods -A -o json
 *   services.json  kubectl get services -A -o json
 *   routes.json    az network route-table route list -g <rg> --route-table-name <table> -o json
 *   subnet.json    az network vnet subnet show -g <rg> --vnet-name <vnet> -n <subnet> -o json
 * The Azure documents may come in the az CLI's shape or ARM's, in any encoding the shell saved
 * them (cli/documents.ts); in memory they take the libraries' own shapes: @kubernetes/client-node's
 * models, @azure/arm-network's Route and Subnet.
 */
import type { Route, Subnet } from "@azure/arm-network";
import type { V1NodeList, V1Pod, V1PodList, V1ServiceList } from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import { AZURE_KINDS, readAzureResource, readAzureResources, readKubernetesList } from "../cli/documents";
import { UsageError } from "../cli/shell";

export interface Snapshot {
    readonly nodes: V1NodeList;
    readonly pods: V1PodList;
    readonly services: V1ServiceList;
    /** Absent when the cluster has no route table to read (Overlay, Azure CNI). */
    readonly routes?: Route[];
    readonly subnet: Subnet;
}

export const SNAPSHOT_FILES = Object.freeze({
    nodes: "nodes.json",
    pods: "pods.json",
    services: "services.json",
    routes: "routes.json",
    subnet: "subnet.json",
});

/** The Azure names a snapshot's commands need. */
export interface SnapshotNames {
    /** The workload's namespace (nginx). */
    readonly namespace: string;
    readonly resourceGroup: string;
    readonly vnet: string;
    readonly subnet: string;
    /** kubenet only. */
    readonly routeTable?: string;
}

/** The command that writes each file (hints, README, bug reports). */
export function snapshotCommandFor(file: keyof typeof SNAPSHOT_FILES, names: SnapshotNames): string {
    switch (file) {
        case "nodes":
            return "kubectl get nodes -o json";
        case "pods":
            return "kubectl get pods -A -o json";
        case "services":
            return "kubectl get services -A -o json";
        case "routes":
            return `az network route-table route list -g ${names.resourceGroup} --route-table-name ${names.routeTable ?? "<table>"} -o json`;
        case "subnet":
            return `az network vnet subnet show -g ${names.resourceGroup} --vnet-name ${names.vnet} -n ${names.subnet} -o json`;
    }
}

/** The commands that write every file by hand, redirected into it. */
export function snapshotCommands(names: SnapshotNames): string[] {
    const files = (Object.keys(SNAPSHOT_FILES) as Array<keyof typeof SNAPSHOT_FILES>).filter(
        (file) => file !== "routes" || names.routeTable,
    );
    return files.map((file) => `${snapshotCommandFor(file, names)} > ${SNAPSHOT_FILES[file]}`);
}

/**
 * A pods capture that could not show the cluster, so that judging it would pass or fail for
 * nothing: no pod outside hostNetwork (an empty list, as `kubectl get pods` prints in a namespace
 * with nothing running, has no pod IP to check), or pods of neither kube-system nor the workload's
 * namespace (another namespace's, without -A). A capture of the workload's namespace alone still
 * shows what verify checks.
 */
export function incompletePodsCapture(pods: readonly V1Pod[], workloadNamespace: string): string | undefined {
    if (!pods.some((pod) => !pod.spec?.hostNetwork)) {
        return `holds ${pods.length === 0 ? "no pods" : "only hostNetwork pods"}: the capture is incomplete`;
    }
    const namespaces = new Set(pods.map((pod) => pod.metadata?.namespace));
    if (!namespaces.has("kube-system") && !namespaces.has(workloadNamespace)) {
        return `holds pods of ${[...namespaces].join(", ")} only, none of kube-system or ${workloadNamespace}: the capture is incomplete`;
    }
    return undefined;
}

/** Reads a snapshot directory; routes.json only when the cluster's plugin has a route table. */
export function readSnapshot(dir: string, names: SnapshotNames): Snapshot {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new UsageError(
            `${dir} is not a directory; give the folder that holds ${Object.values(SNAPSHOT_FILES).join(", ")}`,
        );
    }
    const source = (file: keyof typeof SNAPSHOT_FILES) => ({
        file: path.join(dir, SNAPSHOT_FILES[file]),
        label: path.join(dir, SNAPSHOT_FILES[file]),
        command: snapshotCommandFor(file, names),
    });
    const pods = readKubernetesList<V1Pod>(source("pods"), "Pod") as V1PodList;
    const incomplete = incompletePodsCapture(pods.items, names.namespace);
    if (incomplete)
        throw new UsageError(`${source("pods").file} ${incomplete}; write it with \`${source("pods").command}\``);
    return {
        nodes: readKubernetesList(source("nodes"), "Node"),
        pods,
        services: readKubernetesList(source("services"), "Service"),
        ...(names.routeTable
            ? { routes: readAzureResources<Route>(source("routes"), AZURE_KINDS.route).map((found) => found.resource) }
            : {}),
        // `az network vnet subnet list` is accepted too: the subnet is picked by its name.
        subnet: readAzureResource<Subnet>(
            source("subnet"),
            AZURE_KINDS.subnet,
            (subnet) => subnet.name === names.subnet,
        ).resource,
    };
}

export function writeSnapshot(dir: string, snapshot: Snapshot): string[] {
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    for (const [key, file] of Object.entries(SNAPSHOT_FILES) as Array<[keyof Snapshot, string]>) {
        if (snapshot[key] === undefined) continue;
        fs.writeFileSync(path.join(dir, file), JSON.stringify(snapshot[key], null, 2) + "\n");
        written.push(path.join(dir, file));
    }
    return written;
}
