/**
 * The policies that guard the kubenet design (the production rules: productionPolicies.ts; the
 * inputs they read: policyInputs.ts). Kept apart from index.ts, because
 * `new PolicyPack` starts a server: tests import this module. Address checks reuse the
 * address plan's rules (addressPlan/); no CIDR logic is written here.
 *
 * Unknown values: @pulumi/policy (server.js) hands every policy its props wrapped in
 * `unknownCheckingProxy`. Reading a value that is unknown during preview throws
 * `UnknownValueError`, which the framework turns into an advisory "can't run policy during
 * preview" note. So `undefined` here always means *absent*, never unknown: a policy must not
 * skip on undefined (a Service without annotations is the commonest public load balancer).
 */
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    AzureCniPoolPeak,
    azureCniSharedSubnet,
    checkAddressPlan,
    NETWORK_PLUGINS,
    NetworkPluginSpec,
} from "../addressPlan";
import { INTERNAL_LB_ANNOTATION } from "../workloads/nginxManifests";
import {
    AGENT_POOL,
    AgentPoolProps,
    belongsTo,
    ClusterProps,
    ContainerProps,
    DEPLOYMENT,
    DeploymentProps,
    inlinePoolName,
    IDENTITY,
    MANAGED_CLUSTER,
    peakNodesOf,
    pluginOf,
    PoolProps,
    propsOf,
    ROLE_ASSIGNMENT,
    SecurityProps,
    SERVICE,
    ServiceProps,
    SUBNET,
    SubnetProps,
    text,
} from "./policyInputs";
import {
    productionEntra,
    productionTier,
    productionZones,
    productionAutoscalerWithinPlan,
    productionMaintenanceWindows,
} from "./productionPolicies";

export {
    productionEntra,
    productionTier,
    productionZones,
    productionAutoscalerWithinPlan,
    productionMaintenanceWindows,
};

export const kubenetNetworkProfile: ResourceValidationPolicy = {
    name: "network-profile-consistent",
    description:
        "A cluster sets serviceCidr and dnsServiceIP (and, for kubenet and Overlay, podCidr) consistently, and never dockerBridgeCidr.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = propsOf<ClusterProps>(args);
        const plugin = pluginOf(props);
        if (!plugin) return; // a plugin this program never builds (none, Cilium without us): not ours to judge
        const profile = props.networkProfile!;
        if (profile.dockerBridgeCidr !== undefined) {
            reportViolation(
                "dockerBridgeCidr is set; it is ignored since Kubernetes 1.19 and removed from API 2023-04-01 " +
                    "(Azure/AKS#3534): remove it.",
            );
        }
        // Absent, AKS picks 10.0.0.0/16, which collides with 10.0.x VNets
        // (ServiceCidrOverlapExistingSubnetsCidr, Azure/AKS#1117): always set both.
        if (profile.serviceCidr === undefined) {
            reportViolation(
                "networkProfile serviceCidr is not set: AKS would use 10.0.0.0/16 (Azure/AKS#1117); set it outside the VNet.",
            );
        }
        if (profile.dnsServiceIP === undefined) {
            reportViolation("networkProfile dnsServiceIP is not set: set the .10 address of serviceCidr.");
        }
        if (plugin.podAddresses === "nodeSubnet" && profile.podCidr !== undefined) {
            reportViolation(
                `networkProfile podCidr ${profile.podCidr} is set on classic Azure CNI, whose pods take subnet ` +
                    "addresses; AKS refuses it: remove it.",
            );
        }
        const findings = checkAddressPlan({
            podCidr: plugin.podAddresses === "podCidrSlices" ? text(profile.podCidr) : undefined,
            serviceCidr: text(profile.serviceCidr),
            dnsServiceIp: text(profile.dnsServiceIP),
            networkPlugin: plugin.name === "azureCni" ? undefined : plugin.name,
        });
        for (const problem of findings.errors) reportViolation(`networkProfile ${problem.key}: ${problem.message}`);
    },
};

interface PoolInStack {
    readonly cluster: PolicyResource;
    readonly pool: PoolProps;
    /** The pool's name, or its place among the cluster's inline pools ("#2") when it has none. */
    readonly poolName: string;
    readonly subnetId?: string;
    /** The stack's Subnet the pool names, if it is one of this stack's. */
    readonly subnet?: PolicyResource;
}

/**
 * Pools of the clusters of one plugin, inline and AgentPool resources, with the Subnet resource of
 * the stack each names (if any).
 */
function poolsOf(resources: readonly PolicyResource[], wanted: (plugin?: NetworkPluginSpec) => boolean): PoolInStack[] {
    const subnets = resources.filter((resource) => resource.type === SUBNET);
    const inStack = (cluster: PolicyResource, pool: PoolProps, poolName: string): PoolInStack => {
        const subnetId = text(pool?.vnetSubnetID);
        const subnet = subnets.find(
            (candidate) => subnetId !== undefined && propsOf<SubnetProps>(candidate).id === subnetId,
        );
        return { cluster, pool, poolName, subnetId, subnet };
    };
    return resources
        .filter((resource) => resource.type === MANAGED_CLUSTER && wanted(pluginOf(propsOf<ClusterProps>(resource))))
        .flatMap((cluster) => [
            ...(propsOf<ClusterProps>(cluster).agentPoolProfiles ?? []).map((pool, index) =>
                inStack(cluster, pool, inlinePoolName(pool, index)),
            ),
            ...resources
                .filter((resource) => resource.type === AGENT_POOL && belongsTo(cluster)(resource))
                .map((resource) => {
                    const pool = propsOf<AgentPoolProps>(resource);
                    return inStack(cluster, pool, text(pool.agentPoolName) ?? resource.name);
                }),
        ]);
}

export const kubenetSubnetHasRouteTable: StackValidationPolicy = {
    name: "kubenet-subnet-has-route-table",
    description: "The subnet of a kubenet cluster's node pool carries a route table owned by the program.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // A pool without a subnet: AKS builds and owns the VNet and its route table; nothing to detach.
        for (const { cluster, poolName, subnet } of poolsOf(
            args.resources,
            (plugin) => plugin === NETWORK_PLUGINS.kubenet,
        )) {
            if (subnet && !propsOf<SubnetProps>(subnet).routeTable?.id) {
                reportViolation(
                    `subnet ${subnet.name} hosts kubenet pool ${poolName} of ${cluster.name} but has no routeTable: ` +
                        "AKS would attach its own, and the next update would detach it and break pod traffic.",
                    subnet.urn,
                );
            }
        }
    },
};

export const azureCniPoolSubnet: StackValidationPolicy = {
    name: "azure-cni-pool-subnet",
    description:
        "A classic Azure CNI cluster's pools name a subnet, and (nodes + their upgrade surge) x (maxPods + 1) addresses of every pool in a subnet fit in it.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const fitAlone = new Map<PolicyResource, Array<{ entry: PoolInStack; peak: AzureCniPoolPeak }>>();
        for (const entry of poolsOf(args.resources, (plugin) => plugin === NETWORK_PLUGINS.azureCni)) {
            const { cluster, pool, poolName, subnetId, subnet } = entry;
            if (!subnetId) {
                reportViolation(
                    `Azure CNI pool ${poolName} of ${cluster.name} names no subnet (vnetSubnetID): its pods would ` +
                        "take addresses from a VNet AKS makes, outside the lab's plan.",
                    cluster.urn,
                );
                continue;
            }
            const prefix = subnet ? text(propsOf<SubnetProps>(subnet).addressPrefix) : undefined;
            if (!subnet || !prefix) continue; // a subnet outside this stack: its size is not known here
            const peak: AzureCniPoolPeak = {
                peakNodes: peakNodesOf(pool),
                maxPods: pool.maxPods ?? NETWORK_PLUGINS.azureCni.defaultMaxPods,
                maxSurge: text(pool.upgradeSettings?.maxSurge),
            };
            // The address plan's own capacity rule (addressPlan/rules.ts), not a copy of it.
            const findings = checkAddressPlan({
                azureCniCluster: true,
                azureCniSubnetCidr: prefix,
                azureCniNodeCount: peak.peakNodes,
                azureCniMaxPods: peak.maxPods,
                maxSurge: peak.maxSurge,
            });
            for (const problem of findings.errors) {
                reportViolation(
                    `pool ${poolName} of ${cluster.name} in subnet ${subnet.name}: ${problem.message}`,
                    cluster.urn,
                );
            }
            if (findings.errors.length === 0) fitAlone.set(subnet, [...(fitAlone.get(subnet) ?? []), { entry, peak }]);
        }
        // Pools that each fit alone may not fit together: every pool of a subnet takes its addresses
        // (one pool alone is the capacity rule's sum above, so it passes here).
        for (const [subnet, pools] of fitAlone) {
            const prefix = text(propsOf<SubnetProps>(subnet).addressPrefix)!;
            const { perPool, needed, usable } = azureCniSharedSubnet(
                prefix,
                pools.map(({ peak }) => peak),
            );
            if (needed <= usable) continue;
            const shares = pools.map(
                ({ entry }, index) => `${entry.poolName} of ${entry.cluster.name} ${perPool[index]}`,
            );
            reportViolation(
                `subnet ${subnet.name} (${prefix}) holds Azure CNI pools that each fit alone but not together: ` +
                    `${shares.join(", ")} = ${needed} addresses at their peak with their upgrade surge, ` +
                    `and it has ${usable} after Azure's 5 reserved ones. Lower a pool's count, maxCount or maxPods, ` +
                    "give a pool a subnet of its own, or use a larger subnet.",
                subnet.urn,
            );
        }
    },
};

export const overlaySubnetWithoutRouteTable: StackValidationPolicy = {
    name: "overlay-subnet-without-route-table",
    description:
        "An Azure CNI Overlay cluster's subnet carries no route table (left over from kubenet, it can still capture pod traffic).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        for (const { cluster, poolName, subnet } of poolsOf(
            args.resources,
            (plugin) => plugin === NETWORK_PLUGINS.overlay,
        )) {
            if (subnet && propsOf<SubnetProps>(subnet).routeTable?.id !== undefined) {
                reportViolation(
                    `subnet ${subnet.name} of Overlay pool ${poolName} (${cluster.name}) still carries a route table: ` +
                        "after the move from kubenet, detach it (set networkPlugin=overlay and pulumi up removes it).",
                    subnet.urn,
                );
            }
        }
    },
};

export const roleAssignmentPrincipalType: StackValidationPolicy = {
    name: "role-assignment-sets-principal-type",
    description:
        "Role assignments to a managed identity of this stack set principalType, so a freshly created identity is not refused with PrincipalNotFound.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // Only a principal created in this stack may not have replicated yet. Grants to existing
        // Entra principals (the cluster admins: users, groups, the deployer) leave principalType
        // out on purpose, so that Azure looks the type up (cluster.ts dropSdkDefaultPrincipalType).
        const fresh = new Set(
            args.resources
                .filter((resource) => resource.type === IDENTITY)
                .map((identity) => text(propsOf<{ principalId?: string }>(identity).principalId))
                .filter((id): id is string => id !== undefined),
        );
        for (const grant of args.resources.filter((resource) => resource.type === ROLE_ASSIGNMENT)) {
            const props = propsOf<{ principalId?: string; principalType?: string }>(grant);
            const principal = text(props.principalId);
            if (principal !== undefined && fresh.has(principal) && !props.principalType) {
                reportViolation(
                    `${grant.name}: principalType is not set for the stack's managed identity: set it (ServicePrincipal), ` +
                        "or Azure may answer PrincipalNotFound while the new identity replicates.",
                    grant.urn,
                );
            }
        }
    },
};

function checkContainer(kind: string, container: ContainerProps, podSecurity: SecurityProps, report: ReportViolation) {
    const name = `${kind} ${container?.name ?? "?"}`;
    const security = container?.securityContext ?? {};
    if (security.allowPrivilegeEscalation !== false)
        report(`${name}: set securityContext.allowPrivilegeEscalation to false.`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) {
        report(`${name}: drop ALL capabilities (securityContext.capabilities.drop: [ALL]).`);
    }
    if (security.privileged === true) report(`${name}: must not be privileged.`);
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true)
        report(`${name}: set runAsNonRoot: true (pod or container).`);
    const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        report(`${name}: set seccompProfile.type RuntimeDefault (pod or container).`);
    }
    for (const bound of ["requests", "limits"] as const) {
        const values = container?.resources?.[bound] ?? {};
        if (values.cpu === undefined || values.memory === undefined)
            report(`${name}: declare resources.${bound} for cpu and memory.`);
    }
}

export const deploymentsRestricted: ResourceValidationPolicy = {
    name: "deployments-restricted-pod-security",
    description: "Deployments meet the restricted Pod Security Standard and declare requests and limits.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== DEPLOYMENT) return;
        const pod = propsOf<DeploymentProps>(args).spec?.template?.spec;
        if (!pod) {
            reportViolation("the Deployment has no pod template (spec.template.spec).");
            return;
        }
        if (pod.hostNetwork || pod.hostPID || pod.hostIPC)
            reportViolation("the pod shares a host namespace (hostNetwork/hostPID/hostIPC).");
        const podSecurity = pod.securityContext ?? {};
        for (const container of pod.containers ?? [])
            checkContainer("container", container, podSecurity, reportViolation);
        for (const container of pod.initContainers ?? [])
            checkContainer("init container", container, podSecurity, reportViolation);
    },
};

export const loadBalancersInternal: ResourceValidationPolicy = {
    name: "loadbalancer-services-internal",
    description: "A Service of type LoadBalancer is an internal Azure load balancer.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== SERVICE) return;
        const service = propsOf<ServiceProps>(args);
        if (service.spec?.type !== "LoadBalancer") return;
        // No annotations at all is the commonest public load balancer: it fails like any other.
        const annotations = service.metadata?.annotations ?? {};
        if (annotations[INTERNAL_LB_ANNOTATION] !== "true") {
            reportViolation(
                `Service ${service.metadata?.name ?? args.name} would get a public IP: annotate it ${INTERNAL_LB_ANNOTATION}: "true".`,
            );
        }
    },
};

export const kubenetRetirement: ResourceValidationPolicy = {
    name: "kubenet-retirement-notice",
    description: "kubenet retires on 31 March 2028 (Azure/AKS#4859); plan the move to Azure CNI Overlay.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type === MANAGED_CLUSTER && pluginOf(propsOf<ClusterProps>(args)) === NETWORK_PLUGINS.kubenet) {
            reportViolation(
                "kubenet retires on 31 March 2028: plan the migration to Azure CNI Overlay " +
                    "(it needs a user-assigned identity to detach the route table).",
            );
        }
    },
};

export const policies = [
    kubenetNetworkProfile,
    kubenetSubnetHasRouteTable,
    azureCniPoolSubnet,
    roleAssignmentPrincipalType,
    deploymentsRestricted,
    loadBalancersInternal,
    kubenetRetirement,
    overlaySubnetWithoutRouteTable,
    productionEntra,
    productionTier,
    productionZones,
    productionAutoscalerWithinPlan,
    productionMaintenanceWindows,
];
