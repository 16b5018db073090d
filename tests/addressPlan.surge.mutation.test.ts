/**
 * The upgrade surge (addressPlan/surge.ts) at its edges. The rule is AKS's: maxSurge is a node
 * count or a percentage of the pool; unset, 10%; "for percentages, fractional nodes are rounded up"
 * (AgentPoolUpgradeSettings.maxSurge, AKS API 2025-09-01); a count above the pool's size surges
 * the whole pool (MicrosoftDocs/azure-docs#90212). Every expected value is worked out by hand.
 */
import { DEFAULT_MAX_SURGE, largestPoolWithin, parseMaxSurge, surgeNodes, withSurge } from "../addressPlan";

const notAMaxSurge = (text: string) => ({
    ok: false,
    reason: `"${text}" is not a maxSurge; use a node count such as "1" or a percentage of the pool from "1%" to "100%", e.g. "33%"`,
});
const percentOutOfRange = (amount: number) => ({
    ok: false,
    reason: `${amount}% is out of range; a percentage of the pool runs from 1% to 100% (100% surges a whole pool at once)`,
});

describe("parseMaxSurge", () => {
    test("a node count of at least 1; 0 surges nothing, which needs maxUnavailable", () => {
        expect(parseMaxSurge("1")).toEqual({ ok: true, value: { kind: "count", nodes: 1 } });
        expect(parseMaxSurge(" 007 ")).toEqual({ ok: true, value: { kind: "count", nodes: 7 } });
        expect(parseMaxSurge("0")).toEqual({
            ok: false,
            reason: "0 surges no node, which AKS accepts only with maxUnavailable (not set by this program); use at least 1, or a percentage",
        });
    });
    test("a percentage from 1% to 100%", () => {
        expect(parseMaxSurge("1%")).toEqual({ ok: true, value: { kind: "percent", percent: 1 } });
        expect(parseMaxSurge("100%")).toEqual({ ok: true, value: { kind: "percent", percent: 100 } });
        expect(parseMaxSurge("0%")).toEqual(percentOutOfRange(0));
        expect(parseMaxSurge("101%")).toEqual(percentOutOfRange(101));
    });
    test.each(["fast", "", "1.5", "-1", "x5", "5x", "%5", "5%%", "5 %"])("%j is no maxSurge", (text) =>
        expect(parseMaxSurge(text)).toEqual(notAMaxSurge(text)),
    );
});

describe("surgeNodes and withSurge", () => {
    test("unset: AKS's 10%, rounded up, so a pool of any size surges at least one node", () => {
        expect(DEFAULT_MAX_SURGE).toBe("10%");
        expect(surgeNodes(1)).toBe(1); // ceil(0.1)
        expect(surgeNodes(10)).toBe(1); // exactly 1
        expect(surgeNodes(11)).toBe(2); // ceil(1.1)
        expect(surgeNodes(400)).toBe(40);
        expect(withSurge(11)).toBe(13);
    });
    test("an empty pool surges nothing", () => {
        expect(surgeNodes(0)).toBe(0);
        expect(surgeNodes(0, "5")).toBe(0);
        expect(surgeNodes(-1, "100%")).toBe(0);
        expect(withSurge(0)).toBe(0);
    });
    test("a percentage of the pool, rounded up", () => {
        expect(surgeNodes(3, "33%")).toBe(1); // ceil(0.99)
        expect(surgeNodes(20, "33%")).toBe(7); // ceil(6.6)
        expect(surgeNodes(100, "33%")).toBe(33);
        expect(surgeNodes(7, "100%")).toBe(7);
    });
    test("a count, at most the pool's size", () => {
        expect(surgeNodes(3, "5")).toBe(3);
        expect(surgeNodes(5, "5")).toBe(5);
        expect(surgeNodes(6, "5")).toBe(5);
        expect(withSurge(6, "5")).toBe(11);
    });
    test("an unusable maxSurge counts as AKS's default (maxSurgeValid reports it)", () => {
        expect(surgeNodes(20, "fast")).toBe(2);
        expect(surgeNodes(20, "0")).toBe(2);
        expect(surgeNodes(20, "150%")).toBe(2);
    });
});

describe("largestPoolWithin", () => {
    test("the largest pool whose nodes and surge stay within the limit", () => {
        expect(largestPoolWithin(4)).toBe(3); // 3 + 1
        expect(largestPoolWithin(12)).toBe(10); // 10 + 1 = 11; 11 + ceil(1.1) = 13 is over
        expect(largestPoolWithin(22)).toBe(20); // 20 + 2
        expect(largestPoolWithin(251)).toBe(228); // 228 + 23; 229 + 23 = 252
        expect(largestPoolWithin(251, "1")).toBe(250);
        expect(largestPoolWithin(251, "100%")).toBe(125); // 125 + 125 = 250; 126 + 126 = 252
    });
    test("no pool fits 1 or less; a ceiling caps it", () => {
        expect(largestPoolWithin(1)).toBe(0);
        expect(largestPoolWithin(0)).toBe(0);
        expect(largestPoolWithin(-5)).toBe(0);
        expect(largestPoolWithin(2048, undefined, 1000)).toBe(1000); // 1000 + 100 fits
        expect(largestPoolWithin(1000, undefined, 1000)).toBe(909); // 909 + 91; the limit decides
    });
});
