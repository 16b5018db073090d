/**
 * Each address rule alone, at its boundary, with the whole finding users get: the rule, the key
 * to change, the values that decided it and the sentence. This file: the node and pod counts of a fixed
 * pool (the route table, the pod CIDR's slices, the node subnet, maxPods, the classic Azure CNI
 * cluster's subnet), each with its upgrade surge.
 * The numbers are Azure's and AKS's (addressPlan/limits.ts and surge.ts cite them), worked out by
 * hand: a /24 has 251 usable addresses after Azure's 5, a /16 pod CIDR 256 slices, and a pool surges
 * AKS's default 10% of its nodes, rounded up, unless maxSurge says otherwise.
 */
import { AddressPlanInput } from "../addressPlan/plan";
import { check, errorsOf, problem } from "./helpers/addressRules";

describe("nodeCountWithinPluginLimit", () => {
    test("kubenet: 1 to 400 (one route per node); nodes and their surge past 400 routes warn under AKS's default surge", () => {
        expect(check({ nodeCount: 1 })).toEqual({ errors: [], warnings: [] });
        // 363 nodes + ceil(10% of 363) = 37 surge = 400 routes: the table is full, not over.
        expect(check({ nodeCount: 363 })).toEqual({ errors: [], warnings: [] });
        // 364 + ceil(36.4) = 37 = 401: one route short; a maxSurge of 400 - 364 = 36 would fit.
        expect(check({ nodeCount: 364 })).toEqual({
            errors: [],
            warnings: [
                problem(
                    "nodeCountWithinPluginLimit",
                    "nodeCount",
                    { nodeCount: 364, maxNodes: 400, plugin: "kubenet", surgeNodes: 37 },
                    "364 nodes plus 37 upgrade surge nodes (maxSurge unset: AKS's 10%) need 401 routes, and the route table holds 400: set maxSurge to at most 36, or lower nodeCount",
                ),
            ],
        });
        // 400 + ceil(10% of 400) = 40 = 440: no maxSurge of 1 or more fits.
        expect(check({ nodeCount: 400 }).warnings).toEqual([
            problem(
                "nodeCountWithinPluginLimit",
                "nodeCount",
                { nodeCount: 400, maxNodes: 400, plugin: "kubenet", surgeNodes: 40 },
                "400 nodes plus 40 upgrade surge nodes (maxSurge unset: AKS's 10%) need 440 routes, and the route table holds 400: upgrades cannot surge; lower nodeCount",
            ),
        ]);
        for (const nodeCount of [0, 401])
            expect(errorsOf({ nodeCount })).toEqual([
                problem(
                    "nodeCountWithinPluginLimit",
                    "nodeCount",
                    { nodeCount, maxNodes: 400, plugin: "kubenet" },
                    `${nodeCount} is out of range; use 1 to 400 (an Azure route table holds 400 routes, one per kubenet node)`,
                ),
            ]);
    });
    test("a maxSurge you set that overflows the route table is an error on maxSurge, singular for one node", () => {
        // 399 nodes + min(1, 399) = 1 surge = 400 routes: fits.
        expect(check({ nodeCount: 399, maxSurge: "1" })).toEqual({ errors: [], warnings: [] });
        // 399 + min(2, 399) = 2 = 401.
        expect(check({ nodeCount: 399, maxSurge: "2" })).toEqual({
            errors: [
                problem(
                    "nodeCountWithinPluginLimit",
                    "maxSurge",
                    { nodeCount: 399, maxNodes: 400, plugin: "kubenet", surgeNodes: 2, maxSurge: "2" },
                    "399 nodes plus 2 upgrade surge nodes (maxSurge 2) need 401 routes, and the route table holds 400: set maxSurge to at most 1, or lower nodeCount",
                ),
            ],
            warnings: [],
        });
        // 400 + min(1, 400) = 1 = 401.
        expect(errorsOf({ nodeCount: 400, maxSurge: "1" })).toEqual([
            problem(
                "nodeCountWithinPluginLimit",
                "maxSurge",
                { nodeCount: 400, maxNodes: 400, plugin: "kubenet", surgeNodes: 1, maxSurge: "1" },
                "400 nodes plus 1 upgrade surge node (maxSurge 1) need 401 routes, and the route table holds 400: upgrades cannot surge; lower nodeCount",
            ),
        ]);
    });
    test("Overlay: up to a pool's 1000 nodes, with no route table to warn about", () => {
        expect(check({ networkPlugin: "overlay", nodeCount: 1000 })).toEqual({ errors: [], warnings: [] });
        expect(errorsOf({ networkPlugin: "overlay", nodeCount: 1001 })).toEqual([
            problem(
                "nodeCountWithinPluginLimit",
                "nodeCount",
                { nodeCount: 1001, maxNodes: 1000, plugin: "overlay" },
                "1001 is out of range; use 1 to 1000 (an AKS node pool holds at most 1000 nodes)",
            ),
        ]);
    });
});

describe("podCidrHoldsEveryNode and nodeSubnetHoldsEveryNode", () => {
    test("a /24 slice per node, the surge nodes' included", () => {
        expect(errorsOf({ podCidr: "10.100.0.0/23", nodeCount: 1 })).toEqual([]);
        expect(errorsOf({ podCidr: "10.100.0.0/24", nodeCount: 1 })).toEqual([
            problem(
                "podCidrHoldsEveryNode",
                "podCidr",
                { podCidr: "10.100.0.0/24", slices: 1, needed: 2, surgeNodes: 1 },
                // 1 node + ceil(10% of 1) = 1 surge = 2 slices.
                "10.100.0.0/24 holds 1 /24 slices, but 1 nodes plus 1 upgrade surge node (maxSurge unset: AKS's 10%) need 2; use a larger pod CIDR, a lower maxSurge or a lower nodeCount",
            ),
        ]);
    });
    test("a pod CIDR smaller than a /24 is refused in the plugin's words; without a node count it is not judged", () => {
        expect(errorsOf({ networkPlugin: "overlay", podCidr: "10.100.0.0/25", nodeCount: 1 })).toEqual([
            problem(
                "podCidrHoldsEveryNode",
                "podCidr",
                { podCidr: "10.100.0.0/25", slicePrefix: 24 },
                "10.100.0.0/25 is smaller than a /24, and Azure CNI Overlay gives every node a whole /24; use at least a /23",
            ),
        ]);
        expect(errorsOf({ podCidr: "10.100.0.0/25" })).toEqual([]);
    });
    test("a node count below 1 is the count rule's alone", () =>
        expect(
            errorsOf({ podCidr: "10.100.0.0/24", kubenetSubnetCidr: "10.220.1.0/29", nodeCount: 0 }).map(
                (found) => found.rule,
            ),
        ).toEqual(["nodeCountWithinPluginLimit"]));
    test("an address of the node subnet per node, the surge nodes' included: a /29 has 3", () => {
        // 2 nodes + ceil(10% of 2) = 1 surge = 3 addresses of 3.
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/29", nodeCount: 2 })).toEqual([]);
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/29", nodeCount: 3 })).toEqual([
            problem(
                "nodeSubnetHoldsEveryNode",
                "kubenetSubnetCidr",
                { kubenetSubnetCidr: "10.220.1.0/29", usable: 3, needed: 4, surgeNodes: 1 },
                "10.220.1.0/29 has 3 addresses after Azure's 5 reserved ones, but 3 nodes plus 1 upgrade surge node (maxSurge unset: AKS's 10%) need 4; use a larger subnet, a lower maxSurge or a lower nodeCount",
            ),
        ]);
        // maxSurge "100%": 2 nodes + 2 surge = 4 of 3.
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/29", nodeCount: 2, maxSurge: "100%" })).toEqual([
            problem(
                "nodeSubnetHoldsEveryNode",
                "kubenetSubnetCidr",
                { kubenetSubnetCidr: "10.220.1.0/29", usable: 3, needed: 4, surgeNodes: 2 },
                "10.220.1.0/29 has 3 addresses after Azure's 5 reserved ones, but 2 nodes plus 2 upgrade surge nodes (maxSurge 100%) need 4; use a larger subnet, a lower maxSurge or a lower nodeCount",
            ),
        ]);
    });
});

describe("maxPods", () => {
    test("10 to 250; the message names the plugin's default", () => {
        expect(errorsOf({ maxPods: 10 })).toEqual([]);
        expect(errorsOf({ maxPods: 250 })).toEqual([]);
        expect(errorsOf({ maxPods: 9 })).toEqual([
            problem(
                "maxPodsWithinBounds",
                "maxPods",
                { maxPods: 9, min: 10, max: 250 },
                "9 is out of range; use 10 to 250 (kubenet's default is 110)",
            ),
        ]);
        expect(errorsOf({ networkPlugin: "overlay", maxPods: 251 })).toEqual([
            problem(
                "maxPodsWithinBounds",
                "maxPods",
                { maxPods: 251, min: 10, max: 250 },
                "251 is out of range; use 10 to 250 (Azure CNI Overlay's default is 250)",
            ),
        ]);
    });
});

describe("the second (classic Azure CNI) cluster", () => {
    const cni = (extra: Partial<AddressPlanInput>): Partial<AddressPlanInput> => ({ azureCniCluster: true, ...extra });
    const nodeCountOutOfRange = (count: number) =>
        problem(
            "azureCniCountsWithinBounds",
            "azureCniNodeCount",
            { azureCniNodeCount: count, max: 1000 },
            `${count} is out of range; use 1 to 1000`,
        );
    const maxPodsOutOfRange = (pods: number) =>
        problem(
            "azureCniCountsWithinBounds",
            "azureCniMaxPods",
            { azureCniMaxPods: pods, min: 10, max: 250 },
            `${pods} is out of range; use 10 to 250 (Azure CNI's default is 30)`,
        );

    test("counts: 1 to 1000 nodes, 10 to 250 pods; both reported at once; nothing when the cluster is off", () => {
        expect(errorsOf(cni({ azureCniNodeCount: 1, azureCniMaxPods: 10 }))).toEqual([]);
        expect(errorsOf(cni({ azureCniNodeCount: 1000, azureCniMaxPods: 250 }))).toEqual([]);
        expect(errorsOf(cni({ azureCniNodeCount: 0, azureCniMaxPods: 9 }))).toEqual([
            nodeCountOutOfRange(0),
            maxPodsOutOfRange(9),
        ]);
        expect(errorsOf(cni({ azureCniNodeCount: 1001, azureCniMaxPods: 251 }))).toEqual([
            nodeCountOutOfRange(1001),
            maxPodsOutOfRange(251),
        ]);
        expect(errorsOf({ azureCniNodeCount: 0, azureCniMaxPods: 9 })).toEqual([]);
    });

    test("capacity: (nodes + their surge) x (maxPods + 1) may use every usable address, not one more", () => {
        // A /25 has 123 usable addresses; 2 nodes + ceil(10% of 2) = 1 surge = 3 nodes:
        // 3 x 41 fits exactly, 3 x 42 = 126 does not.
        expect(
            errorsOf(cni({ azureCniSubnetCidr: "10.220.2.0/25", azureCniNodeCount: 2, azureCniMaxPods: 40 })),
        ).toEqual([]);
        expect(
            errorsOf(cni({ azureCniSubnetCidr: "10.220.2.0/25", azureCniNodeCount: 2, azureCniMaxPods: 41 }))[0].values,
        ).toEqual({
            azureCniNodeCount: 2,
            azureCniMaxPods: 41,
            azureCniSubnetCidr: "10.220.2.0/25",
            surgeNodes: 1,
            needed: 126,
            usable: 123,
            largestNodeCount: 1, // floor(123 / 42) = 2 nodes' room: 1 + ceil(0.1) = 1 surge = 2
            largestMaxPods: 40, // floor(123 / 3) = 41, minus the node's own address
        });
    });

    test("the sentence names the largest values that fit, or says that none does", () => {
        const messageOf = (azureCniSubnetCidr: string, azureCniNodeCount: number, azureCniMaxPods: number) =>
            errorsOf(cni({ azureCniSubnetCidr, azureCniNodeCount, azureCniMaxPods }))[0].message;
        // 8 nodes + ceil(0.8) = 1 surge = 9 x 31 = 279. floor(251 / 31) = 8 nodes' room: 7 + 1 surge;
        // floor(251 / 9) = 27 addresses a node: 26 pods.
        expect(messageOf("10.220.2.0/24", 8, 30)).toBe(
            "azureCniNodeCount 8 (+1 upgrade surge node (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 30 + 1) = 279 addresses, but azureCniSubnetCidr 10.220.2.0/24 has 251 after Azure's 5 reserved ones. " +
                "The largest azureCniNodeCount that fits at azureCniMaxPods 30 is 7; the largest azureCniMaxPods that fits at azureCniNodeCount 8 is 26; or use a larger azureCniSubnetCidr or a lower maxSurge",
        );
        // A /27 has 27: no node of 31 addresses fits beside its surge node; 12 pods do at one node (2 x 13 = 26).
        expect(messageOf("10.220.2.0/27", 1, 30)).toBe(
            "azureCniNodeCount 1 (+1 upgrade surge node (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 30 + 1) = 62 addresses, but azureCniSubnetCidr 10.220.2.0/27 has 27 after Azure's 5 reserved ones. " +
                "No azureCniNodeCount fits at azureCniMaxPods 30; the largest azureCniMaxPods that fits at azureCniNodeCount 1 is 12; or use a larger azureCniSubnetCidr or a lower maxSurge",
        );
        // A /28 has 11: 2 x 11 = 22 addresses are needed even at 10 pods.
        expect(messageOf("10.220.2.0/28", 1, 10)).toBe(
            "azureCniNodeCount 1 (+1 upgrade surge node (maxSurge unset: AKS's 10%)) x (azureCniMaxPods 10 + 1) = 22 addresses, but azureCniSubnetCidr 10.220.2.0/28 has 11 after Azure's 5 reserved ones. " +
                "No azureCniNodeCount fits at azureCniMaxPods 10; no azureCniMaxPods of 10 or more fits at azureCniNodeCount 1; or use a larger azureCniSubnetCidr or a lower maxSurge",
        );
        // maxSurge "2": 8 + 2 = 10 x 31 = 310; 8 nodes' room holds 6 + 2; floor(251 / 10) = 25: 24 pods.
        expect(
            errorsOf(
                cni({ azureCniSubnetCidr: "10.220.2.0/24", azureCniNodeCount: 8, azureCniMaxPods: 30, maxSurge: "2" }),
            )[0].message,
        ).toBe(
            "azureCniNodeCount 8 (+2 upgrade surge nodes (maxSurge 2)) x (azureCniMaxPods 30 + 1) = 310 addresses, but azureCniSubnetCidr 10.220.2.0/24 has 251 after Azure's 5 reserved ones. " +
                "The largest azureCniNodeCount that fits at azureCniMaxPods 30 is 6; the largest azureCniMaxPods that fits at azureCniNodeCount 8 is 24; or use a larger azureCniSubnetCidr or a lower maxSurge",
        );
    });

    test("counts out of bounds are the bounds rule's alone: no capacity sentence on top", () => {
        for (const [azureCniNodeCount, azureCniMaxPods] of [
            [0, 30],
            [1001, 30],
            [1, 9],
            [1, 251],
        ])
            expect(
                errorsOf(cni({ azureCniSubnetCidr: "10.220.2.0/29", azureCniNodeCount, azureCniMaxPods })).map(
                    (found) => found.rule,
                ),
            ).toEqual(["azureCniCountsWithinBounds"]);
        expect(errorsOf({ azureCniSubnetCidr: "10.220.2.0/29", azureCniNodeCount: 8, azureCniMaxPods: 30 })).toEqual(
            [],
        );
    });
});
