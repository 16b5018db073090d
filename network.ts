/**
 * The lab's network: resource group, VNet, the three subnets and, for kubenet, the route table
 * the program owns for the kubenet subnet.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import { NetworkPluginSpec } from "./addressPlan";
import { COMPONENT_TYPES, routeTableNameFor, SUBNET_NAMES } from "./names";

export { routeTableNameFor, SUBNET_NAMES };

export interface NetworkArgs {
    /** Azure region of every resource. */
    readonly location: string;
    readonly resourceGroupName: string;
    readonly vnetName: string;
    readonly vnetCidr: string;
    readonly kubenetSubnetCidr: string;
    readonly azureCniSubnetCidr: string;
    readonly servicesSubnetCidr: string;
    /**
     * The plugin of the main cluster, the one in the kubenet subnet: kubenet's brings the route
     * table; with Azure CNI Overlay the table is not declared and the subnet carries none.
     */
    readonly mainClusterPlugin: NetworkPluginSpec;
    /** Protect the resource group, VNet, subnets and route table from deletion. */
    readonly protect: boolean;
}

export class Network extends pulumi.ComponentResource {
    public readonly resourceGroup: resources.ResourceGroup;
    public readonly vnet: network.VirtualNetwork;
    /** Present while the main cluster's plugin is kubenet. */
    public readonly routeTable?: network.RouteTable;
    public readonly kubenetSubnet: network.Subnet;
    public readonly azureCniSubnet: network.Subnet;
    public readonly servicesSubnet: network.Subnet;
    /** Name of the subnet internal load balancers go to. */
    public readonly servicesSubnetName: string = SUBNET_NAMES.services;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.network, name, {}, opts);
        const childOpts = { parent: this, protect: args.protect };

        this.resourceGroup = new resources.ResourceGroup(
            `${name}-rg`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
            },
            childOpts,
        );
        const resourceGroupName = this.resourceGroup.name;

        // Subnets are standalone resources and `subnets` stays unset here: azure-native then
        // leaves the VNet's subnet list alone instead of fighting the Subnet resources.
        this.vnet = new network.VirtualNetwork(
            `${name}-vnet`,
            {
                resourceGroupName,
                location: args.location,
                virtualNetworkName: args.vnetName,
                addressSpace: { addressPrefixes: [args.vnetCidr] },
            },
            childOpts,
        );

        // The program owns the kubenet route table. If AKS made its own and attached it, the next
        // update of the subnet (which would not mention it) would detach it and break cross-node
        // pod traffic and cluster DNS (hashicorp/terraform-provider-azurerm#3749, #4719, Azure/AKS#400).
        // `routes` stays unset so AKS's routes survive every update; custom routes would be
        // standalone Route resources.
        // Without it (Overlay), the engine updates the subnet (table detached) before it deletes
        // the table: deletions run last, and Azure refuses to delete a table still attached.
        if (args.mainClusterPlugin.routeTable) {
            this.routeTable = new network.RouteTable(
                `${name}-routes`,
                {
                    resourceGroupName,
                    location: args.location,
                    routeTableName: routeTableNameFor(args.vnetName),
                },
                childOpts,
            );
        }

        // One subnet at a time: parallel subnet writes on one VNet fail with
        // AnotherOperationInProgress (pulumi/pulumi-azure-native#699, #1024).
        this.kubenetSubnet = new network.Subnet(
            `${name}-${SUBNET_NAMES.kubenet}`,
            {
                resourceGroupName,
                virtualNetworkName: this.vnet.name,
                subnetName: SUBNET_NAMES.kubenet,
                addressPrefix: args.kubenetSubnetCidr,
                ...(this.routeTable ? { routeTable: { id: this.routeTable.id } } : {}),
            },
            childOpts,
        );
        // The Azure CNI subnet never carries a route table: its pods are VNet addresses.
        this.azureCniSubnet = new network.Subnet(
            `${name}-${SUBNET_NAMES.azureCni}`,
            {
                resourceGroupName,
                virtualNetworkName: this.vnet.name,
                subnetName: SUBNET_NAMES.azureCni,
                addressPrefix: args.azureCniSubnetCidr,
            },
            { ...childOpts, dependsOn: [this.kubenetSubnet] },
        );
        this.servicesSubnet = new network.Subnet(
            `${name}-${SUBNET_NAMES.services}`,
            {
                resourceGroupName,
                virtualNetworkName: this.vnet.name,
                subnetName: SUBNET_NAMES.services,
                addressPrefix: args.servicesSubnetCidr,
            },
            { ...childOpts, dependsOn: [this.azureCniSubnet] },
        );

        this.registerOutputs({
            resourceGroupName: this.resourceGroup.name,
            vnetName: this.vnet.name,
            routeTableId: this.routeTable?.id,
            kubenetSubnetId: this.kubenetSubnet.id,
            azureCniSubnetId: this.azureCniSubnet.id,
            servicesSubnetId: this.servicesSubnet.id,
        });
    }
}
