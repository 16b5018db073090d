/**
 * npm run --silent migrate -- check (--cluster FILE --subnets FILE [--configmaps FILE] | [--stack NAME]) [--json]
 * npm run --silent migrate -- plan [--stack NAME]
 * npm run --silent migrate -- entra [--stack NAME]
 * The move from kubenet (retiring 31 March 2028) to Azure CNI Overlay, in place; and the move from
 * local accounts to Microsoft Entra ID, which ends with a certificate rotation.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import {
    EXIT_CHECK_FAILED,
    EXIT_OK,
    formatTable,
    parseOptions,
    runMain,
    STACK_TOOL_OPTIONS,
    UsageError,
} from "../cli/shell";
import { PROJECT_NAME } from "../config";
import { validatedStackConfig } from "../stackFiles";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { Subnet } from "@azure/arm-network";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { AZURE_KINDS, readAzureResource, readAzureResources, readKubernetesList } from "../cli/documents";
import { CERTIFICATE_ROTATION, entraRunbook } from "./entra";
import { checkMigration, MigrationInput } from "./prerequisites";
import { formatRunbook, migrationRunbook } from "./runbook";

/** The command that writes each file, as the hints name it. */
export const MIGRATE_COMMANDS = Object.freeze({
    cluster: "az aks show -g <rg> -n <cluster> -o json",
    subnets: "az network vnet subnet list -g <rg> --vnet-name <vnet> -o json",
    configmaps: "kubectl get configmaps -n kube-system -o json",
});

const USAGE = `usage: npm run --silent migrate -- <check|plan> [options]
  check --cluster FILE --subnets FILE [--configmaps FILE] [--json]
        AKS's prerequisites for the in-place move to Azure CNI Overlay, on saved JSON
        (the az CLI's shape or ARM's, UTF-8 or UTF-16; docs/verify.md has the commands for bash and PowerShell):
          --cluster     ${MIGRATE_COMMANDS.cluster}
          --subnets     ${MIGRATE_COMMANDS.subnets}
          --configmaps  ${MIGRATE_COMMANDS.configmaps}
  check [--stack NAME] [--json]
        the same, gathering the documents from the deployed stack (Pulumi CLI, az login)
  plan [--stack NAME]
        the ordered runbook with the stack's names (default stack dev)
  entra [--stack NAME]
        the runbook from clusterAccess=localAccounts to Microsoft Entra ID, ending with
        \`az aks rotate-certs\` (earlier checkpoints keep the cluster-admin certificate until then)
Exit 0 when every prerequisite passes (or the cluster is already Overlay), 1 when one fails,
2 when the input cannot be used or the cluster is one the runbook does not cover (a VNet AKS
manages, a service principal, no podCidr) and nothing else fails.`;

/** The three documents from files, read by the shared reader (any shape, any encoding). */
function readMigrationFiles(cluster: string, subnets: string, configMaps?: string): MigrationInput {
    return {
        cluster: readAzureResource<ManagedCluster>(
            { file: cluster, label: "--cluster", command: MIGRATE_COMMANDS.cluster },
            AZURE_KINDS.cluster,
        ).resource,
        subnets: readAzureResources<Subnet>(
            { file: subnets, label: "--subnets", command: MIGRATE_COMMANDS.subnets },
            AZURE_KINDS.subnet,
        ).map((found) => found.resource),
        ...(configMaps
            ? {
                  configMaps: readKubernetesList<V1ConfigMap>(
                      { file: configMaps, label: "--configmaps", command: MIGRATE_COMMANDS.configmaps },
                      "ConfigMap",
                  ),
              }
            : {}),
    };
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            ...STACK_TOOL_OPTIONS,
            cluster: { type: "string" },
            subnets: { type: "string" },
            configmaps: { type: "string" },
        },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}; see --help`);
    const stack = values.stack;
    switch (command) {
        case "plan": {
            const config = validatedStackConfig(stack);
            if (config.networkPlugin === "overlay") {
                console.log(
                    `stack ${stack} already declares networkPlugin=overlay: nothing to migrate. \`npm run --silent verify -- --stack ${stack}\` checks the cluster.`,
                );
                return EXIT_OK;
            }
            console.log(
                `From kubenet to Azure CNI Overlay, in place: ${config.clusterName} in ${config.resourceGroupName} (stack ${stack}). kubenet retires on 31 March 2028.\n`,
            );
            console.log(formatRunbook(migrationRunbook(stack, PROJECT_NAME, config)));
            return EXIT_OK;
        }
        case "entra": {
            const config = validatedStackConfig(stack);
            const rotate = CERTIFICATE_ROTATION.command(config.resourceGroupName, config.clusterName);
            if (config.clusterAccess === "entra")
                console.log(
                    `stack ${stack} already declares clusterAccess=entra. If it ever ran with local accounts, its earlier checkpoints keep the cluster-user certificate until \`${rotate}\` (${CERTIFICATE_ROTATION.cost}); \`npm run --silent verify -- --stack ${stack}\` tells whether that happened.\n`,
                );
            console.log(
                `From local accounts to Microsoft Entra ID: ${config.clusterName} in ${config.resourceGroupName} (stack ${stack}).\n`,
            );
            console.log(formatRunbook(entraRunbook(stack, config)));
            return EXIT_OK;
        }
        case "check": {
            const files = [values.cluster, values.subnets].filter(Boolean).length;
            if (files === 1)
                throw new UsageError("give both --cluster and --subnets (or neither, to gather them from the stack)");
            let input: MigrationInput;
            if (values.cluster && values.subnets) {
                input = readMigrationFiles(values.cluster, values.subnets, values.configmaps);
            } else {
                if (values.configmaps) throw new UsageError("--configmaps goes with --cluster and --subnets");
                const { gatherMigrationInput } = await import("./live");
                input = await gatherMigrationInput(stack, validatedStackConfig(stack));
            }
            const verdict = checkMigration(input);
            if (verdict.unusable)
                throw new UsageError(`${verdict.unusable}; write it with \`${MIGRATE_COMMANDS.subnets}\``);
            if (verdict.plugin === "other") {
                const profile = input.cluster.networkProfile;
                throw new UsageError(
                    `the cluster's plugin is ${profile?.networkPlugin ?? "unknown"}${profile?.networkPluginMode ? ` (${profile.networkPluginMode})` : ""}, not kubenet: this checks the move from kubenet to Overlay`,
                );
            }
            const failed = verdict.prerequisites.filter((item) => item.status === "FAIL").length;
            const skipped = verdict.prerequisites.filter((item) => item.status === "SKIP").length;
            const passed = verdict.prerequisites.length - failed - skipped;
            // Out of scope is no failure: alone, it is one line and exit 2; beside real failures, a note.
            if (failed === 0 && verdict.outOfScope.length > 0) {
                throw new UsageError(
                    `the runbook does not cover this cluster: ${verdict.outOfScope.map((found) => found.message).join("; and ")}`,
                );
            }
            if (values.json) {
                console.log(
                    JSON.stringify(
                        {
                            plugin: verdict.plugin,
                            prerequisites: verdict.prerequisites,
                            outOfScope: verdict.outOfScope,
                            passed,
                            failed,
                            skipped,
                        },
                        null,
                        2,
                    ),
                );
            } else if (verdict.plugin === "overlay") {
                console.log("nothing to migrate: the cluster already runs Azure CNI Overlay");
            } else {
                console.log(
                    formatTable(
                        ["result", "prerequisite", "seen / what to do"],
                        verdict.prerequisites.map((item) => [item.status, item.name, item.detail]),
                    ),
                );
                for (const found of verdict.outOfScope) console.log(`NOTE  beyond this runbook: ${found.message}`);
                console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
                if (failed === 0) console.log(`next: npm run --silent migrate -- plan --stack ${stack}`);
            }
            return failed === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
        }
        default:
            throw new UsageError(
                command
                    ? `unknown command "${command}"; use check, plan or entra (see --help)`
                    : "give a command: check, plan or entra (see --help)",
            );
    }
}

runMain("migrate", main, module);
