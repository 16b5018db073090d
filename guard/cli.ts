/**
 * npm run --silent preview-guard -- FILE [--allow NAME ...] [--json]
 * FILE is `pulumi preview --json` output. Exit 0: nothing guarded is replaced or deleted (or all of
 * it is allowed); 1: something is; 2: the file cannot be used.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import {
    EXIT_CHECK_FAILED,
    EXIT_OK,
    formatTable,
    parseOptions,
    synchronousTool,
    runMain,
    UsageError,
} from "../cli/shell";
import { readJsonDocument } from "../cli/documents";
import { rotationAdvice } from "../migrate/entra";
import { entraMovesIn, GUARDED_TYPES, guardPreview, readPreview } from "./previewGuard";
import { fixFor } from "./replacements";

const USAGE = `usage: npm run --silent preview-guard -- FILE [--allow NAME ...] [--json]
  FILE           the output of \`pulumi preview --json\` (- for standard input)
  --allow NAME   accept the replacement or deletion of the resource with this logical name
                 (e.g. cluster-aks); repeat for several
  --json         print {ok, losses: [{name, type, loss, allowed, fields}], unusedAllows}, and
                 notices when a cluster moves to Entra ID
Guarded types (replaced delete-first by azure-native): ${GUARDED_TYPES.map((type) => type.split(":").pop()).join(", ")}.
For a replacement, the output names each input that forces it, and what to do about it.
It also refuses, whatever --allow says, an update AKS cannot undo or refuses after creation
(turning Microsoft Entra ID off, say): docs/configuration.md lists them. A move to Entra ID
passes, with a NEXT line: \`az aks rotate-certs\` after the up, and what it costs.
Exit 0 when none of them would be replaced or deleted (or every one is allowed) and nothing
irreversible changes, 1 otherwise, 2 when FILE is missing or is not preview JSON.`;

function guard(argv: string[]): number {
    const { values, positionals } = parseOptions({
        args: argv,
        allowPositionals: true,
        options: {
            allow: { type: "string", multiple: true, default: [] },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    if (positionals.length !== 1)
        throw new UsageError("give exactly one FILE (the output of `pulumi preview --json`); see --help");
    const file = positionals[0];
    const preview = readPreview(readJsonDocument({ file, label: file, command: `pulumi preview --json > ${file}` }));
    if ("error" in preview) throw new UsageError(`${file}: ${preview.error}`);

    const verdict = guardPreview(preview.steps, values.allow);
    // Allowed, and not done when `pulumi up` ends: the certificate outlives the move until a rotation.
    const notices = entraMovesIn(preview.steps).map(
        (move) => `${move.name} moves to Microsoft Entra ID: ${rotationAdvice(move.resourceGroup, move.clusterName)}`,
    );
    if (values.json) {
        console.log(
            JSON.stringify(
                {
                    ok: verdict.ok,
                    losses: verdict.losses.map(({ name, type, loss, allowed, fields }) => ({
                        name,
                        type,
                        loss,
                        allowed,
                        fields,
                    })),
                    refusals: verdict.refusals,
                    unusedAllows: verdict.unusedAllows,
                    ...(notices.length > 0 ? { notices } : {}),
                },
                null,
                2,
            ),
        );
    } else {
        if (verdict.losses.length > 0) {
            console.log(
                formatTable(
                    ["resource", "type", "would be", "because of", "allowed"],
                    verdict.losses.map((loss) => [
                        loss.name,
                        loss.type,
                        loss.loss,
                        loss.fields.join(", ") || "-",
                        loss.allowed ? "yes (--allow)" : "NO",
                    ]),
                ),
            );
            for (const loss of verdict.losses.filter((candidate) => !candidate.allowed)) {
                for (const field of loss.fields) console.log(`  ${loss.name} ${field}: ${fixFor(field)}`);
            }
        }
        for (const name of verdict.unusedAllows)
            console.error(`preview-guard: --allow ${name} matched no replaced or deleted resource`);
        for (const refusal of verdict.refusals)
            console.log(
                `REFUSED: ${refusal.name} ${refusal.path} would change, and it is ${refusal.kind} in AKS (${refusal.configKey}): ${refusal.why}. --allow does not pass this.`,
            );
        const blocked = verdict.losses.filter((loss) => !loss.allowed);
        if (blocked.length > 0)
            console.log(
                `REFUSED: ${blocked.map((loss) => `${loss.name} (${loss.type.split(":").pop()}) would be ${loss.loss}`).join("; ")}. ` +
                    "Replacements in Azure delete first: the old resource is gone before the new one exists. " +
                    "If this is intended, allow each one with --allow NAME (on a pull request: the label allow-replacement).",
            );
        for (const notice of notices) console.log(`NEXT: ${notice}`);
        if (verdict.ok)
            console.log(
                `OK: ${verdict.losses.length === 0 ? "no guarded resource is replaced or deleted" : `${verdict.losses.length} guarded change(s), all allowed`}`,
            );
    }
    return verdict.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}

export const main = synchronousTool(guard);

runMain("preview-guard", main, module);
