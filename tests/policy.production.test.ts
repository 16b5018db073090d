/** The production policies: a passing and a failing fixture each; untagged clusters are not theirs to judge. */
import {
    productionAutoscalerWithinPlan,
    productionEntra,
    productionMaintenanceWindows,
    productionTier,
    productionZones,
} from "../policy/policies";
import { Resource, stackViolationsOf, violationsOf } from "./helpers/policy";
import { MAINTENANCE_WINDOWS } from "./helpers/policyFixtures";

const SUBNET_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/kubenet";
const subnet: Resource = {
    type: "azure-native:network:Subnet",
    name: "network-kubenet",
    props: { id: SUBNET_ID, addressPrefix: "10.220.1.0/24", routeTable: { id: "rt" } },
};
const systemPool = {
    name: "system",
    count: 3,
    enableAutoScaling: true,
    minCount: 3,
    maxCount: 5,
    availabilityZones: ["1", "2", "3"],
    vnetSubnetID: SUBNET_ID,
};
const production = (extra: Record<string, unknown> = {}, pool: Record<string, unknown> = {}): Resource => ({
    type: "azure-native:containerservice:ManagedCluster",
    name: "cluster-aks",
    props: {
        resourceName: "prod-cluster",
        resourceGroupName: "rg",
        tags: { "aks-kubenet-posture": "production" },
        aadProfile: { managed: true, enableAzureRBAC: true },
        disableLocalAccounts: true,
        sku: { name: "Base", tier: "Standard" },
        networkProfile: {
            networkPlugin: "kubenet",
            podCidr: "10.100.0.0/16",
            serviceCidr: "10.200.0.0/16",
            dnsServiceIP: "10.200.0.10",
        },
        agentPoolProfiles: [{ ...systemPool, ...pool }],
        ...extra,
    },
});
const userPool = (props: Record<string, unknown> = {}): Resource => ({
    type: "azure-native:containerservice:AgentPool",
    name: "cluster-user-pool",
    props: {
        resourceName: "prod-cluster",
        resourceGroupName: "rg",
        agentPoolName: "user",
        count: 3,
        enableAutoScaling: true,
        maxCount: 6,
        availabilityZones: ["1", "2", "3"],
        ...props,
    },
});
const windows = MAINTENANCE_WINDOWS;
const untagged = (resource: Resource): Resource => ({ ...resource, props: { ...resource.props, tags: {} } });

describe("production-entra-no-local-accounts", () => {
    test("passes with Entra ID, Azure RBAC and local accounts off", () =>
        expect(violationsOf(productionEntra, production())).toEqual([]));
    test("fails with local accounts, or without Entra ID", () => {
        expect(violationsOf(productionEntra, production({ disableLocalAccounts: false }))).toEqual([
            expect.stringMatching(/local accounts are on.*clusterAccess entra/),
        ]);
        expect(
            violationsOf(productionEntra, production({ aadProfile: undefined, disableLocalAccounts: undefined })),
        ).toHaveLength(2);
    });
    test("an untagged cluster is not judged", () =>
        expect(violationsOf(productionEntra, untagged(production({ disableLocalAccounts: false })))).toEqual([]));
});

describe("production-tier-standard", () => {
    test("passes with Standard or Premium", () => {
        expect(violationsOf(productionTier, production())).toEqual([]);
        expect(violationsOf(productionTier, production({ sku: { tier: "Premium" } }))).toEqual([]);
    });
    test("fails with Free or none", () => {
        expect(violationsOf(productionTier, production({ sku: { tier: "Free" } }))).toEqual([
            expect.stringMatching(/Free.*skuTier Standard/),
        ]);
        expect(violationsOf(productionTier, production({ sku: undefined }))).toEqual([
            expect.stringMatching(/not declared/),
        ]);
    });
});

describe("production-zones", () => {
    test("passes when every pool, inline and AgentPool, has 2 zones or more", () =>
        expect(stackViolationsOf(productionZones, [production(), userPool({ availabilityZones: ["1", "2"] })])).toEqual(
            [],
        ));
    test("fails for a pool in one zone or none, naming it", () => {
        expect(
            stackViolationsOf(productionZones, [
                production({}, { availabilityZones: ["1"] }),
                userPool({ availabilityZones: undefined }),
            ]),
        ).toEqual([
            expect.stringMatching(/pool system of cluster-aks is in zone 1 only/),
            expect.stringMatching(/pool user of cluster-aks is in no zone/),
        ]);
    });
    test("another cluster's pool is not counted", () =>
        expect(
            stackViolationsOf(productionZones, [
                production(),
                userPool({ resourceName: "other", availabilityZones: [] }),
            ]),
        ).toEqual([]));
});

describe("production-autoscaler-within-plan", () => {
    test("passes when the peak fits the plan", () =>
        expect(stackViolationsOf(productionAutoscalerWithinPlan, [subnet, production(), userPool()])).toEqual([]));
    test("fails when the pools' maxima plus their surge outgrow the subnet, with the plan's own message", () =>
        // AKS's default surge, 10% rounded up: 1 node for 5, 30 for 300.
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [subnet, production(), userPool({ maxCount: 300 })]),
        ).toEqual([
            expect.stringMatching(
                /5 system \+ 300 user \+ 31 upgrade surge nodes \(maxSurge unset: AKS's 10%\) = 336 nodes.*kubenetSubnetCidr 10\.220\.1\.0\/24's addresses \(251\)/,
            ),
        ]));
    test("counts the pools' maxSurge: at 100% every pool doubles, 5 + 120 twice fits 251 addresses, 5 + 121 twice does not", () => {
        const surging = production({}, { upgradeSettings: { maxSurge: "100%" } });
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [subnet, surging, userPool({ maxCount: 120 })]),
        ).toEqual([]);
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [subnet, surging, userPool({ maxCount: 121 })]),
        ).toEqual([
            expect.stringMatching(/5 system \+ 121 user \+ 126 upgrade surge nodes \(maxSurge 100%\) = 252 nodes/),
        ]);
    });
    // The bug this catches: the surge was rounded once over the user pools' sum (3 nodes: 1), where
    // AKS rounds each pool's own 10% up (1 + 1). 224 system nodes surge ceil(22.4) = 23; user pools
    // of 1 and 2 nodes surge 1 each: 224 + 3 + 25 = 252 addresses, one more than a /24's 251.
    test("rounds each pool's surge by itself: 224 + user pools of 1 and 2 need 252 addresses of 251", () => {
        const second = (props: Record<string, unknown>): Resource => ({
            ...userPool(props),
            name: "cluster-user-pool-2",
            props: { ...userPool(props).props, agentPoolName: "user2" },
        });
        const fixed = { enableAutoScaling: false, maxCount: undefined };
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [
                subnet,
                production({}, { maxCount: 224 }),
                userPool({ ...fixed, count: 1 }),
                second({ ...fixed, count: 2 }),
            ]),
        ).toEqual([
            expect.stringMatching(
                /224 system \+ 3 user \+ 25 upgrade surge nodes \(maxSurge unset: AKS's 10%\) = 252 nodes.*\(251\)/,
            ),
        ]);
        // One pool of 3 surges 1: 224 + 3 + 24 = 251 fits.
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [
                subnet,
                production({}, { maxCount: 224 }),
                userPool({ ...fixed, count: 3 }),
            ]),
        ).toEqual([]);
    });
    test("classic Azure CNI: each pool's surge by itself, 31 addresses a node at maxPods 30", () => {
        // floor(251 / 31) = 8 nodes' room. System 4 + its 1 surge, user pools of 1 and 1 with 1
        // surge each: 9 nodes, 279 addresses. Rounded once over the 6 nodes it was 7 (217): it passed.
        const azure = production({ networkProfile: { networkPlugin: "azure" } }, { maxCount: 4, maxPods: 30 });
        const fixed = { enableAutoScaling: false, maxCount: undefined };
        const second: Resource = {
            ...userPool({ ...fixed, count: 1 }),
            name: "cluster-user-pool-2",
            props: { ...userPool({ ...fixed, count: 1 }).props, agentPoolName: "user2" },
        };
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [
                subnet,
                azure,
                userPool({ ...fixed, count: 1 }),
                second,
            ]),
        ).toEqual([
            expect.stringMatching(
                /azureCniNodeCount 4 \+ 2 nodes of its other pools \(\+3 upgrade surge nodes .*\) x \(azureCniMaxPods 30 \+ 1\) = 279 addresses.*The largest azureCniNodeCount that fits at azureCniMaxPods 30 is 3;/,
            ),
        ]);
    });
    test("fails for an autoscaling pool with no maximum", () =>
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [subnet, production({}, { maxCount: undefined })]),
        ).toEqual([expect.stringMatching(/pool system of cluster-aks autoscales with no maxCount/)]));
    test("classic Azure CNI: the subnet's addresses per pod", () =>
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [
                subnet,
                production({ networkProfile: { networkPlugin: "azure" } }, { maxCount: 10, maxPods: 30 }),
            ]),
        ).toEqual([expect.stringMatching(/azureCniNodeCount 10 .* = 341 addresses/)]));
});

describe("production-maintenance-windows", () => {
    test("passes with both schedules", () =>
        expect(stackViolationsOf(productionMaintenanceWindows, [production(), ...windows])).toEqual([]));
    test("fails naming the missing one; another cluster's window does not count", () => {
        expect(stackViolationsOf(productionMaintenanceWindows, [production(), windows[0]])).toEqual([
            expect.stringMatching(/has no aksManagedNodeOSUpgradeSchedule: set maintenanceWindow/),
        ]);
        const elsewhere = { ...windows[1], props: { ...windows[1].props, resourceName: "other" } };
        expect(stackViolationsOf(productionMaintenanceWindows, [production(), windows[0], elsewhere])).toHaveLength(1);
        expect(stackViolationsOf(productionMaintenanceWindows, [untagged(production())])).toEqual([]);
    });
});
