/** What a check says, and what it was given to judge: the shared vocabulary of preflight's checks. */

export const VERDICTS = ["PASS", "FAIL", "CANNOT TELL"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface CheckResult {
    /** What is checked, e.g. "vCPU quota standardDSv5Family". */
    readonly check: string;
    readonly verdict: Verdict;
    /** What was found, with the numbers. */
    readonly detail: string;
    /** What to do; present unless the check passed. */
    readonly fix?: string;
    /** The page that says why (Microsoft's docs for what Azure decides). */
    readonly source: string;
}

/** A document a check needs: known, or why it could not be had (an az command that failed, a file not given). */
export type Evidence<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
export const known = <T>(value: T): Evidence<T> => ({ ok: true, value });
export const missing = <T = never>(reason: string): Evidence<T> => ({ ok: false, reason });

export const pass = (check: string, detail: string, source: string): CheckResult => ({
    check,
    verdict: "PASS",
    detail,
    source,
});
export const fail = (check: string, detail: string, fix: string, source: string): CheckResult => ({
    check,
    verdict: "FAIL",
    detail,
    fix,
    source,
});
export const cannotTell = (check: string, detail: string, fix: string, source: string): CheckResult => ({
    check,
    verdict: "CANNOT TELL",
    detail,
    fix,
    source,
});

/** Azure compares names and ids without regard to case. */
export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
