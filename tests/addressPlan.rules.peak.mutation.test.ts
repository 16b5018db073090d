/**
 * Each address rule alone, at its boundary, with the whole finding users get: the rule, the key
 * to change, the values that decided it and the sentence. This file: the autoscaler's range and the
 * cluster at its peak (every pool at its maximum, plus each pool's surge).
 * The numbers are Azure's and AKS's (addressPlan/limits.ts and surge.ts cite them), worked out by
 * hand: a /24 has 251 usable addresses after Azure's 5, a /16 pod CIDR 256 slices, and a pool surges
 * AKS's default 10% of its nodes, rounded up, unless maxSurge says otherwise.
 */
import { errorsOf, problem } from "./helpers/addressRules";

describe("autoscalerRange", () => {
    test("from nodeCount up to a pool's 1000 nodes", () => {
        expect(errorsOf({ nodeCount: 3, autoscaleMaxCount: 3 })).toEqual([]);
        expect(
            errorsOf({ networkPlugin: "overlay", nodeCount: 3, autoscaleMaxCount: 1000 }).map((found) => found.rule),
        ).not.toContain("autoscalerRange");
        expect(errorsOf({ nodeCount: 3, autoscaleMaxCount: 2 })).toEqual([
            problem(
                "autoscalerRange",
                "autoscaleMaxCount",
                { autoscaleMaxCount: 2, nodeCount: 3 },
                "2 is below nodeCount 3, where the autoscaler starts: use 3 or more, or 0 for no autoscaler",
            ),
        ]);
        expect(errorsOf({ networkPlugin: "overlay", nodeCount: 3, autoscaleMaxCount: 1001 })).toEqual([
            problem(
                "autoscalerRange",
                "autoscaleMaxCount",
                { autoscaleMaxCount: 1001, max: 1000 },
                "1001 is out of range; an AKS node pool holds at most 1000 nodes",
            ),
        ]);
        expect(errorsOf({ autoscaleMaxCount: 2000 })).toEqual([]);
    });
});

describe("peakNodesFitPlan", () => {
    const wide = { podCidr: "10.96.0.0/13", kubenetSubnetCidr: "10.220.0.0/18" }; // 2048 slices, 16379 addresses
    const narrow = { podCidr: "10.100.0.0/16", kubenetSubnetCidr: "10.220.1.0/24" }; // 256 slices, 251 addresses

    test("kubenet: the route table's 400 routes hold the peak, surge nodes included", () => {
        // 363 + ceil(10% of 363) = 37 surge = 400 routes; 364 + 37 = 401.
        expect(errorsOf({ ...wide, nodeCount: 3, autoscaleMaxCount: 363 })).toEqual([]);
        expect(errorsOf({ ...wide, nodeCount: 3, autoscaleMaxCount: 364 })).toEqual([
            problem(
                "peakNodesFitPlan",
                "autoscaleMaxCount",
                {
                    peakNodes: 401,
                    systemPool: 364,
                    userPool: 0,
                    surgeNodes: 37,
                    limit: 400,
                    largestAutoscaleMaxCount: 363,
                    plugin: "kubenet",
                },
                "at its peak the kubenet cluster has 364 system + 0 user + 37 upgrade surge nodes (maxSurge unset: AKS's 10%) = 401 nodes, more than the route table's routes (400); the largest autoscaleMaxCount that fits is 363, or lower maxSurge, or widen the plan",
            ),
        ]);
        // maxSurge "1": 399 + 1 = 400 fits, 400 + 1 does not, and 399 is the largest.
        expect(errorsOf({ ...wide, nodeCount: 3, autoscaleMaxCount: 399, maxSurge: "1" })).toEqual([]);
        expect(
            errorsOf({ ...wide, nodeCount: 3, autoscaleMaxCount: 400, maxSurge: "1" }).map((found) => [
                found.values.peakNodes,
                found.values.largestAutoscaleMaxCount,
                found.message.split(" = ")[0],
            ]),
        ).toEqual([
            [401, 399, "at its peak the kubenet cluster has 400 system + 0 user + 1 upgrade surge node (maxSurge 1)"],
        ]);
    });

    test("the largest autoscaleMaxCount named is never more than a pool holds (1000)", () => {
        // Overlay, 2048 slices, a /21's 2043 addresses: 1900 + ceil(10% of 1900) = 190 surge = 2090
        // is over both. 1857 + ceil(185.7) = 186 = 2043 would fit the subnet, but a pool holds at most
        // 1000 nodes, as autoscalerRange says beside it; 1000 + 100 surge = 1100 fits.
        const found = errorsOf({
            networkPlugin: "overlay",
            podCidr: "10.96.0.0/13",
            kubenetSubnetCidr: "10.220.0.0/21",
            nodeCount: 3,
            autoscaleMaxCount: 1900,
        });
        expect(found.map((finding) => finding.rule)).toEqual(["autoscalerRange", "peakNodesFitPlan"]);
        expect(found[1].values.largestAutoscaleMaxCount).toBe(1000);
        expect(found[1].message).toContain("; the largest autoscaleMaxCount that fits is 1000, or lower maxSurge");
    });

    test("Overlay has no route table: only the slices and the subnet bound it", () =>
        // 1000 + 100 surge = 1100, within 2048 slices and 16379 addresses.
        expect(errorsOf({ ...wide, networkPlugin: "overlay", nodeCount: 3, autoscaleMaxCount: 1000 })).toEqual([]));

    test("every limit exceeded is named; the smallest decides", () => {
        // 300 + ceil(10% of 300) = 30 surge = 330: over 256 slices and 251 addresses. The largest
        // system pool within 251: 228 + ceil(22.8) = 23 = 251.
        expect(errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 300 })).toEqual([
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
                "at its peak the kubenet cluster has 300 system + 0 user + 30 upgrade surge nodes (maxSurge unset: AKS's 10%) = 330 nodes, more than podCidr 10.100.0.0/16's /24 slices (256) and kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 228, or lower maxSurge, or widen the plan",
            ),
        ]);
        // 232 + ceil(23.2) = 24 = 256 nodes: over the subnet's 251 only.
        expect(errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 232 })[0].message).toContain(
            "= 256 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251);",
        );
        // 233 + 24 = 257: over both.
        expect(errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 233 })[0].message).toContain(
            "= 257 nodes, more than podCidr 10.100.0.0/16's /24 slices (256) and kubenetSubnetCidr",
        );
        // 229 + 23 = 252: one over; 228 + 23 = 251 fits.
        expect(errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 229 })).toHaveLength(1);
        expect(errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 228 })).toEqual([]);
    });

    test("more user pools surge each by itself, and the system pool's room is what they leave", () => {
        // 224 + ceil(22.4) = 23, user pools 1 + 1 and 2 + 1: 252 nodes, one over the subnet's 251.
        // The user pools with their surges take 5: the system pool may reach 223 (223 + 23 = 246).
        expect(
            errorsOf({ ...narrow, nodeCount: 3, autoscaleMaxCount: 224, userPoolNodeCount: 1, moreUserPoolPeaks: [2] }),
        ).toEqual([
            problem(
                "peakNodesFitPlan",
                "autoscaleMaxCount",
                {
                    peakNodes: 252,
                    systemPool: 224,
                    userPool: 3,
                    surgeNodes: 25,
                    limit: 251,
                    largestAutoscaleMaxCount: 223,
                    plugin: "kubenet",
                },
                "at its peak the kubenet cluster has 224 system + 3 user + 25 upgrade surge nodes (maxSurge unset: AKS's 10%) = 252 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 223, or lower maxSurge, or widen the plan",
            ),
        ]);
        // Pools alone raise the peak too: 3 + 1 and pools of 240 + 24 = 268 > 251.
        expect(errorsOf({ ...narrow, nodeCount: 3, moreUserPoolPeaks: [240] }).map((found) => found.rule)).toContain(
            "peakNodesFitPlan",
        );
    });

    test("a user pool too large for any system pool: lower its counts", () => {
        // 3 + 252 users + ceil(0.3) = 1 + ceil(25.2) = 26 surge = 282: over 256 slices and 251 addresses.
        expect(errorsOf({ ...narrow, nodeCount: 3, userPoolNodeCount: 252 })).toEqual([
            problem(
                "peakNodesFitPlan",
                "userPoolNodeCount",
                {
                    peakNodes: 282,
                    systemPool: 3,
                    userPool: 252,
                    surgeNodes: 27,
                    limit: 251,
                    largestAutoscaleMaxCount: 0,
                    plugin: "kubenet",
                },
                "at its peak the kubenet cluster has 3 system + 252 user + 27 upgrade surge nodes (maxSurge unset: AKS's 10%) = 282 nodes, more than podCidr 10.100.0.0/16's /24 slices (256) and kubenetSubnetCidr 10.220.1.0/24's addresses (251); lower the user pool's counts, or lower maxSurge, or widen the plan",
            ),
        ]);
        // With the system pool autoscaled, the room left beside the user pool's peak is named
        // while it holds nodeCount system nodes: 251 - (224 users + ceil(22.4) = 23 surge) = 4 =
        // 3 system + ceil(0.3) = 1 surge. With 225 users, 251 - 248 = 3 holds only 2 + 1.
        const roomFor = (userPoolAutoscaleMaxCount: number) =>
            errorsOf({
                ...narrow,
                nodeCount: 3,
                autoscaleMaxCount: 10,
                userPoolNodeCount: 2,
                userPoolAutoscaleMaxCount,
            });
        expect(roomFor(224).map((found) => [found.key, found.values.largestAutoscaleMaxCount])).toEqual([
            ["autoscaleMaxCount", 3],
        ]);
        expect(roomFor(224)[0].message).toContain(
            "; the largest autoscaleMaxCount that fits is 3, or lower maxSurge, or widen the plan",
        );
        expect(roomFor(225)[0].message).toContain(
            "; lower the user pool's counts, or lower maxSurge, or widen the plan",
        );
        expect(
            errorsOf({ ...narrow, nodeCount: 3, userPoolNodeCount: 2, userPoolAutoscaleMaxCount: 300 }).map(
                (found) => found.key,
            ),
        ).toEqual(["userPoolAutoscaleMaxCount"]);
    });

    test("without an autoscaler or a user pool the node count rules speak alone; so they do without one", () => {
        expect(errorsOf({ ...wide, nodeCount: 401 }).map((found) => found.rule)).toEqual([
            "nodeCountWithinPluginLimit",
        ]);
        expect(errorsOf({ ...narrow, autoscaleMaxCount: 300 })).toEqual([]);
        expect(errorsOf({ ...narrow, nodeCount: 3, userPoolNodeCount: 0 })).toEqual([]);
    });
});
