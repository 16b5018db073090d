/**
 * The production posture as the AKS API takes it: pure functions from a cluster's posture
 * (config.ts PostureConfig, resolved per cluster in index.ts) to the ManagedCluster's and the pools'
 * inputs. cluster.ts spreads them into the resources it declares.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import {
    IMAGE_CLEANER_INTERVAL_HOURS,
    MaintenanceWindow,
    NetworkPolicy,
    NodeOsUpgradeChannel,
    OsDiskType,
    POSTURE_TAG,
    PRODUCTION_POSTURE,
    SkuTier,
    UpgradeChannel,
} from "./posture";

/** The production settings of one cluster (config.ts PostureConfig, resolved for this cluster). */
export interface ClusterPosture {
    /** Tags the cluster for the policy pack's production rules. */
    readonly production?: boolean;
    readonly skuTier?: SkuTier;
    /** The system pool autoscales from nodeCount to this. */
    readonly autoscaleMaxCount?: number;
    readonly zones?: readonly string[];
    readonly upgradeChannel?: UpgradeChannel;
    readonly nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
    /** Both AKS schedules (aksManagedAutoUpgradeSchedule, aksManagedNodeOSUpgradeSchedule) use it. */
    readonly maintenanceWindow?: MaintenanceWindow;
    /** A separate AgentPool (mode User); the system pool is tainted CriticalAddonsOnly only with it. */
    readonly userPool?: { readonly nodeCount: number; readonly vmSize: string; readonly autoscaleMaxCount?: number };
    readonly osDiskType?: OsDiskType;
    /** Declared: never ignored, so a change shows as the replacement it is. */
    readonly networkPolicy?: NetworkPolicy;
    /** Container insights into this Log Analytics workspace. */
    readonly monitoringWorkspaceId?: pulumi.Input<string>;
    readonly workloadIdentity?: boolean;
    readonly imageCleaner?: boolean;
    readonly azurePolicy?: boolean;
    readonly apiServerAuthorizedIps?: readonly string[];
    /** Every pool's upgradeSettings.maxSurge; unset = AKS's default (addressPlan/surge.ts). */
    readonly maxSurge?: string;
}

/** The networkProfile fields a declared networkPolicy adds: cilium is both a policy and a dataplane. */
export function networkPolicyFields(networkPolicy?: NetworkPolicy): {
    networkPolicy?: NetworkPolicy;
    networkDataplane?: "cilium";
} {
    if (!networkPolicy) return {};
    return {
        networkPolicy,
        ...(networkPolicy === "cilium" ? { networkDataplane: containerservice.NetworkDataplane.Cilium } : {}),
    };
}

/** A pool's size: a fixed count, or an autoscaler from that count to its maximum (count then drifts: ignored). */
export function poolScaling(
    nodeCount: number,
    autoscaleMaxCount?: number,
): Pick<containerservice.AgentPoolArgs, "count" | "enableAutoScaling" | "minCount" | "maxCount"> {
    return autoscaleMaxCount
        ? { count: nodeCount, enableAutoScaling: true, minCount: nodeCount, maxCount: autoscaleMaxCount }
        : { count: nodeCount };
}

/** The cluster-level inputs of the posture; each absent when unset, so the tutorial's cluster gets none. */
export function postureClusterInputs(posture: ClusterPosture = {}): Partial<containerservice.ManagedClusterArgs> {
    const securityProfile = {
        ...(posture.workloadIdentity ? { workloadIdentity: { enabled: true } } : {}),
        ...(posture.imageCleaner
            ? { imageCleaner: { enabled: true, intervalHours: IMAGE_CLEANER_INTERVAL_HOURS } }
            : {}),
    };
    const addonProfiles = {
        ...(posture.monitoringWorkspaceId
            ? {
                  // Container insights with managed-identity authentication; the data collection rule
                  // and its association (below) tell the agent what to send where.
                  omsagent: {
                      enabled: true,
                      config: { logAnalyticsWorkspaceResourceID: posture.monitoringWorkspaceId, useAADAuth: "true" },
                  },
              }
            : {}),
        ...(posture.azurePolicy ? { azurepolicy: { enabled: true } } : {}),
    };
    const channels = {
        ...(posture.upgradeChannel ? { upgradeChannel: posture.upgradeChannel } : {}),
        ...(posture.nodeOsUpgradeChannel ? { nodeOSUpgradeChannel: posture.nodeOsUpgradeChannel } : {}),
    };
    return {
        ...(posture.skuTier
            ? {
                  sku: { name: containerservice.ManagedClusterSKUName.Base, tier: posture.skuTier },
                  // Premium's long-term support is a support plan too; leaving Premium sets it back.
                  supportPlan:
                      posture.skuTier === "Premium"
                          ? containerservice.KubernetesSupportPlan.AKSLongTermSupport
                          : containerservice.KubernetesSupportPlan.KubernetesOfficial,
              }
            : {}),
        ...(Object.keys(channels).length > 0 ? { autoUpgradeProfile: channels } : {}),
        ...(posture.workloadIdentity ? { oidcIssuerProfile: { enabled: true } } : {}),
        ...(Object.keys(securityProfile).length > 0 ? { securityProfile } : {}),
        ...(Object.keys(addonProfiles).length > 0 ? { addonProfiles } : {}),
        ...(posture.apiServerAuthorizedIps?.length
            ? { apiServerAccessProfile: { authorizedIPRanges: [...posture.apiServerAuthorizedIps] } }
            : {}),
        ...(posture.production ? { tags: { [POSTURE_TAG]: PRODUCTION_POSTURE } } : {}),
    };
}

/** The pool-level inputs every pool shares: zones, the OS disk type and the surge, each absent when unset. */
export function posturePoolInputs(
    posture: ClusterPosture = {},
): Pick<containerservice.AgentPoolArgs, "availabilityZones" | "osDiskType" | "upgradeSettings"> {
    return {
        ...(posture.zones?.length ? { availabilityZones: [...posture.zones] } : {}),
        ...(posture.osDiskType ? { osDiskType: posture.osDiskType } : {}),
        // In place (upgradeSettings is not force-new in azure-native): the next upgrade uses it.
        ...(posture.maxSurge ? { upgradeSettings: { maxSurge: posture.maxSurge } } : {}),
    };
}
