/**
 * When AKS's community support of a Kubernetes minor ends: leaving long-term support is refused
 * after that ("once the community support period has ended, you can't disable LTS for that
 * version", learn.microsoft.com/azure/aks/long-term-support, FAQ). The "End of life" column of the
 * AKS Kubernetes release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions,
 * MicrosoftDocs/azure-aks-docs commit 031ed68487b0), by month: a minor counts as out of community
 * support from the first day of that month, the earliest reading. Minors past the table are not
 * known here; the calendar needs a row per new minor.
 */
export const COMMUNITY_SUPPORT_ENDS: Readonly<Record<string, string>> = Object.freeze({
    "1.27": "2024-07",
    "1.28": "2025-01",
    "1.29": "2025-03",
    "1.30": "2025-07",
    "1.31": "2025-11",
    "1.32": "2026-03",
});

const minorOf = (version: string) => /^(\d+)\.(\d+)/.exec(version);

/**
 * Whether `version` is in community support at `now`: "in", "out", or "unknown" (no version, or a
 * minor past the table).
 */
export function communitySupport(version: unknown, now: Date): "in" | "out" | "unknown" {
    const match = typeof version === "string" ? minorOf(version) : null;
    if (!match) return "unknown";
    const minor = `${match[1]}.${match[2]}`;
    const ends = COMMUNITY_SUPPORT_ENDS[minor];
    const listed = Object.keys(COMMUNITY_SUPPORT_ENDS).map((key) => key.split(".").map(Number));
    const [major, number] = [Number(match[1]), Number(match[2])];
    if (!ends) {
        const oldest = listed[0];
        // Older than the oldest row: its support ended before the calendar begins.
        return major < oldest[0] || (major === oldest[0] && number < oldest[1]) ? "out" : "unknown";
    }
    const [year, month] = ends.split("-").map(Number);
    return now.getTime() >= Date.UTC(year, month - 1, 1) ? "out" : "in";
}
