/**
 * The production posture as the AKS API takes it: pure functions from a cluster's posture
 * (config/ PostureConfig, resolved per cluster in index.ts) to the ManagedCluster's and the pools'
 * inputs. cluster.ts spreads them into the resources it declares.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import {
    IMAGE_CLEANER_INTERVAL_HOURS,
    KEY_VAULT_SECRETS_PROVIDER_CONFIG,
    MaintenanceWindow,
    NetworkPolicy,
    NODE_OS_UPGRADE_CHANNEL_DEFAULT,
    NodeOsUpgradeChannel,
    OsDiskType,
    OsSku,
    POSTURE_TAG,
    PRODUCTION_POSTURE,
    SkuTier,
    UPGRADE_CHANNEL_OFF,
    UpgradeChannel,
} from "./posture";

/** The production settings of one cluster (config/ PostureConfig, resolved for this cluster). */
export interface ClusterPosture {
    /** Tags the cluster for the policy pack's production rules. */
    readonly production?: boolean;
    readonly skuTier?: SkuTier;
    /** The system pool autoscales from nodeCount to this. */
    readonly autoscaleMaxCount?: number;
    readonly zones?: readonly string[];
    /** Unset = none (sent: AKS keeps a channel a request leaves out). */
    readonly upgradeChannel?: UpgradeChannel;
    /** Unset = None (sent, as upgradeChannel). */
    readonly nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
    /** Both AKS schedules (aksManagedAutoUpgradeSchedule, aksManagedNodeOSUpgradeSchedule) use it. */
    readonly maintenanceWindow?: MaintenanceWindow;
    /** A separate AgentPool (mode User); the system pool is tainted CriticalAddonsOnly only with it. */
    readonly userPool?: { readonly nodeCount: number; readonly vmSize: string; readonly autoscaleMaxCount?: number };
    readonly osDiskType?: OsDiskType;
    /** Every pool's node OS; unset = not declared (AKS's Ubuntu). */
    readonly osSku?: OsSku;
    /** Declared: never ignored, so a change shows as the replacement it is. */
    readonly networkPolicy?: NetworkPolicy;
    /** The Log Analytics workspace monitoring, Defender and the control-plane logs send to. */
    readonly workspaceId?: pulumi.Input<string>;
    /** Its region: Container insights' data collection rule sits there. */
    readonly workspaceLocation?: string;
    /** Container insights (needs workspaceId). */
    readonly monitoring?: boolean;
    /** Microsoft Defender for Containers' sensor (needs workspaceId). */
    readonly defender?: boolean;
    /** A diagnostic setting sending the control plane's logs (needs workspaceId). */
    readonly controlPlaneLogs?: boolean;
    readonly workloadIdentity?: boolean;
    readonly imageCleaner?: boolean;
    readonly azurePolicy?: boolean;
    readonly keyVaultSecretsProvider?: boolean;
    readonly apiServerAuthorizedIps?: readonly string[];
    readonly disableRunCommand?: boolean;
    readonly costAnalysis?: boolean;
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

/**
 * The cluster-level inputs of the posture. Every feature the program manages is sent on or off,
 * never left out: AKS keeps a feature a request leaves out, so a preview that drops the input shows
 * an update while the feature stays on (Azure/AKS#2904). The anchors send explicit flags too:
 * mspnp/aks-baseline's cluster-stamp.bicep (`httpApplicationRouting: {enabled: false}`, ...) and
 * Azure/AKS-Construction's bicep/main.bicep (commit c6c5e3f5: `enabled: keyvaultEnabled`,
 * `securityMonitoring: {enabled: defenderForContainers}`). None of these inputs is force-new in
 * azure-native (azureFacts/replacements.ts), so the first `pulumi up` that sends the off values updates a
 * deployed cluster in place. Two are not sent when off: the tier (empty = AKS's Free at creation:
 * set skuTier Free to leave Standard) and the OIDC issuer, which AKS cannot turn off (one-way) and
 * may turn on by itself.
 */
export function postureClusterInputs(posture: ClusterPosture = {}): Partial<containerservice.ManagedClusterArgs> {
    const workspace = posture.workspaceId;
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
        autoUpgradeProfile: {
            upgradeChannel: posture.upgradeChannel ?? UPGRADE_CHANNEL_OFF,
            nodeOSUpgradeChannel: posture.nodeOsUpgradeChannel ?? NODE_OS_UPGRADE_CHANNEL_DEFAULT,
        },
        ...(posture.workloadIdentity ? { oidcIssuerProfile: { enabled: true } } : {}),
        securityProfile: {
            workloadIdentity: { enabled: posture.workloadIdentity === true },
            imageCleaner: posture.imageCleaner
                ? { enabled: true, intervalHours: IMAGE_CLEANER_INTERVAL_HOURS }
                : { enabled: false },
            // Off, the workspace stays out: "When Microsoft Defender is disabled, leave the field empty"
            // (ManagedClusterSecurityProfileDefender, AKS API 2025-09-01).
            defender:
                posture.defender && workspace
                    ? { logAnalyticsWorkspaceResourceId: workspace, securityMonitoring: { enabled: true } }
                    : { securityMonitoring: { enabled: false } },
        },
        addonProfiles: {
            // Container insights with managed-identity authentication; the data collection rule and
            // its association (clusterResources.ts) tell the agent what to send where.
            omsagent:
                posture.monitoring && workspace
                    ? { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspace, useAADAuth: "true" } }
                    : { enabled: false },
            azurepolicy: { enabled: posture.azurePolicy === true },
            azureKeyvaultSecretsProvider: posture.keyVaultSecretsProvider
                ? { enabled: true, config: { ...KEY_VAULT_SECRETS_PROVIDER_CONFIG } }
                : { enabled: false },
        },
        apiServerAccessProfile: {
            // [] lets every address in again ("Passing an empty array will result in no IP
            // restrictions", mspnp/aks-baseline cluster-stamp.bicep clusterAuthorizedIPRanges).
            authorizedIPRanges: [...(posture.apiServerAuthorizedIps ?? [])],
            disableRunCommand: posture.disableRunCommand === true,
        },
        metricsProfile: { costAnalysis: { enabled: posture.costAnalysis === true } },
        ...(posture.production ? { tags: { [POSTURE_TAG]: PRODUCTION_POSTURE } } : {}),
    };
}

/** The pool-level inputs every pool shares: zones, the OS disk, the node OS and the surge, each absent when unset. */
export function posturePoolInputs(
    posture: ClusterPosture = {},
): Pick<containerservice.AgentPoolArgs, "availabilityZones" | "osDiskType" | "osSKU" | "upgradeSettings"> {
    return {
        ...(posture.zones?.length ? { availabilityZones: [...posture.zones] } : {}),
        ...(posture.osDiskType ? { osDiskType: posture.osDiskType } : {}),
        // In place: AKS migrates a pool's OS SKU by reimaging it, both ways (az aks nodepool update
        // --os-sku; learn.microsoft.com/azure/aks/roll-back-node-pool-version). osSKU is not force-new.
        ...(posture.osSku ? { osSKU: posture.osSku } : {}),
        // In place (upgradeSettings is not force-new in azure-native): the next upgrade uses it.
        ...(posture.maxSurge ? { upgradeSettings: { maxSurge: posture.maxSurge } } : {}),
    };
}
