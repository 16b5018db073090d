/**
 * The config rules of cluster access: the access mode, the Entra admins, and the waits for Azure
 * RBAC to propagate (Go durations, as the time provider reads them). config/ runs them in its order.
 */
import { Problem } from "../addressPlan";
import { arrayItems, problem, RawConfig } from "./values";
import { CLUSTER_ACCESS_MODES, ClusterAccess } from "../names";

/** A Microsoft Entra object id (a GUID). */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cluster's access mode is one this program builds. */
export function clusterAccessKnown(raw: RawConfig): Problem[] {
    const mode = raw.clusterAccess?.trim();
    if (mode === undefined || CLUSTER_ACCESS_MODES.includes(mode as ClusterAccess)) return [];
    return [
        problem(
            "clusterAccessKnown",
            "clusterAccess",
            { clusterAccess: mode },
            `"${mode}" is not an access mode; use entra (Microsoft Entra ID with Azure RBAC, no local accounts) or localAccounts (the tutorial's certificates)`,
        ),
    ];
}

/**
 * Cluster admins are Entra object ids, each once, and only where Entra decides: on a
 * local-accounts cluster nobody is admin by role (everyone with the certificate is).
 */
export function clusterAdminsAreObjectIds(raw: RawConfig): Problem[] {
    const admins = raw.clusterAdmins === undefined ? undefined : arrayItems(raw.clusterAdmins);
    if (!admins) return [];
    const malformed = admins.filter((admin) => !OBJECT_ID.test(admin));
    if (malformed.length > 0)
        return [
            problem(
                "clusterAdminsAreObjectIds",
                "clusterAdmins",
                { clusterAdmins: admins, malformed },
                `${malformed.map((admin) => `"${admin}"`).join(", ")} ${malformed.length === 1 ? "is not an object id" : "are not object ids"}; use Entra object ids (az ad signed-in-user show --query id, az ad group show -g NAME --query id)`,
            ),
        ];
    const repeated = admins.filter(
        (admin, index) => admins.findIndex((other) => other.toLowerCase() === admin.toLowerCase()) !== index,
    );
    if (repeated.length > 0)
        return [
            problem(
                "clusterAdminsAreObjectIds",
                "clusterAdmins",
                { clusterAdmins: admins, repeated },
                `${repeated.join(", ")} appears more than once; list each admin once`,
            ),
        ];
    if (admins.length > 0 && raw.clusterAccess?.trim() === "localAccounts")
        return [
            problem(
                "clusterAdminsAreObjectIds",
                "clusterAdmins",
                { clusterAdmins: admins, clusterAccess: "localAccounts" },
                "names admins, but with clusterAccess=localAccounts Kubernetes knows no Entra identity: set clusterAccess to entra, or clear clusterAdmins",
            ),
        ];
    return [];
}

/** Go's time.ParseDuration, as the time provider reads createDuration ("60s", "5m", "1h30m"), in ms. */
export function parseGoDuration(text: string): number {
    const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text)
        throw new Error(`"${text}" is not a duration (like 30s, 5m or 1h30m)`);
    return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
}

/** The propagation waits: time's durations, at most an hour (longer is a typo, not a tenant). */
const WAIT_KEYS = ["grantPropagationWait", "adminGrantPropagationWait"] as const;
const LONGEST_WAIT_MS = 3600000;
export function waitsAreDurations(raw: RawConfig): Problem[] {
    return WAIT_KEYS.flatMap((key) => {
        const text = raw[key]?.trim();
        if (text === undefined) return [];
        let ms: number;
        try {
            ms = parseGoDuration(text);
        } catch (error) {
            return [
                problem(
                    "waitsAreDurations",
                    key,
                    { [key]: text },
                    `${(error as Error).message}; e.g. pulumi config set ${key} 120s`,
                ),
            ];
        }
        return ms > LONGEST_WAIT_MS
            ? [
                  problem(
                      "waitsAreDurations",
                      key,
                      { [key]: text },
                      `${text} is longer than an hour; Azure documents minutes`,
                  ),
              ]
            : [];
    });
}
