/** The README and docs/: short enough to read, every relative link resolves, nothing points outside the repository. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "./helpers/cli";

const pages = ["README.md", ...fs.readdirSync(path.join(REPO, "docs")).map((file) => `docs/${file}`)];
const tracked = execFileSync("git", ["ls-files"], { cwd: REPO, encoding: "utf8" }).split("\n").filter(Boolean);
const read = (file: string) => fs.readFileSync(path.join(REPO, file), "utf8");
/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string) =>
    heading
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");

test("the README is at most 250 lines", () => {
    expect(read("README.md").split("\n").length).toBeLessThanOrEqual(250);
});

test.each(pages)("every relative link of %s resolves, to a file or a heading", (page) => {
    const text = read(page);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1])
        .filter((link) => !/^[a-z]+:/.test(link));
    for (const link of links) {
        const [file, hash] = link.split("#");
        const target = file === "" ? page : path.join(path.dirname(page), file);
        expect([link, fs.existsSync(path.join(REPO, target))]).toEqual([link, true]);
        expect([link, path.relative(REPO, path.join(REPO, target)).startsWith("..")]).toEqual([link, false]);
        if (hash) {
            const headings = read(target)
                .split("\n")
                .filter((line) => line.startsWith("#"))
                .map((line) => anchor(line.replace(/^#+\s*/, "")));
            expect([link, headings]).toEqual([link, expect.arrayContaining([hash])]);
        }
    }
});

test("nothing cites notes outside the repository (a clone has none): sources are Microsoft docs, issues and provider source", () => {
    const citing = tracked.filter((file) => file !== "package-lock.json" && /shared\/(docs|seed)\b/.test(read(file)));
    expect(citing).toEqual([]);
});

test('the tutorial is called by its name: no "seed" anywhere', () => {
    // This file names the word to forbid it.
    const saying = tracked.filter(
        (file) => !["package-lock.json", "tests/docs.test.ts"].includes(file) && /\bseed\b/i.test(read(file)),
    );
    expect(saying).toEqual([]);
});
