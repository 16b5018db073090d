/**
 * Each address rule alone, at its boundary, with the whole finding users get: the rule, the key
 * to change, the values that decided it and the sentence. This file: the ranges (parsing, AKS's reserved
 * ranges, the subnets, the pod and service ranges, the DNS service IP).
 * The numbers are Azure's and AKS's (addressPlan/limits.ts and surge.ts cite them), worked out by
 * hand: a /24 has 251 usable addresses after Azure's 5, a /16 pod CIDR 256 slices.
 */
import { check, errorsOf, problem } from "./helpers/addressRules";

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
