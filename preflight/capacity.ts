/**
 * Room for the nodes: every VM size the stack uses is offered to the subscription in its
 * location (and zones), and the regional and per-family vCPU quotas cover the clusters at their
 * peak: every pool at its autoscaler's maximum plus its upgrade surge (peakNodes). vCPUs and
 * families come from `az vm list-skus`, quotas from `az vm list-usage`. Pure.
 */
import type { Usage, VmSku } from "./documents";
import type { ClusterPeak, StackNeeds } from "./needs";
import { SOURCES } from "./sources";
import { cannotTell, CheckResult, Evidence, fail, pass, sameName } from "./verdicts";

/** `az vm list-usage` names the regional total "cores" ("Total Regional vCPUs"). */
export const REGIONAL_VCPUS = "cores";

const skuOf = (skus: readonly VmSku[], size: string, location: string) =>
    skus.find(
        (sku) =>
            sameName(sku.name, size) &&
            (sku.locations.some((where) => sameName(where, location)) ||
                sku.zones[location.toLowerCase()] !== undefined),
    );

const sizesOf = (needs: StackNeeds) => {
    const pools = needs.clusters.flatMap((cluster) => cluster.pools);
    return [...new Map(pools.map((pool) => [pool.vmSize.toLowerCase(), pool])).values()];
};

export function vmSizeChecks(skus: Evidence<readonly VmSku[]>, needs: StackNeeds): CheckResult[] {
    const source = SOURCES.skuNotAvailable;
    const where = `${needs.location}${needs.zones.length > 0 ? ` zones ${needs.zones.join(",")}` : ""}`;
    const listCommand = `az vm list-skus -l ${needs.location} --resource-type virtualMachines --all -o table`;
    return sizesOf(needs).map(({ vmSize, sizeKey }) => {
        const check = `VM size ${vmSize} in ${where}`;
        const choose = `choose a size the subscription is offered there (${listCommand}) and \`pulumi config set ${sizeKey} SIZE\`, or another location`;
        if (!skus.ok) return cannotTell(check, skus.reason, listCommand, source);
        const sku = skuOf(skus.value, vmSize, needs.location);
        if (!sku)
            return fail(
                check,
                `not listed in ${needs.location}: not offered there, or (without --all) restricted for the subscription`,
                choose,
                source,
            );
        const here = (locations: readonly string[]) =>
            locations.length === 0 || locations.some((location) => sameName(location, needs.location));
        const blocked = sku.restrictions.find(
            (restriction) => restriction.type === "Location" && here(restriction.locations),
        );
        if (blocked)
            return fail(
                check,
                `restricted in ${needs.location} (${blocked.reasonCode})`,
                `${choose}; or ask for access with a support request (quota type "Region or zone access")`,
                source,
            );
        const offered = sku.zones[needs.location.toLowerCase()] ?? [];
        const restrictedZones = sku.restrictions
            .filter((restriction) => restriction.type === "Zone" && here(restriction.locations))
            .flatMap((restriction) => restriction.zones);
        const unusable = needs.zones.filter((zone) => !offered.includes(zone) || restrictedZones.includes(zone));
        if (unusable.length > 0)
            return fail(
                check,
                `zone${unusable.length > 1 ? "s" : ""} ${unusable.join(", ")} ${restrictedZones.some((zone) => unusable.includes(zone)) ? "restricted for the subscription" : "not offered"} (offered: ${offered.join(",") || "none"})`,
                `${choose}; or set zones the size is offered in (zones are set at creation only)`,
                source,
            );
        return pass(
            check,
            `offered${offered.length > 0 ? ` (zones ${offered.join(",")})` : ""}; ${sku.vcpus ?? "?"} vCPUs, family ${sku.family}`,
            source,
        );
    });
}

interface Demand {
    vcpus: number;
    parts: string[];
}

/** vCPUs a cluster needs at its peak, in the pools `inScope` admits; each pool's surge at its own size. */
function clusterDemand(
    cluster: ClusterPeak,
    vcpusOf: (size: string) => number,
    inScope: (size: string) => boolean,
): Demand {
    const pools = cluster.pools.filter((pool) => inScope(pool.vmSize) && pool.nodes > 0);
    if (pools.length === 0) return { vcpus: 0, parts: [] };
    const parts = pools.map((pool) => `${pool.nodes} ${pool.pool} x ${vcpusOf(pool.vmSize)}`);
    // One pool in scope: "surge"; several: each pool's surge by name.
    for (const pool of pools.filter((candidate) => candidate.surge > 0))
        parts.push(`${pool.surge} ${pools.length > 1 ? `${pool.pool} ` : ""}surge x ${vcpusOf(pool.vmSize)}`);
    return {
        vcpus: pools.reduce((sum, pool) => sum + (pool.nodes + pool.surge) * vcpusOf(pool.vmSize), 0),
        parts,
    };
}

function quotaVerdict(check: string, usage: Usage | undefined, demand: Demand, fix: string): CheckResult {
    const source = SOURCES.vmQuotas;
    const needed = `needs ${demand.vcpus} (${demand.parts.join(" + ")})`;
    if (!usage)
        return cannotTell(
            check,
            `${needed}; usage.json has no such quota`,
            "list it with az vm list-usage -l LOCATION -o table",
            source,
        );
    const free = usage.limit - usage.current;
    const numbers = `${needed}, used ${usage.current}, limit ${usage.limit}`;
    return demand.vcpus <= free
        ? pass(check, `${numbers}: ${free - demand.vcpus} to spare`, source)
        : fail(check, `${numbers}: short by ${demand.vcpus - free}`, fix, `${source}; ${SOURCES.quotaRequests}`);
}

export function quotaChecks(
    skus: Evidence<readonly VmSku[]>,
    usage: Evidence<readonly Usage[]>,
    needs: StackNeeds,
): CheckResult[] {
    const regionalCheck = `vCPU quota, regional (${needs.location})`;
    const unknown = !skus.ok ? skus : !usage.ok ? usage : undefined;
    if (unknown && !unknown.ok)
        return [
            cannotTell(
                regionalCheck,
                unknown.reason,
                "az vm list-usage and az vm list-skus must both be read",
                SOURCES.vmQuotas,
            ),
        ];
    if (!skus.ok || !usage.ok) return [];
    const sizes = sizesOf(needs).map((pool) => ({ pool, sku: skuOf(skus.value, pool.vmSize, needs.location) }));
    const unsized = sizes.filter(({ sku }) => sku?.vcpus === undefined || !sku.family);
    if (unsized.length > 0)
        return [
            cannotTell(
                regionalCheck,
                `no vCPU count or family for ${unsized.map(({ pool }) => pool.vmSize).join(", ")} in skus.json`,
                "fix the VM size first (see its check)",
                SOURCES.vmQuotas,
            ),
        ];
    const skuFor = (size: string) => sizes.find(({ pool }) => sameName(pool.vmSize, size))!.sku!;
    const vcpusOf = (size: string) => skuFor(size).vcpus!;
    const lower = (nodesKeys: string) =>
        `request more quota (Azure portal: Quotas > Compute, ${needs.location}), or lower ${nodesKeys}`;
    const demandOf = (inScope: (size: string) => boolean) =>
        needs.clusters
            .map((cluster) => clusterDemand(cluster, vcpusOf, inScope))
            .reduce((sum, demand) => ({ vcpus: sum.vcpus + demand.vcpus, parts: [...sum.parts, ...demand.parts] }), {
                vcpus: 0,
                parts: [],
            });
    const findUsage = (name: string) => usage.value.find((entry) => sameName(entry.name, name));
    const families = [...new Set(sizes.map(({ sku }) => sku!.family))];
    return [
        quotaVerdict(
            regionalCheck,
            findUsage(REGIONAL_VCPUS),
            demandOf(() => true),
            lower("nodeCount or the autoscalers' maximums"),
        ),
        ...families.map((family) =>
            quotaVerdict(
                `vCPU quota, ${family}`,
                findUsage(family),
                demandOf((size) => skuFor(size).family === family),
                `${lower("nodeCount or the autoscalers' maximums")}, or choose a size of another family`,
            ),
        ),
    ];
}
