/**
 * The cluster's Azure inputs as pure functions of its settings: the ManagedCluster's arguments and
 * options, and the user pool's. cluster.ts only wires resources to what these return, so the inputs
 * a deployed cluster meets can be read, and tested, without Pulumi's runtime (tests/clusterArgs.test.ts);
 * the mock runtime's URN fixture and the rehearsal prove the wiring.
 *
 * Resource references come in as ids (pulumi.Input<string>), never as resources: nothing here
 * creates or reads a resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { NetworkPluginSpec } from "./addressPlan";
import type { ClusterArgs } from "./cluster";
import { networkPolicyFields, poolScaling, postureClusterInputs, posturePoolInputs } from "./clusterPosture";
import { dropSdkDefaultPodCidr, ignoredNetworkProfileFields, networkProfileFor } from "./clusterNetwork";
import { SYSTEM_POOL_TAINT, USER_POOL_NAME } from "./posture";

/** The system node pool's name (Linux pool names: lower-case letters and digits, at most 12). */
export const SYSTEM_POOL_NAME = "system";

/** The settings the ManagedCluster's arguments read: ClusterArgs without its resources. */
export type ManagedClusterSettings = Pick<
    ClusterArgs,
    | "location"
    | "resourceGroupName"
    | "clusterName"
    | "kubernetesVersion"
    | "podCidr"
    | "serviceCidr"
    | "dnsServiceIp"
    | "nodeCount"
    | "nodeVmSize"
    | "maxPods"
    | "access"
    | "sshPublicKey"
    | "adminUsername"
    | "posture"
>;

/** What the cluster takes from resources declared before it: ids and the tenant, all inputs. */
export interface ManagedClusterWiring {
    /** The control plane's user-assigned identity. */
    readonly identityId: pulumi.Input<string>;
    /** The subnet the nodes (and, for classic Azure CNI, the pods) take their addresses from. */
    readonly nodeSubnetId: pulumi.Input<string>;
    /** entra only: the tenant whose Entra ID signs the cluster's users in. */
    readonly tenantId: pulumi.Input<string>;
}

/**
 * Refuses a plugin and resources that do not go together, naming the cluster: kubenet needs a
 * route table and a pod CIDR, Overlay a pod CIDR, classic Azure CNI neither (addressPlan/plugins.ts).
 */
export function checkPluginResources(
    name: string,
    plugin: NetworkPluginSpec,
    resources: { readonly hasRouteTable: boolean; readonly hasPodCidr: boolean },
): void {
    if (plugin.routeTable !== resources.hasRouteTable) {
        throw new Error(
            `cluster ${name}: the ${plugin.title} plugin ${plugin.routeTable ? "needs" : "must not have"} a route table`,
        );
    }
    if ((plugin.podAddresses === "podCidrSlices") !== resources.hasPodCidr) {
        throw new Error(
            `cluster ${name}: the ${plugin.title} plugin ${plugin.podAddresses === "podCidrSlices" ? "needs" : "takes no"} podCidr`,
        );
    }
}

/** AKS DNS prefix from the cluster name: letters, digits and '-', at most 54, ending alphanumeric. */
export function dnsPrefixFor(clusterName: string): string {
    return clusterName.replace(/_/g, "-").slice(0, 54).replace(/-+$/, "");
}

/**
 * The ManagedCluster's arguments. With no posture it is the tutorial's cluster, with every feature
 * the posture manages sent off (clusterPosture.ts's postureClusterInputs: AKS keeps what a request
 * leaves out).
 */
export function managedClusterInputs(
    plugin: NetworkPluginSpec,
    settings: ManagedClusterSettings,
    wiring: ManagedClusterWiring,
): containerservice.ManagedClusterArgs {
    const posture = settings.posture ?? {};
    return {
        resourceGroupName: settings.resourceGroupName,
        location: settings.location,
        resourceName: settings.clusterName,
        dnsPrefix: dnsPrefixFor(settings.clusterName),
        ...(settings.kubernetesVersion ? { kubernetesVersion: settings.kubernetesVersion } : {}),
        enableRBAC: true,
        identity: {
            type: containerservice.ResourceIdentityType.UserAssigned,
            userAssignedIdentities: [wiring.identityId],
        },
        networkProfile: { ...networkProfileFor(plugin, settings), ...networkPolicyFields(posture.networkPolicy) },
        // One inline System pool; the user pool is an AgentPool resource, since the API
        // cannot add inline pools to an existing cluster (pulumi/pulumi-azure-native#579).
        agentPoolProfiles: [
            {
                name: SYSTEM_POOL_NAME,
                mode: containerservice.AgentPoolMode.System,
                type: containerservice.AgentPoolType.VirtualMachineScaleSets,
                osType: containerservice.OSType.Linux,
                ...poolScaling(settings.nodeCount, posture.autoscaleMaxCount),
                vmSize: settings.nodeVmSize,
                maxPods: settings.maxPods,
                vnetSubnetID: wiring.nodeSubnetId,
                ...posturePoolInputs(posture),
                // Only with a user pool to go to: tainting the only pool leaves nginx nowhere to run.
                ...(posture.userPool ? { nodeTaints: [SYSTEM_POOL_TAINT] } : {}),
            },
        ],
        ...postureClusterInputs(posture),
        ...(settings.access === "entra" ? entraAccessFor(wiring.tenantId) : {}),
        // The infrastructure-as-code form of the tutorial's VMAccessForLinux step.
        ...(settings.sshPublicKey
            ? {
                  linuxProfile: {
                      adminUsername: settings.adminUsername,
                      ssh: { publicKeys: [{ keyData: settings.sshPublicKey }] },
                  },
              }
            : {}),
    };
}

/**
 * The ManagedCluster's options that follow from its settings (the component adds its parent,
 * protect and dependsOn): the fields AKS moves by itself are ignored, and classic Azure CNI drops
 * the pod CIDR azure-native's SDK fills in.
 */
export function managedClusterOptions(
    plugin: NetworkPluginSpec,
    posture: ManagedClusterSettings["posture"],
): Pick<pulumi.CustomResourceOptions, "transforms" | "ignoreChanges"> {
    return {
        ...(plugin.podAddresses === "nodeSubnet" ? { transforms: [dropSdkDefaultPodCidr] } : {}),
        ignoreChanges: [
            ...ignoredNetworkProfileFields(posture?.networkPolicy),
            // The autoscaler moves the count; the program's count is only where it starts.
            ...(posture?.autoscaleMaxCount ? ["agentPoolProfiles[0].count"] : []),
        ],
    };
}

/** The user pool's arguments (posture.userPool), or undefined without one. */
export function userPoolInputs(
    settings: Pick<ManagedClusterSettings, "resourceGroupName" | "maxPods" | "posture">,
    wiring: { readonly clusterResourceName: pulumi.Input<string>; readonly nodeSubnetId: pulumi.Input<string> },
): containerservice.AgentPoolArgs | undefined {
    const posture = settings.posture ?? {};
    if (!posture.userPool) return undefined;
    return {
        resourceGroupName: settings.resourceGroupName,
        resourceName: wiring.clusterResourceName,
        agentPoolName: USER_POOL_NAME,
        mode: containerservice.AgentPoolMode.User,
        type: containerservice.AgentPoolType.VirtualMachineScaleSets,
        osType: containerservice.OSType.Linux,
        ...poolScaling(posture.userPool.nodeCount, posture.userPool.autoscaleMaxCount),
        vmSize: posture.userPool.vmSize,
        maxPods: settings.maxPods,
        vnetSubnetID: wiring.nodeSubnetId,
        ...posturePoolInputs(posture),
    };
}

/**
 * Entra ID integration as AKS manages it, with Azure RBAC deciding what each identity may do in
 * Kubernetes, and the local accounts (the certificates listClusterUserCredential hands out on
 * other clusters) turned off. All three update a deployed cluster in place (none is force-new in
 * azure-native: azureFacts/replacements.ts); Entra ID cannot be turned off again (ONE_WAY_CHANGES).
 */
export function entraAccessFor(
    tenantId: pulumi.Input<string>,
): Pick<containerservice.ManagedClusterArgs, "aadProfile" | "disableLocalAccounts"> {
    return {
        aadProfile: { managed: true, enableAzureRBAC: true, tenantID: tenantId },
        disableLocalAccounts: true,
    };
}
