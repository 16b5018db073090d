/**
 * The production rules: only for clusters the program tagged production (production=true). Address
 * checks reuse the address plan's rules (addressPlan/); policies.ts lists them with the others.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkAddressPlan } from "../addressPlan";
import { MAINTENANCE_CONFIG_NAMES, POSTURE_TAG, PRODUCTION_POSTURE } from "../posture";
import {
    AGENT_POOL,
    AgentPoolProps,
    belongsTo,
    ClusterProps,
    inlinePoolName,
    MAINTENANCE,
    MaintenanceProps,
    MANAGED_CLUSTER,
    peakNodesOf,
    pluginOf,
    propsOf,
    SUBNET,
    SubnetProps,
    text,
} from "./policyInputs";

const isProduction = (cluster: PolicyResource) =>
    propsOf<ClusterProps>(cluster).tags?.[POSTURE_TAG] === PRODUCTION_POSTURE;
const productionClusters = (resources: readonly PolicyResource[]) =>
    resources.filter((resource) => resource.type === MANAGED_CLUSTER && isProduction(resource));
/** Every pool of a cluster: the inline ones and its AgentPool resources. */
function allPools(resources: readonly PolicyResource[], cluster: PolicyResource) {
    return [
        ...(propsOf<ClusterProps>(cluster).agentPoolProfiles ?? []).map((pool, index) => ({
            name: inlinePoolName(pool, index),
            pool,
        })),
        ...resources
            .filter((resource) => resource.type === AGENT_POOL && belongsTo(cluster)(resource))
            .map((resource) => ({
                name: propsOf<AgentPoolProps>(resource).agentPoolName,
                pool: propsOf<AgentPoolProps>(resource),
            })),
    ];
}

export const productionEntra: ResourceValidationPolicy = {
    name: "production-entra-no-local-accounts",
    description: "A production cluster uses Microsoft Entra ID with Azure RBAC and has its local accounts off.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = propsOf<ClusterProps>(args);
        if (props.tags?.[POSTURE_TAG] !== PRODUCTION_POSTURE) return;
        if (props.aadProfile?.managed !== true || props.aadProfile?.enableAzureRBAC !== true)
            reportViolation("production: Microsoft Entra ID with Azure RBAC is off: set clusterAccess entra.");
        if (props.disableLocalAccounts !== true)
            reportViolation(
                "production: local accounts are on (a certificate grants cluster-admin): set clusterAccess entra.",
            );
    },
};

export const productionTier: ResourceValidationPolicy = {
    name: "production-tier-standard",
    description: "A production cluster runs on the Standard tier (the API server's SLA) or Premium.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = propsOf<ClusterProps>(args);
        if (props.tags?.[POSTURE_TAG] !== PRODUCTION_POSTURE) return;
        const tier = props.sku?.tier;
        if (tier !== "Standard" && tier !== "Premium")
            reportViolation(
                `production: the tier is ${tier ?? "not declared (Free)"}, without the API server's SLA: set skuTier Standard.`,
            );
    },
};

export const productionZones: StackValidationPolicy = {
    name: "production-zones",
    description: "Every pool of a production cluster spans at least 2 availability zones.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const cluster of productionClusters(args.resources))
            for (const { name, pool } of allPools(args.resources, cluster)) {
                const zones = pool?.availabilityZones ?? [];
                if (zones.length < 2)
                    reportViolation(
                        `production: pool ${name} of ${cluster.name} is in ${zones.length === 0 ? "no zone" : `zone ${zones.join(", ")} only`}: set zones (at least 2) before the pool is created; AKS cannot add zones to an existing pool.`,
                        cluster.urn,
                    );
            }
    },
};

export const productionAutoscalerWithinPlan: StackValidationPolicy = {
    name: "production-autoscaler-within-plan",
    description:
        "An autoscaling pool of a production cluster names its maximum, and the cluster at every pool's maximum fits the address plan (route table, pod CIDR, subnet).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const subnets = args.resources.filter((resource) => resource.type === SUBNET);
        for (const cluster of productionClusters(args.resources)) {
            const props = propsOf<ClusterProps>(cluster);
            const plugin = pluginOf(props);
            const pools = allPools(args.resources, cluster);
            const unbounded = pools.filter(({ pool }) => pool?.enableAutoScaling === true && !pool.maxCount);
            for (const { name } of unbounded)
                reportViolation(
                    `production: pool ${name} of ${cluster.name} autoscales with no maxCount.`,
                    cluster.urn,
                );
            if (!plugin || unbounded.length > 0) continue;
            const [system, ...others] = pools.map(({ pool }) => peakNodesOf(pool));
            const subnetId = text(props.agentPoolProfiles?.[0]?.vnetSubnetID);
            const prefix = text(
                subnets.find((subnet) => propsOf<SubnetProps>(subnet).id === subnetId)?.props.addressPrefix,
            );
            // Every pool of this program surges by one setting; the system pool's stands for all. A
            // stack with user pools of other settings is counted as if they had the system pool's.
            // Each pool's surge is its own, rounded pool by pool (addressPlan/surge.ts).
            const maxSurge = text(props.agentPoolProfiles?.[0]?.upgradeSettings?.maxSurge);
            // The address plan's own peak rule (addressPlan/capacityRules.ts), not a copy of it.
            const findings =
                plugin.podAddresses === "nodeSubnet"
                    ? checkAddressPlan({
                          azureCniCluster: true,
                          azureCniSubnetCidr: prefix,
                          azureCniNodeCount: system,
                          ...(others.length > 0 ? { azureCniMorePoolPeaks: others } : {}),
                          azureCniMaxPods: props.agentPoolProfiles?.[0]?.maxPods ?? plugin.defaultMaxPods,
                          maxSurge,
                      })
                    : checkAddressPlan({
                          networkPlugin: plugin.name === "azureCni" ? undefined : plugin.name,
                          podCidr: text(props.networkProfile?.podCidr),
                          kubenetSubnetCidr: prefix,
                          nodeCount: 1,
                          autoscaleMaxCount: system,
                          ...(others.length > 0 ? { moreUserPoolPeaks: others } : {}),
                          maxSurge,
                      });
            for (const problem of findings.errors.filter((found) =>
                ["peakNodesFitPlan", "autoscalerRange", "azureCniSubnetHoldsEveryPod", "maxSurgeValid"].includes(
                    found.rule,
                ),
            ))
                reportViolation(
                    `production: ${cluster.name} at its autoscalers' maximum: ${problem.message}`,
                    cluster.urn,
                );
        }
    },
};

export const productionMaintenanceWindows: StackValidationPolicy = {
    name: "production-maintenance-windows",
    description: `A production cluster has both maintenance configurations, ${MAINTENANCE_CONFIG_NAMES.autoUpgrade} and ${MAINTENANCE_CONFIG_NAMES.nodeOsUpgrade}.`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const cluster of productionClusters(args.resources)) {
            const present = args.resources
                .filter((resource) => resource.type === MAINTENANCE && belongsTo(cluster)(resource))
                .map((resource) => propsOf<MaintenanceProps>(resource).configName);
            const missing = Object.values(MAINTENANCE_CONFIG_NAMES).filter((name) => !present.includes(name));
            if (missing.length > 0)
                reportViolation(
                    `production: ${cluster.name} has no ${missing.join(" or ")}: set maintenanceWindow, so upgrades run in a window you chose.`,
                    cluster.urn,
                );
        }
    },
};
