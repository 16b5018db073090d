/** The engine's build recipes and go.mod generation, without Go. */
import {
    compareGoVersions,
    goVersionOf,
    inheritedReplaces,
    kubernetesLdflags,
    maxGoVersion,
    parseGoMod,
    pseudoVersionCommit,
    renderGoMod,
    stagingReplaces,
    stagingVersion,
} from "../engine/goModules";
import {
    kineRecipe,
    kubernetesProviderRecipe,
    kubernetesRecipe,
    kwokRecipe,
    languageHostFromSdkRecipe,
    languageHostFromSourceRecipe,
    OUT,
    pulumiRecipe,
    recipeFolder,
    resolvePath,
    toolsFolder,
    WORK,
} from "../engine/recipes";
import * as versions from "../engine/versions";

/** Shaped as k8s.io/kubernetes's go.mod: staging modules at v0.0.0, replaced by ./staging paths. */
const KUBERNETES_GO_MOD = `// This is a generated file. Do not edit directly.

module k8s.io/kubernetes

go 1.25.0

godebug default=go1.25

require (
	github.com/spf13/cobra v1.10.0
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0 // indirect
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/code-generator => ./staging/src/k8s.io/code-generator
)
`;

const PKG_GO_MOD = `module github.com/pulumi/pulumi/pkg/v3

go 1.26.6

replace github.com/pulumi/pulumi/sdk/v3 => ../sdk

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

require github.com/pulumi/pulumi/sdk/v3 v3.274.1
`;
const SDK_GO_MOD = `module github.com/pulumi/pulumi/sdk/v3

go 1.26.6

replace golang.org/x/text => golang.org/x/text v0.41.0

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
`;

describe("go.mod reading and writing", () => {
    it("reads module, go line, requires and replaces in both forms, without comments", () => {
        const parsed = parseGoMod(KUBERNETES_GO_MOD);
        expect(parsed.module).toBe("k8s.io/kubernetes");
        expect(parsed.go).toBe("1.25.0");
        expect(parsed.requires).toContainEqual({ path: "k8s.io/client-go", version: "v0.0.0" });
        expect(parsed.replaces).toHaveLength(3);
        const single = parseGoMod(PKG_GO_MOD);
        expect(single.replaces.map((replace) => replace.from)).toEqual([
            "github.com/pulumi/pulumi/sdk/v3",
            "github.com/atotto/clipboard",
        ]);
        expect(single.requires).toEqual([{ path: "github.com/pulumi/pulumi/sdk/v3", version: "v3.274.1" }]);
    });

    it("keeps only the replaces that name a released module (a local path is not in the zip)", () => {
        expect(inheritedReplaces(parseGoMod(PKG_GO_MOD))).toEqual([
            {
                from: "github.com/atotto/clipboard",
                fromVersion: undefined,
                to: "github.com/tgummerer/clipboard",
                toVersion: "v0.0.0-20241001131231-d02d263e614e",
            },
        ]);
    });

    it("replaces every staging module of k8s.io/kubernetes, read from its go.mod, by v0.MINOR.PATCH", () => {
        expect(stagingVersion("v1.35.4")).toBe("v0.35.4");
        expect(() => stagingVersion("v1.35")).toThrow(/v1.MINOR.PATCH/);
        expect(stagingReplaces(parseGoMod(KUBERNETES_GO_MOD), "v1.35.4")).toEqual([
            { from: "k8s.io/api", to: "k8s.io/api", toVersion: "v0.35.4" },
            { from: "k8s.io/client-go", to: "k8s.io/client-go", toVersion: "v0.35.4" },
            { from: "k8s.io/code-generator", to: "k8s.io/code-generator", toVersion: "v0.35.4" },
        ]);
        expect(() => stagingReplaces(parseGoMod(PKG_GO_MOD), "v1.35.4")).toThrow(/no staging module/);
    });

    it("writes a go.mod the parser reads back", () => {
        const text = renderGoMod({
            module: "example.local/x",
            go: "1.26.6",
            requires: [{ path: "a.example/b", version: "v1.2.3" }],
            replaces: [{ from: "c.example/d", to: "e.example/f", toVersion: "v0.1.0" }],
        });
        expect(text).toBe(
            "module example.local/x\n\ngo 1.26.6\n\nrequire (\n\ta.example/b v1.2.3\n)\n\nreplace (\n\tc.example/d => e.example/f v0.1.0\n)\n",
        );
        const back = parseGoMod(text);
        expect(back.requires).toEqual([{ path: "a.example/b", version: "v1.2.3" }]);
        expect(back.replaces[0]).toMatchObject({ from: "c.example/d", to: "e.example/f", toVersion: "v0.1.0" });
    });

    it("compares Go versions numerically and reads `go version`", () => {
        expect(goVersionOf("go version go1.26.8 linux/amd64")).toBe("1.26.8");
        expect(goVersionOf("bash: go: command not found")).toBeUndefined();
        expect(compareGoVersions("1.26.10", "1.26.8")).toBeGreaterThan(0);
        expect(compareGoVersions("1.26", "1.26.0")).toBe(0);
        expect(compareGoVersions("1.25.9", "1.26.6")).toBeLessThan(0);
        expect(maxGoVersion("1.25.0", "1.26.6", "1.26.0")).toBe("1.26.6");
    });

    it("sets /version's fields in component-base and client-go", () => {
        const flags = kubernetesLdflags("v1.35.4");
        for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
            expect(flags).toContain(`-X ${pkg}.gitVersion=v1.35.4`);
            expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
            expect(flags).toContain(`-X ${pkg}.gitMinor=35`);
        }
    });

    it("reads a pseudo-version's commit", () => {
        expect(pseudoVersionCommit(versions.KUBERNETES_PROVIDER.version)).toBe("f47bc2d6f199");
        expect(pseudoVersionCommit("v1.35.4")).toBeUndefined();
    });
});

describe("recipes", () => {
    const goRun = (recipe: ReturnType<typeof pulumiRecipe>) =>
        recipe.steps.flatMap((step) => (step.kind === "go" ? [step] : []));

    it("builds the language host sdk/v3 v3.68.0 carries when the proxy refuses its own module: that release only, its version flag", () => {
        const recipe = languageHostFromSdkRecipe();
        expect(recipe.modules).toEqual([versions.SDK_WITH_LANGUAGE_HOST]);
        expect(versions.SDK_WITH_LANGUAGE_HOST).toMatchObject({
            module: "github.com/pulumi/pulumi/sdk/v3",
            version: "v3.68.0",
        });
        const goMod = recipe.steps.find((step) => step.kind === "write" && step.path === `${WORK}/go.mod`);
        expect(parseGoMod((goMod as { text: string }).text).requires).toEqual([
            { path: "github.com/pulumi/pulumi/sdk/v3", version: "v3.68.0" },
        ]);
        const tools = recipe.steps.find((step) => step.kind === "write" && step.path === `${WORK}/tools.go`);
        expect((tools as { text: string }).text).toContain(
            'import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"',
        );
        const [tidy, build] = goRun(recipe);
        expect(tidy.args).toEqual(["mod", "tidy"]);
        expect(build.args).toEqual(
            expect.arrayContaining([
                expect.stringContaining("common/version.Version=v3.68.0"),
                "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
            ]),
        );
    });

    it("builds the CLI from a go.mod of its own: pkg and sdk at one version, upstream's released replaces, release tags and version", () => {
        const recipe = pulumiRecipe({ pkg: parseGoMod(PKG_GO_MOD), sdk: parseGoMod(SDK_GO_MOD) });
        const goMod = recipe.steps.find((step) => step.kind === "write" && step.path === `${WORK}/go.mod`);
        const parsed = parseGoMod((goMod as { text: string }).text);
        expect(parsed.requires).toEqual([
            { path: versions.PULUMI.module, version: versions.PULUMI.version },
            { path: versions.PULUMI_SDK.module, version: versions.PULUMI.version },
        ]);
        expect(parsed.replaces.map((replace) => replace.from).sort()).toEqual([
            "github.com/atotto/clipboard",
            "golang.org/x/text",
        ]);
        expect(parsed.replaces.every((replace) => replace.toVersion)).toBe(true);
        const [build] = goRun(recipe);
        expect(build.args).toContain("-tags=osusergo,grpcnotrace");
        expect(build.args.join(" ")).toContain(
            `github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${versions.PULUMI.version}`,
        );
        expect(build.args).toEqual(expect.arrayContaining(["-p", "2"]));
        expect(recipe.binaries).toEqual(["pulumi", "pulumi-resource-pulumi-nodejs"]);
    });

    it("builds the provider in a writable copy: the sdk replace dropped, go generate with VERSION, then go build", () => {
        const recipe = kubernetesProviderRecipe();
        expect(recipe.steps[0]).toMatchObject({ kind: "copy-module", module: versions.KUBERNETES_PROVIDER.module });
        const [edit, generate, build] = goRun(recipe);
        expect(edit.args).toContain(`-dropreplace=${versions.KUBERNETES_PROVIDER_SDK.module}`);
        expect(generate.args[0]).toBe("generate");
        expect(generate.env?.VERSION).toBe(versions.KUBERNETES_PROVIDER_REPORTED_VERSION);
        expect(build.args.at(-1)).toBe("./cmd/pulumi-resource-kubernetes");
    });

    it("builds the four Kubernetes binaries from one go.mod with every staging replace", () => {
        const recipe = kubernetesRecipe(parseGoMod(KUBERNETES_GO_MOD));
        const goMod = parseGoMod((recipe.steps[0] as { text: string }).text);
        expect(goMod.go).toBe("1.25.0");
        expect(goMod.replaces).toHaveLength(3);
        const [build] = goRun(recipe);
        expect(build.args.slice(-4)).toEqual(recipe.binaries.map((binary) => `k8s.io/kubernetes/cmd/${binary}`));
        expect(build.env?.CGO_ENABLED).toBe("0");
    });

    it("builds the language host from a checkout's files in a module of its path, against the pinned libraries", () => {
        const source = {
            files: [{ name: "main.go", text: "package main\n" }],
            goMod: parseGoMod(
                "module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3\n\ngo 1.25.11\n\nreplace (\n\tgithub.com/pulumi/pulumi/pkg/v3 => ../../../../pkg\n\tgithub.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e\n)\n",
            ),
        };
        const recipe = languageHostFromSourceRecipe(source, {
            pkg: parseGoMod(PKG_GO_MOD),
            sdk: parseGoMod(SDK_GO_MOD),
        });
        expect(recipe.steps[0]).toEqual({ kind: "write", path: `${WORK}/main.go`, text: "package main\n" });
        const goMod = parseGoMod((recipe.steps[1] as { text: string }).text);
        expect(goMod.module).toBe(versions.PULUMI_LANGUAGE_NODEJS.module);
        expect(goMod.go).toBe("1.26.6");
        expect(goMod.requires.map((require) => require.version)).toEqual([
            versions.LANGUAGE_HOST_LIBRARIES.version,
            versions.LANGUAGE_HOST_LIBRARIES.version,
        ]);
        expect(goMod.replaces.every((replace) => replace.toVersion)).toBe(true);
        const [build] = goRun(recipe);
        expect(build.args.join(" ")).toContain(`Version=${versions.LANGUAGE_HOST_LIBRARIES.version}-source`);
        const other = languageHostFromSourceRecipe(
            { ...source, files: [{ name: "main.go", text: "package main // changed\n" }] },
            { pkg: parseGoMod(PKG_GO_MOD), sdk: parseGoMod(SDK_GO_MOD) },
        );
        expect(recipeFolder(other)).not.toBe(recipeFolder(recipe));
    });

    it("installs kine and kwok as published, static", () => {
        for (const recipe of [kineRecipe(), kwokRecipe()]) {
            const [install] = goRun(recipe);
            expect(install.args[0]).toBe("install");
            expect(install.env).toMatchObject({ CGO_ENABLED: "0", GOBIN: OUT });
            expect(install.args.at(-1)).toMatch(new RegExp(`@${recipe.modules[0].version}$`));
        }
    });

    it("names cache folders by version and by everything the recipe does", () => {
        const kine = kineRecipe();
        expect(recipeFolder(kine)).toMatch(new RegExp(`^kine-${versions.KINE.version}-[0-9a-f]{12}$`));
        expect(recipeFolder(kine)).toBe(recipeFolder(kineRecipe()));
        const changed = { ...kine, steps: [{ ...kine.steps[0], args: ["install", "-race"] }] };
        expect(recipeFolder(changed as typeof kine)).not.toBe(recipeFolder(kine));
        const reworded = { ...kine, modules: [{ ...kine.modules[0], why: "another reason" }] };
        expect(recipeFolder(reworded)).toBe(recipeFolder(kine));
        expect(toolsFolder(["a", "b"])).toBe(toolsFolder(["a", "b"]));
        expect(toolsFolder(["a", "b"])).not.toBe(toolsFolder(["a", "c"]));
        expect(resolvePath(`${WORK}/x ${OUT}/y`, "/w", "/o")).toBe("/w/x /o/y");
    });

    it("pins every module with a reason, and the CLI no older than the SDK in package-lock", () => {
        const lock = require("../package-lock.json") as { packages: Record<string, { version: string }> };
        const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
        const [major, minor] = versions.PULUMI.version.replace(/^v/, "").split(".").map(Number);
        const [sdkMajor, sdkMinor] = sdk.split(".").map(Number);
        expect(major).toBe(sdkMajor);
        expect(minor).toBeGreaterThanOrEqual(sdkMinor);
        const pins = Object.values(versions).filter(
            (value): value is versions.ModulePin => typeof value === "object" && "why" in value,
        );
        expect(pins.length).toBeGreaterThanOrEqual(8);
        for (const pin of pins) expect(pin.why.length).toBeGreaterThan(10);
    });
});
