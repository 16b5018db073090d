/**
 * The rules one by one, as ADDRESS_PLAN_RULES exports them (the Rule type promises Finding[]):
 * whatever they are given, each returns findings and nothing else; a rule with nothing to find
 * returns an empty list. checkAddressPlan keeps only errors and warnings, so a stray entry in a
 * rule's result would vanish there: these tests call the rules themselves, on the context
 * checkAddressPlan builds (ruleContextFor).
 */
import fc from "fast-check";
import { AddressPlanInput } from "../addressPlan/plan";
import { ADDRESS_PLAN_RULES, ruleContextFor } from "../addressPlan/rules";
import { TUTORIAL_ADDRESS_PLAN_INPUT } from "./helpers/tutorial";

/** Every rule's findings for `input`, by rule name. */
const findingsByRule = (input: Partial<AddressPlanInput>) => {
    const context = ruleContextFor(input);
    return ADDRESS_PLAN_RULES.map((rule) => {
        const found: readonly unknown[] = rule(context);
        return { rule: rule.name, found };
    });
};

/** An error or a warning with its rule, key and sentence (non-empty) and its values (Finding). */
const isFinding = (found: unknown): boolean => {
    if (typeof found !== "object" || found === null) return false;
    const { severity, rule, key, message, values } = found as Record<string, unknown>;
    return (
        (severity === "error" || severity === "warning") &&
        [rule, key, message].every((text) => typeof text === "string" && text.length > 0) &&
        typeof values === "object" &&
        values !== null
    );
};

/** What the rules return that is not a finding, by rule name (empty: every result is well-formed). */
const strays = (input: Partial<AddressPlanInput>) =>
    findingsByRule(input).flatMap(({ rule, found }) =>
        found.filter((one) => !isFinding(one)).map((one) => ({ rule, one })),
    );

/** The tutorial's plan: Pulumi.yaml's defaults (the VNet, its three subnets, the pod and service ranges, 3 nodes). */
const TUTORIAL_PLAN: Partial<AddressPlanInput> = { ...TUTORIAL_ADDRESS_PLAN_INPUT, networkPlugin: "kubenet" };

describe("each address rule alone", () => {
    test("the tutorial's plan: no rule finds anything, with or without its second (Azure CNI) cluster", () => {
        // 3 nodes + ceil(10% of 3) = 1 surge = 4 of the pod CIDR's 256 slices, the /24's 251
        // addresses and the route table's 400 routes; Azure CNI: (3 + 1) x (30 + 1) = 124 of 251.
        const none = ADDRESS_PLAN_RULES.map((rule) => ({ rule: rule.name, found: [] }));
        expect(findingsByRule(TUTORIAL_PLAN)).toEqual(none);
        expect(
            findingsByRule({ ...TUTORIAL_PLAN, azureCniCluster: true, azureCniNodeCount: 3, azureCniMaxPods: 30 }),
        ).toEqual(none);
        // An autoscaler to 200 and a user pool of 20 at maxSurge 10%: 200 + 20 nodes + ceil(20.0) = 20
        // + ceil(2.0) = 2 surge = 242 of the /24's 251 addresses, the 256 slices, the 400 routes.
        expect(
            findingsByRule({ ...TUTORIAL_PLAN, autoscaleMaxCount: 200, userPoolNodeCount: 20, maxSurge: "10%" }),
        ).toEqual(none);
    });

    test("a plan with nothing set: no rule finds anything", () =>
        expect(findingsByRule({})).toEqual(ADDRESS_PLAN_RULES.map((rule) => ({ rule: rule.name, found: [] }))));

    test("counts out of bounds and a DNS address without its service range: each rule's result holds only findings", () => {
        // The property below reaches these early exits only by chance: Azure CNI's capacity rule
        // leaves 0 nodes (and 1001) to the bounds rule, and the DNS rule cannot place 10.200.0.10
        // without a service range it can read.
        for (const azureCniNodeCount of [0, 1001])
            expect(
                strays({
                    azureCniCluster: true,
                    azureCniSubnetCidr: "10.220.2.0/24",
                    azureCniNodeCount,
                    azureCniMaxPods: 30,
                }),
            ).toEqual([]);
        expect(strays({ dnsServiceIp: "10.200.0.10" })).toEqual([]);
        expect(strays({ dnsServiceIp: "10.200.0.10", serviceCidr: "services" })).toEqual([]);
    });

    // Each key absent, valid, out of range or unreadable, so that every rule meets its early returns
    // (nothing to judge, nothing wrong) as well as its findings.
    const count = (max: number) => fc.oneof(fc.integer({ min: -1, max: 12 }), fc.integer({ min: 0, max }));
    const plans: fc.Arbitrary<Partial<AddressPlanInput>> = fc.record(
        {
            vnetCidr: fc.constantFrom("10.220.0.0/16", "10.0.0.0/8", "172.30.0.0/16", "10.220.0.1/16", "vnet"),
            kubenetSubnetCidr: fc.constantFrom("10.220.1.0/24", "10.220.1.0/30", "10.220.1.0/29", "10.5.0.0/24", "x"),
            azureCniSubnetCidr: fc.constantFrom("10.220.2.0/24", "10.220.2.0/27", "10.220.1.0/24", "10.220.2.0/18"),
            servicesSubnetCidr: fc.constantFrom("10.220.3.0/24", "10.220.1.128/25", "::/0"),
            podCidr: fc.constantFrom(
                "10.100.0.0/16",
                "10.100.0.0/24",
                "10.100.0.0/25",
                "172.17.0.0/16",
                "10.220.0.0/20",
            ),
            serviceCidr: fc.constantFrom(
                "10.200.0.0/16",
                "10.0.0.0/8",
                "10.200.0.0/28",
                "10.100.0.0/16",
                "192.0.2.0/24",
            ),
            dnsServiceIp: fc.constantFrom("10.200.0.10", "10.200.0.11", "10.200.0.1", "10.200.0.0", "10.9.9.9", "dns"),
            networkPlugin: fc.constantFrom("kubenet" as const, "overlay" as const),
            nodeCount: count(1100),
            maxPods: fc.integer({ min: 0, max: 300 }),
            azureCniCluster: fc.boolean(),
            azureCniNodeCount: count(1100),
            azureCniMaxPods: fc.integer({ min: 0, max: 300 }),
            autoscaleMaxCount: count(1100),
            userPoolNodeCount: count(500),
            userPoolAutoscaleMaxCount: count(500),
            maxSurge: fc.constantFrom("1", "5", "33%", "100%", "0", "101%", "surge"),
            moreUserPoolPeaks: fc.array(count(50), { maxLength: 3 }),
            azureCniMorePoolPeaks: fc.array(count(50), { maxLength: 3 }),
        },
        { requiredKeys: [] },
    );

    test("whatever the input, every rule returns only findings: an error or a warning with its rule, key, values and sentence", () =>
        fc.assert(
            fc.property(plans, (input) => expect(strays(input)).toEqual([])),
            { numRuns: 300 },
        ));
});
