/**
 * What the policies read: the resource types they judge and the inputs of each, as the policy server
 * hands them over (any field may be absent; see policies.ts on unknown values), and small readers.
 */
import type { PolicyResource } from "@pulumi/policy";
import { pluginOfProfile } from "../addressPlan";

export const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const SUBNET = "azure-native:network:Subnet";
export const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
export const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
export const AGENT_POOL = "azure-native:containerservice:AgentPool";
export const MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const SERVICE = "kubernetes:core/v1:Service";

/* The inputs each policy reads, as the policy server hands them over: any field may be absent. */
export interface NetworkProfileProps {
    readonly networkPlugin?: string;
    readonly networkPluginMode?: string;
    readonly podCidr?: string;
    readonly serviceCidr?: string;
    readonly dnsServiceIP?: string;
    readonly dockerBridgeCidr?: string;
}
export interface PoolProps {
    readonly name?: string;
    readonly count?: number;
    readonly maxPods?: number;
    readonly vnetSubnetID?: string;
    readonly availabilityZones?: readonly string[];
    readonly enableAutoScaling?: boolean;
    readonly maxCount?: number;
    readonly upgradeSettings?: { readonly maxSurge?: string };
}
export interface ClusterProps {
    readonly resourceName?: string;
    readonly resourceGroupName?: string;
    readonly networkProfile?: NetworkProfileProps;
    readonly agentPoolProfiles?: readonly PoolProps[];
    readonly aadProfile?: { readonly managed?: boolean; readonly enableAzureRBAC?: boolean };
    readonly disableLocalAccounts?: boolean;
    readonly sku?: { readonly tier?: string };
    readonly tags?: Readonly<Record<string, string>>;
}
/** An AgentPool resource: a pool, and the cluster it belongs to. */
export interface AgentPoolProps extends PoolProps {
    readonly agentPoolName?: string;
    readonly resourceName?: string;
    readonly resourceGroupName?: string;
}
export interface MaintenanceProps {
    readonly configName?: string;
    readonly resourceName?: string;
    readonly resourceGroupName?: string;
}
export interface SubnetProps {
    readonly id?: string;
    readonly addressPrefix?: string;
    readonly routeTable?: { readonly id?: string };
}
export interface SecurityProps {
    readonly allowPrivilegeEscalation?: boolean;
    readonly privileged?: boolean;
    readonly runAsNonRoot?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
    readonly seccompProfile?: { readonly type?: string };
}
export interface ContainerProps {
    readonly name?: string;
    readonly securityContext?: SecurityProps;
    readonly resources?: Partial<Record<"requests" | "limits", { readonly cpu?: string; readonly memory?: string }>>;
}
export interface PodSpecProps {
    readonly hostNetwork?: boolean;
    readonly hostPID?: boolean;
    readonly hostIPC?: boolean;
    readonly securityContext?: SecurityProps;
    readonly containers?: readonly ContainerProps[];
    readonly initContainers?: readonly ContainerProps[];
}
export interface DeploymentProps {
    readonly spec?: { readonly template?: { readonly spec?: PodSpecProps } };
}
export interface ServiceProps {
    readonly metadata?: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
    readonly spec?: { readonly type?: string };
}

export const propsOf = <T>(resource: { readonly props: Record<string, unknown> }) => resource.props as T;
export const pluginOf = (props: ClusterProps) => pluginOfProfile(props.networkProfile);
export const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** A pool by its name; an unnamed (or null) inline pool by its place, as a message can only name it so. */
export function inlinePoolName(pool: PoolProps | null | undefined, index: number): string {
    return text(pool?.name) ?? `#${index + 1}`;
}

/** A resource of the cluster (AgentPool, MaintenanceConfiguration): same cluster name and resource group. */
export const belongsTo = (cluster: PolicyResource) => (resource: PolicyResource) => {
    const [own, theirs] = [propsOf<ClusterProps>(cluster), propsOf<AgentPoolProps>(resource)];
    return theirs.resourceName === own.resourceName && theirs.resourceGroupName === own.resourceGroupName;
};

/**
 * A pool at its peak: the autoscaler's maxCount when it scales, else its count; a pool that names
 * neither has AKS's default count of 1 (the AKS API's agent pool `count`: "The default value is
 * 1"). A null pool (an undefined element of the program's list) is no pool: 0.
 */
export const peakNodesOf = (pool: PoolProps | null | undefined): number =>
    pool ? ((pool.enableAutoScaling ? pool.maxCount : pool.count) ?? pool.count ?? 1) : 0;
