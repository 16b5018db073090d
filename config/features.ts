/**
 * The posture's rules for the features' settings: the Log Analytics workspace they send to (an
 * existing one named with its region), the API server's authorized ranges, and cost analysis's
 * tier. config/posture.ts runs them in its order.
 */
import { parseCidr, Problem } from "../addressPlan";
import { Finding, isTrue, itemsOf, problem, RawConfig, trimmed } from "./values";
import { MAX_AUTHORIZED_IP_RANGES } from "../posture";

/** The settings that send to a Log Analytics workspace. */
export const WORKSPACE_USERS = ["monitoring", "defender", "controlPlaneLogs"] as const;

/**
 * An existing workspace is named by its Azure resource id and its region (Container insights' rule
 * must sit in the workspace's region, and the id does not say it), and only when something sends to it.
 */
export function workspaceIdIsResourceId(raw: RawConfig): Problem[] {
    const id = trimmed(raw, "logAnalyticsWorkspaceId");
    const region = trimmed(raw, "logAnalyticsWorkspaceLocation");
    if (!id)
        return region
            ? [
                  problem(
                      "workspaceIdIsResourceId",
                      "logAnalyticsWorkspaceLocation",
                      { logAnalyticsWorkspaceLocation: region },
                      "names a region, but logAnalyticsWorkspaceId names no workspace: set both for an existing workspace, or clear it (the stack's own workspace sits in azure-native:location)",
                  ),
              ]
            : [];
    if (
        !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(
            id,
        )
    )
        return [
            problem(
                "workspaceIdIsResourceId",
                "logAnalyticsWorkspaceId",
                { logAnalyticsWorkspaceId: id },
                `"${id}" is not a Log Analytics workspace's resource id; use /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> (az monitor log-analytics workspace show --query id)`,
            ),
        ];
    if (!WORKSPACE_USERS.some((key) => isTrue(raw, key)))
        return [
            problem(
                "workspaceIdIsResourceId",
                "logAnalyticsWorkspaceId",
                { logAnalyticsWorkspaceId: id, ...Object.fromEntries(WORKSPACE_USERS.map((key) => [key, false])) },
                `names a workspace, but nothing sends to it: set monitoring, defender or controlPlaneLogs true, or clear logAnalyticsWorkspaceId`,
            ),
        ];
    if (!region || !/^[a-z][a-z0-9]*$/.test(region))
        return [
            problem(
                "workspaceIdIsResourceId",
                "logAnalyticsWorkspaceLocation",
                { logAnalyticsWorkspaceId: id, logAnalyticsWorkspaceLocation: region ?? "" },
                `${region ? `"${region}" is not an Azure region name` : "is empty"}, and Container insights' data collection rule must sit in the workspace's region: set it to the workspace's (az monitor log-analytics workspace show --ids <id> --query location), e.g. westeurope`,
            ),
        ];
    return [];
}

/** Authorized ranges are IPv4 CIDRs, at most 200. */
export function authorizedIpsAreCidrs(raw: RawConfig): Finding[] {
    const ranges = itemsOf(raw, "apiServerAuthorizedIps");
    if (!ranges || ranges.length === 0) return [];
    const malformed = ranges.filter((range) => !parseCidr(range.includes("/") ? range : `${range}/32`).ok);
    if (malformed.length > 0)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { apiServerAuthorizedIps: ranges, malformed },
                    `${malformed.map((range) => `"${range}"`).join(", ")} ${malformed.length === 1 ? "is not an IPv4 CIDR" : "are not IPv4 CIDRs"} (network address, no host bits); use e.g. 203.0.113.0/24`,
                ),
            },
        ];
    if (ranges.length > MAX_AUTHORIZED_IP_RANGES)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { count: ranges.length, max: MAX_AUTHORIZED_IP_RANGES },
                    `${ranges.length} ranges; AKS accepts at most ${MAX_AUTHORIZED_IP_RANGES}`,
                ),
            },
        ];
    return [
        {
            severity: "warning",
            ...problem(
                "authorizedIpsAreCidrs",
                "apiServerAuthorizedIps",
                { apiServerAuthorizedIps: ranges },
                "only these ranges reach the API server, and GitHub-hosted runners and Pulumi Deployments runners have no fixed addresses: previews and deploys from them (the Kubernetes provider included) will time out unless they run from a listed range",
            ),
        },
    ];
}

/**
 * Cost analysis needs the Standard or Premium tier: "The Managed Cluster sku.tier must be set to
 * 'Standard' or 'Premium' to enable this feature" (ManagedClusterCostAnalysis, AKS API 2025-09-01;
 * learn.microsoft.com/azure/aks/cost-analysis).
 */
export function costAnalysisNeedsTier(raw: RawConfig): Problem[] {
    const tier = trimmed(raw, "skuTier");
    if (!isTrue(raw, "costAnalysis") || tier === "Standard" || tier === "Premium") return [];
    return [
        problem(
            "costAnalysisNeedsTier",
            "costAnalysis",
            { costAnalysis: true, skuTier: tier || "" },
            `needs skuTier Standard or Premium, and the tier is ${tier || "not declared (AKS's Free)"}: set skuTier Standard, or costAnalysis false`,
        ),
    ];
}
