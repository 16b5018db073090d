/**
 * npm run --silent preflight -- [--stack NAME] [--from DIR | --save DIR] [--json] [--accept-unknown]
 * Checks the workstation and the subscription before the first `pulumi up` (docs/preflight.md).
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import { EXIT_OK, parseOptions, runMain, STACK_TOOL_OPTIONS, UsageError } from "../cli/shell";
import { LOCATION_KEY } from "../config";
import { rawStackConfig, validatedStackConfig } from "../stackFiles";
import { exitCodeOf, formatReport, Gathered, preflightChecks } from "./checks";
import {
    CommandNames,
    commandNamesOf,
    OPTIONAL_FILES,
    parseClusters,
    parseStackState,
    PREFLIGHT_FILES,
    readOptionalDocument,
    readSavedDocuments,
} from "./documents";
import { StackNeeds, stackNeeds } from "./needs";
import { listingOf } from "./rights";
import { known, missing } from "./verdicts";

const PLACEHOLDERS: CommandNames = { location: "LOCATION", resourceGroup: "RESOURCE_GROUP", stack: "STACK" };
const fileLines = (files: Record<string, { file: string; command: (names: CommandNames) => string }>) =>
    Object.values(files)
        .map(({ file, command }) => `    ${file.padEnd(22)} ${command(PLACEHOLDERS)}`)
        .join("\n");

const USAGE = `usage: npm run --silent preflight -- [--stack NAME] [--from DIR | --save DIR] [--json] [--accept-unknown]
Checks, before the first pulumi up, what most often breaks it: the tools (Node.js, the Pulumi CLI and
its login, az login, kubelogin for Entra ID), the subscription and location, your right to create the
resources and to write role assignments, the resource providers, the vCPU quotas at the stack's peak,
the VM sizes in the location and zones, and whether the names are free. Each check says PASS, FAIL
or CANNOT TELL, with its fix and the page that says why. It never writes.
  --stack NAME      the stack whose config and address plan say what is needed (default dev)
  --from DIR        judge saved output instead of asking Azure (no tool is run; the workstation
                    checks are skipped). Files, JSON as az prints it, UTF-8 or UTF-16:
${fileLines(PREFLIGHT_FILES)}
                  optional (without them some checks cannot tell):
${fileLines(OPTIONAL_FILES)}
  --save DIR        run live and write what was read into DIR, as --from reads it (for a ticket;
                    the stack's state keeps only each resource's type, URN and id)
  --json            print {stack, mode, checks: [{check, verdict, detail, fix, source}], counts, exitCode}
  --accept-unknown  exit 0 when nothing failed though some checks cannot tell
Live mode runs az, pulumi and kubelogin as you, read-only. Exit 0 when every check passes, 1 when
one fails or cannot tell (unless --accept-unknown), 2 when the input cannot be used.`;

function gatherSaved(dir: string, needs: StackNeeds): Gathered {
    const names = commandNamesOf(needs);
    const documents = readSavedDocuments(dir, names);
    const state = readOptionalDocument(dir, "stack", names, parseStackState);
    const clusters = readOptionalDocument(dir, "clusters", names, parseClusters);
    return {
        account: known(documents.account),
        roleAssignments: known(listingOf(documents.roleAssignments)),
        usage: known(documents.usage),
        skus: known(documents.skus),
        providers: known(documents.providers),
        groups: known(documents.groups),
        state: state ? known(state) : missing(`no ${OPTIONAL_FILES.stack.file} in ${dir}`),
        clusters: clusters ? known(clusters) : missing(`no ${OPTIONAL_FILES.clusters.file} in ${dir}`),
    };
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: {
            ...STACK_TOOL_OPTIONS,
            from: { type: "string" },
            save: { type: "string" },
            "accept-unknown": { type: "boolean", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    if (values.from && values.save)
        throw new UsageError("--from reads saved output and --save writes it: give one of them");
    const config = validatedStackConfig(values.stack);
    const raw = rawStackConfig(values.stack);
    // azure-native takes the subscription from its config, else ARM_SUBSCRIPTION_ID, else az's default.
    const pinned = raw["azure-native:subscriptionId"] ?? (values.from ? undefined : process.env.ARM_SUBSCRIPTION_ID);
    const needs = stackNeeds(values.stack, config, pinned);

    let gathered: Gathered;
    let mode: string;
    if (values.from) {
        gathered = gatherSaved(values.from, needs);
        mode = `saved output ${values.from}; workstation not checked`;
    } else {
        const { gatherLive, saveOutputs } = await import("./live");
        const live = await gatherLive(needs);
        gathered = live.gathered;
        mode = "live";
        if (values.save)
            for (const file of saveOutputs(values.save, live.outputs)) console.error(`preflight: wrote ${file}`);
    }

    const checks = preflightChecks(needs, gathered);
    const acceptUnknown = values["accept-unknown"];
    const exitCode = exitCodeOf(checks, acceptUnknown);
    if (values.json) {
        const count = (verdict: string) => checks.filter((check) => check.verdict === verdict).length;
        console.log(
            JSON.stringify(
                {
                    stack: values.stack,
                    mode: values.from ? "saved" : "live",
                    checks,
                    counts: { pass: count("PASS"), fail: count("FAIL"), cannotTell: count("CANNOT TELL") },
                    exitCode,
                },
                null,
                2,
            ),
        );
    } else {
        const clusters = needs.clusters.map((cluster) => cluster.clusterName).join(" and ");
        console.log(
            formatReport(
                `preflight of stack ${values.stack}: ${clusters} in ${needs.resourceGroupName}, ${raw[LOCATION_KEY] ?? needs.location} (${mode})`,
                checks,
                acceptUnknown,
            ),
        );
    }
    return exitCode;
}

runMain("preflight", main, module);
