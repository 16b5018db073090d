/**
 * A snapshot: the five documents verify checks, exactly as the standard tools print them.
 *   nodes.json     kubectl get nodes -o json
 *   pods.json      kubectl get pods -A -o json
 *   services.json  kubectl get services -A -o json
 *   routes.json    az network route-table route list -g <rg> --route-table-name <table> -o json
 *   subnet.json    az network vnet subnet show -g <rg> --vnet-name <vnet> -n <subnet> -o json
 * The shapes are the libraries' own: @kubernetes/client-node's models, @azure/arm-network's
 * Route and Subnet (the CLI prints them flattened, as the SDK does).
 */
import type { Route, Subnet } from "@azure/arm-network";
import type { V1NodeList, V1PodList, V1ServiceList } from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import { readJsonFile, UsageError } from "../cli/shell";

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

/** The commands that write each file by hand (README, bug reports). */
export function snapshotCommands(names: {
    resourceGroup: string;
    vnet: string;
    subnet: string;
    routeTable?: string;
}): string[] {
    return [
        `kubectl get nodes -o json > ${SNAPSHOT_FILES.nodes}`,
        `kubectl get pods -A -o json > ${SNAPSHOT_FILES.pods}`,
        `kubectl get services -A -o json > ${SNAPSHOT_FILES.services}`,
        ...(names.routeTable
            ? [
                  `az network route-table route list -g ${names.resourceGroup} --route-table-name ${names.routeTable} -o json > ${SNAPSHOT_FILES.routes}`,
              ]
            : []),
        `az network vnet subnet show -g ${names.resourceGroup} --vnet-name ${names.vnet} -n ${names.subnet} -o json > ${SNAPSHOT_FILES.subnet}`,
    ];
}

type Shape = "list" | "array" | "object";

/** Checks the outer shape of a parsed document; returns a reason when it is not what the tool prints. */
export function shapeProblem(document: unknown, shape: Shape): string | undefined {
    if (shape === "list") {
        const list = document as { kind?: unknown; items?: unknown };
        if (typeof list !== "object" || list === null || !Array.isArray(list.items))
            return "is not a Kubernetes List (kubectl get ... -o json prints {kind: List, items: [...]})";
        return undefined;
    }
    if (shape === "array")
        return Array.isArray(document) ? undefined : "is not a JSON array (az ... route list -o json prints [...])";
    return typeof document === "object" && document !== null && !Array.isArray(document)
        ? undefined
        : "is not a JSON object (az ... subnet show -o json prints {...})";
}

/** A JSON file of the expected outer shape, or a UsageError naming it. */
export function readShapedJson<T>(file: string, shape: Shape, label = ""): T {
    const document = readJsonFile(file, label);
    const problem = shapeProblem(document, shape);
    if (problem) throw new UsageError(`${label ? `${label} ` : ""}${file} ${problem}`);
    return document as T;
}

const readDocument = <T>(dir: string, file: string, shape: Shape): T => readShapedJson<T>(path.join(dir, file), shape);

/** Reads a snapshot directory; routes.json only when the cluster's plugin has a route table. */
export function readSnapshot(dir: string, withRoutes: boolean): Snapshot {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
        throw new UsageError(
            `${dir} is not a directory; give the folder that holds ${Object.values(SNAPSHOT_FILES).join(", ")}`,
        );
    return {
        nodes: readDocument<V1NodeList>(dir, SNAPSHOT_FILES.nodes, "list"),
        pods: readDocument<V1PodList>(dir, SNAPSHOT_FILES.pods, "list"),
        services: readDocument<V1ServiceList>(dir, SNAPSHOT_FILES.services, "list"),
        ...(withRoutes ? { routes: readDocument<Route[]>(dir, SNAPSHOT_FILES.routes, "array") } : {}),
        subnet: readDocument<Subnet>(dir, SNAPSHOT_FILES.subnet, "object"),
    };
}

export function writeSnapshot(dir: string, snapshot: Snapshot): string[] {
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    for (const [key, file] of Object.entries(SNAPSHOT_FILES) as [keyof Snapshot, string][]) {
        if (snapshot[key] === undefined) continue;
        fs.writeFileSync(path.join(dir, file), JSON.stringify(snapshot[key], null, 2) + "\n");
        written.push(path.join(dir, file));
    }
    return written;
}
