/**
 * Each address rule alone, at its boundary, with the whole finding users get: the rule, the key
 * to change, the values that decided it and the sentence. checkAddressPlan takes partial input
 * (the policy pack and migrate hand it what a cluster reports), so each case gives only the keys
 * its rule reads. The numbers are Azure's and AKS's (addressPlan/limits.ts cites them), worked
 * out by hand: a /24 has 251 usable addresses after Azure's 5, a /16 pod CIDR 256 slices.
 */
import { checkAddressPlan, Problem } from "../addressPlan";
import { AddressPlanInput } from "../addressPlan/plan";

const check = (input: Partial<AddressPlanInput>) => checkAddressPlan(input);
const errorsOf = (input: Partial<AddressPlanInput>) => check(input).errors;
const problem = (rule: string, key: string, values: Problem["values"], message: string): Problem => ({
    rule,
    key,
    values,
    message,
});
const RESERVED = "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24";

test("nothing given, nothing found", () => expect(check({})).toEqual({ errors: [], warnings: [] }));

describe("rangesParse", () => {
    test("each range that does not parse, in the keys' order; a range that does is judged by the other rules only", () => {
        expect(errorsOf({ serviceCidr: "10.200.0.1/16", vnetCidr: "vnet", podCidr: "10.100.0.0/16" })).toEqual([
            problem(
                "rangesParse",
                "vnetCidr",
                { vnetCidr: "vnet" },
                '"vnet" is not in CIDR notation (address/prefix, like 10.100.0.0/16)',
            ),
            problem(
                "rangesParse",
                "serviceCidr",
                { serviceCidr: "10.200.0.1/16" },
                '"10.200.0.1/16" has host bits set; use 10.200.0.0/16',
            ),
        ]);
    });
    test("a range that does not parse takes part in no other rule", () =>
        expect(errorsOf({ podCidr: "10.100.0.1/16", serviceCidr: "10.100.0.0/16" }).map((found) => found.rule)).toEqual(
            ["rangesParse"],
        ));
});

describe("rangesAvoidAksReserved", () => {
    test("names the first reserved range it overlaps, and all of them", () => {
        expect(errorsOf({ podCidr: "172.30.0.0/15" })).toEqual([
            problem(
                "rangesAvoidAksReserved",
                "podCidr",
                { podCidr: "172.30.0.0/15", reserved: "172.30.0.0/16" },
                `172.30.0.0/15 overlaps 172.30.0.0/16, which AKS reserves (${RESERVED}); choose a range outside them`,
            ),
        ]);
        expect(errorsOf({ serviceCidr: "172.31.128.0/17" })).toEqual([
            problem(
                "rangesAvoidAksReserved",
                "serviceCidr",
                { serviceCidr: "172.31.128.0/17", reserved: "172.31.0.0/16" },
                `172.31.128.0/17 overlaps 172.31.0.0/16, which AKS reserves (${RESERVED}); choose a range outside them`,
            ),
        ]);
    });
    test("the neighbours of reserved ranges are fine", () => {
        expect(errorsOf({ podCidr: "172.32.0.0/16", serviceCidr: "172.29.0.0/16", vnetCidr: "192.0.3.0/24" })).toEqual(
            [],
        );
    });
});

describe("the subnets", () => {
    test("subnetsInsideVnet: a subnet outside the VNet, or only half inside it", () => {
        expect(
            errorsOf({
                vnetCidr: "10.220.0.0/16",
                kubenetSubnetCidr: "10.221.1.0/24",
                servicesSubnetCidr: "10.220.3.0/24",
            }),
        ).toEqual([
            problem(
                "subnetsInsideVnet",
                "kubenetSubnetCidr",
                { kubenetSubnetCidr: "10.221.1.0/24", vnetCidr: "10.220.0.0/16" },
                "10.221.1.0/24 is not inside vnetCidr 10.220.0.0/16; choose a subnet within the VNet",
            ),
        ]);
        expect(errorsOf({ vnetCidr: "10.220.1.0/25", azureCniSubnetCidr: "10.220.1.0/24" })).toEqual([
            problem(
                "subnetsInsideVnet",
                "azureCniSubnetCidr",
                { azureCniSubnetCidr: "10.220.1.0/24", vnetCidr: "10.220.1.0/25" },
                "10.220.1.0/24 is not inside vnetCidr 10.220.1.0/25; choose a subnet within the VNet",
            ),
        ]);
        // Without a VNet there is nothing to be inside.
        expect(errorsOf({ kubenetSubnetCidr: "10.221.1.0/24" })).toEqual([]);
    });

    test("subnetsLargeEnough: /29 is the smallest Azure accepts", () => {
        expect(errorsOf({ servicesSubnetCidr: "10.220.3.0/29" })).toEqual([]);
        expect(errorsOf({ servicesSubnetCidr: "10.220.3.0/30" })).toEqual([
            problem(
                "subnetsLargeEnough",
                "servicesSubnetCidr",
                { servicesSubnetCidr: "10.220.3.0/30", smallestPrefix: 29 },
                "10.220.3.0/30 is smaller than /29, the smallest subnet Azure accepts",
            ),
        ]);
    });

    test("subnetsDisjoint: every overlapping pair once, named by the later key", () => {
        const same = "10.220.1.0/24";
        expect(
            errorsOf({ kubenetSubnetCidr: same, azureCniSubnetCidr: same, servicesSubnetCidr: "10.220.1.128/25" }),
        ).toEqual([
            problem(
                "subnetsDisjoint",
                "azureCniSubnetCidr",
                { azureCniSubnetCidr: same, kubenetSubnetCidr: same },
                "azureCniSubnetCidr 10.220.1.0/24 overlaps kubenetSubnetCidr 10.220.1.0/24; subnets of one VNet must not overlap",
            ),
            problem(
                "subnetsDisjoint",
                "servicesSubnetCidr",
                { servicesSubnetCidr: "10.220.1.128/25", kubenetSubnetCidr: same },
                "servicesSubnetCidr 10.220.1.128/25 overlaps kubenetSubnetCidr 10.220.1.0/24; subnets of one VNet must not overlap",
            ),
            problem(
                "subnetsDisjoint",
                "servicesSubnetCidr",
                { servicesSubnetCidr: "10.220.1.128/25", azureCniSubnetCidr: same },
                "servicesSubnetCidr 10.220.1.128/25 overlaps azureCniSubnetCidr 10.220.1.0/24; subnets of one VNet must not overlap",
            ),
        ]);
        expect(errorsOf({ kubenetSubnetCidr: "10.220.1.0/24", azureCniSubnetCidr: "10.220.2.0/24" })).toEqual([]);
    });
});

describe("the pod and service ranges", () => {
    test("overlayRangesOutsideVnet: names every range each overlaps, and which range it is", () => {
        expect(
            check({
                vnetCidr: "10.220.0.0/16",
                kubenetSubnetCidr: "10.220.1.0/24",
                azureCniSubnetCidr: "10.220.2.0/24",
                podCidr: "10.220.0.0/23",
                serviceCidr: "10.220.128.0/24",
            }),
        ).toEqual({
            errors: [
                problem(
                    "overlayRangesOutsideVnet",
                    "podCidr",
                    { podCidr: "10.220.0.0/23", overlaps: "vnetCidr,kubenetSubnetCidr" },
                    "10.220.0.0/23 overlaps vnetCidr 10.220.0.0/16, kubenetSubnetCidr 10.220.1.0/24; the pod range must lie outside the VNet and its subnets",
                ),
                problem(
                    "overlayRangesOutsideVnet",
                    "serviceCidr",
                    { serviceCidr: "10.220.128.0/24", overlaps: "vnetCidr" },
                    "10.220.128.0/24 overlaps vnetCidr 10.220.0.0/16; the service range must lie outside the VNet and its subnets",
                ),
            ],
            warnings: [],
        });
        expect(errorsOf({ vnetCidr: "10.220.0.0/16", podCidr: "10.221.0.0/16", serviceCidr: "10.219.0.0/16" })).toEqual(
            [],
        );
    });

    test("overlayRangesAvoidDockerBridge: a warning for either range on 172.17.0.0/16, none beside it", () => {
        expect(
            check({ podCidr: "172.17.0.0/17", serviceCidr: "172.17.128.0/17", dnsServiceIp: "172.17.128.10" }),
        ).toEqual({
            errors: [],
            warnings: [
                problem(
                    "overlayRangesAvoidDockerBridge",
                    "podCidr",
                    { podCidr: "172.17.0.0/17", dockerBridge: "172.17.0.0/16" },
                    "172.17.0.0/17 overlaps 172.17.0.0/16, the docker0 bridge on older AKS nodes; legal, but node routing tables become confusing",
                ),
                problem(
                    "overlayRangesAvoidDockerBridge",
                    "serviceCidr",
                    { serviceCidr: "172.17.128.0/17", dockerBridge: "172.17.0.0/16" },
                    "172.17.128.0/17 overlaps 172.17.0.0/16, the docker0 bridge on older AKS nodes; legal, but node routing tables become confusing",
                ),
            ],
        });
        expect(check({ podCidr: "172.16.0.0/14" }).warnings.map((found) => found.key)).toEqual(["podCidr"]);
        expect(check({ podCidr: "172.16.0.0/16", serviceCidr: "172.18.0.0/16" }).warnings).toEqual([]);
    });

    test("podAndServiceRangesDisjoint: named on serviceCidr", () => {
        expect(errorsOf({ podCidr: "10.100.0.0/16", serviceCidr: "10.100.128.0/17" })).toEqual([
            problem(
                "podAndServiceRangesDisjoint",
                "serviceCidr",
                { serviceCidr: "10.100.128.0/17", podCidr: "10.100.0.0/16" },
                "10.100.128.0/17 overlaps podCidr 10.100.0.0/16; pod and service ranges must be disjoint",
            ),
        ]);
        expect(errorsOf({ podCidr: "10.100.0.0/16", serviceCidr: "10.101.0.0/16" })).toEqual([]);
    });

    test("serviceCidrSmallEnough: /12 and larger are refused, /13 is accepted", () => {
        const refusal = (serviceCidr: string) =>
            problem(
                "serviceCidrSmallEnough",
                "serviceCidr",
                { serviceCidr, largestPrefix: 12 },
                `${serviceCidr} is too large; AKS needs a service CIDR smaller than /12 (for example /16)`,
            );
        expect(errorsOf({ serviceCidr: "10.192.0.0/11" })).toEqual([refusal("10.192.0.0/11")]);
        expect(errorsOf({ serviceCidr: "10.192.0.0/12" })).toEqual([refusal("10.192.0.0/12")]);
        expect(errorsOf({ serviceCidr: "10.192.0.0/13" })).toEqual([]);
    });
});

describe("dnsServiceIpUsable", () => {
    const serviceCidr = "10.200.0.0/16";
    const values = (dnsServiceIp: string, conventional = "10.200.0.10", range = serviceCidr) => ({
        dnsServiceIp,
        serviceCidr: range,
        conventional,
    });
    test.each([
        ["10.201.0.10", "10.201.0.10 is not inside serviceCidr 10.200.0.0/16; use 10.200.0.10"],
        ["10.199.255.255", "10.199.255.255 is not inside serviceCidr 10.200.0.0/16; use 10.200.0.10"],
        ["10.200.0.0", "10.200.0.0 is the network or broadcast address of serviceCidr 10.200.0.0/16; use 10.200.0.10"],
        [
            "10.200.255.255",
            "10.200.255.255 is the network or broadcast address of serviceCidr 10.200.0.0/16; use 10.200.0.10",
        ],
        [
            "10.200.0.1",
            "10.200.0.1 is the first address of serviceCidr 10.200.0.0/16, which Kubernetes gives to kubernetes.default.svc; use 10.200.0.10",
        ],
    ])("%s is refused", (dnsServiceIp, message) =>
        expect(check({ serviceCidr, dnsServiceIp })).toEqual({
            errors: [problem("dnsServiceIpUsable", "dnsServiceIp", values(dnsServiceIp), message)],
            warnings: [],
        }),
    );
    test("another usable address works, with a warning naming the .10", () => {
        for (const dnsServiceIp of ["10.200.0.2", "10.200.255.254"])
            expect(check({ serviceCidr, dnsServiceIp })).toEqual({
                errors: [],
                warnings: [
                    problem(
                        "dnsServiceIpUsable",
                        "dnsServiceIp",
                        values(dnsServiceIp),
                        `${dnsServiceIp} works, but AKS recommends the .10 address of the service CIDR (10.200.0.10)`,
                    ),
                ],
            });
        expect(check({ serviceCidr, dnsServiceIp: " 10.200.0.10 " })).toEqual({ errors: [], warnings: [] });
    });
    test("in a /29 there is no .10: the conventional address is the last host", () => {
        // 10.200.0.0/29: .0 network, .1 kubernetes, .2-.6 hosts, .7 broadcast.
        expect(check({ serviceCidr: "10.200.0.0/29", dnsServiceIp: "10.200.0.6" })).toEqual({
            errors: [],
            warnings: [],
        });
        expect(check({ serviceCidr: "10.200.0.0/29", dnsServiceIp: "10.200.0.5" }).warnings).toEqual([
            problem(
                "dnsServiceIpUsable",
                "dnsServiceIp",
                values("10.200.0.5", "10.200.0.6", "10.200.0.0/29"),
                "10.200.0.5 works, but AKS recommends the .10 address of the service CIDR (10.200.0.6)",
            ),
        ]);
    });
    test("an address that is none is refused with the parser's sentence; without a service range nothing else is judged", () => {
        expect(errorsOf({ serviceCidr, dnsServiceIp: "10.200.0" })).toEqual([
            problem(
                "dnsServiceIpUsable",
                "dnsServiceIp",
                { dnsServiceIp: "10.200.0" },
                '"10.200.0" is not an IPv4 address in dotted-quad form (like 10.200.0.10)',
            ),
        ]);
        expect(check({ dnsServiceIp: "10.201.0.1" })).toEqual({ errors: [], warnings: [] });
    });
});

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
