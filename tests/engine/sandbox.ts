/**
 * The engine tier's sandbox: every engine-tier test runs in it (jest.engine.config.js
 * globalSetup: tests/engine/sandbox.setup.ts), so nothing the tier starts can reach a signed-in
 * Azure or Pulumi Cloud account of whoever runs it:
 * - AZURE_CONFIG_DIR is an empty folder of its own: az, the providers' CLI credential and kubelogin's
 *   azurecli login find no account there (az keeps its login in that folder, default ~/.azure);
 * - an `az` first on PATH that refuses every command, saying why, so no test reaches the user's az;
 * - no ARM_*, AZURE_* (but the folder above), MSI or GitHub OIDC variables, no PULUMI_ACCESS_TOKEN;
 * - Pulumi on a file backend and a Pulumi home in the sandbox (never ~/.pulumi's credentials),
 *   with automatic plugin downloads off;
 * - KUBECONFIG pointing at a file that does not exist (never the user's clusters);
 * - AKS_KUBENET_ENGINE_SANDBOX naming the folder: tests/e2e refuses to deploy to Azure inside it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SANDBOX_VARIABLE = "AKS_KUBENET_ENGINE_SANDBOX";

/** Variables that carry Azure or Pulumi Cloud credentials, or say where to find them. */
const CREDENTIAL_VARIABLE =
    /^(ARM_|AZURE_|MSI_|IDENTITY_(ENDPOINT|HEADER)$|ACTIONS_ID_TOKEN_REQUEST_|PULUMI_ACCESS_TOKEN$|PULUMI_BACKEND_URL$|AAD_)/;

export interface Sandbox {
    readonly dir: string;
    readonly azureConfigDir: string;
    readonly bin: string;
    readonly backend: string;
    readonly pulumiHome: string;
}

export function sandboxFolders(dir: string): Sandbox {
    return {
        dir,
        azureConfigDir: path.join(dir, "azure"),
        bin: path.join(dir, "bin"),
        backend: path.join(dir, "pulumi-state"),
        pulumiHome: path.join(dir, "pulumi-home"),
    };
}

/**
 * Makes the sandbox's folders and its refusing `az` under `dir`, and returns `base` with the
 * credentials taken out and the sandbox's variables in.
 */
export function sandboxEnv(base: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
    const sandbox = sandboxFolders(dir);
    for (const folder of [sandbox.azureConfigDir, sandbox.bin, sandbox.backend, sandbox.pulumiHome])
        fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.writeFileSync(
        path.join(sandbox.bin, "az"),
        [
            "#!/bin/sh",
            `echo "az: refused by the aks-kubenet engine tier's sandbox (${dir}): tests never use an Azure account" >&2`,
            "exit 1",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    const kept = Object.fromEntries(Object.entries(base).filter(([key]) => !CREDENTIAL_VARIABLE.test(key)));
    return {
        ...kept,
        PATH: [sandbox.bin, ...(base.PATH ?? "").split(":").filter((entry) => entry && entry !== sandbox.bin)].join(
            ":",
        ),
        AZURE_CONFIG_DIR: sandbox.azureConfigDir,
        PULUMI_BACKEND_URL: `file://${sandbox.backend}`,
        PULUMI_HOME: sandbox.pulumiHome,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        KUBECONFIG: path.join(dir, "no-kubeconfig"),
        [SANDBOX_VARIABLE]: dir,
    };
}

/** Puts this process (and so everything it starts) in a new sandbox, removed when it exits. */
export function installSandbox(): Sandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-kubenet-engine-sandbox-"));
    const env = sandboxEnv(process.env, dir);
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return sandboxFolders(dir);
}

/** The sandbox this process runs in, or an error saying the tier was started without it. */
export function currentSandbox(): Sandbox {
    const dir = process.env[SANDBOX_VARIABLE];
    if (!dir)
        throw new Error(
            `${SANDBOX_VARIABLE} is not set: the engine tier runs only in its sandbox (jest.engine.config.js globalSetup)`,
        );
    return sandboxFolders(dir);
}

/** The pids of live processes started with `name=value` in their environment (/proc/PID/environ), but this one. */
export function processesWithVariable(name: string, value: string): number[] {
    return fs
        .readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
        .filter((pid) => {
            try {
                return fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`${name}=${value}`);
            } catch {
                return false; // ended meanwhile, or not ours to read
            }
        })
        .map(Number);
}
