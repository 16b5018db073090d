/**
 * A model of azure-native's Diff and Read and of the engine's ignoreChanges, written from the
 * sources named in azureFacts/replacements.ts (PROVIDER_SOURCES). Each rule quotes the line it follows.
 * Two users: tests/overlayRefresh.test.ts (the Overlay move on real captures) and the rehearsal's
 * Azure stand-in (rehearsal/standIn), which answers the real engine with it, so that the model the
 * tests trust is also the one the real engine meets. It covers plain objects and positional arrays;
 * keyed arrays (x-ms-identifiers) and defaults are left out (the stand-in lists its departures in
 * rehearsal/standIn/departures.ts).
 */
import { REPLACEMENT_FACTS } from "../azureFacts/replacements";

import { isObject, text, type Json, type JsonObject } from "../json";

// The JSON type and its readers live in json.ts; named from here too, as the stand-in imports them.
export type { Json, JsonObject };
export { isObject, text };

interface ObjectDiff {
    readonly adds: JsonObject;
    readonly deletes: JsonObject;
    readonly updates: Record<string, ValueDiff>;
}
interface ValueDiff {
    readonly old: Json;
    readonly new: Json;
    readonly object?: ObjectDiff;
    readonly array?: {
        readonly adds: number[];
        readonly deletes: number[];
        readonly updates: Record<number, ValueDiff>;
    };
}

/**
 * provider.go Diff and Read unmarshal with `SkipNulls: true`, and an output that is null has no
 * value (`!old.HasValue()`): a null is the same as an absent property.
 */
export function withoutNulls(value: Json): Json {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (isObject(value))
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, inner]) => inner !== null)
                .map(([key, inner]) => [key, withoutNulls(inner)]),
        );
    return value;
}

/**
 * diff.go objectDiff (and the SDK's PropertyMap.Diff, which Read uses, line for line):
 * `if new, has := newInputs[k]; has { ... updates[k] = *diff } else if old.HasValue() { deletes[k] = old }`
 * and `if _, has := oldInputs[k]; !has && new.HasValue() { adds[k] = new }`.
 */
function objectDiff(olds: JsonObject, news: JsonObject): ObjectDiff | undefined {
    const adds: JsonObject = {};
    const deletes: JsonObject = {};
    const updates: Record<string, ValueDiff> = {};
    for (const [key, old] of Object.entries(olds)) {
        if (key.startsWith("__")) continue; // ignoreKey: "__" prefixed keys are not compared
        if (key in news) {
            const diff = valueDiff(old, news[key]);
            if (diff) updates[key] = diff;
        } else {
            deletes[key] = old;
        }
    }
    for (const [key, value] of Object.entries(news)) if (!key.startsWith("__") && !(key in olds)) adds[key] = value;
    return Object.keys(adds).length + Object.keys(deletes).length + Object.keys(updates).length === 0
        ? undefined
        : { adds, deletes, updates };
}

/** diff.go valueDiff: arrays element by element, objects recursively, otherwise `old.DeepEquals(new)`. */
function valueDiff(old: Json, next: Json): ValueDiff | undefined {
    if (Array.isArray(old) && Array.isArray(next)) {
        const updates: Record<number, ValueDiff> = {};
        for (let index = 0; index < Math.min(old.length, next.length); index++) {
            const diff = valueDiff(old[index], next[index]);
            if (diff) updates[index] = diff;
        }
        const adds = next.slice(old.length).map((_, offset) => old.length + offset);
        const deletes = old.slice(next.length).map((_, offset) => next.length + offset);
        return adds.length + deletes.length + Object.keys(updates).length === 0
            ? undefined
            : { old, new: next, array: { adds, deletes, updates } };
    }
    if (isObject(old) && isObject(next)) {
        const object = objectDiff(old, next);
        return object ? { old, new: next, object } : undefined;
    }
    return JSON.stringify(old) === JSON.stringify(next) ? undefined : { old, new: next };
}

export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/**
 * diff.go calculateDetailedDiff's replaceKeys: `if p.Location == "path" { replaceKeys.Add(name) }`,
 * `findForceNew("", p.Body.Properties, ...)` and, one level down, `findForceNew(propName+".", typ.Properties, ...)`.
 */
function replaceKeysOf(type: string): Set<string> {
    const facts = REPLACEMENT_FACTS[type];
    if (!facts) throw new Error(`no replacement facts for ${type}`);
    return new Set([...facts.pathParameters, ...facts.forceNew]);
}

/** diff.go differ.calculateObjectDiff / calculateValueDiff. */
function detailedDiffOf(
    replaceKeys: ReadonlySet<string>,
    diff: ObjectDiff,
    diffBase = "",
    replaceBase = "",
): Record<string, DiffKind> {
    const detailed: Record<string, DiffKind> = {};
    for (const [key, value] of Object.entries(diff.updates))
        Object.assign(detailed, detailedValueDiff(replaceKeys, value, diffBase + key, replaceBase + key));
    // `if d.replaceKeys.Has(replaceKey) { kind = rpc.PropertyDiff_ADD_REPLACE }`
    for (const key of Object.keys(diff.adds))
        detailed[diffBase + key] = replaceKeys.has(replaceBase + key) ? "add-replace" : "add";
    // `if d.replaceKeys.Has(replaceKey) { kind = rpc.PropertyDiff_DELETE_REPLACE }`
    for (const key of Object.keys(diff.deletes))
        detailed[diffBase + key] = replaceKeys.has(replaceBase + key) ? "delete-replace" : "delete";
    return detailed;
}

function detailedValueDiff(
    replaceKeys: ReadonlySet<string>,
    value: ValueDiff,
    diffBase: string,
    replaceBase: string,
): Record<string, DiffKind> {
    if (value.object) {
        const sub = detailedDiffOf(replaceKeys, value.object, `${diffBase}.`, `${replaceBase}.`);
        // "If the parent property causes a replacement, all child properties cause a replacement."
        for (const [key, kind] of Object.entries(sub))
            if (kind === "update" && replaceKeys.has(replaceBase)) sub[key] = "update-replace";
        return sub;
    }
    if (value.array) {
        const detailed: Record<string, DiffKind> = {};
        for (const [index, item] of Object.entries(value.array.updates))
            Object.assign(detailed, detailedValueDiff(replaceKeys, item, `${diffBase}[${index}]`, `${replaceBase}[]`));
        for (const index of value.array.adds) detailed[`${diffBase}[${index}]`] = "add";
        for (const index of value.array.deletes) detailed[`${diffBase}[${index}]`] = "delete";
        return detailed;
    }
    // `if d.replaceKeys.Has(replaceBase) { kind = rpc.PropertyDiff_UPDATE_REPLACE }`
    return { [diffBase]: replaceKeys.has(replaceBase) ? "update-replace" : "update" };
}

export interface ProviderDiff {
    readonly detailed: Record<string, DiffKind>;
    /** The keys the provider reports in DiffResponse.Replaces: non-empty means the resource is replaced. */
    readonly replaces: string[];
}

/**
 * provider.go Diff: `detailedDiff := diff(k.lookupType, *res, oldInputs, newResInputs)` over the
 * recorded inputs and the program's new inputs, then diff.go calculateChangesAndReplacements:
 * `case rpc.PropertyDiff_DELETE_REPLACE, rpc.PropertyDiff_UPDATE_REPLACE:
 * replaces = append(replaces, k)`, and ADD_REPLACE replaces unless
 * `!hasOldInput && hasNewInput && hasOutput && reflect.DeepEqual(newInputValue, outputValue)`,
 * where the lookup `oldInputs[key]` uses the whole dotted key, so only a top-level key can match.
 */
export function providerDiff(
    type: string,
    oldInputs: JsonObject,
    newInputs: JsonObject,
    oldState: JsonObject,
    replaceKeys: ReadonlySet<string> = replaceKeysOf(type),
): ProviderDiff {
    const olds = withoutNulls(oldInputs) as JsonObject;
    const news = withoutNulls(newInputs) as JsonObject;
    const diff = objectDiff(olds, news);
    if (!diff) return { detailed: {}, replaces: [] };
    const detailed = detailedDiffOf(replaceKeys, diff);
    const replaces: string[] = [];
    for (const [key, kind] of Object.entries(detailed)) {
        if (kind === "delete-replace" || kind === "update-replace") replaces.push(key);
        if (kind === "add-replace") {
            const sameAsOutput =
                !(key in olds) &&
                key in news &&
                key in oldState &&
                JSON.stringify(news[key]) === JSON.stringify(oldState[key]);
            if (sameAsOutput) detailed[key] = "add";
            else replaces.push(key);
        }
    }
    return { detailed, replaces: replaces.sort() };
}

/**
 * diff.go applyDiff / applyValueDiff:
 * `for name, value := range values { if !diff.Deleted(name) { result[name] = value } }`,
 * `for key, value := range diff.Adds { result[key] = value }`, and updates recurse into objects
 * (`subDiff := oldValue.ObjectValue().Diff(newValue.ObjectValue())`) and arrays; plain values take the new value.
 */
function applyDiff(values: JsonObject, diff: ObjectDiff | undefined): JsonObject {
    if (!diff) return values;
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(values)) if (!(key in diff.deletes)) result[key] = value;
    Object.assign(result, diff.adds);
    for (const [key, update] of Object.entries(diff.updates))
        result[key] = key in values ? applyValueDiff(values[key], update.old, update.new) : update.new;
    return result;
}

function applyValueDiff(base: Json, old: Json, next: Json): Json {
    if (isObject(base) && isObject(old) && isObject(next)) return applyDiff(base, objectDiff(old, next));
    if (Array.isArray(base) && Array.isArray(old) && Array.isArray(next)) {
        return next.map((element, index) =>
            index >= base.length || index >= old.length ? element : applyValueDiff(base[index], old[index], element),
        );
    }
    return next;
}

/**
 * provider.go Read (what `pulumi refresh` records as the resource's inputs): "we compare old
 * outputs to new outputs, and if properties changed, we assume they aren't default values anymore,
 * and we need to copy them to new inputs": `diff := oldInputPropertyMap.Diff(newInputPropertyMap)`
 * over the input-shaped projections of the old and new outputs, then `inputs = applyDiff(inputs, diff)`.
 * The scenarios pass outputs that hold input-shaped properties only, so the projection is the identity.
 */
export function refreshedInputs(
    recordedInputs: JsonObject,
    oldOutputs: JsonObject,
    newOutputs: JsonObject,
): JsonObject {
    const diff = objectDiff(withoutNulls(oldOutputs) as JsonObject, withoutNulls(newOutputs) as JsonObject);
    return applyDiff(recordedInputs, diff);
}

const getPath = (object: Json, path: string[]): { has: boolean; value?: Json } => {
    let current: Json = object;
    for (const part of path) {
        if (!isObject(current) || !(part in current)) return { has: false };
        current = current[part];
    }
    return { has: true, value: current };
};

/**
 * The engine before it calls Diff: pulumi/pulumi pkg/resource/deploy/step_generator.go
 * processIgnoreChanges, `ok := path.Reset(oldInputs, ignoredInputs)` (commit 1b5949891b3c, after
 * v3.259.0): PropertyPath.Reset sets the path to the old value where the old inputs have one, and
 * deletes it from the new inputs where they do not.
 */
export function withIgnoredChanges(
    newInputs: JsonObject,
    recordedInputs: JsonObject,
    ignoreChanges: readonly string[],
): JsonObject {
    const result = JSON.parse(JSON.stringify(newInputs)) as JsonObject;
    for (const dotted of ignoreChanges) {
        const path = dotted.split(".");
        const last = path[path.length - 1];
        // Reset "will not create intermediate locations": an intermediate object missing from the
        // new inputs is a path error (the engine logs it) and changes nothing.
        const parent = getPath(result, path.slice(0, -1));
        if (!parent.has || !isObject(parent.value)) continue;
        const old = getPath(recordedInputs, path);
        if (old.has) parent.value[last] = old.value!;
        else delete parent.value[last];
    }
    return result;
}
