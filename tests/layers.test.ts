/**
 * Imports run downward (#33): the program (index.ts and all it imports) and the files the tools share
 * below them (stackFiles.ts, errors.ts) import no tool. Read from the sources with TypeScript's own
 * import scanner, so a new upward import fails here, naming the file and what it imports.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { REPO } from "./helpers/cli";

/**
 * The tools' folders: the program never imports them (the guide's "Data flows one way"). guard/ is
 * one: Azure's facts that config reads live below the program in azureFacts/ (#33).
 */
const TOOL_FOLDERS = [
    "cli",
    "engine",
    "rehearsal",
    "lab",
    "verify",
    "migrate",
    "diagram",
    "preflight",
    "deployment",
    "policy",
    "contractgen",
    "guard",
];

/** Each file `entry` imports, directly or not, with the imports that reach out of the closure's files. */
function importClosure(entry: string): Map<string, string[]> {
    const imports = new Map<string, string[]>();
    const queue = [path.join(REPO, entry)];
    while (queue.length > 0) {
        const file = queue.shift()!;
        if (imports.has(file)) continue;
        const found = ts
            .preProcessFile(fs.readFileSync(file, "utf8"), true, true)
            .importedFiles.map((imported) => imported.fileName)
            .filter((name) => name.startsWith("."))
            .map((name) => resolveSource(path.dirname(file), name));
        imports.set(file, found);
        queue.push(...found);
    }
    return imports;
}

function resolveSource(from: string, specifier: string): string {
    const base = path.resolve(from, specifier);
    const candidate = [`${base}.ts`, path.join(base, "index.ts")].find((file) => fs.existsSync(file));
    if (!candidate) throw new Error(`${specifier} (from ${from}) resolves to no .ts file`);
    return candidate;
}

/** "file -> import" for each import of the closure that lands in a tool's folder. */
function upwardImports(entry: string): string[] {
    const upward: string[] = [];
    for (const [file, found] of importClosure(entry))
        for (const target of found) {
            const room = path.relative(REPO, target).split(path.sep)[0];
            if (TOOL_FOLDERS.includes(room))
                upward.push(`${path.relative(REPO, file)} -> ${path.relative(REPO, target)}`);
        }
    return upward;
}

test.each(["index.ts", "stackFiles.ts", "errors.ts", "json.ts"])("%s, and all it imports, imports no tool", (entry) => {
    expect(upwardImports(entry)).toEqual([]);
});

test("the scanner sees an upward import: a tool's own entry point imports cli/", () => {
    expect(upwardImports("engine/cli.ts")).toContain("engine/cli.ts -> cli/shell.ts");
});

test("the tools share the errors stackFiles.ts throws: cli/shell.ts's are errors.ts's", async () => {
    const shell = await import("../cli/shell");
    const errors = await import("../errors");
    expect(shell.UsageError).toBe(errors.UsageError);
    expect(shell.CheckFailedError).toBe(errors.CheckFailedError);
    expect(shell.describeFailure("tool", new errors.UsageError("bad input")).code).toBe(shell.EXIT_UNUSABLE_INPUT);
});
