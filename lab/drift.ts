/**
 * Drift: how a live lab differs from its state file. Pure: lab.ts observes the machine (namespaces,
 * the router's route table, the servers' processes) and this module compares, so `status`,
 * `verify` and `repair` agree on what "drifted" means.
 */
import { allNetns, allServers, IpRoute, ipRoutePrefix, LabRoute, LabTopology } from "./topology";

/** What is running now, as lab.ts reads it. */
export interface LiveLab {
    /** The machine's namespaces with the lab's prefix. */
    readonly namespaces: readonly string[];
    /** The routes in the router's slice table (empty when the router is gone). */
    readonly routes: readonly LabRoute[];
    /** The namespaces in which a lab server is running. */
    readonly serving: ReadonlySet<string>;
}

export interface LabDrift {
    readonly missingNamespaces: readonly string[];
    readonly extraNamespaces: readonly string[];
    /** Routes the state file records that the table lacks, or holds with another next hop. */
    readonly missingRoutes: readonly LabRoute[];
    /** Routes in the table that the state file does not record. */
    readonly extraRoutes: readonly LabRoute[];
    /** Servers whose namespace exists but whose httpd is not running. */
    readonly stoppedServers: ReadonlyArray<{ readonly netns: string; readonly name: string }>;
}

const sameRoute = (a: LabRoute, b: LabRoute) => a.prefix === b.prefix && a.via === b.via && a.dev === b.dev;

export function labDrift(topology: LabTopology, live: LiveLab): LabDrift {
    const expected = allNetns(topology);
    const present = new Set(live.namespaces);
    const planned = new Set(expected);
    const routerUp = present.has(topology.router.netns);
    return {
        missingNamespaces: expected.filter((netns) => !present.has(netns)),
        extraNamespaces: live.namespaces.filter((netns) => !planned.has(netns)),
        // A router that is gone is one missing namespace, not also hundreds of missing routes.
        missingRoutes: routerUp
            ? topology.router.routes.filter((route) => !live.routes.some((seen) => sameRoute(seen, route)))
            : [],
        extraRoutes: live.routes.filter((seen) => !topology.router.routes.some((route) => sameRoute(seen, route))),
        stoppedServers: allServers(topology).filter(
            (server) => present.has(server.netns) && !live.serving.has(server.netns),
        ),
    };
}

export function hasDrift(drift: LabDrift): boolean {
    return Object.values(drift).some((differences: readonly unknown[]) => differences.length > 0);
}

/** At most this many items per kind are named; the rest are counted. */
const NAMED = 5;

function listed<T>(items: readonly T[], show: (item: T) => string): string {
    const named = items.slice(0, NAMED).map(show).join(", ");
    return items.length > NAMED ? `${named} and ${items.length - NAMED} more` : named;
}

/** One line per kind of difference, naming what differs (empty when none). */
export function describeDrift(topology: LabTopology, drift: LabDrift): string[] {
    const route = (r: LabRoute) => `${r.prefix} via ${r.via} dev ${r.dev}`;
    const table = `table ${topology.router.routeTable} of ${topology.router.netns}`;
    const lines: string[] = [];
    if (drift.missingNamespaces.length > 0)
        lines.push(`missing namespaces: ${listed(drift.missingNamespaces, (netns) => netns)}`);
    if (drift.extraNamespaces.length > 0)
        lines.push(`namespaces the state file does not list: ${listed(drift.extraNamespaces, (netns) => netns)}`);
    if (drift.missingRoutes.length > 0)
        lines.push(`routes missing from ${table}: ${listed(drift.missingRoutes, route)}`);
    if (drift.extraRoutes.length > 0)
        lines.push(`routes in ${table} the state file does not list: ${listed(drift.extraRoutes, route)}`);
    if (drift.stoppedServers.length > 0)
        lines.push(
            `servers not running: ${listed(drift.stoppedServers, (server) => `${server.name} (${server.netns})`)}`,
        );
    return lines;
}

/** `ip -j route show table N` as LabRoutes; routes without a next hop (unreachable ones) get via "". */
export function parseIpRoutes(json: string): LabRoute[] {
    const routes = JSON.parse(json || "[]") as IpRoute[];
    return routes.map((route) => ({ prefix: ipRoutePrefix(route), via: route.gateway ?? "", dev: route.dev ?? "" }));
}
