/**
 * The preview guard: reads `pulumi preview --json` and names every resource of a guarded type
 * that the update would replace or delete. azure-native replaces an explicitly named resource
 * delete-first (the cluster and every workload go before the new one exists), so a pull request
 * must not do that by accident. Pure: the CLI (guard/cli.ts) only reads the file and prints.
 */

import { networkPolicyTransition } from "./networkPolicy";
import { DELETE_FIRST_TYPES, IRREVERSIBLE_CHANGES, irreversibleChangesBetween, replacesFor } from "./replacements";
import { valueAt } from "./values";

/**
 * The types whose loss costs the cluster, its network or its identity: every type azure-native
 * replaces delete-first (azureFacts/replacements.ts, from the provider's source).
 */
export const GUARDED_TYPES: readonly string[] = DELETE_FIRST_TYPES;

/** Ops that lose the resource as it exists. A replacement shows as replace + create-replacement + delete-replaced. */
const LOSING_OPS: Readonly<Record<string, "replaced" | "deleted">> = {
    replace: "replaced",
    "create-replacement": "replaced",
    "delete-replaced": "replaced",
    "import-replacement": "replaced",
    delete: "deleted",
};
/** Ops that keep the resource (discard drops a read-only resource from the state, never the resource itself). */
const KEEPING_OPS = new Set([
    "same",
    "create",
    "update",
    "read",
    "import",
    "discard",
    "refresh",
    "read-replacement",
    "discard-replaced",
    "remove-pending-replace",
]);

export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    /** The engine's resource states; `inputs` are what the guard compares for irreversible changes. */
    readonly oldState?: {
        readonly type?: string;
        readonly inputs?: Readonly<Record<string, unknown>>;
        /** What the provider recorded, AKS's values included: a create-only input never declared has its value here. */
        readonly outputs?: Readonly<Record<string, unknown>>;
    };
    readonly newState?: { readonly type?: string; readonly inputs?: Readonly<Record<string, unknown>> };
    /** The keys that cause the replacement (pulumi/pulumi pkg/display/json.go PreviewStep). */
    readonly replaceReasons?: readonly string[];
    /** Per-property differences; kinds ending in "-replace" replace the resource. */
    readonly detailedDiff?: Readonly<Record<string, { readonly kind?: string }>>;
}

export interface GuardedLoss {
    readonly name: string;
    readonly type: string;
    readonly urn: string;
    readonly loss: "replaced" | "deleted";
    /** Named with --allow. */
    readonly allowed: boolean;
    /** For a replacement, the exact inputs that force it (from the preview's detailedDiff or replaceReasons). */
    readonly fields: readonly string[];
}

/**
 * A change AKS refuses or cannot undo (azureFacts/replacements.ts IRREVERSIBLE_CHANGES), or a network
 * policy move Microsoft does not document (guard/networkPolicy.ts); --allow never passes it.
 */
export interface IrreversibleRefusal {
    readonly name: string;
    readonly type: string;
    readonly path: string;
    readonly kind: "one-way" | "create-only" | "undocumented";
    readonly configKey: string;
    readonly why: string;
}

export interface GuardVerdict {
    readonly losses: readonly GuardedLoss[];
    readonly refusals: readonly IrreversibleRefusal[];
    /** True when every guarded loss is allowed (or there is none) and nothing irreversible changes. */
    readonly ok: boolean;
    /** --allow names that matched nothing: probably a typo. */
    readonly unusedAllows: readonly string[];
}

/** A URN's logical name and type: urn:pulumi:<stack>::<project>::<Parent$...$type>::<name>. */
export function parseUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`"${urn}" is not a Pulumi URN`);
    const qualifiedType = parts[2];
    return { type: qualifiedType.split("$").pop()!, name: parts.slice(3).join("::") };
}

/** Checks the shape of `pulumi preview --json` output; returns the steps or a reason. */
export function readPreview(document: unknown): { steps: PreviewStep[] } | { error: string } {
    const steps = (document as { steps?: unknown })?.steps;
    if (typeof document !== "object" || document === null || !("steps" in document)) {
        // A preview with nothing to do may print no steps at all; anything else is not a preview.
        if (typeof document === "object" && document !== null && "changeSummary" in document) return { steps: [] };
        return { error: 'it is not the output of `pulumi preview --json` (no "steps")' };
    }
    if (!Array.isArray(steps)) return { error: '"steps" is not an array' };
    for (const [index, step] of (steps as Array<Partial<Record<"op" | "urn", unknown>> | null>).entries()) {
        if (typeof step?.op !== "string" || typeof step?.urn !== "string")
            return { error: `step ${index} has no op or urn` };
        if (!(step.op in LOSING_OPS) && !KEEPING_OPS.has(step.op))
            return { error: `step ${index} has op "${step.op}", which this guard does not know; refusing to guess` };
        try {
            parseUrn(step.urn);
        } catch (error) {
            return { error: `step ${index}: ${(error as Error).message}` };
        }
    }
    return { steps: steps as PreviewStep[] };
}

/** The inputs a step says force its replacement: detailedDiff's *-replace entries, else replaceReasons. */
export function replacingFields(step: PreviewStep): string[] {
    const detailed = Object.entries(step.detailedDiff ?? {})
        .filter(([, diff]) => typeof diff?.kind === "string" && diff.kind.endsWith("-replace"))
        .map(([path]) => path);
    return [...new Set(detailed.length > 0 ? detailed : (step.replaceReasons ?? []))].sort();
}

/**
 * The guard's verdict over a preview's steps. `now` decides which Kubernetes versions are out of
 * community support (guard/communitySupport.ts); tests pass a fixed day.
 */
export function guardPreview(
    steps: readonly PreviewStep[],
    allow: readonly string[] = [],
    options: { readonly now?: Date } = {},
): GuardVerdict {
    const byUrn = new Map<string, GuardedLoss>();
    for (const step of steps) {
        const loss = LOSING_OPS[step.op];
        if (!loss) continue;
        const fromUrn = parseUrn(step.urn);
        // The state's type is authoritative; the URN's last type segment is the fallback.
        const type = step.newState?.type ?? step.oldState?.type ?? fromUrn.type;
        if (!GUARDED_TYPES.includes(type)) continue;
        // One resource appears up to three times in a replacement; report it once.
        const fields = [...new Set([...(byUrn.get(step.urn)?.fields ?? []), ...replacingFields(step)])].sort();
        if (!byUrn.has(step.urn) || loss === "replaced") {
            byUrn.set(step.urn, {
                name: fromUrn.name,
                type,
                urn: step.urn,
                loss,
                allowed: allow.includes(fromUrn.name),
                fields,
            });
        }
    }
    const losses = [...byUrn.values()];
    const refusals = steps.flatMap((step) => irreversibleIn(step, options.now ?? new Date()));
    const unusedAllows = allow.filter((name) => !losses.some((loss) => loss.name === name));
    return { losses, refusals, ok: losses.every((loss) => loss.allowed) && refusals.length === 0, unusedAllows };
}

/** The ops that carry a resource's change: an update, or the step that names a replacement's inputs. */
const CHANGING_OPS = new Set(["update", "replace"]);
const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";

/**
 * The irreversible changes an update or a replacement makes. With both states' inputs (what
 * `pulumi preview --json` prints) the values are compared; without them, a detailedDiff that
 * deletes a one-way input (or anything holding it) or touches a create-only one is refused, the
 * direction unknown. A replacement is judged only by the one-way facts on force-new inputs (the
 * Overlay move, Cilium): for them it is the only way back Pulumi has, and it deletes the cluster
 * first; everything else describes the new resource. A declared networkPolicy that moves where
 * Microsoft documents no path is refused too.
 */
function irreversibleIn(step: PreviewStep, now: Date): IrreversibleRefusal[] {
    if (!CHANGING_OPS.has(step.op)) return []; // a create has no past; a replacement's other steps repeat it
    const replacement = step.op === "replace";
    const type = step.newState?.type ?? step.oldState?.type ?? parseUrn(step.urn).type;
    const name = parseUrn(step.urn).name;
    const refusal = (fact: (typeof IRREVERSIBLE_CHANGES)[number]): IrreversibleRefusal => ({
        name,
        type,
        path: fact.path,
        kind: fact.kind,
        configKey: fact.configKey,
        why: fact.why,
    });
    if (step.oldState?.inputs && step.newState?.inputs)
        return [
            ...irreversibleChangesBetween(type, step.oldState.inputs, step.newState.inputs, step.oldState.outputs, {
                now,
                replacement,
            }).map(refusal),
            ...undocumentedPolicyMove(step, name, type),
        ];
    const diffs = Object.entries(step.detailedDiff ?? {});
    return IRREVERSIBLE_CHANGES.filter((fact) => fact.type === type && (!replacement || replacesFor(fact)))
        .filter((fact) =>
            diffs.some(([path, diff]) => {
                const generic = path.replace(/\[\d+\]/g, "[]");
                const covers =
                    fact.path === generic ||
                    fact.path.startsWith(`${generic}.`) ||
                    (fact.kind === "create-only" &&
                        (generic.startsWith(`${fact.path}.`) || generic.startsWith(`${fact.path}[`)));
                const deletes = diff?.kind === "delete" || diff?.kind === "delete-replace";
                return covers && (fact.kind === "create-only" || deletes);
            }),
        )
        .map(refusal);
}

/**
 * A declared networkPolicy moving where Microsoft documents no path (guard/networkPolicy.ts): from
 * the recorded input, or what AKS reported when the program never declared it. Leaving it
 * undeclared is no move (the program then ignores it); a move away from cilium is the one-way fact's.
 */
function undocumentedPolicyMove(step: PreviewStep, name: string, type: string): IrreversibleRefusal[] {
    const path = "networkProfile.networkPolicy";
    const to = valueAt(step.newState?.inputs, path);
    if (type !== CLUSTER_TYPE || to === undefined) return [];
    const from = valueAt(step.oldState?.inputs, path) ?? valueAt(step.oldState?.outputs, path);
    if (from === "cilium") return [];
    const move = networkPolicyTransition(from, to);
    return move && !move.documented
        ? [{ name, type, path, kind: "undocumented", configKey: "networkPolicy", why: move.why }]
        : [];
}

/** A cluster an update moves to Microsoft Entra ID: its local-accounts certificate outlives the move until rotated. */
export interface EntraMove {
    readonly name: string;
    readonly resourceGroup: string;
    readonly clusterName: string;
}

/**
 * The clusters whose update turns Entra ID on (aadProfile.managed from anything but true to
 * true): allowed, and followed by `az aks rotate-certs` (migrate/entra.ts), which the guard says.
 */
export function entraMovesIn(steps: readonly PreviewStep[]): EntraMove[] {
    return steps
        .filter((step) => step.op === "update")
        .filter(
            (step) => (step.newState?.type ?? step.oldState?.type) === "azure-native:containerservice:ManagedCluster",
        )
        .filter((step) => {
            const managed = (inputs?: Readonly<Record<string, unknown>>) =>
                (inputs?.aadProfile as { managed?: unknown } | undefined)?.managed === true;
            return (
                managed(step.newState?.inputs) && step.oldState?.inputs !== undefined && !managed(step.oldState.inputs)
            );
        })
        .map((step) => {
            const inputs = step.newState?.inputs ?? {};
            const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);
            return {
                name: parseUrn(step.urn).name,
                resourceGroup: text(inputs.resourceGroupName, "<resource group>"),
                clusterName: text(inputs.resourceName, "<cluster>"),
            };
        });
}
