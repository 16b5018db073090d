/**
 * npm run rehearse -- <preview|up|refresh|destroy|env|azure CHANGE> [--stack S] [--name N] [-- PULUMI ARGS]
 * The whole program under the real Pulumi engine, with the Azure stand-in and a local control
 * plane (rehearsal/rehearsal.ts). See USAGE and docs/engine.md.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { watchLauncher } from "../cli/interrupts";
import { EXIT_CHECK_FAILED, EXIT_OK, parseOptions, runMain, UsageError } from "../cli/shell";
import { planeDir, readPlaneState } from "../engine/plane";
import { REPO_ROOT, stackConfig } from "../stackFiles";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { prepareRehearsal, REHEARSAL_BANNER, rehearsalFiles, runPulumi } from "./rehearsal";
import { AZURE_CHANGES, azureChangeNamed } from "./standIn/azureChanges";
import { readAzureState, writeAzureState } from "./standIn/azureState";
import { STAND_IN_DEPARTURES } from "./standIn/departures";

const PULUMI_COMMANDS: Readonly<Record<string, readonly string[]>> = {
    preview: ["preview"],
    up: ["up", "--yes"],
    refresh: ["refresh", "--yes"],
    destroy: ["destroy", "--yes"],
};

const USAGE = `usage: npm run rehearse -- <preview|up|refresh|destroy|env|e2e|azure CHANGE> [--stack dev] [--name NAME] [-- PULUMI ARGS]
  preview|up|refresh|destroy   run the real pulumi on the stack, in a copy of this checkout, with a
                               local file backend, the Azure stand-in as azure-native and the
                               local control plane NAME as the AKS cluster (started if it is not
                               up: needs \`npm run engine -- build\` first); arguments after -- go to
                               pulumi (e.g. -- --json, -- --policy-pack policy)
  e2e                          npm run test:e2e against the rehearsal: a throwaway stack up,
                               verify (Kubernetes live, Azure from the stand-in), destroy; the
                               control plane must hold no other stack's cluster
  env                          export lines for eval, to run pulumi and kubectl on the rehearsal
                               yourself: this stack (pulumi -C "$AKS_KUBENET_REHEARSAL_PROJECT"
                               preview), or any Pulumi TypeScript program on @pulumi/azure-native
                               (cd PROGRAM; pulumi stack init NAME; pulumi up): its AKS cluster
                               becomes this control plane
  azure CHANGE                 change the stand-in's "Azure" outside Pulumi, as az would:
${AZURE_CHANGES.map((change) => `      ${change.name.padEnd(20)} ${change.what}`).join("\n")}
--name defaults to the stack name; \`npm run engine -- down --name NAME\` removes the rehearsal with
its control plane. Exit 0 on success, 1 when pulumi or a change fails, 2 for input it cannot use.

The Azure stand-in is test equipment, not Azure. Where it departs from azure-native:
${STAND_IN_DEPARTURES.map((departure) => `  - ${departure}`).join("\n")}`;

export async function main(argv: string[]): Promise<number> {
    const separator = argv.indexOf("--");
    const own = separator < 0 ? argv : argv.slice(0, separator);
    const passThrough = separator < 0 ? [] : argv.slice(separator + 1);
    const { values, positionals } = parseOptions({
        args: own,
        allowPositionals: true,
        options: {
            stack: { type: "string", default: "dev" },
            name: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const [command, ...rest] = positionals;
    const stack = values.stack;
    const name = values.name ?? stack;
    if (!command)
        throw new UsageError("give a command: preview, up, refresh, destroy, env, e2e or azure CHANGE; see --help");
    if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)))
        throw new UsageError(`stack "${stack}" has no Pulumi.${stack}.yaml in ${REPO_ROOT}; see pulumi stack ls`);
    stackConfig(stack); // reads the stack's files: unusable YAML is exit 2 here, before anything starts

    if (command === "azure") {
        const change = rest.length === 1 ? azureChangeNamed(rest[0]) : undefined;
        if (!change)
            throw new UsageError(
                `azure takes one change: ${AZURE_CHANGES.map((known) => known.name).join(" or ")}${rest.length ? ` (not "${rest.join(" ")}")` : ""}`,
            );
        if (!readPlaneState(name))
            throw new UsageError(
                `there is no rehearsal "${name}": run \`npm run rehearse -- up --name ${name}\` first`,
            );
        const file = rehearsalFiles(planeDir(name)).azureState;
        if (!fs.existsSync(file))
            throw new UsageError(`control plane "${name}" holds no rehearsal; run \`npm run rehearse -- up\``);
        const state = readAzureState(file);
        let lines: string[];
        try {
            lines = change.apply(state);
        } catch (error) {
            throw new UsageError(`azure ${change.name}: ${(error as Error).message}`);
        }
        writeAzureState(file, state);
        for (const line of lines) console.log(`Azure stand-in: ${line}`);
        return EXIT_OK;
    }
    if (command !== "env" && command !== "e2e" && !PULUMI_COMMANDS[command])
        throw new UsageError(
            `unknown command "${command}"; use preview, up, refresh, destroy, env, e2e or azure CHANGE`,
        );
    if (rest.length > 0) throw new UsageError(`${command} takes no argument "${rest[0]}"; pulumi's go after --`);

    watchLauncher();
    console.error(REHEARSAL_BANNER);
    const rehearsal = await prepareRehearsal({ name, stack }, (line) => console.error(`rehearse: ${line}`));
    if (command === "env") {
        const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
        for (const [key, value] of Object.entries(rehearsal.env)) console.log(`export ${key}=${quote(value)}`);
        console.log(`# then: pulumi -C "$AKS_KUBENET_REHEARSAL_PROJECT" preview --stack ${stack}; kubectl get nodes`);
        console.log(
            "# or any program on @pulumi/azure-native: cd PROGRAM && pulumi stack init NAME && pulumi config set azure-native:location LOCATION && pulumi up",
        );
        return EXIT_OK;
    }
    if (command === "e2e") {
        // The copy's own e2e, so that its stack files and REPO_ROOT are the rehearsal's.
        const e2e = spawnSync(
            process.execPath,
            [
                "-r",
                path.join(REPO_ROOT, "node_modules", "ts-node", "register", "transpile-only.js"),
                path.join(rehearsal.files.project, "tests", "e2e", "e2e.ts"),
                "--rehearsal",
            ],
            { stdio: "inherit", env: { ...process.env, ...rehearsal.env }, cwd: rehearsal.files.project },
        );
        return e2e.status === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
    }
    const result = runPulumi(rehearsal, [...PULUMI_COMMANDS[command], "--stack", stack, ...passThrough], {
        inherit: true,
    });
    return result.status === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

runMain("rehearse", main, module);
