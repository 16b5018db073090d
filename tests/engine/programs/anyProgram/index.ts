/**
 * A program of the engine tier's own, not the stack's: a resource group, a VNet and subnet, and an
 * AKS cluster (Azure CNI Overlay in the subnet, a system-assigned identity, names chosen by
 * azure-native, AKS's default service range 10.0.0.0/16 and DNS IP 10.0.0.10 as the SDK fills them
 * in), and the cluster's admin kubeconfig. Config `mistake` makes one mistake at a time, each of a
 * class the rehearsal must refuse as Azure would (tests/engine/anyProgram.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";

const mistake = new pulumi.Config().get("mistake") ?? "none";

/** The pool and network profile, with the mistake made (an SDK type does not allow some: `as never`). */
const pool: Record<string, unknown> = { name: "system", mode: "System", count: 2, vmSize: "Standard_D2s_v5" };
const profile: Record<string, unknown> = { networkPlugin: "azure", networkPluginMode: "overlay" };
const MISTAKES: Readonly<Record<string, () => void>> = {
    none: () => {},
    "wrong-type": () => (pool.count = "two"),
    "missing-required": () => delete pool.name,
    "read-only": () => (pool.nodeImageVersion = "AKSUbuntu-2204gen2containerd-202611.01.0"),
    "unknown-property": () => (profile.podCIDR = "10.244.0.0/16"),
    "closed-enum": () => {}, // the identity type below
    "extensible-enum": () => (profile.networkPlugin = "calico"),
    "service-cidr-overlap": () => Object.assign(profile, { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" }),
    "dns-outside-service-cidr": () => (profile.dnsServiceIP = "10.2.0.10"),
    "dns-first-address": () => (profile.dnsServiceIP = "10.0.0.1"),
    "pod-cidr-overlap": () => (profile.podCidr = "10.1.128.0/17"),
    "max-pods": () => (pool.maxPods = 300),
    "kubenet-system-assigned": () => Object.assign(profile, { networkPlugin: "kubenet", networkPluginMode: undefined }),
    "service-cidr-change": () => Object.assign(profile, { serviceCidr: "10.3.0.0/16", dnsServiceIP: "10.3.0.10" }),
};
const make = MISTAKES[mistake];
if (!make) throw new Error(`mistake "${mistake}" is not one of ${Object.keys(MISTAKES).join(", ")}`);
make();

const group = new resources.ResourceGroup("group", {});
const vnet = new network.VirtualNetwork("vnet", {
    resourceGroupName: group.name,
    addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
});
const subnet = new network.Subnet("nodes", {
    resourceGroupName: group.name,
    virtualNetworkName: vnet.name,
    addressPrefix: "10.1.0.0/22",
});

const cluster = new containerservice.ManagedCluster("cluster", {
    resourceGroupName: group.name,
    dnsPrefix: "anyprogram",
    identity: { type: mistake === "closed-enum" ? ("Managed" as never) : "SystemAssigned" },
    agentPoolProfiles: [{ ...pool, vnetSubnetID: subnet.id } as never],
    networkProfile: profile,
});

const credentials = containerservice.listManagedClusterAdminCredentialsOutput({
    resourceGroupName: group.name,
    resourceName: cluster.name,
});
export const groupName = group.name;
export const clusterName = cluster.name;
export const kubeconfig = pulumi.secret(
    credentials.kubeconfigs.apply((kubeconfigs) => Buffer.from(kubeconfigs[0].value, "base64").toString()),
);
