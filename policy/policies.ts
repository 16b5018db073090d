/**
 * The policies that guard the kubenet design. Kept apart from index.ts, because
 * `new PolicyPack` starts a server: tests import this module. Address checks reuse the
 * address plan's rules (addressPlan/); no CIDR logic is written here.
 *
 * Unknown values: @pulumi/policy (server.js) hands every policy its props wrapped in
 * `unknownCheckingProxy`. Reading a value that is unknown during preview throws
 * `UnknownValueError`, which the framework turns into an advisory "can't run policy during
 * preview" note. So `undefined` here always means *absent*, never unknown: a policy must not
 * skip on undefined (a Service without annotations is the commonest public load balancer).
 */
import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkAddressPlan } from "../addressPlan";
import { INTERNAL_LB_ANNOTATION } from "../workloads/nginxManifests";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const SUBNET = "azure-native:network:Subnet";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";

const isKubenet = (props: any) => props?.networkProfile?.networkPlugin === "kubenet";
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export const kubenetNetworkProfile: ResourceValidationPolicy = {
    name: "kubenet-network-profile-consistent",
    description: "A kubenet cluster sets podCidr, serviceCidr and dnsServiceIP consistently, and never dockerBridgeCidr.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== MANAGED_CLUSTER || !isKubenet(args.props)) return;
        const profile = args.props.networkProfile;
        if (profile.dockerBridgeCidr !== undefined) {
            reportViolation("dockerBridgeCidr is set; it is ignored since Kubernetes 1.19 and removed from API 2023-04-01 (Azure/AKS#3534): remove it.");
        }
        // Absent, AKS picks 10.0.0.0/16, which collides with 10.0.x VNets
        // (ServiceCidrOverlapExistingSubnetsCidr, Azure/AKS#1117): always set both.
        if (profile.serviceCidr === undefined) reportViolation("networkProfile serviceCidr is not set: AKS would use 10.0.0.0/16 (Azure/AKS#1117); set it outside the VNet.");
        if (profile.dnsServiceIP === undefined) reportViolation("networkProfile dnsServiceIP is not set: set the .10 address of serviceCidr.");
        const findings = checkAddressPlan({ podCidr: text(profile.podCidr), serviceCidr: text(profile.serviceCidr), dnsServiceIp: text(profile.dnsServiceIP) });
        for (const problem of findings.errors) reportViolation(`networkProfile ${problem.key}: ${problem.message}`);
    },
};

export const kubenetSubnetHasRouteTable: StackValidationPolicy = {
    name: "kubenet-subnet-has-route-table",
    description: "The subnet of a kubenet cluster's node pool carries a route table owned by the program.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const subnets = args.resources.filter((resource) => resource.type === SUBNET);
        for (const cluster of args.resources.filter((resource) => resource.type === MANAGED_CLUSTER && isKubenet(resource.props))) {
            for (const pool of cluster.props.agentPoolProfiles ?? []) {
                const subnetId = text(pool?.vnetSubnetID);
                // No subnet: AKS builds and owns the VNet and its route table; nothing to detach.
                if (!subnetId) continue;
                const subnet = subnets.find((candidate) => candidate.props.id === subnetId);
                if (subnet && !subnet.props.routeTable?.id) {
                    reportViolation(`subnet ${subnet.name} hosts kubenet pool ${pool.name} of ${cluster.name} but has no routeTable: AKS would attach its own, and the next update would detach it and break pod traffic.`, subnet.urn);
                }
            }
        }
    },
};

export const roleAssignmentPrincipalType: ResourceValidationPolicy = {
    name: "role-assignment-sets-principal-type",
    description: "Role assignments set principalType, so a freshly created managed identity is not refused with PrincipalNotFound.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== ROLE_ASSIGNMENT) return;
        if (!args.props.principalType) {
            reportViolation("principalType is not set: set it (ServicePrincipal for a managed identity), or Azure may answer PrincipalNotFound while a new identity replicates.");
        }
    },
};

function checkContainer(kind: string, container: any, podSecurity: any, report: ReportViolation) {
    const name = `${kind} ${container?.name ?? "?"}`;
    const security = container?.securityContext ?? {};
    if (security.allowPrivilegeEscalation !== false) report(`${name}: set securityContext.allowPrivilegeEscalation to false.`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) report(`${name}: drop ALL capabilities (securityContext.capabilities.drop: [ALL]).`);
    if (security.privileged === true) report(`${name}: must not be privileged.`);
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) report(`${name}: set runAsNonRoot: true (pod or container).`);
    if ((security.seccompProfile?.type ?? podSecurity.seccompProfile?.type) !== "RuntimeDefault" && security.seccompProfile?.type !== "Localhost") {
        report(`${name}: set seccompProfile.type RuntimeDefault (pod or container).`);
    }
    for (const bound of ["requests", "limits"] as const) {
        const values = container?.resources?.[bound] ?? {};
        if (values.cpu === undefined || values.memory === undefined) report(`${name}: declare resources.${bound} for cpu and memory.`);
    }
}

export const deploymentsRestricted: ResourceValidationPolicy = {
    name: "deployments-restricted-pod-security",
    description: "Deployments meet the restricted Pod Security Standard and declare requests and limits.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== DEPLOYMENT) return;
        const pod = args.props.spec?.template?.spec;
        if (!pod) {
            reportViolation("the Deployment has no pod template (spec.template.spec).");
            return;
        }
        if (pod.hostNetwork || pod.hostPID || pod.hostIPC) reportViolation("the pod shares a host namespace (hostNetwork/hostPID/hostIPC).");
        for (const container of pod.containers ?? []) checkContainer("container", container, pod.securityContext ?? {}, reportViolation);
        for (const container of pod.initContainers ?? []) checkContainer("init container", container, pod.securityContext ?? {}, reportViolation);
    },
};

export const loadBalancersInternal: ResourceValidationPolicy = {
    name: "loadbalancer-services-internal",
    description: "A Service of type LoadBalancer is an internal Azure load balancer.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== SERVICE || args.props.spec?.type !== "LoadBalancer") return;
        // No annotations at all is the commonest public load balancer: it fails like any other.
        const annotations = args.props.metadata?.annotations ?? {};
        if (annotations[INTERNAL_LB_ANNOTATION] !== "true") {
            reportViolation(`Service ${args.props.metadata?.name ?? args.name} would get a public IP: annotate it ${INTERNAL_LB_ANNOTATION}: "true".`);
        }
    },
};

export const kubenetRetirement: ResourceValidationPolicy = {
    name: "kubenet-retirement-notice",
    description: "kubenet retires on 31 March 2028 (Azure/AKS#4859); plan the move to Azure CNI Overlay.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        if (args.type === MANAGED_CLUSTER && isKubenet(args.props)) {
            reportViolation("kubenet retires on 31 March 2028: plan the migration to Azure CNI Overlay (it needs a user-assigned identity to detach the route table).");
        }
    },
};

export const policies = [kubenetNetworkProfile, kubenetSubnetHasRouteTable, roleAssignmentPrincipalType, deploymentsRestricted, loadBalancersInternal, kubenetRetirement];
