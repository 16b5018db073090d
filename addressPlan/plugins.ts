/**
 * The network plugins, as data. Everything that differs between kubenet, Azure CNI Overlay and
 * classic Azure CNI is read from this table: the address plan, the cluster component, the
 * network (route table or not), the policy pack, verify and the lab. No module asks "is this
 * kubenet?" by comparing strings of its own.
 * Sources: Microsoft's AKS docs (learn.microsoft.com/azure/aks: configure-kubenet,
 * concepts-network-legacy-cni, update-azure-cni).
 */

/** The value of the `networkPlugin` config key (the main cluster). */
export type MainNetworkPlugin = "kubenet" | "overlay";
/** Every plugin a cluster of this program can have; `azureCni` is the second cluster's. */
export type NetworkPluginName = MainNetworkPlugin | "azureCni";

export interface NetworkPluginSpec {
    readonly name: NetworkPluginName;
    /** What people call it. */
    readonly title: string;
    /** The AKS API's networkProfile.networkPlugin. */
    readonly networkPlugin: "kubenet" | "azure";
    /** The AKS API's networkProfile.networkPluginMode (absent for kubenet and classic Azure CNI). */
    readonly networkPluginMode?: "overlay";
    /**
     * Where pod addresses come from: a private pod CIDR cut into one /24 per node, or the node
     * subnet itself (every node reserves maxPods + 1 addresses there).
     */
    readonly podAddresses: "podCidrSlices" | "nodeSubnet";
    /** kubenet needs a route table on its subnet (<slice> -> <node>); the others must have none. */
    readonly routeTable: boolean;
    /** Largest node count the plugin allows in one pool. */
    readonly maxNodes: number;
    /** AKS's maxPods default for the plugin. */
    readonly defaultMaxPods: number;
}

/** Azure route tables hold at most 400 routes, one per kubenet node. */
export const ROUTE_TABLE_ROUTE_LIMIT = 400;
/** AKS: at most 1,000 nodes in one VMSS node pool. */
export const NODES_PER_POOL_LIMIT = 1000;

export const NETWORK_PLUGINS: Readonly<Record<NetworkPluginName, NetworkPluginSpec>> = Object.freeze({
    kubenet: {
        name: "kubenet",
        title: "kubenet",
        networkPlugin: "kubenet",
        podAddresses: "podCidrSlices",
        routeTable: true,
        maxNodes: ROUTE_TABLE_ROUTE_LIMIT,
        defaultMaxPods: 110,
    },
    overlay: {
        name: "overlay",
        title: "Azure CNI Overlay",
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podAddresses: "podCidrSlices",
        routeTable: false,
        maxNodes: NODES_PER_POOL_LIMIT,
        defaultMaxPods: 250,
    },
    azureCni: {
        name: "azureCni",
        title: "Azure CNI",
        networkPlugin: "azure",
        podAddresses: "nodeSubnet",
        routeTable: false,
        maxNodes: NODES_PER_POOL_LIMIT,
        defaultMaxPods: 30,
    },
});

export const MAIN_NETWORK_PLUGINS: readonly MainNetworkPlugin[] = ["kubenet", "overlay"];

/** The plugin of a cluster as the AKS API (az aks show, ARM, Pulumi state) reports it. */
export function pluginOfProfile(
    profile: { networkPlugin?: unknown; networkPluginMode?: unknown } | undefined,
): NetworkPluginSpec | undefined {
    const plugin = typeof profile?.networkPlugin === "string" ? profile.networkPlugin.toLowerCase() : undefined;
    const mode = typeof profile?.networkPluginMode === "string" ? profile.networkPluginMode.toLowerCase() : undefined;
    return Object.values(NETWORK_PLUGINS).find(
        (spec) => spec.networkPlugin === plugin && spec.networkPluginMode === mode,
    );
}
