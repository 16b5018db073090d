/**
 * AKS's own rules in the stand-in (rehearsal/standIn/aksRules.ts), a second opinion written from
 * Microsoft's docs: each rule refuses the case its source describes, real clusters that exist pass
 * them all (ARM captures from ../shared/realdata), and every change they say AKS refuses on an
 * existing cluster is, in the project's own tables, either replaced by azure-native (the force-new
 * table) or refused by the preview guard (IRREVERSIBLE_CHANGES): the cross-check between the
 * stand-in's opinion and the table's.
 */
import { guardPreview, type PreviewStep } from "../guard/previewGuard";
import { REPLACEMENT_FACTS, replacingPaths } from "../guard/replacements";
import type { JsonObject } from "../rehearsal/azureModel";
import {
    AKS_RESOURCE_LOG_CATEGORIES,
    AKS_RULES,
    clusterCreateRefusals,
    IMMUTABLE_POOL_PROPERTIES,
} from "../rehearsal/standIn/aksRules";
import { CONTROL_PLANE_LOG_CATEGORIES } from "../posture";
import { clusterInputs, make, network, standIn, TYPES, urn, withNetwork, withPool } from "./helpers/standIn";
import { readCapture, realdataPresent, REALDATA_DIR } from "./helpers/realdata";

/** A cluster's ARM body with a kubenet network profile and one system pool. */
const body = (profile: JsonObject, pool: JsonObject = {}): JsonObject => ({
    location: "eastus",
    properties: {
        networkProfile: { networkPlugin: "kubenet", ...profile },
        agentPoolProfiles: [{ name: "system", mode: "System", count: 3, ...pool }],
    },
});
const dev = { podCidr: "10.100.0.0/16", serviceCidr: "10.200.0.0/16", dnsServiceIP: "10.200.0.10" };
const vnet = { subnetPrefixes: ["10.220.1.0/24"], vnetPrefixes: ["10.220.0.0/16"] };
const pools = (cluster: JsonObject) =>
    ((cluster.properties as JsonObject).agentPoolProfiles as JsonObject[]).map((properties, index) => ({
        name: JSON.stringify(properties.name),
        target: `properties.agentPoolProfiles[${index}]`,
        properties,
    }));
const codes = (cluster: JsonObject, network = vnet) =>
    clusterCreateRefusals(cluster, pools(cluster), network).map((error) => [error.code, error.target]);

describe("create: each rule refuses what its source describes", () => {
    test("the dev stack's network passes", () => {
        expect(codes(body(dev))).toEqual([]);
    });

    test("a service CIDR overlapping the VNet: ServiceCidrOverlapExistingSubnetsCidr (Azure/AKS#1117)", () => {
        expect(codes(body({ ...dev, serviceCidr: "10.220.0.0/16", dnsServiceIP: "10.220.0.10" }))).toEqual([
            ["ServiceCidrOverlapExistingSubnetsCidr", "properties.networkProfile.serviceCidr"],
        ]);
        // AKS's default service CIDR in a 10.0.x VNet, the case of the issue.
        expect(
            codes(body({ podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" }), {
                subnetPrefixes: ["10.0.0.0/22"],
                vnetPrefixes: ["10.0.0.0/16"],
            }),
        ).toEqual([["ServiceCidrOverlapExistingSubnetsCidr", "properties.networkProfile.serviceCidr"]]);
    });

    test("dnsServiceIP outside the service CIDR, or its first address", () => {
        expect(codes(body({ ...dev, dnsServiceIP: "10.201.0.10" }))).toEqual([
            ["InvalidParameter", "properties.networkProfile.dnsServiceIP"],
        ]);
        expect(codes(body({ ...dev, dnsServiceIP: "10.200.0.1" }))).toEqual([
            ["InvalidParameter", "properties.networkProfile.dnsServiceIP"],
        ]);
    });

    test("kubenet's pod CIDR overlapping the VNet; a service CIDR of /12 or more; a reserved range", () => {
        expect(codes(body({ ...dev, podCidr: "10.220.128.0/17" }))).toEqual([
            ["InvalidParameter", "properties.networkProfile.podCidr"],
        ]);
        expect(codes(body({ ...dev, serviceCidr: "10.192.0.0/11", dnsServiceIP: "10.192.0.10" }))).toEqual([
            ["ServiceCidrOverlapExistingSubnetsCidr", "properties.networkProfile.serviceCidr"],
            ["InvalidParameter", "properties.networkProfile.serviceCidr"],
        ]);
        expect(codes(body({ ...dev, podCidr: "172.30.0.0/16" }))).toEqual([
            ["InvalidParameter", "properties.networkProfile.podCidr"],
        ]);
    });

    test("kubenet's maxPods (10 to 250) and 400 nodes; a cluster without a System pool", () => {
        expect(codes(body(dev, { maxPods: 251 }))).toEqual([
            ["InvalidParameter", "properties.agentPoolProfiles[0].maxPods"],
        ]);
        expect(codes(body(dev, { maxPods: 9 }))).toEqual([
            ["InvalidParameter", "properties.agentPoolProfiles[0].maxPods"],
        ]);
        expect(codes(body(dev, { count: 401 }))).toEqual([["InvalidParameter", "properties.agentPoolProfiles"]]);
        expect(codes(body(dev, { mode: "User" }))).toEqual([["InvalidParameter", "properties.agentPoolProfiles"]]);
        // Azure CNI has neither kubenet limit.
        expect(codes(body({ ...dev, networkPlugin: "azure", podCidr: null }, { maxPods: 251, count: 401 }))).toEqual(
            [],
        );
    });

    test("Overlay's pod CIDR over the VNet and its 250 pods; kubenet in an own subnet with a system-assigned identity", () => {
        const overlay = { ...dev, networkPlugin: "azure", networkPluginMode: "overlay" };
        expect(codes(body(overlay))).toEqual([]);
        expect(codes(body({ ...overlay, podCidr: "10.220.0.0/20" }))).toEqual([
            ["InvalidParameter", "properties.networkProfile.podCidr"],
        ]);
        expect(codes(body(overlay, { maxPods: 251 }))).toEqual([
            ["InvalidParameter", "properties.agentPoolProfiles[0].maxPods"],
        ]);
        const systemAssigned = (profile: JsonObject) => ({
            ...body(profile, {
                vnetSubnetID:
                    "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/k",
            }),
            identity: { type: "SystemAssigned" },
        });
        expect(codes(systemAssigned(dev))).toEqual([["InvalidParameter", "identity.type"]]);
        expect(codes(systemAssigned(overlay))).toEqual([]);
    });

    test("every rule names its source", () => {
        for (const rule of AKS_RULES) expect([rule.id, rule.source.length > 20]).toEqual([rule.id, true]);
    });
});

(realdataPresent ? describe : describe.skip)(
    `real clusters that exist pass every create rule${realdataPresent ? "" : ` (skipped: no real captures at ${REALDATA_DIR})`}`,
    () => {
        test.each([
            // az aks create --network-plugin azure (2023): AKS's own VNet.
            ["arm_azurecni_cliakstest000002.json", undefined],
            // kubenet + calico, service 10.0.0.0/16 with DNS 10.0.2.10 (2023): AKS's own VNet.
            ["arm_kubenet_calico_network_cidr.json", undefined],
            // Overlay in the user's VNet 192.168.0.0/16, subnet 192.168.0.0/24 (2025).
            [
                "arm_overlay_uai_byo_cliakstest000001.json",
                { subnetPrefixes: ["192.168.0.0/24"], vnetPrefixes: ["192.168.0.0/16"] },
            ],
        ])("%s", (file, network) => {
            const cluster = readCapture(`_sources/${file}`);
            expect(
                clusterCreateRefusals(
                    cluster,
                    pools(cluster),
                    network ?? { subnetPrefixes: ["10.224.0.0/16"], vnetPrefixes: ["10.224.0.0/12"] },
                ),
            ).toEqual([]);
        });
    },
);

/**
 * Every change aksRules.ts says AKS refuses on an existing cluster or pool, as the program's inputs
 * would carry it. Where neither the force-new table nor the guard has it, it is listed here with
 * why, and the walk fails on any other.
 */
const CLUSTER_CHANGES: ReadonlyArray<readonly [string, (inputs: JsonObject) => JsonObject]> = [
    ["networkProfile.podCidr", (inputs) => withNetwork(inputs, { podCidr: "10.150.0.0/16" })],
    [
        "networkProfile.serviceCidr",
        (inputs) => withNetwork(inputs, { serviceCidr: "10.201.0.0/16", dnsServiceIP: "10.200.0.10" }),
    ],
    ["networkProfile.dnsServiceIP", (inputs) => withNetwork(inputs, { dnsServiceIP: "10.200.0.11" })],
    ["networkProfile.networkPlugin", (inputs) => withNetwork(inputs, { networkPlugin: "azure", podCidr: null })],
    ["aadProfile.managed", ({ aadProfile: _entra, ...inputs }) => ({ ...inputs, disableLocalAccounts: false })],
    ["nodeResourceGroup", (inputs) => ({ ...inputs, nodeResourceGroup: "MC_other" })],
    ...IMMUTABLE_POOL_PROPERTIES.map(
        (name) =>
            [
                `agentPoolProfiles[].${name}`,
                (inputs: JsonObject) =>
                    withPool(inputs, {
                        [name]: {
                            vmSize: "Standard_D4s_v5",
                            availabilityZones: ["1"],
                            osDiskType: "Ephemeral",
                            osDiskSizeGB: 64,
                            maxPods: 50,
                            gpuInstanceProfile: "MIG1g",
                        }[name],
                    }),
            ] as const,
    ),
];

/** Refused by AKS, and neither replaced by azure-native nor blocked by the guard: why each is left. */
const KNOWN_GAPS: Readonly<Record<string, string>> = {
    "agentPoolProfiles[].gpuInstanceProfile":
        "the program declares no GPU profile (no config key sets it); azure-native's table makes AgentPool's force-new, not the inline pool's",
};

describe("the cross-check: every change AKS refuses is replaced by the table or blocked by the guard", () => {
    test.each(CLUSTER_CHANGES.map(([path, change]) => [path, change] as const))("%s", async (path, change) => {
        const { provider } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const changed = change(cluster.inputs);
        // The stand-in, playing AKS, refuses the change at Update (aksRules.ts, not the table).
        await expect(
            provider.update(cluster.id, urn(TYPES.cluster, "cluster-aks"), cluster.state, changed),
        ).rejects.toThrow(/400 (PropertyChangeNotAllowed|InvalidParameter)/);
        // The project's tables: azure-native replaces it (the preview shows it), or the guard refuses the update.
        const replaced = replacingPaths(TYPES.cluster, [path.replace("[]", "[0]")]).length > 0;
        const step: PreviewStep = {
            op: "update",
            urn: urn(TYPES.cluster, "cluster-aks"),
            oldState: { type: TYPES.cluster, inputs: cluster.inputs, outputs: cluster.outs },
            newState: { type: TYPES.cluster, inputs: changed },
        };
        const blocked = guardPreview([step], ["cluster-aks"]).refusals.length > 0;
        expect([path, replaced || blocked || KNOWN_GAPS[path] !== undefined]).toEqual([path, true]);
        // A gap closed: drop it from the list.
        if (KNOWN_GAPS[path]) expect([path, replaced || blocked]).toEqual([path, false]);
    });

    test("the AgentPool resource's immutable properties too", () => {
        const facts = REPLACEMENT_FACTS[TYPES.pool];
        for (const name of IMMUTABLE_POOL_PROPERTIES) {
            const oldState = { type: TYPES.pool, inputs: { [name]: "a" }, outputs: {} };
            const step: PreviewStep = {
                op: "update",
                urn: urn(TYPES.pool, "cluster-user-pool"),
                oldState,
                newState: { type: TYPES.pool, inputs: { [name]: name === "availabilityZones" ? ["1"] : "b" } },
            };
            const covered =
                facts.forceNew.includes(name) || guardPreview([step], ["cluster-user-pool"]).refusals.length > 0;
            expect([name, covered]).toEqual([name, true]);
        }
    });
});

describe("the resource-log categories of an AKS cluster", () => {
    // Azure Monitor's supported logs for Microsoft.ContainerService/managedClusters, written out
    // here: the control plane's components, the audit logs, guard and the CSI controllers.
    test("hold the tutorial's control plane's components and the audit logs, and not kube-proxy", () => {
        for (const category of ["kube-apiserver", "kube-audit", "kube-audit-admin", "guard", "cluster-autoscaler"])
            expect(AKS_RESOURCE_LOG_CATEGORIES).toContain(category);
        expect(AKS_RESOURCE_LOG_CATEGORIES).not.toContain("kube-proxy");
    });

    test("the program's control-plane logs (posture.ts) are categories AKS sends", () => {
        expect(
            CONTROL_PLANE_LOG_CATEGORIES.filter((category) => !AKS_RESOURCE_LOG_CATEGORIES.includes(category)),
        ).toEqual([]);
    });
});
