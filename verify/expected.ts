/**
 * What verify expects of a cluster, from the stack's config and the address plan: never a second
 * copy of the numbers. Pure.
 */
import { NETWORK_PLUGINS, NetworkPluginSpec } from "../addressPlan";
import { StackConfig } from "../config";
import { ClusterChoice, routeTableNameFor, SUBNET_NAMES } from "../names";
import { NGINX_NAME, selectorLabels } from "../workloads/nginxManifests";
import type { SnapshotNames } from "./snapshot";

export interface Expected {
    readonly cluster: ClusterChoice;
    readonly clusterName: string;
    readonly plugin: NetworkPluginSpec;
    readonly resourceGroupName: string;
    readonly vnetName: string;
    /** The subnet the nodes (and for Azure CNI the pods) live in. */
    readonly subnetName: string;
    readonly nodeSubnetCidr: string;
    /** kubenet and Overlay: the pod range, one /24 per node. */
    readonly podCidr?: string;
    /** kubenet: the table that must be on the subnet. Otherwise the subnet must have none. */
    readonly routeTableName?: string;
    readonly serviceCidr: string;
    readonly dnsServiceIp: string;
    readonly servicesSubnetCidr: string;
    readonly nginx: {
        readonly namespace: string;
        readonly serviceName: string;
        readonly selector: Readonly<Record<string, string>>;
        readonly replicas: number;
    };
}

export function expectedFor(config: StackConfig, cluster: ClusterChoice): Expected {
    const plugin = cluster === "azurecni" ? NETWORK_PLUGINS.azureCni : NETWORK_PLUGINS[config.networkPlugin];
    return {
        cluster,
        clusterName: cluster === "azurecni" ? config.azureCniClusterName : config.clusterName,
        plugin,
        resourceGroupName: config.resourceGroupName,
        vnetName: config.vnetName,
        subnetName: cluster === "azurecni" ? SUBNET_NAMES.azureCni : SUBNET_NAMES.kubenet,
        nodeSubnetCidr: cluster === "azurecni" ? config.azureCniSubnetCidr : config.kubenetSubnetCidr,
        ...(plugin.podAddresses === "podCidrSlices" ? { podCidr: config.podCidr } : {}),
        ...(plugin.routeTable ? { routeTableName: routeTableNameFor(config.vnetName) } : {}),
        serviceCidr: config.serviceCidr,
        dnsServiceIp: config.dnsServiceIp,
        servicesSubnetCidr: config.servicesSubnetCidr,
        nginx: {
            namespace: config.nginxNamespace,
            serviceName: NGINX_NAME,
            selector: selectorLabels({
                name: NGINX_NAME,
                namespace: config.nginxNamespace,
                image: config.nginxImage,
                replicas: config.nginxReplicas,
                loadBalancerSubnetName: SUBNET_NAMES.services,
            }),
            replicas: config.nginxReplicas,
        },
    };
}

/** The Azure and Kubernetes names a snapshot of this cluster is read and captured with. */
export function snapshotNamesOf(expected: Expected): SnapshotNames {
    return {
        namespace: expected.nginx.namespace,
        resourceGroup: expected.resourceGroupName,
        vnet: expected.vnetName,
        subnet: expected.subnetName,
        routeTable: expected.routeTableName,
    };
}
