/**
 * A rehearsal: the whole program under the real Pulumi engine, with the Azure stand-in at the
 * provider boundary and the engine's local control plane as its AKS. Everything lives in the
 * control plane's folder (engine/plane.ts), so `npm run engine -- down --name N` removes the
 * rehearsal with it: its Pulumi state (a file backend), its "Azure" (azure.json), the stand-in's
 * launchers, and the copy of the project it runs.
 *
 * The project is run from a copy of this checkout (node_modules linked, not copied): Pulumi writes
 * a stack's secrets salt and `pulumi config set` into Pulumi.<stack>.yaml, and a rehearsal must
 * never change the checkout's files. The copy is refreshed from the checkout at every command; its
 * Pulumi.<stack>.yaml is copied once, when the rehearsal's stack is created.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CheckFailedError, UsageError } from "../cli/shell";
import { LOCAL_IDENTITIES, planeFiles } from "../engine/controlPlane";
import { findTools, planeDir, readPlaneState, up as planeUp } from "../engine/plane";
import { REPO_ROOT } from "../stackFiles";
import { compileStandIns } from "./compiledStandIns";
import { newAzureState, writeAzureState } from "./standIn/azureState";
import type { PlaneLink } from "./standIn/effects";

export const REHEARSAL_BANNER =
    "rehearsal: the real Pulumi engine and Kubernetes provider, the Azure stand-in (rehearsal/standIn, not Azure), a local control plane as AKS";

/**
 * What a rehearsal's stack sets over the checkout's stack file: the propagation waits, which exist
 * for Azure RBAC, shortened to a second, since the stand-in's grants take effect at once.
 */
export const REHEARSAL_CONFIG: Readonly<Record<string, string>> = Object.freeze({
    grantPropagationWait: "1s",
    adminGrantPropagationWait: "1s",
});

/** What a checkout copy leaves out: dependencies (linked), git, tool caches and reports. */
const NOT_COPIED = new Set(["node_modules", ".git", ".ci", "reports", ".stryker-tmp", "coverage"]);

export function rehearsalFiles(planeDirectory: string) {
    const dir = path.join(planeDirectory, "rehearsal");
    return {
        dir,
        azureState: path.join(dir, "azure.json"),
        planeLink: path.join(dir, "plane.json"),
        bin: path.join(dir, "bin"),
        /** The stand-ins transpiled to JavaScript (compiledStandIns.ts). */
        compiled: path.join(dir, "stand-ins-js"),
        project: path.join(dir, "project"),
        stackFile: (stack: string) => path.join(dir, "project", `Pulumi.${stack}.yaml`),
    };
}
export type RehearsalFiles = ReturnType<typeof rehearsalFiles>;

export interface Rehearsal {
    readonly name: string;
    readonly stack: string;
    readonly files: RehearsalFiles;
    /** The environment `pulumi` and `kubectl` run in. */
    readonly env: Readonly<Record<string, string>>;
    readonly tools: string;
}

/**
 * The launcher the engine finds on PATH as pulumi-resource-azure-native: node running the stand-in
 * as the rehearsal transpiled it (compiledStandIns.ts), with the checkout's node_modules. Written
 * into the rehearsal, never into the checkout. Under ts-node each start transpiled the stand-in's
 * modules again, on every pulumi command (npm run bench:engine, docs/engine.md).
 */
export function standInLauncher(node: string, nodeModules: string, compiledMain: string, what: string): string {
    return ["#!/bin/sh", `# ${what}`, `NODE_PATH="${nodeModules}" exec "${node}" "${compiledMain}" "$@"`, ""].join(
        "\n",
    );
}

/** The plugins a rehearsal puts first on the PATH: stand-ins, each saying what it is. */
export const REHEARSAL_PLUGINS = [
    {
        file: "pulumi-resource-azure-native",
        main: "rehearsal/standIn/main.ts",
        what: "The Azure stand-in of an aks-kubenet rehearsal (rehearsal/standIn): test equipment, not azure-native.",
    },
    {
        file: "pulumi-resource-time",
        main: "rehearsal/timeSleep/main.ts",
        what: "The time provider's Sleep, for an aks-kubenet rehearsal (rehearsal/timeSleep): the real one cannot be built from the Go module proxy.",
    },
] as const;

/**
 * The kubelogin the program's Entra ID kubeconfig runs, in a rehearsal: it prints the deployer's
 * static token (the local API server knows it as the deployer's object id) as kubelogin prints an
 * Entra token, and says on stderr what it is.
 */
export function kubeloginStandIn(tokenFile: string): string {
    return [
        "#!/bin/sh",
        "# kubelogin stand-in of an aks-kubenet rehearsal: prints the rehearsal deployer's token for the local API server; no Entra ID involved.",
        'echo "kubelogin stand-in (rehearsal): the deployer\'s token for the local control plane" >&2',
        `token=$(cat "${tokenFile}")`,
        `printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$token"`,
        "",
    ].join("\n");
}

const STACK_FILE = /^Pulumi\.[^.]+\.yaml$/;

/**
 * Removes from the copy what the checkout no longer has: a file the checkout moved or deleted
 * (config.ts when it became config/index.ts) would otherwise stay in the copy and shadow the new
 * one (Node resolves ./config to config.ts before config/index.ts). Stack files stay, at any depth:
 * Pulumi keeps a stack's config there.
 */
function pruneStale(repoDir: string, copyDir: string, top: boolean): void {
    for (const entry of fs.readdirSync(copyDir, { withFileTypes: true })) {
        if (STACK_FILE.test(entry.name) || (top && NOT_COPIED.has(entry.name))) continue;
        const source = path.join(repoDir, entry.name);
        const copy = path.join(copyDir, entry.name);
        if (!fs.existsSync(source)) fs.rmSync(copy, { recursive: true, force: true });
        else if (entry.isDirectory() && fs.statSync(source).isDirectory()) pruneStale(source, copy, false);
    }
}

/** Mirrors the checkout into the rehearsal's project folder (node_modules linked), keeping its stack files. */
export function syncProject(files: RehearsalFiles, repo = REPO_ROOT): void {
    fs.mkdirSync(files.project, { recursive: true });
    pruneStale(repo, files.project, true);
    for (const entry of fs.readdirSync(repo)) {
        if (NOT_COPIED.has(entry) || STACK_FILE.test(entry)) continue;
        fs.cpSync(path.join(repo, entry), path.join(files.project, entry), { recursive: true, force: true });
    }
    const link = path.join(files.project, "node_modules");
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(repo, "node_modules"), link, "dir");
}

/** Pulumi's environment for a rehearsal: the stand-in and the tools first on PATH, a local backend, no downloads. */
export function rehearsalEnv(options: {
    files: RehearsalFiles;
    planeDirectory: string;
    tools: string;
    passphrase: string;
    currentPath: string;
}): Record<string, string> {
    const plane = planeFiles(options.planeDirectory);
    return {
        PATH: [options.files.bin, options.tools, ...options.currentPath.split(":").filter(Boolean)].join(":"),
        KUBECONFIG: plane.kubeconfig("admin"),
        PULUMI_HOME: plane.pulumiHome,
        PULUMI_BACKEND_URL: `file://${plane.pulumiBackend}`,
        PULUMI_CONFIG_PASSPHRASE: options.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        AKS_KUBENET_STAND_IN: options.files.dir,
        AKS_KUBENET_REHEARSAL_PROJECT: options.files.project,
    };
}

/**
 * The rehearsal of `stack` on control plane `name`, ready for pulumi: the control plane started
 * (without nodes: the stand-in's AKS registers them) if it is not up, the stand-in's files, the
 * project copy, and the stack selected (created from the checkout's Pulumi.<stack>.yaml once).
 */
export async function prepareRehearsal(
    options: { name: string; stack: string },
    log: (line: string) => void,
): Promise<Rehearsal> {
    if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${options.stack}.yaml`)))
        throw new UsageError(`stack "${options.stack}" has no Pulumi.${options.stack}.yaml in ${REPO_ROOT}`);
    const tools = findTools();
    const directory = planeDir(options.name);
    let state = readPlaneState(options.name);
    if (state && state.purpose !== "rehearsal")
        throw new UsageError(
            `control plane "${options.name}" was started by \`engine up\` with nodes of its own; a rehearsal needs one whose nodes its AKS stand-in registers: pick another --name, or \`npm run engine -- down --name ${options.name}\``,
        );
    const files = rehearsalFiles(directory);
    if (!state) {
        log(`starting control plane "${options.name}" for the rehearsal`);
        state = await planeUp(
            { name: options.name, stack: options.stack, purpose: "rehearsal", azureStateFile: files.azureState },
            log,
        );
    }
    const plane = planeFiles(directory);
    for (const folder of [files.bin, plane.pulumiBackend, plane.pulumiHome]) fs.mkdirSync(folder, { recursive: true });
    if (!fs.existsSync(files.azureState))
        writeAzureState(
            files.azureState,
            newAzureState({ deployer: LOCAL_IDENTITIES.deployer.user, reader: LOCAL_IDENTITIES.reader.user }),
        );
    const link: PlaneLink = {
        server: `https://127.0.0.1:${state.ports.apiserver}`,
        certificateAuthorityData: fs.readFileSync(plane.caCert).toString("base64"),
        adminKubeconfig: plane.kubeconfig("admin"),
        kubectl: path.join(tools, "kubectl"),
    };
    fs.writeFileSync(files.planeLink, `${JSON.stringify(link, null, 2)}\n`);
    // Again at every command: the checkout may have changed since (only what changed is transpiled).
    compileStandIns(
        REPO_ROOT,
        files.compiled,
        REHEARSAL_PLUGINS.map((plugin) => plugin.main),
    );
    for (const plugin of REHEARSAL_PLUGINS)
        fs.writeFileSync(
            path.join(files.bin, plugin.file),
            standInLauncher(
                process.execPath,
                path.join(REPO_ROOT, "node_modules"),
                path.join(files.compiled, plugin.main.replace(/\.ts$/, ".js")),
                plugin.what,
            ),
            { mode: 0o755 },
        );
    fs.writeFileSync(path.join(files.bin, "kubelogin"), kubeloginStandIn(plane.token("deployer")), { mode: 0o755 });
    syncProject(files);
    const env = rehearsalEnv({
        files,
        planeDirectory: directory,
        tools,
        passphrase: state.passphrase,
        currentPath: process.env.PATH ?? "",
    });
    const rehearsal = { name: options.name, stack: options.stack, files, env, tools };
    const created = !fs.existsSync(files.stackFile(options.stack));
    if (created) fs.copyFileSync(path.join(REPO_ROOT, `Pulumi.${options.stack}.yaml`), files.stackFile(options.stack));
    const selected = runPulumi(rehearsal, ["stack", created ? "init" : "select", options.stack]);
    if (selected.status !== 0) {
        if (created) fs.rmSync(files.stackFile(options.stack), { force: true });
        throw new CheckFailedError(
            `pulumi stack ${created ? "init" : "select"} ${options.stack} failed: ${lastLine(selected.stderr || selected.stdout)}`,
        );
    }
    if (created)
        for (const [key, value] of Object.entries(REHEARSAL_CONFIG)) {
            const set = runPulumi(rehearsal, ["config", "set", "--stack", options.stack, key, value]);
            if (set.status !== 0)
                throw new CheckFailedError(`pulumi config set ${key} failed: ${lastLine(set.stderr || set.stdout)}`);
        }
    return rehearsal;
}

/** Runs the real pulumi in the rehearsal's project copy; its output is the caller's. */
export function runPulumi(
    rehearsal: Rehearsal,
    args: readonly string[],
    options: { inherit?: boolean; input?: string } = {},
): { status: number; stdout: string; stderr: string } {
    const result = spawnSync(path.join(rehearsal.tools, "pulumi"), ["--cwd", rehearsal.files.project, ...args], {
        env: { ...process.env, ...rehearsal.env },
        encoding: "utf8",
        input: options.input,
        stdio: options.inherit ? "inherit" : "pipe",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (result.error) throw new CheckFailedError(`pulumi did not start: ${result.error.message}`);
    return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const lastLine = (text: string) =>
    text
        .trim()
        .split("\n")
        .filter((line) => line.trim())
        .slice(-1)[0] ?? "(no output)";
