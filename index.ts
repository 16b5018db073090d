/**
 * aks-kubenet: config -> address plan -> network -> cluster -> workloads.
 * Config is validated (address plan included) before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildAddressPlan } from "./addressPlan";
import { Cluster } from "./cluster";
import { loadStackConfig } from "./config";
import { Network } from "./network";
import { deployWorkloads } from "./workloads";

const config = loadStackConfig();
const plan = buildAddressPlan(config);

const network = new Network("network", {
    location: config.location,
    resourceGroupName: config.resourceGroupName,
    vnetName: config.vnetName,
    vnetCidr: config.vnetCidr,
    kubenetSubnetCidr: config.kubenetSubnetCidr,
    azureCniSubnetCidr: config.azureCniSubnetCidr,
    servicesSubnetCidr: config.servicesSubnetCidr,
    protect: config.protect,
});

const cluster = new Cluster("cluster", {
    location: config.location,
    resourceGroupName: network.resourceGroup.name,
    kubenetSubnet: network.kubenetSubnet,
    servicesSubnet: network.servicesSubnet,
    routeTable: network.routeTable,
    clusterName: config.clusterName,
    nodeCount: config.nodeCount,
    nodeVmSize: config.nodeVmSize,
    maxPods: config.maxPods,
    podCidr: config.podCidr,
    serviceCidr: config.serviceCidr,
    dnsServiceIp: config.dnsServiceIp,
    kubernetesVersion: config.kubernetesVersion,
    sshPublicKey: config.sshPublicKey,
    adminUsername: config.adminUsername,
    protect: config.protect,
});

const { nginx } = deployWorkloads({ config, provider: cluster.provider, loadBalancerSubnetName: network.servicesSubnetName });

export const resourceGroupName = network.resourceGroup.name;
export const vnetName = network.vnet.name;
export const subnetIds = {
    kubenet: network.kubenetSubnet.id,
    azurecni: network.azureCniSubnet.id,
    services: network.servicesSubnet.id,
};
export const routeTableId = network.routeTable.id;
export const clusterName = cluster.managedCluster.name;
export const nodeResourceGroup = cluster.nodeResourceGroup;
export const kubeconfig = cluster.kubeconfig;
export const podCidr = plan.podCidr;
export const serviceCidr = plan.serviceCidr;
export const dnsServiceIp = plan.dnsServiceIp;
export const addressPlan = plan;
export const nginxNamespace = config.nginxNamespace;
export const nginxClusterIp = nginx.clusterIp;
export const nginxLoadBalancerIp = nginx.loadBalancerIp;
export const nextSteps = {
    getCredentials: pulumi.interpolate`az aks get-credentials -g ${resourceGroupName} -n ${clusterName}`,
    viewServices: `kubectl get svc -n ${config.nginxNamespace}`,
    viewPods: `kubectl get pods -n ${config.nginxNamespace} -o wide --sort-by=.spec.nodeName`,
    viewNodes: "kubectl get nodes -o wide",
    viewRoutes: pulumi.interpolate`az network route-table route list -g ${resourceGroupName} --route-table-name ${network.routeTable.name} -o table`,
};
