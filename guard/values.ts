/**
 * Reading input documents by the dotted paths the replacement facts use, and judging one fact's
 * values (guard/replacements.ts irreversibleChangesBetween applies them).
 */
import { communitySupport } from "./communitySupport";
import type { IrreversibleChange } from "../azureFacts/replacements";

/** The value at a dotted path (array items as `[]`: every item's value, as a list). */
export function valueAt(document: unknown, path: string): unknown {
    const [head, ...rest] = path.split(".");
    const arrayHead = head.endsWith("[]");
    const key = arrayHead ? head.slice(0, -2) : head;
    const value = document && typeof document === "object" ? (document as Record<string, unknown>)[key] : undefined;
    if (arrayHead)
        return Array.isArray(value)
            ? value.map((item: unknown) => (rest.length ? valueAt(item, rest.join(".")) : item))
            : undefined;
    return rest.length === 0 ? value : valueAt(value, rest.join("."));
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A create-only value changed: `from` is what the cluster has (the recorded input, or where the
 * program never declared it, what AKS reported), `to` what the program now declares. Leaving it
 * undeclared changes nothing, unless its absence is itself a value (no zones).
 */
export function createOnlyChanged(fact: IrreversibleChange, from: unknown, reported: unknown, to: unknown): boolean {
    const absent = (value: unknown) => value === undefined || value === null;
    const normal = (value: unknown) => (absent(value) && fact.absentValue !== undefined ? fact.absentValue : value);
    const had = normal(absent(from) ? reported : from);
    const wants = normal(to);
    return !absent(had) && !absent(wants) && !same(had, wants);
}

/** Whether a conditional lock holds of the resource as it is (its inputs and what it reported). */
export function lockHolds(fact: IrreversibleChange, before: unknown, reported: unknown, now: Date): boolean {
    if (fact.lockedWhile !== "outOfCommunitySupport") return true;
    // AKS reports the exact version; the recorded input may be a minor alias or absent.
    const version = valueAt(reported, "currentKubernetesVersion") ?? valueAt(before, "kubernetesVersion");
    return communitySupport(version, now) !== "in";
}
