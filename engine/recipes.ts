/**
 * How each tool is built, as data: the go.mod files to write and the go commands to run, in a work
 * folder (`<work>`) into an output folder (`<out>`). Pure, so the tests check every recipe without
 * Go; engine/build.ts runs them. A recipe's hash names its folder in the tools cache: change a
 * version, a flag or a go.mod line and the tool is built again; change nothing and it is found.
 */
import { createHash } from "crypto";
import {
    GoModFile,
    GoReplace,
    inheritedReplaces,
    kubernetesLdflags,
    kubernetesProviderLdflags,
    maxGoVersion,
    pulumiLdflags,
    renderGoMod,
    stagingReplaces,
} from "./goModules";
import {
    KINE,
    KUBERNETES,
    KUBERNETES_PROVIDER,
    KUBERNETES_PROVIDER_REPORTED_VERSION,
    KUBERNETES_PROVIDER_SDK,
    KWOK,
    LANGUAGE_HOST_LIBRARIES,
    ModulePin,
    PULUMI,
    PULUMI_LANGUAGE_NODEJS,
    PULUMI_SDK,
    SDK_WITH_LANGUAGE_HOST,
    TIME_PROVIDER,
} from "./versions";

/** Stands for the recipe's work folder and output folder in paths and arguments. */
export const WORK = "<work>";
export const OUT = "<out>";

export type RecipeStep =
    /** Writes a file (a go.mod of our own, a script). */
    | { readonly kind: "write"; readonly path: string; readonly text: string; readonly mode?: number }
    /** Copies a module out of the read-only module cache, writable (for `go generate`). */
    | { readonly kind: "copy-module"; readonly module: string; readonly version: string; readonly to: string }
    /** Runs the go command. */
    | {
          readonly kind: "go";
          readonly cwd: string;
          readonly args: readonly string[];
          readonly env?: Readonly<Record<string, string>>;
      };

export interface Recipe {
    readonly component: string;
    /** What the output folder holds afterwards (the build checks each). */
    readonly binaries: readonly string[];
    /** The modules it builds from; the proxy must serve each. */
    readonly modules: readonly ModulePin[];
    readonly steps: readonly RecipeStep[];
}

/** Defaults for 2 cores: two packages at a time, no cgo (static binaries, no C toolchain). */
const BUILD_FLAGS = ["-p", "2", "-trimpath", "-mod=mod"];
const STATIC = { CGO_ENABLED: "0" };
const ldflags = (flags: readonly string[]) => `-ldflags=-s -w ${flags.join(" ")}`.trimEnd();

/** Replaces from several go.mod files, one per module (the first one wins). */
function mergeReplaces(...lists: readonly GoReplace[][]): GoReplace[] {
    const seen = new Map<string, GoReplace>();
    for (const replace of lists.flat()) if (!seen.has(replace.from)) seen.set(replace.from, replace);
    return [...seen.values()];
}

/** `go build` in the work folder into the output folder, static, with the 2-core defaults. */
const goBuild = (flags: readonly string[], packages: readonly string[]): RecipeStep => ({
    kind: "go",
    cwd: WORK,
    env: STATIC,
    args: ["build", ...BUILD_FLAGS, ...flags, "-o", `${OUT}/`, ...packages],
});

/** `go build` of a Pulumi main package as the release builds it: its tags and its version flag. */
const pulumiBuild = (pkg: string, version = PULUMI.version): RecipeStep =>
    goBuild(["-tags=osusergo,grpcnotrace", ldflags(pulumiLdflags(version))], [pkg]);

/**
 * The Pulumi CLI from a go.mod of our own requiring pkg/v3 and sdk/v3 at one version (pkg's own
 * go.mod replaces sdk with ../sdk), with the release build's tags and version flag.
 */
export function pulumiRecipe(upstream: { pkg: GoModFile; sdk: GoModFile }): Recipe {
    const goMod = renderGoMod({
        module: "aks-kubenet.local/pulumi-cli",
        go: maxGoVersion(upstream.pkg.go ?? "1.21", upstream.sdk.go ?? "1.21"),
        requires: [
            { path: PULUMI.module, version: PULUMI.version },
            { path: PULUMI_SDK.module, version: PULUMI_SDK.version },
        ],
        replaces: mergeReplaces(inheritedReplaces(upstream.pkg), inheritedReplaces(upstream.sdk)),
    });
    return {
        component: "pulumi",
        binaries: ["pulumi", "pulumi-resource-pulumi-nodejs"],
        modules: [PULUMI, PULUMI_SDK],
        steps: [
            { kind: "write", path: `${WORK}/go.mod`, text: goMod },
            pulumiBuild(`${PULUMI.module}/cmd/pulumi`),
            // The release ships this 2-line script for dynamic providers: it runs the SDK's provider.
            {
                kind: "write",
                path: `${OUT}/pulumi-resource-pulumi-nodejs`,
                mode: 0o755,
                text: '#!/bin/sh\nexec node ./node_modules/@pulumi/pulumi/cmd/dynamic-provider "$@"\n',
            },
        ],
    };
}

/** The Node.js language host, from its own module (no tags: a pseudo-version). */
export function languageHostRecipe(upstream: GoModFile): Recipe {
    const goMod = renderGoMod({
        module: "aks-kubenet.local/pulumi-language-nodejs",
        go: upstream.go ?? "1.21",
        requires: [
            { path: PULUMI_LANGUAGE_NODEJS.module, version: PULUMI_LANGUAGE_NODEJS.version },
            { path: PULUMI.module, version: PULUMI.version },
            { path: PULUMI_SDK.module, version: PULUMI_SDK.version },
        ],
        replaces: inheritedReplaces(upstream),
    });
    return {
        component: "pulumi-language-nodejs",
        binaries: ["pulumi-language-nodejs"],
        modules: [PULUMI_LANGUAGE_NODEJS],
        steps: [{ kind: "write", path: `${WORK}/go.mod`, text: goMod }, pulumiBuild(PULUMI_LANGUAGE_NODEJS.module)],
    };
}

/**
 * The language host that sdk/v3 v3.68.0 still carries (SDK_WITH_LANGUAGE_HOST): a module of our own
 * that requires that release, one file importing the package so `go mod tidy` resolves its
 * dependencies at that release's versions, and the build with the release's version flag.
 */
export function languageHostFromSdkRecipe(): Recipe {
    const hostPackage = `${SDK_WITH_LANGUAGE_HOST.module}/nodejs/cmd/pulumi-language-nodejs`;
    return {
        component: "pulumi-language-nodejs",
        binaries: ["pulumi-language-nodejs"],
        modules: [SDK_WITH_LANGUAGE_HOST],
        steps: [
            {
                kind: "write",
                path: `${WORK}/go.mod`,
                text: renderGoMod({
                    module: "aks-kubenet.local/pulumi-language-nodejs",
                    go: "1.20",
                    requires: [{ path: SDK_WITH_LANGUAGE_HOST.module, version: SDK_WITH_LANGUAGE_HOST.version }],
                    replaces: [],
                }),
            },
            {
                kind: "write",
                path: `${WORK}/tools.go`,
                text: `//go:build tools\n\npackage tools\n\nimport _ "${hostPackage}"\n`,
            },
            { kind: "go", cwd: WORK, args: ["mod", "tidy"] },
            goBuild([ldflags(pulumiLdflags(SDK_WITH_LANGUAGE_HOST.version))], [hostPackage]),
        ],
    };
}

/** A language host source: the package's .go files (tests left out) and its go.mod. */
export interface LanguageHostSource {
    readonly files: ReadonlyArray<{ readonly name: string; readonly text: string }>;
    readonly goMod: GoModFile;
    /** Where its go.mod was read (the build saves a copy of the source in the cache). */
    readonly goModPath?: string;
}

/**
 * The language host from a checkout's source (the proxy refuses its module): the package's files
 * in a module of the same path, built against LANGUAGE_HOST_LIBRARIES' pkg/v3 and sdk/v3 (the
 * source's own go.mod replaces both with the checkout's folders). The files are part of the
 * recipe, so other source builds again.
 */
export function languageHostFromSourceRecipe(
    source: LanguageHostSource,
    libraries: { pkg: GoModFile; sdk: GoModFile },
): Recipe {
    const goMod = renderGoMod({
        module: PULUMI_LANGUAGE_NODEJS.module,
        go: maxGoVersion(source.goMod.go ?? "1.21", libraries.pkg.go ?? "1.21", libraries.sdk.go ?? "1.21"),
        requires: [
            { path: PULUMI.module, version: LANGUAGE_HOST_LIBRARIES.version },
            { path: PULUMI_SDK.module, version: LANGUAGE_HOST_LIBRARIES.version },
        ],
        replaces: mergeReplaces(
            inheritedReplaces(libraries.sdk),
            inheritedReplaces(libraries.pkg),
            inheritedReplaces(source.goMod),
        ),
    });
    return {
        component: "pulumi-language-nodejs",
        binaries: ["pulumi-language-nodejs"],
        modules: [LANGUAGE_HOST_LIBRARIES],
        steps: [
            ...source.files.map((file): RecipeStep => ({
                kind: "write",
                path: `${WORK}/${file.name}`,
                text: file.text,
            })),
            { kind: "write", path: `${WORK}/go.mod`, text: goMod },
            // Marked as built from source: it is not the libraries' release.
            pulumiBuild(".", `${LANGUAGE_HOST_LIBRARIES.version}-source`),
        ],
    };
}

/**
 * The Kubernetes provider: its main embeds schema-embed.json and terraform-mapping-embed.json,
 * which `go generate` makes from committed files, so it builds in a writable copy of the module;
 * the copy's go.mod drops the replace of sdk/v4 by ../sdk (not in the zip) for the released sdk.
 */
export function kubernetesProviderRecipe(): Recipe {
    const dir = `${WORK}/provider`;
    return {
        component: "pulumi-resource-kubernetes",
        binaries: ["pulumi-resource-kubernetes"],
        modules: [KUBERNETES_PROVIDER, KUBERNETES_PROVIDER_SDK],
        steps: [
            { kind: "copy-module", module: KUBERNETES_PROVIDER.module, version: KUBERNETES_PROVIDER.version, to: dir },
            {
                kind: "go",
                cwd: dir,
                args: [
                    "mod",
                    "edit",
                    `-dropreplace=${KUBERNETES_PROVIDER_SDK.module}`,
                    `-require=${KUBERNETES_PROVIDER_SDK.module}@${KUBERNETES_PROVIDER_SDK.version}`,
                ],
            },
            {
                kind: "go",
                cwd: `${dir}/cmd/pulumi-resource-kubernetes`,
                env: { VERSION: KUBERNETES_PROVIDER_REPORTED_VERSION, GOFLAGS: "-mod=mod" },
                args: ["generate", "."],
            },
            {
                kind: "go",
                cwd: dir,
                env: STATIC,
                args: [
                    "build",
                    ...BUILD_FLAGS,
                    ldflags(kubernetesProviderLdflags(KUBERNETES_PROVIDER_REPORTED_VERSION)),
                    "-o",
                    `${OUT}/`,
                    "./cmd/pulumi-resource-kubernetes",
                ],
            },
        ],
    };
}

/** The time provider cannot be built: the proxy serves no version of it (see versions.ts). */
export function timeProviderRecipe(): Recipe {
    return {
        component: "pulumi-resource-time",
        binaries: ["pulumi-resource-time"],
        modules: [TIME_PROVIDER],
        steps: [],
    };
}

export const KUBERNETES_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"];

/**
 * The control plane's binaries and kubectl from k8s.io/kubernetes, in a go.mod of our own that
 * replaces each staging module with its release, with the version flags `/version` reports.
 */
export function kubernetesRecipe(upstream: GoModFile): Recipe {
    const goMod = renderGoMod({
        module: "aks-kubenet.local/kubernetes",
        go: upstream.go ?? "1.21",
        requires: [{ path: KUBERNETES.module, version: KUBERNETES.version }],
        replaces: mergeReplaces(stagingReplaces(upstream, KUBERNETES.version), inheritedReplaces(upstream)),
    });
    return {
        component: "kubernetes",
        binaries: KUBERNETES_BINARIES,
        modules: [KUBERNETES],
        steps: [
            { kind: "write", path: `${WORK}/go.mod`, text: goMod },
            goBuild(
                [ldflags(kubernetesLdflags(KUBERNETES.version))],
                KUBERNETES_BINARIES.map((binary) => `${KUBERNETES.module}/cmd/${binary}`),
            ),
        ],
    };
}

/** A module whose own go.mod builds it as published (no replaces): `go install module/pkg@version`. */
function installRecipe(component: string, pin: ModulePin, pkg: string, binary: string): Recipe {
    return {
        component,
        binaries: [binary],
        modules: [pin],
        steps: [
            {
                kind: "go",
                cwd: WORK,
                env: { ...STATIC, GOBIN: OUT, GOFLAGS: "" },
                args: ["install", "-p", "2", "-trimpath", ldflags([]), `${pkg}@${pin.version}`],
            },
        ],
    };
}

/** kine with its pure-Go SQLite driver (the cgo one is left out by CGO_ENABLED=0). */
export const kineRecipe = () => installRecipe("kine", KINE, KINE.module, "kine");

export const kwokRecipe = () => installRecipe("kwok", KWOK, `${KWOK.module}/cmd/kwok`, "kwok");

/**
 * The recipe's folder in the cache: its component, version and a hash of everything it does (the
 * modules' reasons are prose, left out: rewording one rebuilds nothing).
 */
export function recipeFolder(recipe: Recipe): string {
    const what = { ...recipe, modules: recipe.modules.map(({ module, version }) => ({ module, version })) };
    const hash = createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 12);
    const version = recipe.modules[0].version.replace(/[^A-Za-z0-9.-]/g, "_");
    return `${recipe.component}-${version}-${hash}`;
}

/** The tools folder's name: a hash of the component folders it links (same set, same folder). */
export function toolsFolder(componentFolders: readonly string[]): string {
    return `tools-${createHash("sha256").update(componentFolders.join("\n")).digest("hex").slice(0, 12)}`;
}

/** Fills in <work> and <out>. */
export const resolvePath = (value: string, work: string, out: string) =>
    value.split(WORK).join(work).split(OUT).join(out);
