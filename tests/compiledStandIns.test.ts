/** The stand-ins transpiled once per change for their launchers (rehearsal/compiledStandIns.ts). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileStandIns } from "../rehearsal/compiledStandIns";
import { REHEARSAL_PLUGINS, standInLauncher } from "../rehearsal/rehearsal";

const REPO = path.resolve(__dirname, "..");
let scratch: string;
beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "compiled-stand-ins-"))));
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function write(file: string, text: string, mtime?: Date): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (mtime) fs.utimesSync(file, mtime, mtime);
}

describe("compileStandIns", () => {
    test("follows relative imports (x.ts and x/index.ts), copies the JSON beside them, and the result runs", () => {
        const repo = path.join(scratch, "repo");
        const out = path.join(scratch, "out");
        write(path.join(repo, "tool", "main.ts"), 'import { total } from "../lib";\nconsole.log(total(2, 3));\n');
        write(
            path.join(repo, "lib", "index.ts"),
            'import * as fs from "fs";\nimport type { Unused } from "./types";\n' +
                'export const total = (a: number, b: number): number => a + b + (JSON.parse(fs.readFileSync(__dirname + "/facts.json", "utf8")) as { extra: number }).extra;\n',
        );
        write(path.join(repo, "lib", "types.ts"), "export type Unused = number;\n");
        write(path.join(repo, "lib", "facts.json"), '{"extra": 10}');
        write(path.join(repo, "elsewhere", "other.ts"), "throw new Error('never imported');\n");

        const written = compileStandIns(repo, out, ["tool/main.ts"])
            .map((file) => path.relative(out, file))
            .sort();
        // The type-only import is gone after transpiling: types.ts is not needed at run time.
        expect(written).toEqual(["lib/facts.json", "lib/index.js", "tool/main.js"]);
        const run = spawnSync(process.execPath, [path.join(out, "tool", "main.js")], { encoding: "utf8" });
        expect(run.stdout.trim()).toBe("15");
    });

    test("writes again only what changed, and removes a module that moved so it cannot shadow its new place", () => {
        const repo = path.join(scratch, "repo");
        const out = path.join(scratch, "out");
        const past = new Date(Date.now() - 60_000);
        write(path.join(repo, "main.ts"), 'import { name } from "./config";\nconsole.log(name);\n', past);
        write(path.join(repo, "config.ts"), 'export const name = "old";\n', past);
        compileStandIns(repo, out, ["main.ts"]);
        expect(compileStandIns(repo, out, ["main.ts"])).toEqual([]);

        // config.ts becomes config/index.ts (Node would still load a config.js left beside it).
        fs.rmSync(path.join(repo, "config.ts"));
        write(path.join(repo, "config", "index.ts"), 'export const name = "new";\n');
        const written = compileStandIns(repo, out, ["main.ts"]).map((file) => path.relative(out, file));
        expect(written).toEqual(["config/index.js"]);
        expect(fs.existsSync(path.join(out, "config.js"))).toBe(false);
        expect(spawnSync(process.execPath, [path.join(out, "main.js")], { encoding: "utf8" }).stdout.trim()).toBe(
            "new",
        );
    });

    test("the real stand-ins compile, and their launchers run them with the checkout's node_modules", () => {
        const out = path.join(scratch, "out");
        compileStandIns(
            REPO,
            out,
            REHEARSAL_PLUGINS.map((plugin) => plugin.main),
        );
        const launcher = path.join(scratch, "pulumi-resource-azure-native");
        fs.writeFileSync(
            launcher,
            standInLauncher(
                process.execPath,
                path.join(REPO, "node_modules"),
                path.join(out, "rehearsal", "standIn", "main.js"),
                "test",
            ),
            { mode: 0o755 },
        );
        // Without its rehearsal's folder the Azure stand-in refuses to start, saying who starts it:
        // it got past loading @pulumi/pulumi's provider SDK and its own modules.
        const env = { ...process.env };
        delete env.AKS_KUBENET_STAND_IN;
        const run = spawnSync(launcher, [], { encoding: "utf8", env });
        expect(run.stderr).toContain("AKS_KUBENET_STAND_IN is not set; only `npm run rehearse` starts it");
        expect(run.status).toBe(2);
    });
});
