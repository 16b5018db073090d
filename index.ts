/**
 * aks-kubenet: config -> address plan -> network -> cluster(s) -> workloads.
 * Config is validated (address plan included) before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildAddressPlan, NETWORK_PLUGINS } from "./addressPlan";
import { Cluster } from "./cluster";
import { DeleteLocks } from "./deleteLocks";
import { loadStackConfig } from "./config";
import { Monitoring } from "./monitoring";
import { Network, SUBNET_NAMES } from "./network";
import { staggeredWindow } from "./posture";
import { deployWorkloads } from "./workloads";

const config = loadStackConfig();
const plan = buildAddressPlan(config);
const { posture } = config;

const network = new Network("network", {
    location: config.location,
    resourceGroupName: config.resourceGroupName,
    vnetName: config.vnetName,
    vnetCidr: config.vnetCidr,
    kubenetSubnetCidr: config.kubenetSubnetCidr,
    azureCniSubnetCidr: config.azureCniSubnetCidr,
    servicesSubnetCidr: config.servicesSubnetCidr,
    mainClusterPlugin: NETWORK_PLUGINS[config.networkPlugin],
    protect: config.protect,
});

// The Log Analytics workspace Container insights, Defender and the control-plane logs send to: the
// one named by logAnalyticsWorkspaceId, or one made here when any of them is on.
const needsWorkspace = posture.monitoring || posture.defender || posture.controlPlaneLogs;
const monitoring =
    needsWorkspace && !posture.workspace
        ? new Monitoring("monitoring", {
              location: config.location,
              resourceGroupName: network.resourceGroup.name,
              workspaceName: `${config.clusterName}-logs`,
              protect: config.protect,
          })
        : undefined;
const workspace = needsWorkspace
    ? (posture.workspace ?? { id: monitoring!.workspaceId, location: config.location })
    : undefined;

/** The posture both clusters share; the pools' sizes and the network policy are the main cluster's. */
const sharedPosture = {
    production: posture.production,
    skuTier: posture.skuTier,
    zones: posture.zones,
    upgradeChannel: posture.upgradeChannel,
    nodeOsUpgradeChannel: posture.nodeOsUpgradeChannel,
    osDiskType: posture.osDiskType,
    osSku: posture.osSku,
    workspaceId: workspace?.id,
    workspaceLocation: workspace?.location,
    monitoring: posture.monitoring,
    defender: posture.defender,
    controlPlaneLogs: posture.controlPlaneLogs,
    workloadIdentity: posture.workloadIdentity,
    imageCleaner: posture.imageCleaner,
    azurePolicy: posture.azurePolicy,
    keyVaultSecretsProvider: posture.keyVaultSecretsProvider,
    apiServerAuthorizedIps: posture.apiServerAuthorizedIps,
    disableRunCommand: posture.disableRunCommand,
    costAnalysis: posture.costAnalysis,
    maxSurge: config.maxSurge,
};

/** What both clusters share: place, ranges for services, node OS settings, protection. */
const shared = {
    location: config.location,
    resourceGroupName: network.resourceGroup.name,
    servicesSubnet: network.servicesSubnet,
    nodeVmSize: config.nodeVmSize,
    serviceCidr: config.serviceCidr,
    dnsServiceIp: config.dnsServiceIp,
    kubernetesVersion: config.kubernetesVersion,
    sshPublicKey: config.sshPublicKey,
    adminUsername: config.adminUsername,
    protect: config.protect,
    access: config.clusterAccess,
    admins: config.clusterAdmins,
    grantPropagationWait: config.grantPropagationWait,
    adminGrantPropagationWait: config.adminGrantPropagationWait,
};

// The main cluster, in the kubenet subnet: kubenet, or Azure CNI Overlay after the migration.
// Its Pulumi names never change with the plugin, so the migration is an update, not a new cluster.
const cluster = new Cluster("cluster", {
    ...shared,
    plugin: config.networkPlugin,
    nodeSubnet: network.kubenetSubnet,
    nodeSubnetName: SUBNET_NAMES.kubenet,
    routeTable: network.routeTable,
    podCidr: config.podCidr,
    clusterName: config.clusterName,
    nodeCount: config.nodeCount,
    maxPods: config.maxPods,
    posture: {
        ...sharedPosture,
        maintenanceWindow: posture.maintenanceWindow,
        autoscaleMaxCount: posture.autoscaleMaxCount,
        userPool: posture.userPool,
        networkPolicy: posture.networkPolicy,
    },
});
const { nginx } = deployWorkloads({
    config,
    provider: cluster.provider,
    loadBalancerSubnetName: network.servicesSubnetName,
    userPool: cluster.userPool,
});

// The tutorial's part 2: classic Azure CNI in the azurecni subnet (opt-in).
const azureCniCluster = config.azureCniCluster
    ? new Cluster("azurecni", {
          ...shared,
          plugin: "azureCni",
          nodeSubnet: network.azureCniSubnet,
          nodeSubnetName: SUBNET_NAMES.azureCni,
          clusterName: config.azureCniClusterName,
          nodeCount: config.azureCniNodeCount,
          maxPods: config.azureCniMaxPods,
          // Its windows start when the main cluster's end: Microsoft advises staggering the windows
          // of a subscription's clusters (posture.ts staggeredWindow).
          posture: {
              ...sharedPosture,
              maintenanceWindow: posture.maintenanceWindow && staggeredWindow(posture.maintenanceWindow),
          },
      })
    : undefined;
const azureCniWorkloads = azureCniCluster
    ? deployWorkloads({
          config,
          provider: azureCniCluster.provider,
          loadBalancerSubnetName: network.servicesSubnetName,
          namePrefix: "azurecni-",
      })
    : undefined;

// deleteLock: declared last, after every Azure component, so that the locks come last and go first.
if (posture.deleteLock)
    new DeleteLocks(
        "delete-locks",
        {
            resourceGroupName: network.resourceGroup.name,
            clusters: [
                { name: "cluster", id: cluster.managedCluster.id },
                ...(azureCniCluster ? [{ name: "azurecni", id: azureCniCluster.managedCluster.id }] : []),
            ],
            protect: config.protect,
        },
        {
            dependsOn: [
                network,
                cluster,
                ...(azureCniCluster ? [azureCniCluster] : []),
                ...(monitoring ? [monitoring] : []),
            ],
        },
    );

const getCredentials = (clusterName: pulumi.Input<string>) =>
    pulumi.interpolate`az aks get-credentials -g ${network.resourceGroup.name} -n ${clusterName}`;

export const resourceGroupName = network.resourceGroup.name;
export const vnetName = network.vnet.name;
export const subnetIds = {
    kubenet: network.kubenetSubnet.id,
    azurecni: network.azureCniSubnet.id,
    services: network.servicesSubnet.id,
};
export const networkPlugin = config.networkPlugin;
export const routeTableId = network.routeTable?.id;
export const clusterName = cluster.managedCluster.name;
export const nodeResourceGroup = cluster.nodeResourceGroup;
export const kubeconfig = cluster.kubeconfig;
export const podCidr = plan.podCidr;
export const serviceCidr = plan.serviceCidr;
export const dnsServiceIp = plan.dnsServiceIp;
export const addressPlan = plan;
export const nginxNamespace = config.nginxNamespace;
/** Where Container insights, Defender and the control-plane logs write (the stack's workspace, or the one named). */
export const logAnalyticsWorkspaceId = workspace?.id;
export const nginxClusterIp = nginx.clusterIp;
export const nginxLoadBalancerIp = nginx.loadBalancerIp;
export const nextSteps = {
    getCredentials: getCredentials(clusterName),
    viewServices: `kubectl get svc -n ${config.nginxNamespace}`,
    viewPods: `kubectl get pods -n ${config.nginxNamespace} -o wide --sort-by=.spec.nodeName`,
    viewNodes: "kubectl get nodes -o wide",
    ...(network.routeTable
        ? {
              viewRoutes: pulumi.interpolate`az network route-table route list -g ${resourceGroupName} --route-table-name ${network.routeTable.name} -o table`,
          }
        : {}),
    verify: "npm run verify",
};
/** The Azure CNI cluster (azureCniCluster=true): the same questions, asked of the second cluster. */
export const azureCni =
    azureCniCluster && azureCniWorkloads
        ? {
              clusterName: azureCniCluster.managedCluster.name,
              nodeResourceGroup: azureCniCluster.nodeResourceGroup,
              kubeconfig: azureCniCluster.kubeconfig,
              nginxClusterIp: azureCniWorkloads.nginx.clusterIp,
              nginxLoadBalancerIp: azureCniWorkloads.nginx.loadBalancerIp,
              nextSteps: {
                  getCredentials: getCredentials(azureCniCluster.managedCluster.name),
                  // Pod IPs from the azurecni subnet, not from a pod CIDR:
                  viewPods: `kubectl get pods -n ${config.nginxNamespace} -o wide --sort-by=.spec.nodeName`,
                  viewNodes: "kubectl get nodes -o wide",
                  // No route table: the subnet has none, and Azure's SDN knows every pod address.
                  viewSubnet: pulumi.interpolate`az network vnet subnet show -g ${resourceGroupName} --vnet-name ${vnetName} -n ${SUBNET_NAMES.azureCni} --query "{prefix: addressPrefix, routeTable: routeTable.id}"`,
                  verify: "npm run verify -- --cluster azurecni",
              },
          }
        : undefined;
