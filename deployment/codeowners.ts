/**
 * CODEOWNERS, read as GitHub reads it (GitHub's "About code owners"): one pattern and its owners
 * per line, `#` comments, gitignore's pattern rules except `!` negation, `[ ]` ranges and `\#`;
 * "the last matching pattern takes the most precedence", and a matching line without owners
 * leaves the path with none. The file must sit in `.github/`, the root or `docs/`; GitHub uses
 * the first it finds there, and ignores a file with any invalid line. Pure: the read-back asks
 * GitHub itself for the file's errors (GET /repos/OWNER/REPO/codeowners/errors).
 */

export interface CodeownersRule {
    readonly line: number;
    readonly pattern: string;
    readonly owners: readonly string[];
}

/** Where GitHub looks, in its order. */
export const CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/**
 * The paths whose changes need a code owner's approval on main: what decides who deploys and how
 * (the workflows, deployment/, the policy pack, the guard and the Azure facts it reads, the
 * stacks' config), and CODEOWNERS itself, so that no pull request can drop an owner unreviewed.
 * Sample files stand for folders.
 */
export const PROTECTED_PATHS = Object.freeze([
    ".github/workflows/preview.yml",
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "deployment/index.ts",
    "deployment/workflowRules.ts",
    "policy/index.ts",
    "guard/replacements.ts",
    "azureFacts/replacements.ts",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.prod.yaml",
]);

const OWNER = /^(@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** The rules of a CODEOWNERS text, or the lines GitHub would refuse (which makes it ignore the file). */
export function parseCodeowners(text: string): { rules: CodeownersRule[]; errors: string[] } {
    const rules: CodeownersRule[] = [];
    const errors: string[] = [];
    text.split("\n").forEach((raw, index) => {
        const line = raw.replace(/\s+#.*$/, "").trim();
        if (line === "" || line.startsWith("#")) return;
        const [pattern, ...owners] = line.split(/\s+/);
        if (pattern.startsWith("!") || /[[\]]/.test(pattern) || pattern.startsWith("\\#"))
            errors.push(`line ${index + 1}: "${pattern}" uses syntax CODEOWNERS does not support`);
        const badOwners = owners.filter((owner) => !OWNER.test(owner));
        if (badOwners.length > 0) errors.push(`line ${index + 1}: not an owner: ${badOwners.join(" ")}`);
        rules.push({ line: index + 1, pattern, owners });
    });
    return { rules, errors };
}

/** gitignore's pattern rules, as far as CODEOWNERS keeps them, as a test of one path. */
export function patternMatches(pattern: string, path: string): boolean {
    const directory = pattern.endsWith("/");
    let body = directory ? pattern.slice(0, -1) : pattern;
    // A slash at the start or in the middle anchors the pattern at the root; otherwise it matches at any depth.
    const anchored = body.startsWith("/") || body.includes("/");
    body = body.replace(/^\//, "");
    const source = body
        .split("/")
        .map((segment) =>
            segment === "**"
                ? "(?:.*)"
                : segment
                      .replace(/[.+^${}()|\\]/g, "\\$&")
                      .replace(/\*/g, "[^/]*")
                      .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\(\?:\.\*\)\//g, "(?:.*/)?");
    const prefix = anchored ? "^" : "^(?:.*/)?";
    // A pattern names a path, or a folder and everything under it (gitignore: a match on a folder
    // covers its contents); a trailing slash matches folders only, so only what is under one. A
    // last segment with a wildcard matches one level only: GitHub's "`docs/*` will match files like
    // `docs/getting-started.md` but not further nested files".
    const whole = new RegExp(`${prefix}${source}$`);
    const under = new RegExp(`${prefix}${source}/`);
    const oneLevel = /[*?]/.test(body.split("/").pop() ?? "") && body.split("/").pop() !== "**";
    if (directory) return under.test(path);
    return whole.test(path) || (!oneLevel && under.test(path));
}

/** The owners of `path`: the last matching rule's (none when that rule names none, or nothing matches). */
export function ownersOf(rules: readonly CodeownersRule[], path: string): readonly string[] {
    let owners: readonly string[] = [];
    for (const rule of rules) if (patternMatches(rule.pattern, path)) owners = rule.owners;
    return owners;
}

/** Each protected path that `owner` does not own under these rules, with who does instead. */
export function unprotectedPaths(
    rules: readonly CodeownersRule[],
    owner: string,
    paths: readonly string[] = PROTECTED_PATHS,
): string[] {
    return paths
        .filter((path) => !ownersOf(rules, path).includes(owner))
        .map((path) => {
            const owners = ownersOf(rules, path);
            return `${path} (owned by ${owners.length > 0 ? owners.join(" ") : "nobody"})`;
        });
}
