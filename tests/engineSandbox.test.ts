/**
 * The engine tier's sandbox (tests/engine/sandbox.ts), here without the engine's tools: on a
 * machine where someone ran `az login`, nothing the tier starts may find that account. A fake
 * `az` stands for the user's own: it answers `account show` as a signed-in user only with the
 * user's configuration folder (as az does: its login lives in AZURE_CONFIG_DIR, default ~/.azure),
 * and records every call with the folder it was given. The engine tier runs the same proof with
 * the real Pulumi CLI (tests/engine/e2e.test.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import { main, missingPrerequisites } from "./e2e/e2e";
import { processesWithVariable, SANDBOX_VARIABLE, sandboxEnv, sandboxFolders } from "./engine/sandbox";
import teardown from "./engine/sandbox.teardown";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-test-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The user's own az, signed in with the configuration in `userConfig`. */
function usersAz(): { bin: string; log: string; userConfig: string } {
    const bin = fs.mkdtempSync(path.join(root, "user-bin-"));
    const log = path.join(bin, "calls.log");
    const userConfig = fs.mkdtempSync(path.join(root, "dot-azure-"));
    fs.writeFileSync(log, "");
    fs.writeFileSync(
        path.join(bin, "az"),
        [
            "#!/bin/sh",
            `echo "AZURE_CONFIG_DIR=\${AZURE_CONFIG_DIR:-unset} $*" >> '${log}'`,
            `if [ "\${AZURE_CONFIG_DIR:-$HOME/.azure}" = '${userConfig}' ] && [ "$1 $2" = "account show" ]; then`,
            `  echo '{"environmentName":"AzureCloud","isDefault":true,"state":"Enabled","user":{"name":"someone@example.com","type":"user"}}'`,
            "  exit 0",
            "fi",
            "echo \"Please run 'az login' to setup account.\" >&2",
            "exit 1",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return { bin, log, userConfig };
}

const calls = (log: string) => fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
const withoutArm = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ARM_|AZURE_)/.test(key)));

test("the gap, as it was: outside the sandbox a signed-in az counts as Azure credentials, asked with the user's own configuration", () => {
    const user = usersAz();
    const env = { ...withoutArm, PATH: `${user.bin}:${process.env.PATH}`, AZURE_CONFIG_DIR: user.userConfig };
    // Nothing missing: test:e2e would go on to deploy into that subscription.
    expect(missingPrerequisites(env).filter((line) => /Azure/.test(line))).toEqual([]);
    expect(calls(user.log)).toEqual([`AZURE_CONFIG_DIR=${user.userConfig} account show`]);
});

test("in the sandbox the user's az is never asked: the sandbox's az comes first and refuses, so Azure counts as missing", () => {
    const user = usersAz();
    const dir = fs.mkdtempSync(path.join(root, "sandbox-"));
    const env = sandboxEnv(
        { ...withoutArm, PATH: `${user.bin}:${process.env.PATH}`, AZURE_CONFIG_DIR: user.userConfig },
        dir,
    );
    expect(missingPrerequisites(env)).toEqual(expect.arrayContaining([expect.stringMatching(/^Azure credentials/)]));
    expect(calls(user.log)).toEqual([]);
    const refused = spawnSync("az", ["account", "show"], { env, encoding: "utf8" });
    expect([refused.status, refused.stderr.trim()]).toEqual([
        1,
        expect.stringMatching(/^az: refused by the aks-kubenet engine tier's sandbox/),
    ]);
    // One layer off (the refusing az taken out of PATH): the user's az is reached, but with the
    // sandbox's empty configuration it is not signed in, and the user's folder is never named.
    const oneLayer = {
        ...env,
        PATH: (env.PATH ?? "")
            .split(":")
            .filter((entry) => entry !== sandboxFolders(dir).bin)
            .join(":"),
    };
    expect(missingPrerequisites(oneLayer)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Azure credentials/)]),
    );
    expect(calls(user.log)).toEqual([`AZURE_CONFIG_DIR=${sandboxFolders(dir).azureConfigDir} account show`]);
});

test("the sandbox takes every credential variable out, keeps the rest, and points Pulumi and kubectl at its own folders", () => {
    const dir = fs.mkdtempSync(path.join(root, "sandbox-"));
    const env = sandboxEnv(
        {
            HOME: "/home/someone",
            PATH: "/usr/bin",
            LANG: "C.UTF-8",
            ARM_CLIENT_ID: "c",
            ARM_USE_OIDC: "true",
            AZURE_CLIENT_ID: "c",
            AZURE_FEDERATED_TOKEN_FILE: "/var/run/token",
            AZURE_CONFIG_DIR: "/home/someone/.azure",
            AAD_LOGIN_METHOD: "azurecli",
            MSI_ENDPOINT: "http://169.254.169.254",
            IDENTITY_ENDPOINT: "http://localhost:42356",
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
            ACTIONS_ID_TOKEN_REQUEST_URL: "u",
            PULUMI_ACCESS_TOKEN: "pul-secret",
            PULUMI_BACKEND_URL: "https://api.pulumi.com",
            KUBECONFIG: "/home/someone/.kube/config",
        },
        dir,
    );
    const sandbox = sandboxFolders(dir);
    expect(env).toEqual({
        HOME: "/home/someone",
        LANG: "C.UTF-8",
        PATH: `${sandbox.bin}:/usr/bin`,
        AZURE_CONFIG_DIR: sandbox.azureConfigDir,
        PULUMI_BACKEND_URL: `file://${sandbox.backend}`,
        PULUMI_HOME: sandbox.pulumiHome,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        KUBECONFIG: path.join(dir, "no-kubeconfig"),
        [SANDBOX_VARIABLE]: dir,
    });
    expect(fs.readdirSync(sandbox.azureConfigDir)).toEqual([]);
});

test("test:e2e refuses to deploy inside the sandbox before asking az anything; --rehearsal is its only way there", async () => {
    const user = usersAz();
    const saved = {
        path: process.env.PATH,
        sandbox: process.env[SANDBOX_VARIABLE],
        config: process.env.AZURE_CONFIG_DIR,
    };
    process.env.PATH = `${user.bin}:${saved.path}`;
    process.env.AZURE_CONFIG_DIR = user.userConfig;
    process.env[SANDBOX_VARIABLE] = path.join(root, "a-sandbox");
    try {
        const result = await runInProcess("test:e2e", main, []);
        expect([result.code, result.stderr.split("\n")]).toEqual([
            2,
            [
                expect.stringMatching(
                    /^test:e2e: inside the engine tier's sandbox \(AKS_KUBENET_ENGINE_SANDBOX=.*a-sandbox\) nothing deploys to Azure/,
                ),
            ],
        ]);
        expect(calls(user.log)).toEqual([]);
    } finally {
        process.env.PATH = saved.path;
        for (const [key, value] of [
            [SANDBOX_VARIABLE, saved.sandbox],
            ["AZURE_CONFIG_DIR", saved.config],
        ] as const)
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
    }
});

test("the tier's teardown stops a process left running in the sandbox outside jest's process tree, and leaves others", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-teardown-"));
    // A shell that starts sleep in the background and exits: sleep is orphaned, as pulumi's host was.
    const start = (marker: string) =>
        spawnSync("sh", ["-c", "sleep 60 >/dev/null 2>&1 & echo $!"], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, [SANDBOX_VARIABLE]: marker },
        }).stdout.trim();
    const inside = Number(start(dir));
    const outside = Number(start(`${dir}-another`));
    const saved = process.env[SANDBOX_VARIABLE];
    process.env[SANDBOX_VARIABLE] = dir;
    try {
        expect(processesWithVariable(SANDBOX_VARIABLE, dir)).toEqual([inside]);
        await teardown();
        expect(processesWithVariable(SANDBOX_VARIABLE, dir)).toEqual([]);
        expect(processesWithVariable(SANDBOX_VARIABLE, `${dir}-another`)).toEqual([outside]);
    } finally {
        if (saved === undefined) delete process.env[SANDBOX_VARIABLE];
        else process.env[SANDBOX_VARIABLE] = saved;
        process.kill(outside, "SIGKILL");
    }
});
