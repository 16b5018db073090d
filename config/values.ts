/**
 * The raw config's shape and the helpers every config rule uses: the project's keys as Pulumi.yaml
 * declares them, how raw values (strings, as the CLI hands them over) are read, and how a rule
 * reports a problem. config/index.ts (the generic rules) and config/posture.ts (the production posture's)
 * both build on it.
 */
import { Problem } from "../addressPlan";
import { irreversibleFactsFor } from "../azureFacts/replacements";

/** The project's keys, as Pulumi.yaml declares them (a test holds the two to the same set and types). */
export const CONFIG_KEYS = [
    "resourceGroupName",
    "vnetName",
    "vnetCidr",
    "kubenetSubnetCidr",
    "azureCniSubnetCidr",
    "servicesSubnetCidr",
    "clusterName",
    "podCidr",
    "serviceCidr",
    "dnsServiceIp",
    "nodeCount",
    "nodeVmSize",
    "maxPods",
    "kubernetesVersion",
    "sshPublicKey",
    "adminUsername",
    "nginxReplicas",
    "nginxNamespace",
    "nginxImage",
    "protect",
    "networkPlugin",
    "azureCniCluster",
    "azureCniClusterName",
    "azureCniNodeCount",
    "azureCniMaxPods",
    "clusterAccess",
    "clusterAdmins",
    "grantPropagationWait",
    "adminGrantPropagationWait",
    "production",
    "skuTier",
    "autoscaleMaxCount",
    "zones",
    "upgradeChannel",
    "nodeOsUpgradeChannel",
    "maintenanceWindow",
    "userPoolNodeCount",
    "userPoolVmSize",
    "userPoolAutoscaleMaxCount",
    "osDiskType",
    "networkPolicy",
    "monitoring",
    "logAnalyticsWorkspaceId",
    "workloadIdentity",
    "imageCleaner",
    "azurePolicy",
    "apiServerAuthorizedIps",
    "maxSurge",
    "logAnalyticsWorkspaceLocation",
    "defender",
    "keyVaultSecretsProvider",
    "controlPlaneLogs",
    "disableRunCommand",
    "osSku",
    "costAnalysis",
    "deleteLock",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** The project's config namespace (Pulumi.yaml `name`). */
export const PROJECT_NAME = "aks-kubenet";
/** Where the Azure location comes from: the azure-native provider's own setting. */
export const LOCATION_KEY = "azure-native:location";

/** Raw values as Pulumi hands them over: strings, or undefined when unset. */
export type RawConfig = Partial<Record<ConfigKey | typeof LOCATION_KEY, string>>;

/** The keys read as whole numbers and as booleans; every other key is text. */
export const INTEGER_KEYS: readonly ConfigKey[] = [
    "nodeCount",
    "maxPods",
    "nginxReplicas",
    "azureCniNodeCount",
    "azureCniMaxPods",
    "autoscaleMaxCount",
    "userPoolNodeCount",
    "userPoolAutoscaleMaxCount",
];
export const BOOLEAN_KEYS: readonly ConfigKey[] = [
    "protect",
    "azureCniCluster",
    "production",
    "monitoring",
    "workloadIdentity",
    "imageCleaner",
    "azurePolicy",
    "defender",
    "keyVaultSecretsProvider",
    "controlPlaneLogs",
    "disableRunCommand",
    "costAnalysis",
    "deleteLock",
];
/** The keys Pulumi.yaml types as arrays: the CLI hands them over as JSON text. */
export const ARRAY_KEYS: readonly ConfigKey[] = ["clusterAdmins", "zones", "apiServerAuthorizedIps"];

/** An array key's items as typed, or undefined when the text is not a JSON array of strings. */
export function arrayItems(text: string): string[] | undefined {
    try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) && value.every((item) => typeof item === "string")
            ? value.map((item) => item.trim())
            : undefined;
    } catch {
        return undefined;
    }
}

/** One finding of a rule: the rule, the key as the user types it, the values that decided it, the sentence. */
export const problem = (rule: string, key: string, values: Problem["values"], message: string): Problem => ({
    rule,
    key,
    values,
    message,
});

/* Reading raw values: unset ("" or 0) is always valid for an optional key. */

export const trimmed = (raw: RawConfig, key: ConfigKey) => raw[key]?.trim();
export const isTrue = (raw: RawConfig, key: ConfigKey) => trimmed(raw, key)?.toLowerCase() === "true";
export const itemsOf = (raw: RawConfig, key: ConfigKey) => (raw[key] === undefined ? undefined : arrayItems(raw[key]));
export const wholeNumber = (raw: RawConfig, key: ConfigKey) => {
    const text = trimmed(raw, key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
};
/** What IRREVERSIBLE_CHANGES says about a key (azureFacts/replacements.ts), for messages about its traps. */
export const trapOf = (key: ConfigKey) => {
    const fact = irreversibleFactsFor(key)[0];
    if (!fact) return "";
    return fact.kind === "create-only"
        ? "; set at creation only: AKS refuses to change it on an existing pool"
        : "; one-way: AKS cannot undo it";
};

/** A text key holds one of its values, or is unset. */
export function oneOf<T extends string>(
    rule: string,
    key: ConfigKey,
    values: readonly T[],
    what: string,
): (raw: RawConfig) => Problem[] {
    const named = {
        [rule]: (raw: RawConfig): Problem[] => {
            const value = trimmed(raw, key);
            if (!value || values.includes(value as T)) return [];
            return [
                problem(
                    rule,
                    key,
                    { [key]: value, allowed: [...values] },
                    `"${value}" is not ${what}; use ${values.join(", ")} (or leave it empty)`,
                ),
            ];
        },
    };
    return named[rule];
}

/** A finding of a rule that can both refuse and warn. */
export interface Finding extends Problem {
    readonly severity: "error" | "warning";
}
export const errorsOf = (rule: (raw: RawConfig) => Finding[]) => (raw: RawConfig) =>
    rule(raw)
        .filter((found) => found.severity === "error")
        .map(({ severity: _severity, ...found }) => found);
export const warningsOf = (rule: (raw: RawConfig) => Finding[]) => (raw: RawConfig) =>
    rule(raw)
        .filter((found) => found.severity === "warning")
        .map(({ severity: _severity, ...found }) => found);
