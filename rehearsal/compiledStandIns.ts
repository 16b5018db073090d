/**
 * The stand-ins as JavaScript, for their launchers. The engine starts each stand-in (Azure's and
 * the time provider's) on every pulumi command; under ts-node every start transpiled its ~45
 * modules again (about 0.7 s of each start on this machine, npm run bench:engine). The rehearsal
 * transpiles them once with SWC (the transpiler ts-node used; types are checked by `npm run build`)
 * into its own folder, never into the checkout, and again only what changed since.
 */
import * as fs from "fs";
import * as path from "path";
import { transformSync } from "@swc/core";

/** Relative requires in SWC's CommonJS output (type-only imports are already gone). */
const RELATIVE_REQUIRE = /require\("(\.{1,2}\/[^"]+)"\)/g;

/** The TypeScript file a relative import names: x.ts or x/index.ts, as Node and ts-node resolve them. */
function resolveSource(fromFile: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(fromFile), specifier);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
}

/** Whether `output` is missing or older than `source`. */
const stale = (source: string, output: string) =>
    !fs.existsSync(output) || fs.statSync(output).mtimeMs < fs.statSync(source).mtimeMs;

/**
 * Transpiles `entries` (paths relative to `repo`) and every module they import by a relative path
 * into `outDir`, with the checkout's layout, and copies the JSON files of those folders (the
 * contract's facts are read from beside their module). A JavaScript file there that no module
 * needs any more is removed: a module that moved (x.ts to x/index.ts) must not shadow its new place.
 * Returns the files written this time.
 */
export function compileStandIns(repo: string, outDir: string, entries: readonly string[]): string[] {
    const written: string[] = [];
    const needed = new Set<string>();
    const folders = new Set<string>();
    const pending = entries.map((entry) => path.join(repo, entry));
    const seen = new Set<string>();
    while (pending.length > 0) {
        const source = pending.pop() as string;
        if (seen.has(source)) continue;
        seen.add(source);
        const relative = path.relative(repo, source);
        folders.add(path.dirname(relative));
        const output = path.join(outDir, relative.replace(/\.ts$/, ".js"));
        needed.add(output);
        let code: string;
        if (stale(source, output)) {
            code = transformSync(fs.readFileSync(source, "utf8"), {
                filename: source,
                jsc: { parser: { syntax: "typescript" }, target: "es2022" },
                module: { type: "commonjs" },
            }).code;
            fs.mkdirSync(path.dirname(output), { recursive: true });
            fs.writeFileSync(output, code);
            written.push(output);
        } else code = fs.readFileSync(output, "utf8");
        for (const [, specifier] of code.matchAll(RELATIVE_REQUIRE)) {
            const imported = resolveSource(source, specifier);
            if (imported) pending.push(imported);
        }
    }
    for (const folder of folders)
        for (const file of fs.readdirSync(path.join(repo, folder)).filter((name) => name.endsWith(".json"))) {
            const source = path.join(repo, folder, file);
            const output = path.join(outDir, folder, file);
            if (stale(source, output)) {
                fs.copyFileSync(source, output);
                written.push(output);
            }
        }
    removeUnneeded(outDir, needed);
    return written;
}

function removeUnneeded(dir: string, needed: ReadonlySet<string>): void {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) removeUnneeded(file, needed);
        else if (entry.name.endsWith(".js") && !needed.has(file)) fs.rmSync(file);
    }
}
