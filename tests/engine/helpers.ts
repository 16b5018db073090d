/**
 * What the engine tier's suites share: control planes started and removed with the engine's own
 * code, a copy of the checkout to run pulumi in (so no run writes into the checkout), the real
 * pulumi and kubectl, and kubeconfigs for the control plane's static-token identities.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_IDENTITIES, LocalIdentity, planeFiles } from "../../engine/controlPlane";
import { down, findTools, planeDir, PlanePurpose, PlaneState, up } from "../../engine/plane";
import { prepareRehearsal, Rehearsal, rehearsalFiles, runPulumi, syncProject } from "../../rehearsal/rehearsal";
import { singleClusterKubeconfig } from "../../kubeconfig";
import { REPO_ROOT } from "../../stackFiles";

/** The tools `npm run engine -- build` made: the tier cannot run without them, and says so. */
export function engineTools(): string {
    try {
        return findTools();
    } catch (error) {
        throw new Error(`${(error as Error).message} (the engine tier needs the built tools)`, { cause: error });
    }
}

/**
 * Whether the language host in `tools` starts policy packs. The one sdk/v3 v3.68.0 carries (built
 * when no pulumi/pulumi source was ever given: engine/versions.ts SDK_WITH_LANGUAGE_HOST) predates
 * the CLI running packs through its language host, and answers "not supported".
 */
export function policyPacksRunnable(tools: string): { readonly ok: boolean; readonly reason: string } {
    return newerHostNeeded(tools, "cannot start policy packs");
}

/**
 * Whether the language host in `tools` runs a program's stack transforms
 * (pulumi.runtime.registerResourceTransform): sdk/v3 v3.68.0's fails the program
 * ("Cannot read properties of undefined (reading 'name')"), as the cold CI run found.
 */
export function stackTransformsRunnable(tools: string): { readonly ok: boolean; readonly reason: string } {
    return newerHostNeeded(tools, "cannot run stack transforms");
}

/**
 * In CI (CI=true) a missing capability fails the suite instead of skipping its tests: CI builds the
 * host from source (.ci/run), so every test runs there.
 */
function newerHostNeeded(tools: string, what: string): { readonly ok: boolean; readonly reason: string } {
    const host = fs.realpathSync(path.join(tools, "pulumi-language-nodejs"));
    if (!/pulumi-language-nodejs-v3\.68\.0-/.test(host)) return { ok: true, reason: "" };
    const reason = `${host} (sdk/v3 v3.68.0's) ${what}; build with --language-host-source DIR`;
    if (process.env.CI === "true") throw new Error(`CI=true and ${reason}: no engine test may skip in CI`);
    return { ok: false, reason: `skipped: ${reason}` };
}

/**
 * A name no other run uses (two checkouts or two CI jobs on one machine never collide), within
 * the 12 characters a control plane's name may have: a short tag and the process id in base 36.
 */
export const uniqueName = (tag: string) => `${tag.slice(0, 4)}-${process.pid.toString(36)}`;

export interface TestPlane {
    readonly name: string;
    readonly state: PlaneState;
    readonly files: ReturnType<typeof planeFiles>;
    readonly tools: string;
    kubectl(args: readonly string[], options?: { input?: string; kubeconfig?: string }): string;
    /** kubectl that may fail: its status and output. */
    tryKubectl(
        args: readonly string[],
        options?: { input?: string; kubeconfig?: string },
    ): { status: number; output: string };
    remove(): Promise<void>;
}

export async function startPlane(name: string, purpose: PlanePurpose = "engine"): Promise<TestPlane> {
    const tools = engineTools();
    const state = await up({ name, stack: "dev", purpose }, () => {});
    const files = planeFiles(planeDir(name));
    const kubectlPath = path.join(tools, "kubectl");
    const argsFor = (args: readonly string[], kubeconfig?: string) => [
        `--kubeconfig=${kubeconfig ?? files.kubeconfig("admin")}`,
        ...args,
    ];
    return {
        name,
        state,
        files,
        tools,
        kubectl: (args, options = {}) =>
            execFileSync(kubectlPath, argsFor(args, options.kubeconfig), { input: options.input, encoding: "utf8" }),
        tryKubectl: (args, options = {}) => {
            const result = spawnSync(kubectlPath, argsFor(args, options.kubeconfig), {
                input: options.input,
                encoding: "utf8",
            });
            return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
        },
        remove: async () => {
            await down({ name, stack: "dev", explicitName: true });
        },
    };
}

/**
 * A kubeconfig for one of the control plane's static-token identities, whose token an exec plugin
 * prints (as kubelogin prints an Entra token): no token is written into the kubeconfig itself.
 */
export function identityKubeconfig(plane: TestPlane, identity: LocalIdentity, dir: string): string {
    const plugin = path.join(dir, `token-${identity}`);
    fs.writeFileSync(
        plugin,
        `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$(cat '${plane.files.token(identity)}')"\n`,
        { mode: 0o755 },
    );
    const file = path.join(dir, `${identity}.kubeconfig`);
    fs.writeFileSync(
        file,
        singleClusterKubeconfig({
            clusterName: plane.name,
            server: `https://127.0.0.1:${plane.state.ports.apiserver}`,
            certificateAuthorityData: fs.readFileSync(plane.files.caCert).toString("base64"),
            userName: LOCAL_IDENTITIES[identity].user,
            user: {
                exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: plugin, interactiveMode: "Never" },
            },
        }),
        { mode: 0o600 },
    );
    return file;
}

/** A copy of the checkout in the control plane's folder, and pulumi's environment to run in it. */
export interface Workspace {
    readonly project: string;
    readonly env: Record<string, string>;
    pulumi(args: readonly string[], options?: { cwd?: string; env?: Record<string, string> }): PulumiRun;
}

export interface PulumiRun {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

export function workspace(plane: TestPlane): Workspace {
    const files = rehearsalFiles(plane.files.dir);
    syncProject(files);
    for (const folder of [plane.files.pulumiBackend, plane.files.pulumiHome]) fs.mkdirSync(folder, { recursive: true });
    const env = {
        PATH: `${plane.tools}:${process.env.PATH ?? ""}`,
        PULUMI_HOME: plane.files.pulumiHome,
        PULUMI_BACKEND_URL: `file://${plane.files.pulumiBackend}`,
        PULUMI_CONFIG_PASSPHRASE: plane.state.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    return {
        project: files.project,
        env,
        pulumi: (args, options = {}) => {
            const result = spawnSync(
                path.join(plane.tools, "pulumi"),
                ["--cwd", options.cwd ?? files.project, ...args],
                {
                    env: { ...process.env, ...env, ...options.env },
                    encoding: "utf8",
                    maxBuffer: 256 * 1024 * 1024,
                },
            );
            return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
        },
    };
}

/** A rehearsal on its own control plane (the stand-in's AKS registers the nodes). */
export async function startRehearsal(name: string, stack = "dev"): Promise<Rehearsal> {
    engineTools();
    return prepareRehearsal({ name, stack }, () => {});
}

export const rehearsalPulumi = (rehearsal: Rehearsal, args: readonly string[]): PulumiRun => runPulumi(rehearsal, args);

/** The JSON a `pulumi ... --json` printed (its last JSON document: warnings may precede it). */
export function jsonOf<T = any>(run: PulumiRun): T {
    const text = run.stdout.trim();
    const start = text.indexOf("{");
    if (start < 0) throw new Error(`no JSON in pulumi's output: ${run.stderr.slice(-500)}`);
    return JSON.parse(text.slice(start)) as T;
}

/** One line of what went wrong, for assertion messages. */
export const tail = (run: PulumiRun) => `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-15).join("\n");

export { REPO_ROOT };
