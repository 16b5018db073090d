/**
 * `engine build`: builds what is missing of the engine's tools and finds what is there, in a cache
 * outside the checkout (AKS_KUBENET_TOOLS, default ~/.cache/aks-kubenet). Each tool builds in a
 * temporary folder that is renamed into place only when every binary is there, so a failed or
 * interrupted build leaves nothing half-built where the next run would find it.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CheckFailedError, UsageError } from "../cli/shell";
import { registerUndo } from "../cli/interrupts";
import { compareGoVersions, goVersionOf, parseGoMod } from "./goModules";
import {
    kineRecipe,
    kubernetesProviderRecipe,
    kubernetesRecipe,
    kwokRecipe,
    languageHostFromSdkRecipe,
    languageHostFromSourceRecipe,
    languageHostRecipe,
    LanguageHostSource,
    pulumiRecipe,
    Recipe,
    recipeFolder,
    resolvePath,
    RecipeStep,
    timeProviderRecipe,
    toolsFolder,
} from "./recipes";
import {
    KUBERNETES,
    LANGUAGE_HOST_LIBRARIES,
    MINIMUM_GO,
    ModulePin,
    PULUMI,
    PULUMI_LANGUAGE_NODEJS,
    PULUMI_SDK,
    SDK_WITH_LANGUAGE_HOST,
    TIME_PROVIDER,
} from "./versions";

/** The cache of built tools: outside the checkout, shared by every checkout of this user. */
export function toolsCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
    return env.AKS_KUBENET_TOOLS || path.join(os.homedir(), ".cache", "aks-kubenet");
}

export type Log = (line: string) => void;

/** The go command's answer when the proxy will not hand out a module version. */
const PROXY_REFUSAL = /403 Forbidden|404 Not Found|410 Gone|not available|unknown revision|invalid version/;

/** The Go on PATH, checked against what the modules need. */
export function checkGo(env: NodeJS.ProcessEnv = process.env): string {
    const result = spawnSync("go", ["version"], { encoding: "utf8", env });
    if (result.error) {
        throw new UsageError(
            `Go is not installed or not on PATH (${(result.error as NodeJS.ErrnoException).code}); install Go ${MINIMUM_GO} or newer (apt-get install golang-go is too old on Debian 12; see https://go.dev/doc/install) and run it again`,
        );
    }
    const version = goVersionOf(result.stdout);
    if (!version) throw new UsageError(`cannot read Go's version from "${result.stdout.trim()}"`);
    if (compareGoVersions(version, MINIMUM_GO) < 0) {
        throw new UsageError(
            `Go ${version} is older than ${MINIMUM_GO}, which the Pulumi and kine modules need; install a newer Go, or export GOTOOLCHAIN=go1.27.3 to have the go command fetch one from the module proxy`,
        );
    }
    return version;
}

/** The go command running now, if any: a signal stops it (and its compilers) before the clean-up. */
let running: { child: ChildProcess; done: Promise<unknown> } | undefined;

/** Stops the running go command and everything it started (its own process group). */
async function stopRunningGo(): Promise<void> {
    const current = running;
    if (!current?.child.pid) return;
    try {
        process.kill(-current.child.pid, "SIGTERM");
    } catch {
        // already gone
    }
    await current.done;
}

/** Runs the go command; its output goes to `logFile`. Resolves with its exit code and output's tail. */
function runGo(
    args: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): Promise<{ code: number; output: string }> {
    const log = fs.openSync(options.logFile, "a");
    fs.writeSync(log, `\n$ (cd ${options.cwd} && go ${args.join(" ")})\n`);
    // A process group of its own, so that stopping it stops the compilers and linker it runs.
    const child = spawn("go", args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ["ignore", log, log],
        detached: true,
    });
    const done = new Promise<{ code: number; output: string }>((resolve, reject) => {
        child.on("error", (error) => {
            fs.closeSync(log);
            reject(error);
        });
        child.on("close", (code) => {
            fs.closeSync(log);
            const text = fs.readFileSync(options.logFile, "utf8");
            resolve({ code: code ?? 1, output: text.slice(-4000) });
        });
    });
    running = { child, done: done.catch(() => undefined) };
    return done.finally(() => {
        running = undefined;
    });
}

/** `go mod download -json module@version`: the module's folder and go.mod, or the proxy's refusal. */
export function downloadModule(
    pin: { module: string; version: string },
    env: NodeJS.ProcessEnv,
): { dir?: string; goMod?: string; error?: string } {
    const result = spawnSync("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], {
        encoding: "utf8",
        env: { ...env, GOFLAGS: "-mod=mod" },
        cwd: os.tmpdir(),
        maxBuffer: 16 * 1024 * 1024,
    });
    let parsed: { Dir?: string; GoMod?: string; Error?: string } = {};
    try {
        parsed = JSON.parse(result.stdout) as typeof parsed;
    } catch {
        parsed = { Error: (result.stderr || result.stdout).trim() || `go mod download exited ${result.status}` };
    }
    if (parsed.Error) return { error: parsed.Error.split("\n").join(" ") };
    return { dir: parsed.Dir, goMod: parsed.GoMod };
}

/** The proxy's refusal as the one line a user can act on. */
function refusal(pin: ModulePin, error: string): string {
    const reason = /403|not available/.test(error) ? "refuses it (403: not available)" : `failed: ${error}`;
    return `the Go module proxy ${reason} for ${pin.module}@${pin.version}; choose a version it serves (go list -m -versions ${pin.module}) in engine/versions.ts`;
}

function readGoMod(pin: ModulePin, env: NodeJS.ProcessEnv) {
    const download = downloadModule(pin, env);
    if (download.error || !download.goMod) throw new UsageError(refusal(pin, download.error ?? "no go.mod"));
    return parseGoMod(fs.readFileSync(download.goMod, "utf8"));
}

export interface BuildOptions {
    /** A pulumi/pulumi checkout's sdk/nodejs/cmd/pulumi-language-nodejs: the language host's source. */
    readonly languageHostSource?: string;
}

/**
 * The language host's package from a checkout: its .go files without tests, and its go.mod.
 * Anything else there is a UsageError naming what is wrong.
 */
export function readLanguageHostSource(dir: string): LanguageHostSource {
    const goModPath = path.join(dir, "go.mod");
    if (!fs.existsSync(goModPath))
        throw new UsageError(
            `--language-host-source ${dir} has no go.mod; give the folder sdk/nodejs/cmd/pulumi-language-nodejs of a pulumi/pulumi checkout`,
        );
    const goMod = parseGoMod(fs.readFileSync(goModPath, "utf8"));
    if (goMod.module !== PULUMI_LANGUAGE_NODEJS.module)
        throw new UsageError(
            `--language-host-source ${dir} holds module ${goMod.module}, not ${PULUMI_LANGUAGE_NODEJS.module}`,
        );
    const files = fs
        .readdirSync(dir)
        .filter((name) => name.endsWith(".go") && !name.endsWith("_test.go"))
        .sort()
        .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") }));
    return { files, goMod, goModPath };
}

/**
 * Where the cache keeps a language host source once given (outside the checkout, like every
 * tool): later builds, CI's on this machine among them, build the same host without the flag.
 */
export const savedLanguageHostSource = (env: NodeJS.ProcessEnv = process.env) =>
    path.join(toolsCacheRoot(env), "sources", "pulumi-language-nodejs");

function saveLanguageHostSource(source: LanguageHostSource, env: NodeJS.ProcessEnv): void {
    const dir = savedLanguageHostSource(env);
    const temporary = `${dir}.tmp-${process.pid}`;
    fs.rmSync(temporary, { recursive: true, force: true });
    fs.mkdirSync(temporary, { recursive: true });
    for (const file of source.files) fs.writeFileSync(path.join(temporary, file.name), file.text);
    if (source.goModPath) fs.copyFileSync(source.goModPath, path.join(temporary, "go.mod"));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(temporary, dir);
}

/** A component the cache cannot have: why, in one line. */
export interface Unbuildable {
    readonly component: string;
    readonly reason: string;
}

/**
 * The recipes, with the upstream go.mod files they are generated from. The language host and the
 * time provider are known to be refused by the proxy: asked once more, and reported if still refused.
 */
export function planRecipes(
    env: NodeJS.ProcessEnv,
    log: Log,
    options: BuildOptions = {},
): { recipes: Recipe[]; unbuildable: Unbuildable[] } {
    const recipes: Recipe[] = [];
    const unbuildable: Unbuildable[] = [];
    log(`reading go.mod files from the Go module proxy`);
    recipes.push(pulumiRecipe({ pkg: readGoMod(PULUMI, env), sdk: readGoMod(PULUMI_SDK, env) }));
    const languageHost = downloadModule(PULUMI_LANGUAGE_NODEJS, env);
    if (languageHost.goMod) {
        recipes.push(languageHostRecipe(parseGoMod(fs.readFileSync(languageHost.goMod, "utf8"))));
    } else if (options.languageHostSource || fs.existsSync(savedLanguageHostSource(env))) {
        const source = readLanguageHostSource(options.languageHostSource ?? savedLanguageHostSource(env));
        if (options.languageHostSource) saveLanguageHostSource(source, env);
        log(
            `the proxy refuses the language host's module: building it from ${options.languageHostSource ?? `the source saved in ${savedLanguageHostSource(env)}`}`,
        );
        recipes.push(
            languageHostFromSourceRecipe(source, {
                pkg: readGoMod(LANGUAGE_HOST_LIBRARIES, env),
                sdk: readGoMod({ ...PULUMI_SDK, version: LANGUAGE_HOST_LIBRARIES.version }, env),
            }),
        );
    } else {
        log(
            `the proxy refuses the language host's module: building the one sdk/v3 ${SDK_WITH_LANGUAGE_HOST.version} still carries (or give --language-host-source DIR)`,
        );
        recipes.push(languageHostFromSdkRecipe());
    }
    recipes.push(kubernetesProviderRecipe());
    const time = downloadModule(TIME_PROVIDER, env);
    if (time.goMod) {
        // Served after all: its go.mod replaces a shim module the zip lacks; not written yet.
        unbuildable.push({
            component: timeProviderRecipe().component,
            reason: `${TIME_PROVIDER.module}@${TIME_PROVIDER.version} is served now, but its shim module is not generated yet`,
        });
    } else {
        unbuildable.push({
            component: timeProviderRecipe().component,
            reason: `${refusal(TIME_PROVIDER, time.error ?? "")}; a rehearsal runs the program's Sleep with its own stand-in (rehearsal/timeSleep)`,
        });
    }
    recipes.push(kubernetesRecipe(readGoMod(KUBERNETES, env)));
    recipes.push(kineRecipe(), kwokRecipe());
    return { recipes, unbuildable };
}

function copyModule(step: Extract<RecipeStep, { kind: "copy-module" }>, to: string, env: NodeJS.ProcessEnv) {
    const download = downloadModule(step, env);
    if (!download.dir) throw new UsageError(refusal({ ...step, why: "" }, download.error ?? "no folder"));
    fs.cpSync(download.dir, to, { recursive: true });
    // The module cache is read-only; go generate writes beside the sources.
    const makeWritable = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            fs.chmodSync(full, entry.isDirectory() ? 0o755 : 0o644);
            if (entry.isDirectory()) makeWritable(full);
        }
    };
    fs.chmodSync(to, 0o755);
    makeWritable(to);
}

/** Builds one recipe into its cache folder (via a temporary one); returns the folder. */
async function buildRecipe(recipe: Recipe, root: string, env: NodeJS.ProcessEnv, log: Log): Promise<string> {
    const final = path.join(root, recipeFolder(recipe));
    const staging = `${final}.tmp-${process.pid}`;
    const work = path.join(staging, "work");
    const out = path.join(staging, "bin");
    const logFile = path.join(root, "logs", `${recipe.component}.log`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(logFile, `build of ${recipe.component} at ${new Date().toISOString()}\n`);
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(out, { recursive: true });
    const unregister = registerUndo(`removing the unfinished build of ${recipe.component}`, async () => {
        await stopRunningGo();
        fs.rmSync(staging, { recursive: true, force: true });
    });
    try {
        for (const step of recipe.steps) {
            if (step.kind === "write") {
                const file = resolvePath(step.path, work, out);
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(file, step.text, { mode: step.mode ?? 0o644 });
            } else if (step.kind === "copy-module") {
                copyModule(step, resolvePath(step.to, work, out), env);
            } else {
                const args = step.args.map((arg) => resolvePath(arg, work, out));
                const stepEnv = Object.fromEntries(
                    Object.entries(step.env ?? {}).map(([key, value]) => [key, resolvePath(value, work, out)]),
                );
                log(`  go ${args.slice(0, 2).join(" ")} ... (log: ${logFile})`);
                const result = await runGo(args, {
                    cwd: resolvePath(step.cwd, work, out),
                    env: { ...env, ...stepEnv },
                    logFile,
                });
                if (result.code !== 0) {
                    const lines = result.output.split("\n").filter((line) => line.trim());
                    const proxy = lines.find((line) => PROXY_REFUSAL.test(line));
                    if (proxy)
                        throw new UsageError(
                            `the Go module proxy refused a module ${recipe.component} needs: ${proxy.trim()}; see ${logFile}`,
                        );
                    throw new CheckFailedError(
                        `building ${recipe.component} failed: ${lines.slice(-1)[0]?.trim() ?? "no output"}; see ${logFile}`,
                    );
                }
            }
        }
        for (const binary of recipe.binaries) {
            if (!fs.existsSync(path.join(out, binary)))
                throw new CheckFailedError(`building ${recipe.component} made no ${binary}; see ${logFile}`);
        }
        fs.rmSync(work, { recursive: true, force: true });
        fs.writeFileSync(
            path.join(staging, "recipe.json"),
            JSON.stringify({ ...recipe, builtAt: new Date().toISOString() }, null, 2),
        );
        fs.rmSync(final, { recursive: true, force: true });
        fs.renameSync(staging, final);
        return final;
    } catch (error) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw error;
    } finally {
        unregister();
    }
}

/** True when the folder holds every binary of the recipe (a finished build: folders appear by rename). */
const isBuilt = (folder: string, recipe: Recipe) =>
    recipe.binaries.every((binary) => fs.existsSync(path.join(folder, "bin", binary)));

/** Links every built binary into one folder (made whole, then renamed into place). */
function linkTools(root: string, built: ReadonlyArray<{ folder: string; recipe: Recipe }>): string {
    const tools = path.join(root, toolsFolder(built.map((entry) => path.basename(entry.folder))));
    if (fs.existsSync(tools)) return tools;
    const staging = `${tools}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    for (const { folder, recipe } of built)
        for (const binary of recipe.binaries)
            fs.symlinkSync(path.join(folder, "bin", binary), path.join(staging, binary));
    fs.renameSync(staging, tools);
    return tools;
}

export interface BuildResult {
    readonly tools: string;
    readonly built: readonly string[];
    readonly found: readonly string[];
    readonly unbuildable: readonly Unbuildable[];
}

/**
 * Builds every missing tool, in order, and returns the tools folder. A recipe whose folder exists
 * is found without asking Go anything but the go.mod files of the modules (from the module cache).
 */
export async function build(
    log: Log,
    options: BuildOptions = {},
    env: NodeJS.ProcessEnv = process.env,
): Promise<BuildResult> {
    const goVersion = checkGo(env);
    const root = toolsCacheRoot(env);
    fs.mkdirSync(root, { recursive: true });
    log(`tools cache ${root} (go ${goVersion})`);
    const { recipes, unbuildable } = planRecipes(env, log, options);
    const built: string[] = [];
    const found: string[] = [];
    const folders: Array<{ folder: string; recipe: Recipe }> = [];
    for (const recipe of recipes) {
        const folder = path.join(root, recipeFolder(recipe));
        if (isBuilt(folder, recipe)) {
            found.push(recipe.component);
            log(`found ${recipe.component} (${recipe.modules[0].version}) in ${folder}`);
        } else {
            const started = Date.now();
            log(`building ${recipe.component} ${recipe.modules[0].version} (a cold build takes minutes)`);
            await buildRecipe(recipe, root, env, log);
            built.push(recipe.component);
            log(`built ${recipe.component} in ${Math.round((Date.now() - started) / 1000)} s`);
        }
        folders.push({ folder, recipe });
    }
    for (const missing of unbuildable) log(`not built: ${missing.component}: ${missing.reason}`);
    return { tools: linkTools(root, folders), built, found, unbuildable };
}

/** The tools folder of a finished build, without building: undefined when something is missing. */
export function builtToolsFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const root = toolsCacheRoot(env);
    let names: string[];
    try {
        names = fs.readdirSync(root).filter((name) => /^tools-[0-9a-f]{12}$/.test(name));
    } catch {
        return undefined;
    }
    // The newest complete tools folder: a later build with new versions wins.
    const complete = names
        .map((name) => path.join(root, name))
        .filter((folder) => fs.readdirSync(folder).every((link) => fs.existsSync(path.join(folder, link))))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    return complete[0];
}
