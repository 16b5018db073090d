/**
 * The production rules of the policy pack (clusters tagged aks-kubenet-posture: production): their
 * whole sentences, the resource each violation lands on, and the edges of each check. Each
 * expectation is written from what the policy promises its users, not taken from its output; the
 * peak's numbers are worked out by hand from the address plan's rule (every pool at its maximum,
 * plus each pool's upgrade surge: AKS's default 10% of the pool, rounded up).
 */
import {
    productionAutoscalerWithinPlan,
    productionEntra,
    productionMaintenanceWindows,
    productionTier,
    productionZones,
} from "../policy/policies";
import { Resource, stackReportsOf as reportsOf, violationsOf } from "./helpers/policy";
import {
    azureCni,
    maintenanceWindow,
    overlay,
    productionCluster,
    PRODUCTION_TAGS,
    productionNodes,
    subnet,
    SUBNET,
    SUBNET_ID,
} from "./helpers/policyFixtures";

describe("the production rules", () => {
    const production = productionCluster;
    const nodes = productionNodes;
    const agentPool = (props: Record<string, unknown>): Resource => ({
        type: "azure-native:containerservice:AgentPool",
        name: "user-pool",
        props: { resourceName: "prod-cluster", resourceGroupName: "rg", agentPoolName: "user", count: 2, ...props },
    });

    test("Entra: Azure RBAC off is Entra off; the sentences in full", () => {
        expect(
            violationsOf(
                productionEntra,
                production({ aadProfile: { managed: true, enableAzureRBAC: false }, disableLocalAccounts: false }),
            ),
        ).toEqual([
            "production: Microsoft Entra ID with Azure RBAC is off: set clusterAccess entra.",
            "production: local accounts are on (a certificate grants cluster-admin): set clusterAccess entra.",
        ]);
        expect(violationsOf(productionEntra, production({ aadProfile: { enableAzureRBAC: true } }))).toHaveLength(1);
        expect(violationsOf(productionEntra, { type: SUBNET, props: { tags: PRODUCTION_TAGS } })).toEqual([]);
    });
    test("tier: the sentence names what is declared; only production clusters are judged", () => {
        expect(violationsOf(productionTier, production({ sku: { tier: "Free" } }))).toEqual([
            "production: the tier is Free, without the API server's SLA: set skuTier Standard.",
        ]);
        expect(violationsOf(productionTier, production({ sku: {} }))).toEqual([
            "production: the tier is not declared (Free), without the API server's SLA: set skuTier Standard.",
        ]);
        expect(
            violationsOf(productionTier, production({ sku: { tier: "Free" }, tags: { "aks-kubenet-posture": "dev" } })),
        ).toEqual([]);
        expect(violationsOf(productionTier, { type: SUBNET, props: { tags: PRODUCTION_TAGS } })).toEqual([]);
    });
    test("zones: the sentence in full, on the cluster; two zones are enough; a pool of another group is another cluster's", () => {
        expect(reportsOf(productionZones, [production({}, { availabilityZones: ["1"] })])).toEqual([
            [
                "production: pool system of prod is in zone 1 only: set zones (at least 2) before the pool is created; AKS cannot add zones to an existing pool.",
                "urn:prod",
            ],
        ]);
        expect(reportsOf(productionZones, [production({}, { availabilityZones: undefined })])[0][0]).toContain(
            "pool system of prod is in no zone:",
        );
        expect(reportsOf(productionZones, [production(), agentPool({ resourceGroupName: "other-rg" })])).toEqual([]);
        expect(reportsOf(productionZones, [production(), agentPool({ availabilityZones: ["1", "2"] })])).toEqual([]);
        expect(
            reportsOf(productionZones, [production({ agentPoolProfiles: undefined }), agentPool({})]).map(
                ([message]) => message,
            ),
        ).toEqual([
            "production: pool user of prod is in no zone: set zones (at least 2) before the pool is created; AKS cannot add zones to an existing pool.",
        ]);
    });
    test("maintenance windows: both missing are named together, on the cluster", () => {
        expect(reportsOf(productionMaintenanceWindows, [production()])).toEqual([
            [
                "production: prod has no aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule: set maintenanceWindow, so upgrades run in a window you chose.",
                "urn:prod",
            ],
        ]);
        const window = maintenanceWindow;
        expect(
            reportsOf(productionMaintenanceWindows, [
                production(),
                window("aksManagedAutoUpgradeSchedule"),
                window("aksManagedNodeOSUpgradeSchedule", "other-rg"),
            ]).map(([message]) => message),
        ).toEqual([
            "production: prod has no aksManagedNodeOSUpgradeSchedule: set maintenanceWindow, so upgrades run in a window you chose.",
        ]);
    });

    describe("autoscaler within the plan", () => {
        test("the sentence in full, on the cluster: fixed pools count their nodes, autoscaled ones their maximum", () => {
            // 228 system (autoscaled) + 2 user (fixed) + ceil(10% of 228) = 23 + ceil(10% of 2) = 1
            // surge = 254 nodes, over a /24's 251 addresses (not the /16's 256 slices). Beside the
            // user pool's 2 + 1, 248 are left: 225 + ceil(22.5) = 23 = 248.
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { enableAutoScaling: true, maxCount: 228 }),
                    agentPool({ enableAutoScaling: false, maxCount: 900 }),
                ]),
            ).toEqual([
                [
                    "production: prod at its autoscalers' maximum: at its peak the kubenet cluster has 228 system + 2 user + 24 upgrade surge nodes (maxSurge unset: AKS's 10%) = 254 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 225, or lower maxSurge, or widen the plan",
                    "urn:prod",
                ],
            ]);
        });
        test("a maxCount of 0 is no maximum; every unbounded pool is named, and the plan is not judged", () => {
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { enableAutoScaling: true, maxCount: 0 }),
                    agentPool({ enableAutoScaling: true }),
                ]),
            ).toEqual([
                ["production: pool system of prod autoscales with no maxCount.", "urn:prod"],
                ["production: pool user of prod autoscales with no maxCount.", "urn:prod"],
            ]);
        });
        test("the system pool's maxSurge stands for every pool; an unusable one is named", () => {
            // maxSurge "1": 246 + 1 system, 3 + 1 user = 251 of 251; 247 system make 252. Under AKS's
            // default, 246 + ceil(24.6) = 25 alone would not fit beside the user pool.
            const withSurge = (count: number, maxSurge: string) =>
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { count, upgradeSettings: { maxSurge } }),
                    agentPool({ count: 3 }),
                ]).map(([message]) => message);
            expect(withSurge(246, "1")).toEqual([]);
            expect(withSurge(247, "1")).toEqual([
                "production: prod at its autoscalers' maximum: at its peak the kubenet cluster has 247 system + 3 user + 2 upgrade surge nodes (maxSurge 1) = 252 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 246, or lower maxSurge, or widen the plan",
            ]);
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { count: 246 }),
                    agentPool({ count: 3 }),
                ]),
            ).toHaveLength(1);
            expect(withSurge(3, "0")).toEqual([
                "production: prod at its autoscalers' maximum: 0 surges no node, which AKS accepts only with maxUnavailable (not set by this program); use at least 1, or a percentage",
            ]);
        });
        test("the pools' sum may fill the subnet: 224 + 23 surge system, 3 + 1 surge user = 251 of 251, not one more", () => {
            // 224 + ceil(22.4) = 23, 3 + ceil(0.3) = 1: 251. A fourth user node: 4 + 1, 252.
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { count: 224 }),
                    agentPool({ count: 3 }),
                ]),
            ).toEqual([]);
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({}, { count: 224 }),
                    agentPool({ count: 4 }),
                ]),
            ).toHaveLength(1);
        });
        test("a maximum over a pool's 1000 nodes is the plan's autoscalerRange finding", () => {
            const wide = subnet("nodes", { id: SUBNET_ID, addressPrefix: "10.220.0.0/16" });
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    wide,
                    production(
                        { networkProfile: { ...overlay, podCidr: "10.64.0.0/10" } },
                        { enableAutoScaling: true, maxCount: 1001 },
                    ),
                ]).map(([message]) => message),
            ).toEqual([
                "production: prod at its autoscalers' maximum: 1001 is out of range; an AKS node pool holds at most 1000 nodes",
            ]);
        });
        test("classic Azure CNI: AKS's 30 pods a node when maxPods is not declared", () => {
            // (10 + ceil(10% of 10) = 1 surge) x 31 = 341 addresses, over a /24's 251.
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({ networkProfile: azureCni }, { count: 10 }),
                ]).map(([message]) => message),
            ).toEqual([
                expect.stringMatching(
                    /^production: prod at its autoscalers' maximum: azureCniNodeCount 10 \(\+1 upgrade surge node \(maxSurge unset: AKS's 10%\)\) x \(azureCniMaxPods 30 \+ 1\) = 341 addresses/,
                ),
            ]);
        });
        test("an untagged cluster, or a plugin this program never builds, is not judged", () => {
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({ tags: {} }, { enableAutoScaling: true, maxCount: 0 }),
                ]),
            ).toEqual([]);
            expect(
                reportsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({ networkProfile: { networkPlugin: "none" } }, { count: 900 }),
                ]),
            ).toEqual([]);
        });
    });
});
