/**
 * The counting rules at edges the other rule-by-rule suites do not reach: the maxSurge refusal in
 * full, a finding's values without the settings you did not set, a subnet too small for one node,
 * the classic Azure CNI cluster beside its other pools and at its bounds, and the cluster's peak
 * when the plan gives only some of its limits.
 * The numbers are Azure's and AKS's (addressPlan/limits.ts and surge.ts cite them), worked out by
 * hand: a subnet loses 5 addresses to Azure (a /24 keeps 251, a /25 123, a /30 none), a /16 pod
 * CIDR has 256 slices, and a pool surges AKS's default 10% of its nodes, rounded up, pool by pool.
 */
import { AddressPlanInput } from "../addressPlan/plan";
import { check, errorsOf, problem } from "./helpers/addressRules";

describe("maxSurgeValid", () => {
    test("a maxSurge of 0 is refused on maxSurge, naming the value", () =>
        expect(errorsOf({ maxSurge: "0" })).toEqual([
            problem(
                "maxSurgeValid",
                "maxSurge",
                { maxSurge: "0" },
                "0 surges no node, which AKS accepts only with maxUnavailable (not set by this program); use at least 1, or a percentage",
            ),
        ]));
});

describe("nodeCountWithinPluginLimit", () => {
    test("under AKS's default surge the warning's values hold no maxSurge at all", () =>
        // 364 + ceil(36.4) = 37 surge = 401 routes of 400.
        expect(check({ nodeCount: 364 }).warnings.map((found) => found.values)).toStrictEqual([
            { nodeCount: 364, maxNodes: 400, plugin: "kubenet", surgeNodes: 37 },
        ]));
});

describe("nodeSubnetHoldsEveryNode", () => {
    test("a /30 keeps no address after Azure's 5: one node and its surge node do not fit", () =>
        // 1 node + ceil(10% of 1) = 1 surge = 2 addresses of max(0, 4 - 5) = 0.
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/30", nodeCount: 1 })).toEqual([
            problem(
                "subnetsLargeEnough",
                "kubenetSubnetCidr",
                { kubenetSubnetCidr: "10.220.1.0/30", smallestPrefix: 29 },
                "10.220.1.0/30 is smaller than /29, the smallest subnet Azure accepts",
            ),
            problem(
                "nodeSubnetHoldsEveryNode",
                "kubenetSubnetCidr",
                { kubenetSubnetCidr: "10.220.1.0/30", usable: 0, needed: 2, surgeNodes: 1 },
                "10.220.1.0/30 has 0 addresses after Azure's 5 reserved ones, but 1 nodes plus 1 upgrade surge node (maxSurge unset: AKS's 10%) need 2; use a larger subnet, a lower maxSurge or a lower nodeCount",
            ),
        ]));
});

describe("the second (classic Azure CNI) cluster", () => {
    const cni = (extra: Partial<AddressPlanInput>): Partial<AddressPlanInput> => ({
        azureCniCluster: true,
        azureCniSubnetCidr: "10.220.2.0/24", // 251 usable addresses
        ...extra,
    });
    const rulesOf = (input: Partial<AddressPlanInput>) => errorsOf(input).map((found) => found.rule);

    test("without its node count or its maxPods, the subnet's capacity is not judged", () => {
        expect(errorsOf(cni({ azureCniMaxPods: 30 }))).toEqual([]);
        expect(errorsOf(cni({ azureCniNodeCount: 3 }))).toEqual([]);
    });

    test("beside one other pool of 1 node: its node and surge are counted, and named in the singular", () => {
        // Pools 8 and 1 surge ceil(0.8) = 1 and ceil(0.1) = 1: (8 + 1 + 2) x (30 + 1) = 341 of 251.
        // floor(251 / 31) = 8 nodes' room, less the other pool's 1 + 1 = 6: 5 nodes + 1 surge.
        // floor(251 / 11) = 22 addresses a node: 21 pods.
        expect(errorsOf(cni({ azureCniNodeCount: 8, azureCniMaxPods: 30, azureCniMorePoolPeaks: [1] }))).toEqual([
            problem(
                "azureCniSubnetHoldsEveryPod",
                "azureCniNodeCount",
                {
                    azureCniNodeCount: 8,
                    azureCniMaxPods: 30,
                    azureCniSubnetCidr: "10.220.2.0/24",
                    otherPoolNodes: 1,
                    surgeNodes: 2,
                    needed: 341,
                    usable: 251,
                    largestNodeCount: 5,
                    largestMaxPods: 21,
                },
                "azureCniNodeCount 8 + 1 node of its other pools (+2 upgrade surge nodes (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 30 + 1) = 341 addresses, but azureCniSubnetCidr 10.220.2.0/24 has 251 after Azure's 5 reserved ones. " +
                    "The largest azureCniNodeCount that fits at azureCniMaxPods 30 is 5; the largest azureCniMaxPods that fits at azureCniNodeCount 8 is 21; or use a larger azureCniSubnetCidr or a lower maxSurge",
            ),
        ]);
    });

    test("beside other pools of 2 and 3 nodes: named in the plural, and no node count of this pool fits", () => {
        // Pools 8, 2 and 3 surge 1 each: (13 + 3) x 31 = 496 of 251. 8 nodes' room less 2 + 1 and
        // 3 + 1 leaves 1, too few for a node and its surge. floor(251 / 16) = 15 addresses: 14 pods.
        const [found] = errorsOf(cni({ azureCniNodeCount: 8, azureCniMaxPods: 30, azureCniMorePoolPeaks: [2, 3] }));
        expect(found.values).toMatchObject({ otherPoolNodes: 5, surgeNodes: 3, needed: 496, largestNodeCount: 0 });
        expect(found.message).toBe(
            "azureCniNodeCount 8 + 5 nodes of its other pools (+3 upgrade surge nodes (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 30 + 1) = 496 addresses, but azureCniSubnetCidr 10.220.2.0/24 has 251 after Azure's 5 reserved ones. " +
                "No azureCniNodeCount fits at azureCniMaxPods 30; the largest azureCniMaxPods that fits at azureCniNodeCount 8 is 14; or use a larger azureCniSubnetCidr or a lower maxSurge",
        );
    });

    test("a node count of 0 is the bounds rule's alone, even beside other pools that overflow the subnet", () =>
        // The other pool alone: (8 + 1) x 31 = 279 of 251, yet 0 is out of bounds and not counted.
        expect(rulesOf(cni({ azureCniNodeCount: 0, azureCniMaxPods: 30, azureCniMorePoolPeaks: [8] }))).toEqual([
            "azureCniCountsWithinBounds",
        ]));

    test("1000 nodes, a pool's most, are judged against the subnet: 1000 + 100 surge nodes do not fit a /24", () =>
        // (1000 + 100) x (10 + 1) = 12100 of 251. floor(251 / 11) = 22 nodes' room: 20 + 2 surge.
        // floor(251 / 1100) - 1 = -1 pods: no maxPods of 10 or more fits.
        expect(errorsOf(cni({ azureCniNodeCount: 1000, azureCniMaxPods: 10 })).map((found) => found.values)).toEqual([
            {
                azureCniNodeCount: 1000,
                azureCniMaxPods: 10,
                azureCniSubnetCidr: "10.220.2.0/24",
                surgeNodes: 100,
                needed: 12100,
                usable: 251,
                largestNodeCount: 20,
                largestMaxPods: 0,
            },
        ]));

    test("the largest maxPods that fits may be AKS's least, 10", () => {
        // 19 nodes + ceil(1.9) = 2 surge = 21: 21 x 31 = 651 of 251. 21 x 11 = 231 fits, 21 x 12 = 252
        // does not: 10 pods. floor(251 / 31) = 8 nodes' room: 7 + 1 surge.
        const [found] = errorsOf(cni({ azureCniNodeCount: 19, azureCniMaxPods: 30 }));
        expect(found.values).toMatchObject({ needed: 651, largestNodeCount: 7, largestMaxPods: 10 });
        expect(found.message).toContain("the largest azureCniMaxPods that fits at azureCniNodeCount 19 is 10;");
    });

    test("the largest node count that fits may be 1", () =>
        // A /25 keeps 123: 2 nodes + 1 surge = 3 x 42 = 126. floor(123 / 42) = 2 nodes' room: 1 + 1
        // surge; floor(123 / 3) = 41 addresses a node: 40 pods.
        expect(
            errorsOf(cni({ azureCniSubnetCidr: "10.220.2.0/25", azureCniNodeCount: 2, azureCniMaxPods: 41 }))[0]
                .message,
        ).toBe(
            "azureCniNodeCount 2 (+1 upgrade surge node (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 41 + 1) = 126 addresses, but azureCniSubnetCidr 10.220.2.0/25 has 123 after Azure's 5 reserved ones. " +
                "The largest azureCniNodeCount that fits at azureCniMaxPods 41 is 1; the largest azureCniMaxPods that fits at azureCniNodeCount 2 is 40; or use a larger azureCniSubnetCidr or a lower maxSurge",
        ));
});

describe("peakNodesFitPlan with only some of its limits", () => {
    test("no pod CIDR (as the policy pack may read it): the route table and the subnet limit the peak", () =>
        // 300 + ceil(30.0) = 30 surge = 330 of the /24's 251 addresses (the 400 routes hold them).
        // 228 + ceil(22.8) = 23 = 251 fits; 229 + 23 = 252 does not.
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/24", nodeCount: 3, autoscaleMaxCount: 300 })).toEqual([
            problem(
                "peakNodesFitPlan",
                "autoscaleMaxCount",
                {
                    peakNodes: 330,
                    systemPool: 300,
                    userPool: 0,
                    surgeNodes: 30,
                    limit: 251,
                    largestAutoscaleMaxCount: 228,
                    plugin: "kubenet",
                },
                "at its peak the kubenet cluster has 300 system + 0 user + 30 upgrade surge nodes (maxSurge unset: AKS's 10%) = 330 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 228, or lower maxSurge, or widen the plan",
            ),
        ]));

    test("no node subnet: the route table and the pod CIDR's slices limit the peak", () =>
        // 330 nodes of the /16's 256 slices. 232 + ceil(23.2) = 24 = 256 fits; 233 + 24 = 257 does not.
        expect(errorsOf({ podCidr: "10.100.0.0/16", nodeCount: 3, autoscaleMaxCount: 300 })).toEqual([
            problem(
                "peakNodesFitPlan",
                "autoscaleMaxCount",
                {
                    peakNodes: 330,
                    systemPool: 300,
                    userPool: 0,
                    surgeNodes: 30,
                    limit: 256,
                    largestAutoscaleMaxCount: 232,
                    plugin: "kubenet",
                },
                "at its peak the kubenet cluster has 300 system + 0 user + 30 upgrade surge nodes (maxSurge unset: AKS's 10%) = 330 nodes, more than podCidr 10.100.0.0/16's /24 slices (256); the largest autoscaleMaxCount that fits is 232, or lower maxSurge, or widen the plan",
            ),
        ]));
});
