/**
 * The preview guard's judgement of one change against Azure's facts: which irreversible changes
 * (azureFacts/replacements.ts) a step between two input documents makes. The facts themselves,
 * the fixes and the path reader are re-exported, so the guard's callers import from here as before.
 */
import { IRREVERSIBLE_CHANGES, IrreversibleChange, replacesFor } from "../azureFacts/replacements";
import { fixFor, REPLACEMENT_FIXES } from "./fixes";
import { createOnlyChanged, lockHolds, same, valueAt } from "./values";

export * from "../azureFacts/replacements";
export { fixFor, REPLACEMENT_FIXES, valueAt };

/**
 * The irreversible changes between two input objects of `type` (either may be undefined).
 * `reported` is the resource's recorded outputs, where a preview has them: for a create-only input
 * the program never declared, they say what the resource has. `replacement`: the step replaces
 * the resource, and only the facts whose input is force-new apply (the rest describe a new resource).
 */
export function irreversibleChangesBetween(
    type: string,
    before: unknown,
    after: unknown,
    reported?: unknown,
    options: { readonly now?: Date; readonly replacement?: boolean } = {},
): Array<IrreversibleChange & { readonly from: unknown; readonly to: unknown }> {
    const now = options.now ?? new Date();
    return IRREVERSIBLE_CHANGES.filter(
        (fact) => fact.type === type && (!options.replacement || replacesFor(fact)),
    ).flatMap((fact) => {
        const [from, to] = [valueAt(before, fact.path), valueAt(after, fact.path)];
        let refused: boolean;
        if (fact.kind === "one-way") {
            refused =
                same(from, fact.lockedValue) && !same(to, fact.lockedValue) && lockHolds(fact, before, reported, now);
        } else if (fact.path.includes("[]")) {
            // One value per pool, by position: inline pools cannot be added or removed in place.
            const [froms, tos, reports] = [from, to, valueAt(reported, fact.path)].map((list) =>
                Array.isArray(list) ? (list as unknown[]) : [],
            );
            refused = tos.some(
                (wants, index) => index < froms.length && createOnlyChanged(fact, froms[index], reports[index], wants),
            );
        } else {
            refused = before !== undefined && createOnlyChanged(fact, from, valueAt(reported, fact.path), to);
        }
        return refused ? [{ ...fact, from, to }] : [];
    });
}
