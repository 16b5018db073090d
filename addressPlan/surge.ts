/**
 * The upgrade surge: the extra nodes AKS adds to a pool while it upgrades (Kubernetes version or
 * node image), each with a VNet address, a /24 of the pod CIDR and, on kubenet, a route. A pool's
 * `upgradeSettings.maxSurge` is a node count ("5") or a percentage of the pool ("33%"), and:
 * - "If not specified, the default is 10%" and "For percentages, fractional nodes are rounded up"
 *   (AgentPoolUpgradeSettings.maxSurge in the AKS API 2025-09-01, the version azure-native 3.28.0
 *   uses; the default moved from 1 node to 10% in the AKS release 2023-10-01, as
 *   Azure/terraform-azurerm-aks#554 records): a non-empty pool surges at least one node.
 * - a percentage is "of the total agent pool size at the time of the upgrade": at the autoscaler's
 *   maximum, the pool is that large.
 * - a count above the pool's size surges the pool's size (MicrosoftDocs/azure-docs#90212 on
 *   learn.microsoft.com/azure/aks/upgrade-cluster).
 * - every pool surges by its own setting, and the node count AKS validates is "calculated across
 *   all node pools" (MicrosoftDocs/SupportArticles-docs#2101; learn.microsoft.com/azure/aks/
 *   upgrade-aks-node-pools-rolling counts the quota of five pools' surges together): the plan adds
 *   up every pool's surge.
 * - 0 surges nothing only with maxUnavailable, which this program does not set: it refuses 0.
 */

/** AKS's maxSurge for a pool that declares none. */
export const DEFAULT_MAX_SURGE = "10%";

export type MaxSurge =
    { readonly kind: "count"; readonly nodes: number } | { readonly kind: "percent"; readonly percent: number };

/** The format users type, for messages. */
export const MAX_SURGE_FORMAT = 'a node count such as "1" or a percentage of the pool from "1%" to "100%", e.g. "33%"';

/** A maxSurge as typed, or why it is not one this program accepts. */
export function parseMaxSurge(text: string): { ok: true; value: MaxSurge } | { ok: false; reason: string } {
    const match = /^(\d+)(%?)$/.exec(text.trim());
    if (!match) return { ok: false, reason: `"${text}" is not a maxSurge; use ${MAX_SURGE_FORMAT}` };
    const amount = Number(match[1]);
    if (match[2] === "%") {
        if (amount < 1 || amount > 100)
            return {
                ok: false,
                reason: `${amount}% is out of range; a percentage of the pool runs from 1% to 100% (100% surges a whole pool at once)`,
            };
        return { ok: true, value: { kind: "percent", percent: amount } };
    }
    if (amount < 1)
        return {
            ok: false,
            reason: `${amount} surges no node, which AKS accepts only with maxUnavailable (not set by this program); use at least 1, or a percentage`,
        };
    return { ok: true, value: { kind: "count", nodes: amount } };
}

/**
 * The nodes a pool of `poolSize` surges under `maxSurge` (unset: AKS's default). An unusable
 * maxSurge counts as the default: its own rule reports it.
 */
export function surgeNodes(poolSize: number, maxSurge?: string): number {
    if (poolSize <= 0) return 0;
    const parsed = parseMaxSurge(maxSurge ?? DEFAULT_MAX_SURGE);
    const value = parsed.ok ? parsed.value : (parseMaxSurge(DEFAULT_MAX_SURGE) as { value: MaxSurge }).value;
    return value.kind === "count" ? Math.min(value.nodes, poolSize) : Math.ceil((poolSize * value.percent) / 100);
}

/** A pool of `poolSize` nodes with its surge. */
export const withSurge = (poolSize: number, maxSurge?: string) => poolSize + surgeNodes(poolSize, maxSurge);

/** The largest pool size (at most `ceiling`) whose nodes plus surge stay within `limit`, or 0. */
export function largestPoolWithin(limit: number, maxSurge?: string, ceiling = limit): number {
    for (let size = Math.min(limit, ceiling); size > 0; size--) if (withSurge(size, maxSurge) <= limit) return size;
    return 0;
}
