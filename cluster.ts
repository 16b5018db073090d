/**
 * The kubenet AKS cluster in the program's own subnet: a user-assigned control-plane
 * identity with Network Contributor where AKS writes, the ManagedCluster, its kubeconfig
 * (secret) and the Kubernetes provider every workload must use.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as k8s from "@pulumi/kubernetes";

/** Built-in role "Network Contributor". */
export const NETWORK_CONTRIBUTOR_ROLE_ID = "4d97b98b-1d4f-4787-a291-c67834d212e7";
/** The system node pool's name (Linux pool names: lower-case letters and digits, at most 12). */
export const SYSTEM_POOL_NAME = "system";
/** The invoke that returns the user kubeconfig (mocks answer this token). */
export const USER_CREDENTIALS_INVOKE = "azure-native:containerservice:listManagedClusterUserCredentials";

export interface ClusterArgs {
    readonly location: string;
    readonly resourceGroupName: pulumi.Input<string>;
    /** The kubenet subnet, already associated with `routeTable`. */
    readonly kubenetSubnet: network.Subnet;
    /** The subnet internal load balancers are placed in. */
    readonly servicesSubnet: network.Subnet;
    /** The route table AKS writes its pod routes into. */
    readonly routeTable: network.RouteTable;
    readonly clusterName: string;
    readonly nodeCount: number;
    readonly nodeVmSize: string;
    readonly maxPods: number;
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    /** Unset = the region's default version. */
    readonly kubernetesVersion?: string;
    /** Unset = no SSH access to the nodes. */
    readonly sshPublicKey?: string;
    readonly adminUsername: string;
    /** Protect the cluster and its identity from deletion. */
    readonly protect: boolean;
}

/** AKS DNS prefix from the cluster name: letters, digits and '-', at most 54, ending alphanumeric. */
export function dnsPrefixFor(clusterName: string): string {
    return clusterName.replace(/_/g, "-").slice(0, 54).replace(/-+$/, "");
}

export class Cluster extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly networkGrants: authorization.RoleAssignment[];
    public readonly managedCluster: containerservice.ManagedCluster;
    /** The user kubeconfig, decoded; secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The only Kubernetes provider workloads may use. */
    public readonly provider: k8s.Provider;
    /** The resource group AKS creates for nodes, load balancers and disks (the seed's CLUSTER_RESOURCE_GROUP). */
    public readonly nodeResourceGroup: pulumi.Output<string | undefined>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-kubenet:cluster:Cluster", name, {}, opts);

        // With a bring-your-own subnet and route table, clients other than the az CLI must use a
        // user-assigned identity granted before the cluster exists (Azure/AKS#2333).
        this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: `${args.clusterName}-control-plane`,
        }, { parent: this, protect: args.protect });

        const subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        const networkContributor = pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR_ROLE_ID}`;
        const grant = (suffix: string, scope: pulumi.Input<string>) =>
            new authorization.RoleAssignment(`${name}-network-contributor-${suffix}`, {
                principalId: this.identity.principalId,
                // A fresh identity may not have replicated yet: without principalType Azure can
                // answer PrincipalNotFound.
                principalType: authorization.PrincipalType.ServicePrincipal,
                roleDefinitionId: networkContributor,
                scope,
                description: `AKS ${args.clusterName} control plane manages ${suffix}`,
            }, { parent: this });
        this.networkGrants = [
            grant("kubenet-subnet", args.kubenetSubnet.id),
            grant("route-table", args.routeTable.id),
            // Internal load balancers in the services subnet need the identity to join it
            // (Azure/terraform-azurerm-aks#178: SyncLoadBalancerFailed ... AuthorizationFailed).
            grant("services-subnet", args.servicesSubnet.id),
        ];

        this.managedCluster = new containerservice.ManagedCluster(`${name}-aks`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: args.clusterName,
            dnsPrefix: dnsPrefixFor(args.clusterName),
            ...(args.kubernetesVersion ? { kubernetesVersion: args.kubernetesVersion } : {}),
            enableRBAC: true,
            identity: {
                type: containerservice.ResourceIdentityType.UserAssigned,
                userAssignedIdentities: [this.identity.id],
            },
            // podCidr, serviceCidr, dnsServiceIP, networkPlugin and outboundType force a replacement
            // of the cluster (pulumi/pulumi-azure-native#4771). dockerBridgeCidr is never set: it is
            // ignored since 1.19 and gone from API 2023-04-01 (Azure/AKS#3534).
            networkProfile: {
                networkPlugin: containerservice.NetworkPlugin.Kubenet,
                podCidr: args.podCidr,
                serviceCidr: args.serviceCidr,
                dnsServiceIP: args.dnsServiceIp,
                loadBalancerSku: containerservice.LoadBalancerSku.Standard,
                outboundType: containerservice.OutboundType.LoadBalancer,
            },
            // One inline System pool; further pools would be AgentPool resources, since the API
            // cannot add inline pools to an existing cluster (pulumi/pulumi-azure-native#579).
            agentPoolProfiles: [{
                name: SYSTEM_POOL_NAME,
                mode: containerservice.AgentPoolMode.System,
                type: containerservice.AgentPoolType.VirtualMachineScaleSets,
                osType: containerservice.OSType.Linux,
                count: args.nodeCount,
                vmSize: args.nodeVmSize,
                maxPods: args.maxPods,
                vnetSubnetID: args.kubenetSubnet.id,
            }],
            // The infrastructure-as-code form of the seed's VMAccessForLinux step.
            ...(args.sshPublicKey
                ? { linuxProfile: { adminUsername: args.adminUsername, ssh: { publicKeys: [{ keyData: args.sshPublicKey }] } } }
                : {}),
        }, {
            parent: this,
            protect: args.protect,
            // The route table must be on the subnet, and the grants in place, before AKS looks.
            dependsOn: [...this.networkGrants, args.kubenetSubnet, args.routeTable],
        });
        this.nodeResourceGroup = this.managedCluster.nodeResourceGroup;

        const credentials = containerservice.listManagedClusterUserCredentialsOutput({
            resourceGroupName: args.resourceGroupName,
            resourceName: this.managedCluster.name,
        }, { parent: this });
        // The invoke's result is not secret by default: wrap it before anything else sees it.
        this.kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((kubeconfigs) => Buffer.from(kubeconfigs[0].value, "base64").toString("utf8")),
        );

        // clusterIdentifier makes a kubeconfig change (rotated credentials, unknown during
        // preview) an update of the provider instead of a replacement of every workload.
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            clusterIdentifier: this.managedCluster.id,
        }, { parent: this });

        this.registerOutputs({
            clusterName: this.managedCluster.name,
            nodeResourceGroup: this.nodeResourceGroup,
            kubeconfig: this.kubeconfig,
        });
    }
}
