/**
 * What the stack asks of the subscription, from its validated config and the address plan's
 * peakNodes (the same code the program and the policy pack use): the clusters and their pools at
 * their peak, the resource providers behind the resources the program declares, the names it
 * creates and the scope of its role assignments. Pure.
 */
import { peakNodes, surgeNodes } from "../addressPlan";
import type { StackConfig } from "../config";

/** One node pool at its peak: the autoscaler's maximum, or its fixed count. */
export interface PoolPeak {
    readonly pool: string;
    readonly vmSize: string;
    readonly nodes: number;
    /** The pool's own upgrade surge at that size (maxSurge, else AKS's 10%: addressPlan/surge.ts). */
    readonly surge: number;
    /** The config key that sets the size, for fixes. */
    readonly sizeKey: string;
}

export interface ClusterPeak {
    readonly clusterName: string;
    readonly pools: readonly PoolPeak[];
    /** Extra nodes during an upgrade, every pool's surge together (peakNodes' surge). */
    readonly surgeNodes: number;
}

export interface RequiredProvider {
    readonly namespace: string;
    readonly why: string;
}

export interface StackNeeds {
    readonly stack: string;
    readonly location: string;
    /** azure-native:subscriptionId, when the stack pins one. */
    readonly subscriptionId?: string;
    readonly resourceGroupName: string;
    readonly clusters: readonly ClusterPeak[];
    /** Availability zones every pool spreads over; empty = none. */
    readonly zones: readonly string[];
    readonly providers: readonly RequiredProvider[];
    /** Entra ID: kubelogin signs the Kubernetes provider in, and the deployer becomes cluster admin. */
    readonly entra: boolean;
    /** Entra object ids made RBAC Cluster Admin; empty = whoever deploys. */
    readonly clusterAdmins: readonly string[];
}

/**
 * The main cluster's pools and the Azure CNI cluster's, each at its peak, with peakNodes' surge:
 * every pool surges by maxSurge at its own size, and the surges add up (addressPlan/surge.ts).
 */
export function clusterPeaks(config: StackConfig): ClusterPeak[] {
    const { userPool } = config.posture;
    const { maxSurge } = config;
    const main = peakNodes({
        nodeCount: config.nodeCount,
        autoscaleMaxCount: config.posture.autoscaleMaxCount,
        userPoolNodeCount: userPool?.nodeCount,
        userPoolAutoscaleMaxCount: userPool?.autoscaleMaxCount,
        maxSurge,
    });
    const pool = (name: string, vmSize: string, nodes: number, sizeKey: string): PoolPeak => ({
        pool: name,
        vmSize,
        nodes,
        surge: surgeNodes(nodes, maxSurge),
        sizeKey,
    });
    const clusters: ClusterPeak[] = [
        {
            clusterName: config.clusterName,
            pools: [
                pool("system", config.nodeVmSize, main.system, "nodeVmSize"),
                ...(userPool && main.user > 0 ? [pool("user", userPool.vmSize, main.user, "userPoolVmSize")] : []),
            ],
            surgeNodes: main.surge,
        },
    ];
    if (config.azureCniCluster) {
        // index.ts gives the Azure CNI cluster the shared nodeVmSize and maxSurge, no autoscaler or user pool.
        const second = peakNodes({ nodeCount: config.azureCniNodeCount, maxSurge });
        clusters.push({
            clusterName: config.azureCniClusterName,
            pools: [pool("system", config.nodeVmSize, second.system, "nodeVmSize")],
            surgeNodes: second.surge,
        });
    }
    return clusters;
}

/**
 * The resource providers the stack's resources need registered. Microsoft.Resources and
 * Microsoft.Authorization are registered in every subscription; Microsoft.Compute serves the
 * nodes, which AKS creates as scale sets the program never declares (tests hold this list to the
 * types the program declares under each config).
 */
export function requiredProviders(config: StackConfig): RequiredProvider[] {
    const { monitoring, defender, controlPlaneLogs, workspace, azurePolicy } = config.posture;
    return [
        { namespace: "Microsoft.ContainerService", why: "the AKS cluster" },
        { namespace: "Microsoft.Network", why: "the VNet, subnets and route table" },
        { namespace: "Microsoft.ManagedIdentity", why: "the cluster's identity" },
        { namespace: "Microsoft.Compute", why: "the nodes (AKS's scale sets)" },
        ...((monitoring || defender || controlPlaneLogs) && !workspace
            ? [
                  {
                      namespace: "Microsoft.OperationalInsights",
                      why: "the Log Analytics workspace (monitoring, defender, controlPlaneLogs)",
                  },
              ]
            : []),
        ...(monitoring || controlPlaneLogs
            ? [
                  {
                      namespace: "Microsoft.Insights",
                      why: "the data collection rule (monitoring) and the diagnostic setting (controlPlaneLogs)",
                  },
              ]
            : []),
        ...(azurePolicy ? [{ namespace: "Microsoft.PolicyInsights", why: "the Azure Policy add-on" }] : []),
    ];
}

export function stackNeeds(stack: string, config: StackConfig, subscriptionId?: string): StackNeeds {
    return {
        stack,
        location: config.location,
        subscriptionId: subscriptionId?.trim() || undefined,
        resourceGroupName: config.resourceGroupName,
        clusters: clusterPeaks(config),
        zones: config.posture.zones,
        providers: requiredProviders(config),
        entra: config.clusterAccess === "entra",
        clusterAdmins: config.clusterAdmins,
    };
}

/** The scope of the program's role assignments (all inside the resource group) and its parents. */
export function resourceGroupScope(subscriptionId: string, resourceGroupName: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;
}
