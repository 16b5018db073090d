/**
 * npm run contract -- [--specs DIR] [--check]
 * Derives azureFacts/contract/ from Microsoft's REST API specs (a copy of Azure/azure-rest-api-specs
 * files with a MANIFEST.json of their repository paths and commits, as ../shared/azure-specs holds).
 * --check derives without writing and fails naming every file that differs from the committed one.
 * A development tool: the program never imports it.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import * as fs from "fs";
import * as path from "path";
import { CONTRACT_DIR, contractFileOf, type Json } from "../azureFacts/contract";
import { CheckFailedError, EXIT_OK, parseOptions, runMain, synchronousTool, UsageError } from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import { deriveContract, type SpecSource } from "./derive";
import { CONTRACT_TARGETS } from "./targets";

const USAGE = `usage: npm run contract -- [--specs DIR] [--check]
  Derives azureFacts/contract/<module>.<Type>.json for every type in contractgen/targets.ts from the
  REST API specs in DIR (default ../shared/azure-specs: spec files under their repository paths and
  a MANIFEST.json naming each file's commit). Only derived facts are written, never spec text.
  --check   derive, compare with the committed files, write nothing; exit 1 naming what differs
Exit 0 on success, 1 when --check finds a difference, 2 for input it cannot use.`;

/** The default copy of the specs: beside the checkout, as this project's machines have it. */
export const DEFAULT_SPECS = path.join(REPO_ROOT, "..", "shared", "azure-specs");

/** A folder of spec files and its MANIFEST.json, as a SpecSource. */
export function folderSource(dir: string): SpecSource {
    const manifestFile = path.join(dir, "MANIFEST.json");
    if (!fs.existsSync(manifestFile))
        throw new UsageError(`${dir} has no MANIFEST.json (each spec file's repository path and commit)`);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
        files: Array<{ path: string; commit: string }>;
    };
    const commits = new Map(manifest.files.map((file) => [file.path, file.commit]));
    const cache = new Map<string, { [key: string]: Json } | undefined>();
    return {
        read(repoPath) {
            if (!cache.has(repoPath)) {
                const file = path.join(dir, repoPath);
                cache.set(
                    repoPath,
                    fs.existsSync(file)
                        ? (JSON.parse(fs.readFileSync(file, "utf8")) as { [key: string]: Json })
                        : undefined,
                );
            }
            return cache.get(repoPath);
        },
        commitOf(repoPath) {
            const commit = commits.get(repoPath);
            if (!commit) throw new UsageError(`${repoPath} is not in ${manifestFile}`);
            return commit;
        },
    };
}

/** The API version an azure-native SDK module's doc comment names ("Uses Azure REST API version ..."). */
export function sdkApiVersion(sdkModule: string): string {
    const file = path.join(path.dirname(require.resolve("@pulumi/azure-native/package.json")), `${sdkModule}.d.ts`);
    const version = /Uses Azure REST API version ([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)/.exec(
        fs.readFileSync(file, "utf8"),
    )?.[1];
    if (!version) throw new UsageError(`${file} names no API version`);
    return version;
}

/** Every target's contract file: its name and its text, as the generator writes it. */
export function deriveAll(source: SpecSource): Map<string, string> {
    return new Map(
        CONTRACT_TARGETS.map((target) => [
            contractFileOf(target.token),
            `${JSON.stringify(deriveContract(source, target, sdkApiVersion(target.sdkModule)), null, 2)}\n`,
        ]),
    );
}

export function main(argv: string[]): number {
    const { values } = parseOptions({
        args: argv,
        options: {
            specs: { type: "string", default: DEFAULT_SPECS },
            check: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    if (!fs.existsSync(values.specs)) throw new UsageError(`no specs at ${values.specs}; pass --specs DIR`);
    const derived = deriveAll(folderSource(values.specs));
    const committed = fs.readdirSync(CONTRACT_DIR).filter((file) => file.endsWith(".json"));
    if (values.check) {
        const differing = [
            ...[...derived].filter(
                ([file, text]) =>
                    !fs.existsSync(path.join(CONTRACT_DIR, file)) ||
                    fs.readFileSync(path.join(CONTRACT_DIR, file), "utf8") !== text,
            ),
        ].map(([file]) => file);
        const stale = committed.filter((file) => !derived.has(file));
        if (differing.length + stale.length > 0)
            throw new CheckFailedError(
                `the committed contract differs from the specs: ${[...differing, ...stale.map((file) => `${file} (no longer derived)`)].join(", ")}; run npm run contract`,
            );
        console.log(`contract: ${derived.size} files equal to what ${values.specs} derives`);
        return EXIT_OK;
    }
    for (const file of committed) if (!derived.has(file)) fs.rmSync(path.join(CONTRACT_DIR, file));
    for (const [file, text] of derived) fs.writeFileSync(path.join(CONTRACT_DIR, file), text);
    console.log(`contract: wrote ${derived.size} files to ${path.relative(process.cwd(), CONTRACT_DIR) || "."}`);
    return EXIT_OK;
}

runMain("contract", synchronousTool(main), module);
