/**
 * Which properties of an azure-native resource are inputs and which only outputs, read from the
 * azure-native SDK the program itself uses (node_modules/@pulumi/azure-native/<module>/<type>.js),
 * never restated: its constructor sets every input from `args` and every output-only property to
 * `undefined /*out*\/` in the branch that creates a resource. Read uses it as azure-native's Read
 * does: only input-shaped properties ever move into the recorded inputs.
 */
import * as fs from "fs";
import * as path from "path";

export interface SdkShape {
    /** Top-level input properties (path parameters included). */
    readonly inputs: ReadonlySet<string>;
    /** Top-level properties Azure reports that no program sets. */
    readonly outputOnly: ReadonlySet<string>;
}

const cache = new Map<string, SdkShape>();

/** The SDK file of a type token: azure-native:containerservice:ManagedCluster -> containerservice/managedCluster.js. */
export function sdkFileOf(
    type: string,
    sdkRoot = path.dirname(require.resolve("@pulumi/azure-native/package.json")),
): string {
    const [, module, name] = type.split(":");
    return path.join(sdkRoot, module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.js`);
}

/** The shape of a resource type, from the constructor's create branch (`if (!opts.id) { ... } else {`). */
export function parseSdkShape(source: string): SdkShape {
    const start = source.indexOf("if (!opts.id)");
    const end = source.indexOf("else {", start);
    if (start < 0 || end < 0) throw new Error("not an azure-native resource module (no create branch)");
    const branch = source.slice(start, end);
    const inputs = new Set<string>();
    const outputOnly = new Set<string>();
    for (const match of branch.matchAll(/resourceInputs\["(\w+)"\] = ([^;]*);/g))
        (match[2].startsWith("undefined /*out*/") ? outputOnly : inputs).add(match[1]);
    return { inputs, outputOnly };
}

export function sdkShapeOf(type: string): SdkShape {
    let shape = cache.get(type);
    if (!shape) {
        shape = parseSdkShape(fs.readFileSync(sdkFileOf(type), "utf8"));
        cache.set(type, shape);
    }
    return shape;
}
