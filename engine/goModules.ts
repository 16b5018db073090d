/**
 * go.mod files of the engine's own (written into the tools cache, never into the repository) and
 * the link flags of each binary. Pure: the build (engine/build.ts) runs the go command with them.
 */

export interface GoRequire {
    readonly path: string;
    readonly version: string;
}

/** A `replace` directive: `from [fromVersion] => to [toVersion]` (no toVersion: a local path). */
export interface GoReplace {
    readonly from: string;
    readonly fromVersion?: string;
    readonly to: string;
    readonly toVersion?: string;
}

export interface GoModFile {
    readonly module?: string;
    readonly go?: string;
    readonly requires: readonly GoRequire[];
    readonly replaces: readonly GoReplace[];
}

const stripComment = (line: string) => line.replace(/\/\/.*$/, "").trim();

function parseReplace(spec: string): GoReplace {
    const [left, right] = spec.split("=>").map((side) => side.trim().split(/\s+/));
    if (!left || !right || !left[0] || !right[0]) throw new Error(`cannot read replace directive "${spec}"`);
    return { from: left[0], fromVersion: left[1], to: right[0], toVersion: right[1] };
}

/** The module, go line, requires and replaces of a go.mod (single-line and block forms). */
export function parseGoMod(text: string): GoModFile {
    let module: string | undefined;
    let go: string | undefined;
    const requires: GoRequire[] = [];
    const replaces: GoReplace[] = [];
    let block: "require" | "replace" | "other" | undefined;
    for (const raw of text.split("\n")) {
        const line = stripComment(raw);
        if (!line) continue;
        if (block) {
            if (line === ")") block = undefined;
            else if (block === "require") {
                const [path, version] = line.split(/\s+/);
                requires.push({ path, version });
            } else if (block === "replace") replaces.push(parseReplace(line));
            continue;
        }
        const [keyword, ...rest] = line.split(/\s+/);
        const spec = rest.join(" ");
        if (spec === "(") {
            block = keyword === "require" || keyword === "replace" ? keyword : "other";
        } else if (keyword === "module") module = spec;
        else if (keyword === "go") go = spec;
        else if (keyword === "require") {
            const [path, version] = rest;
            requires.push({ path, version });
        } else if (keyword === "replace") replaces.push(parseReplace(spec));
    }
    return { module, go, requires, replaces };
}

/** A replace that points into the module's own repository (`../sdk`, `./staging/...`). */
export const isLocalReplace = (replace: GoReplace) => replace.toVersion === undefined;

/**
 * The replaces a go.mod of our own must repeat from `upstream` (Go ignores a dependency's
 * replaces): every one that names a released module. Local ones point into a repository checkout
 * the module zip does not have; the caller decides what stands in for them.
 */
export const inheritedReplaces = (upstream: GoModFile): GoReplace[] =>
    upstream.replaces.filter((replace) => !isLocalReplace(replace));

/** k8s.io/kubernetes v1.35.4 -> its staging modules' release, v0.35.4. */
export function stagingVersion(kubernetesVersion: string): string {
    const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
    if (!match) throw new Error(`"${kubernetesVersion}" is not a Kubernetes release version (v1.MINOR.PATCH)`);
    return `v0.${match[1]}.${match[2]}`;
}

/**
 * k8s.io/kubernetes requires every staging module (k8s.io/api, client-go, ...) at v0.0.0 and
 * replaces it with ./staging/src/...: outside that repository each must be replaced by its
 * release instead. The list comes from the module's own go.mod, so a new staging module is never
 * missed.
 */
export function stagingReplaces(kubernetesGoMod: GoModFile, kubernetesVersion: string): GoReplace[] {
    const release = stagingVersion(kubernetesVersion);
    const staging = kubernetesGoMod.replaces.filter(
        (replace) => isLocalReplace(replace) && replace.to.startsWith("./staging/"),
    );
    if (staging.length === 0) throw new Error("k8s.io/kubernetes's go.mod replaces no staging module");
    return staging.map((replace) => ({ from: replace.from, to: replace.from, toVersion: release }));
}

/** A go.mod as `go mod edit` would write it. */
export function renderGoMod(file: {
    module: string;
    go: string;
    requires: readonly GoRequire[];
    replaces: readonly GoReplace[];
}): string {
    const lines = [`module ${file.module}`, "", `go ${file.go}`];
    if (file.requires.length > 0)
        lines.push("", "require (", ...file.requires.map((require) => `\t${require.path} ${require.version}`), ")");
    if (file.replaces.length > 0) {
        const side = (path: string, version?: string) => (version ? `${path} ${version}` : path);
        lines.push(
            "",
            "replace (",
            ...file.replaces.map(
                (replace) => `\t${side(replace.from, replace.fromVersion)} => ${side(replace.to, replace.toVersion)}`,
            ),
            ")",
        );
    }
    return `${lines.join("\n")}\n`;
}

/** "go version go1.26.8 linux/amd64" -> "1.26.8". */
export function goVersionOf(output: string): string | undefined {
    return /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

/** Compares Go versions numerically ("1.26.10" > "1.26.8"); negative when a < b. */
export function compareGoVersions(a: string, b: string): number {
    const parts = (version: string) => version.split(".").map(Number);
    const [left, right] = [parts(a), parts(b)];
    for (let index = 0; index < 3; index++) {
        const difference = (left[index] ?? 0) - (right[index] ?? 0);
        if (difference !== 0) return difference;
    }
    return 0;
}

/** The higher of two go lines (a go.mod of our own needs the highest any module it builds asks). */
export const maxGoVersion = (...versions: readonly string[]) =>
    versions.reduce((highest, version) => (compareGoVersions(version, highest) > 0 ? version : highest));

/**
 * What `/version` reports: without these the binaries say v0.0.0, and clients (kubectl's skew
 * warning, the Pulumi provider's version checks) misread the server. client-go has its own copy.
 */
export function kubernetesLdflags(kubernetesVersion: string): string[] {
    const match = /^v(\d+)\.(\d+)\.\d+$/.exec(kubernetesVersion);
    if (!match) throw new Error(`"${kubernetesVersion}" is not a Kubernetes release version`);
    const [, major, minor] = match;
    return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${kubernetesVersion}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
    ]);
}

/** The CLI's version, as the release build sets it. */
export const pulumiLdflags = (version: string) => [
    `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
];

/** The provider's version (what `pulumi plugin ls` and the engine's logs show). */
export const kubernetesProviderLdflags = (version: string) => [
    `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${version}`,
];

/** A pseudo-version's commit ("v4.0.0-20260115033456-f47bc2d6f199" -> "f47bc2d6f199"), if it is one. */
export function pseudoVersionCommit(version: string): string | undefined {
    return /-\d{14}-([0-9a-f]{12})$/.exec(version)?.[1];
}
