/**
 * syncProject mirrors the checkout into a rehearsal's project copy. The bug it fixes: a file the
 * checkout moved (config.ts -> config/index.ts) stayed in the copy, and Node resolved ./config to
 * the stale config.ts, so the rehearsal ran old code.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rehearsalFiles, syncProject } from "../rehearsal/rehearsal";

const write = (file: string, text = "x") => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
};

test("a file moved or deleted in the checkout leaves the copy; stack files, at any depth, and node_modules stay", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sync-"));
    const repo = path.join(root, "repo");
    write(path.join(repo, "config.ts"), "old");
    write(path.join(repo, "guard", "old.ts"));
    write(path.join(repo, "guard", "kept.ts"), "v1");
    write(path.join(repo, "Pulumi.dev.yaml"), "the checkout's");
    write(path.join(repo, "tests", "programs", "any", "index.ts"));
    fs.mkdirSync(path.join(repo, "node_modules"));
    const files = rehearsalFiles(path.join(root, "plane"));
    syncProject(files, repo);
    write(path.join(files.project, "Pulumi.dev.yaml"), "the rehearsal's");
    write(path.join(files.project, "tests", "programs", "any", "Pulumi.any.yaml"), "a program's stack");

    fs.rmSync(path.join(repo, "config.ts"));
    write(path.join(repo, "config", "index.ts"), "new");
    fs.rmSync(path.join(repo, "guard", "old.ts"));
    write(path.join(repo, "guard", "kept.ts"), "v2");
    syncProject(files, repo);

    const inCopy = (...parts: string[]) => fs.existsSync(path.join(files.project, ...parts));
    expect(inCopy("config.ts")).toBe(false);
    expect(fs.readFileSync(path.join(files.project, "config", "index.ts"), "utf8")).toBe("new");
    expect(inCopy("guard", "old.ts")).toBe(false);
    expect(fs.readFileSync(path.join(files.project, "guard", "kept.ts"), "utf8")).toBe("v2");
    expect(fs.readFileSync(path.join(files.project, "Pulumi.dev.yaml"), "utf8")).toBe("the rehearsal's");
    expect(inCopy("tests", "programs", "any", "Pulumi.any.yaml")).toBe(true);
    expect(fs.lstatSync(path.join(files.project, "node_modules")).isSymbolicLink()).toBe(true);
});
