/**
 * An AKS cluster in the program's own subnet, for any of the network plugins (addressPlan/plugins.ts):
 * a user-assigned control-plane identity with Network Contributor where AKS writes, a wait for
 * those grants to propagate, the ManagedCluster, its kubeconfig (secret) and the Kubernetes
 * provider every workload must use. The plugin is data: kubenet brings a route table and a pod
 * CIDR, Overlay a pod CIDR, classic Azure CNI neither. One code path serves all of them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
// Submodules, not the package root: @pulumi/kubernetes's index loads every API group (~250 ms of
// each preview's start, npm run bench:engine); the types and URNs are the same.
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import * as time from "@pulumiverse/time";
import { NETWORK_PLUGINS, NetworkPluginName, NetworkPluginSpec } from "./addressPlan";
import { apiServerOf, entraKubeconfig } from "./kubeconfig";
import { AZURE_ROLES, ClusterAccess, COMPONENT_TYPES } from "./names";
import {
    ClusterPosture,
    networkPolicyFields,
    poolScaling,
    postureClusterInputs,
    posturePoolInputs,
} from "./clusterPosture";
import {
    dropSdkDefaultPodCidr,
    dropSdkDefaultPrincipalType,
    ignoredNetworkProfileFields,
    NETWORK_PROFILE_FIELDS_AKS_SETS,
    networkProfileFor,
} from "./clusterNetwork";
import {
    checkPluginResources,
    dnsPrefixFor,
    entraAccessFor,
    managedClusterInputs,
    managedClusterOptions,
    SYSTEM_POOL_NAME,
    userPoolInputs,
} from "./clusterArgs";
import { declareClusterResources } from "./clusterResources";

// The cluster's inputs are pure functions (clusterArgs.ts for the ManagedCluster and the user pool,
// clusterPosture.ts for the posture, clusterNetwork.ts for the networkProfile); named from here too.
export { networkPolicyFields, poolScaling, postureClusterInputs, posturePoolInputs };
export {
    dropSdkDefaultPodCidr,
    dropSdkDefaultPrincipalType,
    ignoredNetworkProfileFields,
    NETWORK_PROFILE_FIELDS_AKS_SETS,
    networkProfileFor,
};
export { dnsPrefixFor, entraAccessFor, managedClusterInputs, managedClusterOptions, SYSTEM_POOL_NAME, userPoolInputs };
export type { ClusterPosture };

/** Built-in role "Network Contributor". */
export const NETWORK_CONTRIBUTOR_ROLE_ID = AZURE_ROLES.networkContributor.id;
/** The invoke that returns the user kubeconfig (mocks answer this token). */
export const USER_CREDENTIALS_INVOKE = "azure-native:containerservice:listManagedClusterUserCredentials";

export interface ClusterArgs {
    readonly location: string;
    readonly resourceGroupName: pulumi.Input<string>;
    /** The network plugin; its spec says whether a route table and a pod CIDR belong to it. */
    readonly plugin: NetworkPluginName;
    /** The subnet the nodes (and, for Azure CNI, the pods) take their addresses from. */
    readonly nodeSubnet: network.Subnet;
    /** Its name (SUBNET_NAMES), which names the grant on it. */
    readonly nodeSubnetName: string;
    /** The subnet internal load balancers are placed in. */
    readonly servicesSubnet: network.Subnet;
    /** kubenet only: the route table on nodeSubnet that AKS writes its pod routes into. */
    readonly routeTable?: network.RouteTable;
    /** kubenet and Overlay only: the private pod range, one /24 per node. */
    readonly podCidr?: string;
    readonly clusterName: string;
    readonly nodeCount: number;
    readonly nodeVmSize: string;
    readonly maxPods: number;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    /** Unset = the region's default version. */
    readonly kubernetesVersion?: string;
    /** Unset = no SSH access to the nodes. */
    readonly sshPublicKey?: string;
    readonly adminUsername: string;
    /** Protect the cluster, its identity and its grants from deletion. */
    readonly protect: boolean;
    /** entra: Entra ID + Azure RBAC, local accounts off, an exec kubeconfig; localAccounts: the tutorial's. */
    readonly access: ClusterAccess;
    /** entra only: object ids given RBAC Cluster Admin; empty = the principal running the deployment. */
    readonly admins: readonly string[];
    /**
     * How long the cluster waits after its grants are created (grantPropagationWait). A
     * RoleAssignment's PUT returns before Azure RBAC has propagated; AKS pre-checks its rights on
     * the route table and fails the first create with CustomRouteTableMissingPermission
     * (Azure/AKS#1557, Azure/azure-cli#22510). Terraform modules put a time_sleep after such grants;
     * this is the same, and it runs only when the grants are (re)created, never on later updates.
     */
    readonly grantPropagationWait: string;
    /**
     * How long the Kubernetes provider waits after the cluster-admin grants are created
     * (adminGrantPropagationWait): "Azure role assignments for Kubernetes can take up to five
     * minutes to propagate" (learn.microsoft.com/azure/aks/manage-azure-rbac). Without the wait the
     * first nginx create can be refused with 403. It runs again only when a grant is recreated.
     */
    readonly adminGrantPropagationWait: string;
    /** The production posture; unset = the tutorial's cluster, the features it manages sent off (clusterArgs.ts). */
    readonly posture?: ClusterPosture;
}

export class Cluster extends pulumi.ComponentResource {
    public readonly plugin: NetworkPluginSpec;
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly networkGrants: authorization.RoleAssignment[];
    /** Waits grantPropagationWait after the grants are created; the cluster waits for it. */
    public readonly grantPropagation: time.Sleep;
    /** entra only: RBAC Cluster Admin on the cluster for each admin. */
    public readonly adminGrants: authorization.RoleAssignment[];
    /** entra only: waits adminGrantPropagationWait after the admin grants; the provider waits for it. */
    public readonly adminGrantPropagation?: time.Sleep;
    public readonly managedCluster: containerservice.ManagedCluster;
    /** posture.userPool: the user pool (mode User), where the workloads run. */
    public readonly userPool?: containerservice.AgentPool;
    /** posture.maintenanceWindow: aksManagedAutoUpgradeSchedule and aksManagedNodeOSUpgradeSchedule. */
    public readonly maintenanceConfigurations: containerservice.MaintenanceConfiguration[];
    /** posture.monitoring: the data collection rule and its association with the cluster. */
    public readonly containerInsights: pulumi.CustomResource[];
    /** posture.azurePolicy: the pod security baseline, audit only. */
    public readonly policyAssignment?: authorization.PolicyAssignment;
    /** posture.controlPlaneLogs: the diagnostic setting sending the control plane's logs to the workspace. */
    public readonly controlPlaneLogs?: monitor.DiagnosticSetting;

    /** The provider's kubeconfig (entra: a kubelogin exec config with no credential in it); secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The only Kubernetes provider workloads may use. */
    public readonly provider: KubernetesProvider;
    /** The resource group AKS creates for nodes, load balancers and disks (the tutorial's CLUSTER_RESOURCE_GROUP). */
    public readonly nodeResourceGroup: pulumi.Output<string | undefined>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.cluster, name, {}, opts);
        const plugin = (this.plugin = NETWORK_PLUGINS[args.plugin]);
        checkPluginResources(name, plugin, {
            hasRouteTable: args.routeTable !== undefined,
            hasPodCidr: args.podCidr !== undefined,
        });
        const childOpts = { parent: this, protect: args.protect };
        const posture = args.posture ?? {};

        // With a bring-your-own subnet and route table, clients other than the az CLI must use a
        // user-assigned identity granted before the cluster exists (Azure/AKS#2333); the move to
        // Overlay needs one too (it detaches the route table).
        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                resourceName: `${args.clusterName}-control-plane`,
            },
            childOpts,
        );

        const clientConfig = authorization.getClientConfigOutput({ parent: this });
        const subscriptionId = clientConfig.subscriptionId;
        const roleDefinition = (id: string) =>
            pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
        const networkContributor = roleDefinition(NETWORK_CONTRIBUTOR_ROLE_ID);
        const grant = (suffix: string, scope: pulumi.Input<string>) =>
            new authorization.RoleAssignment(
                `${name}-network-contributor-${suffix}`,
                {
                    principalId: this.identity.principalId,
                    // A fresh identity may not have replicated yet: without principalType Azure can
                    // answer PrincipalNotFound.
                    principalType: authorization.PrincipalType.ServicePrincipal,
                    roleDefinitionId: networkContributor,
                    scope,
                    description: `AKS ${args.clusterName} control plane manages ${suffix}`,
                },
                childOpts,
            ); // protected too: `destroy --exclude-protected` must not strip the cluster's rights
        this.networkGrants = [
            grant(`${args.nodeSubnetName}-subnet`, args.nodeSubnet.id),
            ...(args.routeTable ? [grant("route-table", args.routeTable.id)] : []),
            // Internal load balancers in the services subnet need the identity to join it
            // (Azure/terraform-azurerm-aks#178: SyncLoadBalancerFailed ... AuthorizationFailed).
            grant("services-subnet", args.servicesSubnet.id),
        ];

        // Recreated (and so waited for again) only when a grant is recreated: its id changes.
        this.grantPropagation = new time.Sleep(
            `${name}-grant-propagation`,
            {
                createDuration: args.grantPropagationWait,
                triggers: Object.fromEntries(
                    this.networkGrants.map((roleAssignment, index) => [`grant${index}`, roleAssignment.id]),
                ),
            },
            { parent: this, dependsOn: this.networkGrants },
        );

        this.managedCluster = new containerservice.ManagedCluster(
            `${name}-aks`,
            managedClusterInputs(plugin, args, {
                identityId: this.identity.id,
                nodeSubnetId: args.nodeSubnet.id,
                tenantId: clientConfig.tenantId,
            }),
            {
                ...childOpts,
                ...managedClusterOptions(plugin, posture),
                // The route table must be on the subnet, and the grants in place and propagated, before AKS looks.
                dependsOn: [
                    this.grantPropagation,
                    ...this.networkGrants,
                    args.nodeSubnet,
                    ...(args.routeTable ? [args.routeTable] : []),
                ],
            },
        );
        this.nodeResourceGroup = this.managedCluster.nodeResourceGroup;

        // The user pool: never also declared inline (the API cannot add inline pools in place, and
        // two declarations of one pool fight, pulumi/pulumi-azure-native#579).
        const userPool = userPoolInputs(args, {
            clusterResourceName: this.managedCluster.name,
            nodeSubnetId: args.nodeSubnet.id,
        });
        this.userPool = userPool
            ? new containerservice.AgentPool(`${name}-user-pool`, userPool, {
                  ...childOpts,
                  // Azure deletes a cluster's pools with it: the pool goes, and comes back, with the cluster.
                  deletedWith: this.managedCluster,
                  ...(posture.userPool?.autoscaleMaxCount ? { ignoreChanges: ["count"] } : {}),
              })
            : undefined;

        // The posture's resources on the cluster: maintenance windows, Container insights, the pod
        // security baseline and the control-plane logs (clusterResources.ts).
        const attached = declareClusterResources(name, this, {
            clusterName: args.clusterName,
            location: args.location,
            resourceGroupName: args.resourceGroupName,
            managedCluster: this.managedCluster,
            posture,
        });
        this.maintenanceConfigurations = attached.maintenanceConfigurations;
        this.containerInsights = attached.containerInsights;
        this.policyAssignment = attached.policyAssignment;
        this.controlPlaneLogs = attached.controlPlaneLogs;

        // Entra ID: who administers the cluster is an Azure role assignment on it, and Kubernetes
        // refuses a token whose role has not propagated yet; the provider waits for both.
        this.adminGrants =
            args.access === "entra"
                ? (args.admins.length > 0 ? args.admins : [undefined]).map(
                      (admin) =>
                          new authorization.RoleAssignment(
                              `${name}-rbac-cluster-admin-${admin ?? "deployer"}`,
                              {
                                  // No principalType: see dropSdkDefaultPrincipalType.
                                  principalId: admin ?? clientConfig.objectId,
                                  roleDefinitionId: roleDefinition(AZURE_ROLES.aksRbacClusterAdmin.id),
                                  scope: this.managedCluster.id,
                                  description: `Administers AKS ${args.clusterName} through Azure RBAC${admin ? "" : " (the principal that deployed it: clusterAdmins is empty)"}`,
                              },
                              // Azure removes a role assignment with its scope: when the cluster
                              // goes (or is replaced) the grant goes with it, and is made again.
                              {
                                  ...childOpts,
                                  deletedWith: this.managedCluster,
                                  transforms: [dropSdkDefaultPrincipalType],
                              },
                          ),
                  )
                : [];
        this.adminGrantPropagation =
            this.adminGrants.length > 0
                ? new time.Sleep(
                      `${name}-admin-grant-propagation`,
                      {
                          createDuration: args.adminGrantPropagationWait,
                          triggers: Object.fromEntries(
                              this.adminGrants.map((roleAssignment, index) => [`grant${index}`, roleAssignment.id]),
                          ),
                      },
                      { parent: this, dependsOn: this.adminGrants },
                  )
                : undefined;

        // The cluster-user credential: never the admin one (listClusterAdminCredential). On a
        // local-accounts cluster it is a cluster-admin certificate all the same; with Entra ID it is
        // only the server and its CA, and the provider's kubeconfig is built from those alone.
        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: this.managedCluster.name,
            },
            { parent: this },
        );
        const listed = credentials.kubeconfigs.apply((kubeconfigs) =>
            Buffer.from(kubeconfigs[0].value, "base64").toString("utf8"),
        );
        // The invoke's result is not secret by default: wrap it before anything else sees it.
        this.kubeconfig = pulumi.secret(
            args.access === "entra"
                ? pulumi
                      .all([listed, clientConfig.tenantId])
                      .apply(([kubeconfig, tenantId]) =>
                          entraKubeconfig({ clusterName: args.clusterName, tenantId, ...apiServerOf(kubeconfig) }),
                      )
                : listed,
        );

        // clusterIdentifier makes a kubeconfig change (rotated credentials, unknown during
        // preview, the move to Entra ID) an update of the provider instead of a replacement of
        // every workload.
        this.provider = new KubernetesProvider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                clusterIdentifier: this.managedCluster.id,
            },
            { parent: this, ...(this.adminGrantPropagation ? { dependsOn: [this.adminGrantPropagation] } : {}) },
        );

        this.registerOutputs({
            clusterName: this.managedCluster.name,
            nodeResourceGroup: this.nodeResourceGroup,
            kubeconfig: this.kubeconfig,
        });
    }
}
