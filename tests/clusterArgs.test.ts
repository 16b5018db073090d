/**
 * The ManagedCluster's and the user pool's inputs, read without Pulumi's runtime (clusterArgs.ts).
 * Expected values are the tutorial's (tests/helpers/tutorial.ts) and the AKS API's enum values as
 * Microsoft's REST API spec spells them, written out here.
 */
import { NETWORK_PLUGINS } from "../addressPlan";
import {
    checkPluginResources,
    dnsPrefixFor,
    managedClusterInputs,
    managedClusterOptions,
    userPoolInputs,
} from "../clusterArgs";
import { TUTORIAL_CLUSTER_SETTINGS, TUTORIAL_KUBENET_NETWORK_PROFILE } from "./helpers/tutorial";

const TUTORIAL = TUTORIAL_CLUSTER_SETTINGS;
const WIRING = { identityId: "/identity/id", nodeSubnetId: "/subnet/kubenet", tenantId: "tenant-0" };

describe("managedClusterInputs", () => {
    // #32: a feature the program manages is sent off, never left out (AKS keeps what a request
    // leaves out, Azure/AKS#2904); the upgrade channels are AKS's defaults, written out.
    it("is the tutorial's kubenet cluster with no posture, every managed feature sent off", () => {
        const inputs = managedClusterInputs(NETWORK_PLUGINS.kubenet, TUTORIAL, WIRING);
        expect(inputs).toEqual({
            resourceGroupName: "aks-network-lab",
            location: "eastus",
            resourceName: "kubenet-cluster",
            dnsPrefix: "kubenet-cluster",
            enableRBAC: true,
            identity: { type: "UserAssigned", userAssignedIdentities: ["/identity/id"] },
            networkProfile: TUTORIAL_KUBENET_NETWORK_PROFILE,
            agentPoolProfiles: [
                {
                    name: "system",
                    mode: "System",
                    type: "VirtualMachineScaleSets",
                    osType: "Linux",
                    count: 3,
                    vmSize: "Standard_D2s_v3",
                    maxPods: 110,
                    vnetSubnetID: "/subnet/kubenet",
                },
            ],
            addonProfiles: {
                azureKeyvaultSecretsProvider: { enabled: false },
                azurepolicy: { enabled: false },
                omsagent: { enabled: false },
            },
            apiServerAccessProfile: { authorizedIPRanges: [], disableRunCommand: false },
            autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" },
            metricsProfile: { costAnalysis: { enabled: false } },
            securityProfile: {
                defender: { securityMonitoring: { enabled: false } },
                imageCleaner: { enabled: false },
                workloadIdentity: { enabled: false },
            },
        });
    });

    it("sends Overlay's mode with the pod CIDR, and classic Azure CNI neither", () => {
        const overlay = managedClusterInputs(NETWORK_PLUGINS.overlay, TUTORIAL, WIRING).networkProfile as Record<
            string,
            unknown
        >;
        expect([overlay.networkPlugin, overlay.networkPluginMode, overlay.podCidr]).toEqual([
            "azure",
            "overlay",
            "10.100.0.0/16",
        ]);
        const classic = managedClusterInputs(NETWORK_PLUGINS.azureCni, { ...TUTORIAL, podCidr: undefined }, WIRING)
            .networkProfile as Record<string, unknown>;
        expect(classic.networkPlugin).toBe("azure");
        expect(classic).not.toHaveProperty("networkPluginMode");
        expect(classic).not.toHaveProperty("podCidr");
    });

    it("adds Entra ID with Azure RBAC and no local accounts, the version and the SSH key only when set", () => {
        const inputs = managedClusterInputs(
            NETWORK_PLUGINS.kubenet,
            { ...TUTORIAL, access: "entra", kubernetesVersion: "1.33", sshPublicKey: "ssh-ed25519 AAAA" },
            WIRING,
        );
        expect(inputs.aadProfile).toEqual({ managed: true, enableAzureRBAC: true, tenantID: "tenant-0" });
        expect(inputs.disableLocalAccounts).toBe(true);
        expect(inputs.kubernetesVersion).toBe("1.33");
        expect(inputs.linuxProfile).toEqual({
            adminUsername: "azureuser",
            ssh: { publicKeys: [{ keyData: "ssh-ed25519 AAAA" }] },
        });
    });

    it("taints the system pool only when a user pool takes the workloads, and autoscales from the count", () => {
        const alone = managedClusterInputs(
            NETWORK_PLUGINS.kubenet,
            { ...TUTORIAL, posture: { autoscaleMaxCount: 6 } },
            WIRING,
        );
        const [system] = alone.agentPoolProfiles as unknown as Record<string, unknown>[];
        expect(system).not.toHaveProperty("nodeTaints");
        expect([system.count, system.enableAutoScaling, system.minCount, system.maxCount]).toEqual([3, true, 3, 6]);

        const withUserPool = managedClusterInputs(
            NETWORK_PLUGINS.kubenet,
            { ...TUTORIAL, posture: { userPool: { nodeCount: 2, vmSize: "Standard_D4s_v5" } } },
            WIRING,
        );
        expect((withUserPool.agentPoolProfiles as unknown as Record<string, unknown>[])[0].nodeTaints).toEqual([
            "CriticalAddonsOnly=true:NoSchedule",
        ]);
    });
});

describe("managedClusterOptions", () => {
    // AKS sets a network policy and dataplane by itself when none is declared (clusterNetwork.ts).
    const AKS_SETS = ["networkProfile.networkDataplane", "networkProfile.networkPolicy"];

    it("ignores what AKS sets and the autoscaled count, and drops the SDK's pod CIDR on classic Azure CNI only", () => {
        expect(managedClusterOptions(NETWORK_PLUGINS.kubenet, undefined)).toEqual({ ignoreChanges: AKS_SETS });
        expect(managedClusterOptions(NETWORK_PLUGINS.kubenet, { autoscaleMaxCount: 6 }).ignoreChanges).toEqual([
            ...AKS_SETS,
            "agentPoolProfiles[0].count",
        ]);
        expect(managedClusterOptions(NETWORK_PLUGINS.kubenet, { networkPolicy: "cilium" }).ignoreChanges).toEqual([]);
        expect(managedClusterOptions(NETWORK_PLUGINS.azureCni, undefined).transforms).toHaveLength(1);
        expect(managedClusterOptions(NETWORK_PLUGINS.overlay, undefined)).not.toHaveProperty("transforms");
    });
});

describe("userPoolInputs", () => {
    it("is undefined without a user pool, and a User pool in the nodes' subnet with one", () => {
        const wiring = { clusterResourceName: "kubenet-cluster", nodeSubnetId: "/subnet/kubenet" };
        expect(userPoolInputs(TUTORIAL, wiring)).toBeUndefined();
        expect(
            userPoolInputs(
                {
                    ...TUTORIAL,
                    posture: { userPool: { nodeCount: 2, vmSize: "Standard_D4s_v5", autoscaleMaxCount: 5 } },
                },
                wiring,
            ),
        ).toEqual({
            resourceGroupName: "aks-network-lab",
            resourceName: "kubenet-cluster",
            agentPoolName: "user",
            mode: "User",
            type: "VirtualMachineScaleSets",
            osType: "Linux",
            count: 2,
            enableAutoScaling: true,
            minCount: 2,
            maxCount: 5,
            vmSize: "Standard_D4s_v5",
            maxPods: 110,
            vnetSubnetID: "/subnet/kubenet",
        });
    });
});

describe("checkPluginResources and dnsPrefixFor", () => {
    it("names the cluster and what its plugin needs or refuses", () => {
        expect(() =>
            checkPluginResources("cluster", NETWORK_PLUGINS.kubenet, { hasRouteTable: false, hasPodCidr: true }),
        ).toThrow("cluster cluster: the kubenet plugin needs a route table");
        expect(() =>
            checkPluginResources("azurecni", NETWORK_PLUGINS.azureCni, { hasRouteTable: false, hasPodCidr: true }),
        ).toThrow("cluster azurecni: the Azure CNI plugin takes no podCidr");
        expect(() =>
            checkPluginResources("cluster", NETWORK_PLUGINS.overlay, { hasRouteTable: true, hasPodCidr: true }),
        ).toThrow("must not have a route table");
        expect(() =>
            checkPluginResources("cluster", NETWORK_PLUGINS.overlay, { hasRouteTable: false, hasPodCidr: true }),
        ).not.toThrow();
    });

    it("turns underscores into hyphens, keeps 54 characters and ends alphanumeric", () => {
        expect(dnsPrefixFor("my_cluster")).toBe("my-cluster");
        const long = `${"a".repeat(53)}-b`; // 55 characters: the 54th is the hyphen
        expect(dnsPrefixFor(long)).toBe("a".repeat(53));
    });
});
