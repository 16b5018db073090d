/**
 * Stack configuration: read once, validated once, returned as one frozen, typed object.
 * Validation runs before any resource is declared and reports every problem in one error, each
 * naming the key as the user types it (`pulumi config set <key> <value>`).
 *
 * The defaults live in one place, Pulumi.yaml's typed `config:` block, which the Pulumi CLI applies
 * before the program starts; the tools and the tests read the same file (stackFiles.ts). A key that
 * arrives unset therefore means the program runs without the project's Pulumi.yaml, and is an error.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    AddressPlanInput,
    checkAddressPlan,
    MAIN_NETWORK_PLUGINS,
    MainNetworkPlugin,
    parseCidr,
    Problem,
} from "./addressPlan";
import { irreversibleFactsFor } from "./guard/replacements";
import { CLUSTER_ACCESS_MODES, ClusterAccess } from "./names";
import {
    AVAILABILITY_ZONES,
    DEFAULT_OS_DISK_GIB,
    EPHEMERAL_OS_CAPACITY_GIB,
    ephemeralCapableSizes,
    MaintenanceWindow,
    MAX_AUTHORIZED_IP_RANGES,
    MINOR_UPGRADING_CHANNELS,
    NETWORK_POLICIES,
    NetworkPolicy,
    NODE_OS_UPGRADE_CHANNELS,
    NodeOsUpgradeChannel,
    OS_DISK_TYPES,
    OsDiskType,
    parseMaintenanceWindow,
    SKU_TIERS,
    SkuTier,
    UPGRADE_CHANNELS,
    UpgradeChannel,
} from "./posture";

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
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** The project's config namespace (Pulumi.yaml `name`). */
export const PROJECT_NAME = "aks-kubenet";
/** Where the Azure location comes from: the azure-native provider's own setting. */
export const LOCATION_KEY = "azure-native:location";

/** Raw values as Pulumi hands them over: strings, or undefined when unset. */
export type RawConfig = Partial<Record<ConfigKey | typeof LOCATION_KEY, string>>;

export interface StackConfig extends AddressPlanInput {
    readonly location: string;
    readonly resourceGroupName: string;
    readonly vnetName: string;
    readonly clusterName: string;
    readonly nodeVmSize: string;
    /** Unset = the region's default version. */
    readonly kubernetesVersion?: string;
    /** Unset = no SSH key on the nodes. */
    readonly sshPublicKey?: string;
    readonly adminUsername: string;
    readonly nginxReplicas: number;
    readonly nginxNamespace: string;
    readonly nginxImage: string;
    /** Protect the network, the clusters, their identities and grants from `pulumi destroy`. */
    readonly protect: boolean;
    readonly networkPlugin: MainNetworkPlugin;
    readonly azureCniCluster: boolean;
    readonly azureCniClusterName: string;
    readonly azureCniNodeCount: number;
    readonly azureCniMaxPods: number;
    /** entra: Microsoft Entra ID, Azure RBAC, no local accounts; localAccounts: the tutorial's certificates. */
    readonly clusterAccess: ClusterAccess;
    /** Entra object ids given RBAC Cluster Admin; empty = the principal that runs the deployment. */
    readonly clusterAdmins: readonly string[];
    /** How long the cluster waits after its network grants are created (a Go duration). */
    readonly grantPropagationWait: string;
    /** How long the workloads wait after the Entra admin grants are created (a Go duration). */
    readonly adminGrantPropagationWait: string;
    /** The production posture: every setting below is off or unset by default (the tutorial's dev stack). */
    readonly posture: PostureConfig;
}

/**
 * The production settings. Each unset or off value adds no input to any resource, so a stack
 * without them is the tutorial's stack, resource for resource.
 */
export interface PostureConfig {
    /** Turns the production rules on: config errors here, and the policy pack's production policies (tag). */
    readonly production: boolean;
    /** Unset = not declared (AKS's Free tier at creation). */
    readonly skuTier?: SkuTier;
    /** Unset = no autoscaler on the system pool. */
    readonly autoscaleMaxCount?: number;
    /** Empty = no zones (create-only). */
    readonly zones: readonly string[];
    readonly upgradeChannel?: UpgradeChannel;
    readonly nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
    /** Unset = no maintenance configurations. */
    readonly maintenanceWindow?: MaintenanceWindow;
    /** Unset (0) = no user pool. */
    readonly userPool?: {
        readonly nodeCount: number;
        readonly vmSize: string;
        /** Unset = no autoscaler on the user pool. */
        readonly autoscaleMaxCount?: number;
    };
    /** Unset = AKS's choice (Ephemeral where the size allows, else Managed). */
    readonly osDiskType?: OsDiskType;
    /** Unset = not declared, and ignored as AKS reports it (the Overlay move); declared = never ignored. */
    readonly networkPolicy?: NetworkPolicy;
    /** Container insights; `workspaceId` unset = a workspace the stack creates. */
    readonly monitoring?: { readonly workspaceId?: string };
    readonly workloadIdentity: boolean;
    readonly imageCleaner: boolean;
    readonly azurePolicy: boolean;
    /** Empty = the API server answers every address. */
    readonly apiServerAuthorizedIps: readonly string[];
}

export interface ConfigValidation {
    /** Present when there are no errors. */
    readonly config?: StackConfig;
    readonly errors: readonly Problem[];
    readonly warnings: readonly Problem[];
}

interface NameRule {
    readonly pattern: RegExp;
    readonly rule: string;
}

const CLUSTER_NAME_RULE: NameRule = {
    pattern: /^[a-zA-Z0-9](?:[-\w]{0,61}[a-zA-Z0-9])?$/,
    rule: "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit",
};

const NAME_RULES: Partial<Record<ConfigKey, NameRule>> = {
    resourceGroupName: {
        pattern: /^[-\w.()]{0,89}[-\w()]$/,
        rule: "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
    },
    vnetName: {
        pattern: /^\w[-\w.]{0,62}\w$/,
        rule: "2-64 letters, digits, '-', '_' or '.', starting with a letter or digit and ending with a letter, digit or '_'",
    },
    clusterName: CLUSTER_NAME_RULE,
    azureCniClusterName: CLUSTER_NAME_RULE,
    nodeVmSize: { pattern: /^Standard_[A-Za-z0-9_]+$/, rule: "an Azure VM size such as Standard_D2s_v5" },
    userPoolVmSize: { pattern: /^Standard_[A-Za-z0-9_]+$/, rule: "an Azure VM size such as Standard_D4ds_v5" },
    adminUsername: {
        pattern: /^[a-z_][a-z0-9_-]{0,31}$/,
        rule: "a Linux user name: lower-case letters, digits, '_' or '-', at most 32 characters",
    },
    nginxNamespace: {
        pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
        rule: "a DNS label: lower-case letters, digits and '-', at most 63 characters",
    },
    kubernetesVersion: {
        pattern: /^\d+\.\d+(?:\.\d+)?$/,
        rule: "a minor alias like 1.34 or a patch version like 1.34.2 (leave unset for the region's default)",
    },
    sshPublicKey: {
        pattern:
            /^(?:ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: .*)?$/,
        rule: "an OpenSSH public key line such as the contents of ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA... comment)",
    },
    nginxImage: {
        pattern: /^[\w.\-/:]+(?::[\w.-]+|@sha256:[a-f0-9]{64})$/,
        rule: "an image pinned to a tag or digest, like nginxinc/nginx-unprivileged:1.28.0-alpine",
    },
};

/** AKS refuses these Linux admin user names. */
const RESERVED_ADMIN_USERNAMES = ["root", "admin", "administrator", "guest", "user", "test", "azureadmin"];

/** Ranges decided here; the address plan's rules decide nodeCount's upper bound, maxPods and Azure CNI's counts. */
const INTEGER_RANGES: Partial<Record<ConfigKey, readonly [number, number]>> = {
    nodeCount: [1, Number.MAX_SAFE_INTEGER],
    nginxReplicas: [1, 100],
    autoscaleMaxCount: [0, Number.MAX_SAFE_INTEGER],
    userPoolNodeCount: [0, Number.MAX_SAFE_INTEGER],
    userPoolAutoscaleMaxCount: [0, Number.MAX_SAFE_INTEGER],
};

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
];
/** The keys Pulumi.yaml types as arrays: the CLI hands them over as JSON text. */
export const ARRAY_KEYS: readonly ConfigKey[] = ["clusterAdmins", "zones", "apiServerAuthorizedIps"];

/** An array key's items as typed, or undefined when the text is not a JSON array of strings. */
function arrayItems(text: string): string[] | undefined {
    try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) && value.every((item) => typeof item === "string")
            ? value.map((item) => item.trim())
            : undefined;
    } catch {
        return undefined;
    }
}

/** A Microsoft Entra object id (a GUID). */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const problem = (rule: string, key: string, values: Problem["values"], message: string): Problem => ({
    rule,
    key,
    values,
    message,
});

/** Every key has a value: the Pulumi CLI fills in Pulumi.yaml's defaults, so an unset key means another project. */
function keysAreSet(raw: RawConfig): Problem[] {
    const missing = CONFIG_KEYS.filter((key) => raw[key] === undefined).map((key) =>
        problem(
            "keysAreSet",
            key,
            { key },
            "is not set, and Pulumi.yaml declares a default for it: run the program with this project's Pulumi.yaml, or `pulumi config set` it",
        ),
    );
    const location = raw[LOCATION_KEY]?.trim();
    return location
        ? missing
        : [
              problem(
                  "keysAreSet",
                  LOCATION_KEY,
                  { key: LOCATION_KEY },
                  `is not set; choose the Azure region, e.g. pulumi config set ${LOCATION_KEY} eastus`,
              ),
              ...missing,
          ];
}

/** Whole-number keys hold whole numbers within their range. */
function integersAreWhole(raw: RawConfig): Problem[] {
    return INTEGER_KEYS.flatMap((key) => {
        const text = raw[key]?.trim();
        if (text === undefined) return [];
        if (!/^-?\d+$/.test(text))
            return [
                problem(
                    "integersAreWhole",
                    key,
                    { [key]: text },
                    `"${text}" is not a whole number; set one, e.g. pulumi config set ${key} 3`,
                ),
            ];
        const [min, max] = INTEGER_RANGES[key] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
        const value = Number(text);
        return value < min || value > max
            ? [
                  problem(
                      "integersAreWhole",
                      key,
                      { [key]: value, min, max },
                      `${value} is out of range; use ${min} to ${max}`,
                  ),
              ]
            : [];
    });
}

/** Boolean keys say true or false. */
function booleansAreBoolean(raw: RawConfig): Problem[] {
    return BOOLEAN_KEYS.filter(
        (key) => raw[key] !== undefined && !["true", "false"].includes(raw[key].trim().toLowerCase()),
    ).map((key) =>
        problem("booleansAreBoolean", key, { [key]: raw[key]! }, `"${raw[key]}" is not a boolean; use true or false`),
    );
}

/** Names follow Azure's and Kubernetes' rules; optional ones ("" = unset) only when set. */
function namesFollowRules(raw: RawConfig): Problem[] {
    return (Object.entries(NAME_RULES) as Array<[ConfigKey, NameRule]>).flatMap(([key, { pattern, rule }]) => {
        const value = raw[key]?.trim();
        if (value === undefined || (value === "" && (key === "kubernetesVersion" || key === "sshPublicKey"))) return [];
        return pattern.test(value)
            ? []
            : [problem("namesFollowRules", key, { [key]: value }, `"${value}" is not valid: use ${rule}`)];
    });
}

/** AKS refuses some Linux admin user names. */
function adminUsernameNotReserved(raw: RawConfig): Problem[] {
    const name = raw.adminUsername?.trim();
    return name !== undefined && RESERVED_ADMIN_USERNAMES.includes(name)
        ? [
              problem(
                  "adminUsernameNotReserved",
                  "adminUsername",
                  { adminUsername: name },
                  `"${name}" is reserved by AKS; choose another name such as azureuser`,
              ),
          ]
        : [];
}

/** The main cluster's plugin is one this program builds. */
function networkPluginKnown(raw: RawConfig): Problem[] {
    const plugin = raw.networkPlugin?.trim();
    if (plugin === undefined || MAIN_NETWORK_PLUGINS.includes(plugin as MainNetworkPlugin)) return [];
    return [
        problem(
            "networkPluginKnown",
            "networkPlugin",
            { networkPlugin: plugin },
            `"${plugin}" is not a network plugin of this program; use ${MAIN_NETWORK_PLUGINS.join(" or ")} (overlay = Azure CNI Overlay)`,
        ),
    ];
}

/** Two clusters in one resource group need two names (case-insensitive, as Azure compares them). */
function clusterNamesDiffer(raw: RawConfig): Problem[] {
    const [main, second] = [raw.clusterName?.trim(), raw.azureCniClusterName?.trim()];
    if (
        raw.azureCniCluster?.trim().toLowerCase() !== "true" ||
        !main ||
        !second ||
        main.toLowerCase() !== second.toLowerCase()
    )
        return [];
    return [
        problem(
            "clusterNamesDiffer",
            "azureCniClusterName",
            { azureCniClusterName: second, clusterName: main },
            `"${second}" is the main cluster's name (clusterName); choose another, e.g. azurecni-cluster`,
        ),
    ];
}

/** Array keys hold a JSON array of strings, as `pulumi config set --path` or Pulumi.yaml's type writes them. */
function arraysAreArrays(raw: RawConfig): Problem[] {
    return ARRAY_KEYS.filter((key) => raw[key] !== undefined && arrayItems(raw[key]) === undefined).map((key) =>
        problem(
            "arraysAreArrays",
            key,
            { [key]: raw[key]! },
            `"${raw[key]}" is not a list of strings; set it with \`pulumi config set --path '${key}[0]' <value>\` or as a YAML list in Pulumi.<stack>.yaml`,
        ),
    );
}

/** The cluster's access mode is one this program builds. */
function clusterAccessKnown(raw: RawConfig): Problem[] {
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
function clusterAdminsAreObjectIds(raw: RawConfig): Problem[] {
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
function waitsAreDurations(raw: RawConfig): Problem[] {
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

/** A floating tag changes under the cluster without a deploy. */
function imagePinned(raw: RawConfig): Problem[] {
    const image = raw.nginxImage?.trim();
    return image?.endsWith(":latest")
        ? [
              problem(
                  "imagePinned",
                  "nginxImage",
                  { nginxImage: image },
                  `"${image}" floats; pin an exact version tag or digest`,
              ),
          ]
        : [];
}

/* The production posture's rules. Unset ("" or 0) is always valid: it is the tutorial's stack. */

const trimmed = (raw: RawConfig, key: ConfigKey) => raw[key]?.trim();
const isTrue = (raw: RawConfig, key: ConfigKey) => trimmed(raw, key)?.toLowerCase() === "true";
const itemsOf = (raw: RawConfig, key: ConfigKey) => (raw[key] === undefined ? undefined : arrayItems(raw[key]));
const wholeNumber = (raw: RawConfig, key: ConfigKey) => {
    const text = trimmed(raw, key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
};
/** What IRREVERSIBLE_CHANGES says about a key (guard/replacements.ts), for messages about its traps. */
const trapOf = (key: ConfigKey) => {
    const fact = irreversibleFactsFor(key)[0];
    if (!fact) return "";
    return fact.kind === "create-only"
        ? "; set at creation only: AKS refuses to change it on an existing pool"
        : "; one-way: AKS cannot undo it";
};

/** A text key holds one of its values, or is unset. */
function oneOf<T extends string>(
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

const skuTierKnown = oneOf("skuTierKnown", "skuTier", SKU_TIERS, "an AKS tier");
const upgradeChannelKnown = oneOf("upgradeChannelKnown", "upgradeChannel", UPGRADE_CHANNELS, "an AKS upgrade channel");
const nodeOsUpgradeChannelKnown = oneOf(
    "nodeOsUpgradeChannelKnown",
    "nodeOsUpgradeChannel",
    NODE_OS_UPGRADE_CHANNELS,
    "an AKS node OS upgrade channel",
);
const osDiskTypeKnown = oneOf("osDiskTypeKnown", "osDiskType", OS_DISK_TYPES, "an OS disk type");
const networkPolicyKnown = oneOf("networkPolicyKnown", "networkPolicy", NETWORK_POLICIES, "a network policy of AKS");

/** Zones are "1", "2" or "3", each once; set at creation only. */
function zonesAreZones(raw: RawConfig): Problem[] {
    const zones = itemsOf(raw, "zones");
    if (!zones) return [];
    const unknown = zones.filter((zone) => !(AVAILABILITY_ZONES as readonly string[]).includes(zone));
    if (unknown.length > 0)
        return [
            problem(
                "zonesAreZones",
                "zones",
                { zones, unknown },
                `${unknown.map((zone) => `"${zone}"`).join(", ")} ${unknown.length === 1 ? "is not an availability zone" : "are not availability zones"}; use "1", "2" and "3" (pulumi config set --path 'zones[0]' 1)${trapOf("zones")}`,
            ),
        ];
    const repeated = zones.filter((zone, index) => zones.indexOf(zone) !== index);
    return repeated.length > 0
        ? [
              problem(
                  "zonesAreZones",
                  "zones",
                  { zones, repeated },
                  `${repeated.join(", ")} appears more than once; list each zone once`,
              ),
          ]
        : [];
}

/**
 * A pinned kubernetesVersion must not fight an auto-upgrade channel: rapid and stable move the
 * cluster to new minor versions and patch to new patches, and the next `pulumi up` would then
 * send the older version back (AKS refuses a downgrade).
 */
function pinnedVersionFitsChannel(raw: RawConfig): Problem[] {
    const [version, channel] = [trimmed(raw, "kubernetesVersion"), trimmed(raw, "upgradeChannel") as UpgradeChannel];
    if (!version || !channel) return [];
    const patchPinned = /^\d+\.\d+\.\d+$/.test(version);
    if (MINOR_UPGRADING_CHANNELS.includes(channel))
        return [
            problem(
                "pinnedVersionFitsChannel",
                "kubernetesVersion",
                { kubernetesVersion: version, upgradeChannel: channel },
                `${version} is pinned, and upgradeChannel ${channel} moves the cluster to newer minor versions: the next pulumi up would ask AKS for a downgrade. Leave kubernetesVersion empty, or use upgradeChannel patch with a minor alias like ${version.split(".").slice(0, 2).join(".")}`,
            ),
        ];
    if (channel === "patch" && patchPinned)
        return [
            problem(
                "pinnedVersionFitsChannel",
                "kubernetesVersion",
                { kubernetesVersion: version, upgradeChannel: channel },
                `${version} pins a patch, and upgradeChannel patch installs newer patches: use the minor alias ${version.split(".").slice(0, 2).join(".")}, or leave kubernetesVersion empty`,
            ),
        ];
    return [];
}

/** The node-image channel drives the node OS itself: AKS sets nodeOSUpgradeChannel NodeImage with it. */
function nodeImageChannelsAgree(raw: RawConfig): Problem[] {
    const [channel, nodeOs] = [trimmed(raw, "upgradeChannel"), trimmed(raw, "nodeOsUpgradeChannel")];
    if (channel !== "node-image" || !nodeOs || nodeOs === "NodeImage") return [];
    return [
        problem(
            "nodeImageChannelsAgree",
            "nodeOsUpgradeChannel",
            { nodeOsUpgradeChannel: nodeOs, upgradeChannel: channel },
            `${nodeOs} contradicts upgradeChannel node-image, which upgrades node images itself: set nodeOsUpgradeChannel NodeImage (or empty), or another upgradeChannel`,
        ),
    ];
}

/** The maintenance window parses: one weekly window for both AKS schedules. */
function maintenanceWindowParses(raw: RawConfig): Problem[] {
    const text = trimmed(raw, "maintenanceWindow");
    if (!text) return [];
    const parsed = parseMaintenanceWindow(text);
    return parsed.ok
        ? []
        : [problem("maintenanceWindowParses", "maintenanceWindow", { maintenanceWindow: text }, parsed.reason)];
}

/**
 * Ephemeral OS disks live in the VM's cache or temp disk, which must hold the OS disk (AKS's
 * default, DEFAULT_OS_DISK_GIB): a listed size that cannot is an error; an unlisted one a warning
 * that says it could not be checked.
 */
function ephemeralFitsVmSizes(raw: RawConfig): Finding[] {
    if (trimmed(raw, "osDiskType") !== "Ephemeral") return [];
    const pools: Array<[ConfigKey, string | undefined]> = [
        ["nodeVmSize", trimmed(raw, "nodeVmSize")],
        ...(((wholeNumber(raw, "userPoolNodeCount") ?? 0) > 0
            ? [["userPoolVmSize", trimmed(raw, "userPoolVmSize")]]
            : []) as Array<[ConfigKey, string | undefined]>),
    ];
    return pools.flatMap(([key, size]): Finding[] => {
        if (!size) return [];
        const capacity = EPHEMERAL_OS_CAPACITY_GIB[size];
        if (!capacity)
            return [
                {
                    severity: "warning",
                    ...problem(
                        "ephemeralFitsVmSizes",
                        key,
                        { [key]: size, osDiskType: "Ephemeral", osDiskGiB: DEFAULT_OS_DISK_GIB },
                        `${size} is not in this program's table of cache and temp disk sizes, so osDiskType Ephemeral could not be checked: AKS refuses it at creation unless the size's cache or temp disk holds a ${DEFAULT_OS_DISK_GIB} GiB OS disk`,
                    ),
                },
            ];
        if (capacity.gib >= DEFAULT_OS_DISK_GIB) return [];
        return [
            {
                severity: "error",
                ...problem(
                    "ephemeralFitsVmSizes",
                    key,
                    { [key]: size, osDiskType: "Ephemeral", capacityGiB: capacity.gib, osDiskGiB: DEFAULT_OS_DISK_GIB },
                    `${size} has ${capacity.gib === 0 ? "no cache or temp disk" : `${capacity.gib} GiB of ${capacity.where}`}, and an Ephemeral OS disk needs ${DEFAULT_OS_DISK_GIB} GiB there: use a size such as ${ephemeralCapableSizes().slice(0, 3).join(", ")}, or osDiskType Managed${trapOf("osDiskType")}`,
                ),
            },
        ];
    });
}

/** Cilium runs only on Azure CNI (Overlay here); Azure Network Policy Manager does not run on kubenet. */
function networkPolicyFitsPlugin(raw: RawConfig): Finding[] {
    const [policy, plugin] = [trimmed(raw, "networkPolicy"), trimmed(raw, "networkPlugin")];
    if (!policy || !plugin) return [];
    const values = { networkPolicy: policy, networkPlugin: plugin };
    if (policy === "cilium" && plugin !== "overlay")
        return [
            {
                severity: "error",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    `cilium needs Azure CNI powered by Cilium, which this program builds only with networkPlugin=overlay; on ${plugin} use calico`,
                ),
            },
        ];
    if (policy === "azure" && plugin === "kubenet")
        return [
            {
                severity: "error",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    "azure (Azure Network Policy Manager) needs Azure CNI, and kubenet is not: on kubenet use calico",
                ),
            },
        ];
    if (policy === "calico" && plugin === "kubenet")
        return [
            {
                severity: "warning",
                ...problem(
                    "networkPolicyFitsPlugin",
                    "networkPolicy",
                    values,
                    "calico works on kubenet, but the in-place move to Azure CNI Overlay needs a cluster without a network policy (docs/migrate.md): you will have to remove it first",
                ),
            },
        ];
    return [];
}

/** An existing workspace is named by its Azure resource id, and only with monitoring on. */
function workspaceIdIsResourceId(raw: RawConfig): Problem[] {
    const id = trimmed(raw, "logAnalyticsWorkspaceId");
    if (!id) return [];
    if (
        !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(
            id,
        )
    )
        return [
            problem(
                "workspaceIdIsResourceId",
                "logAnalyticsWorkspaceId",
                { logAnalyticsWorkspaceId: id },
                `"${id}" is not a Log Analytics workspace's resource id; use /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> (az monitor log-analytics workspace show --query id)`,
            ),
        ];
    return isTrue(raw, "monitoring")
        ? []
        : [
              problem(
                  "workspaceIdIsResourceId",
                  "logAnalyticsWorkspaceId",
                  { logAnalyticsWorkspaceId: id, monitoring: false },
                  "names a workspace, but monitoring is false: set monitoring true, or clear logAnalyticsWorkspaceId",
              ),
          ];
}

/** Authorized ranges are IPv4 CIDRs, at most 200. */
function authorizedIpsAreCidrs(raw: RawConfig): Finding[] {
    const ranges = itemsOf(raw, "apiServerAuthorizedIps");
    if (!ranges || ranges.length === 0) return [];
    const malformed = ranges.filter((range) => !parseCidr(range.includes("/") ? range : `${range}/32`).ok);
    if (malformed.length > 0)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { apiServerAuthorizedIps: ranges, malformed },
                    `${malformed.map((range) => `"${range}"`).join(", ")} ${malformed.length === 1 ? "is not an IPv4 CIDR" : "are not IPv4 CIDRs"} (network address, no host bits); use e.g. 203.0.113.0/24`,
                ),
            },
        ];
    if (ranges.length > MAX_AUTHORIZED_IP_RANGES)
        return [
            {
                severity: "error",
                ...problem(
                    "authorizedIpsAreCidrs",
                    "apiServerAuthorizedIps",
                    { count: ranges.length, max: MAX_AUTHORIZED_IP_RANGES },
                    `${ranges.length} ranges; AKS accepts at most ${MAX_AUTHORIZED_IP_RANGES}`,
                ),
            },
        ];
    return [
        {
            severity: "warning",
            ...problem(
                "authorizedIpsAreCidrs",
                "apiServerAuthorizedIps",
                { apiServerAuthorizedIps: ranges },
                "only these ranges reach the API server, and GitHub-hosted runners and Pulumi Deployments runners have no fixed addresses: previews and deploys from them (the Kubernetes provider included) will time out unless they run from a listed range",
            ),
        },
    ];
}

/** The user pool's counts: its autoscaler needs a pool, and starts at its node count. */
function userPoolCountsAgree(raw: RawConfig): Problem[] {
    const [count, max] = [wholeNumber(raw, "userPoolNodeCount"), wholeNumber(raw, "userPoolAutoscaleMaxCount")];
    if (count === undefined || max === undefined || max === 0) return [];
    if (count === 0)
        return [
            problem(
                "userPoolCountsAgree",
                "userPoolAutoscaleMaxCount",
                { userPoolAutoscaleMaxCount: max, userPoolNodeCount: 0 },
                `${max} autoscales a user pool, but userPoolNodeCount is 0 (no user pool): set userPoolNodeCount, or userPoolAutoscaleMaxCount 0`,
            ),
        ];
    return max < count
        ? [
              problem(
                  "userPoolCountsAgree",
                  "userPoolAutoscaleMaxCount",
                  { userPoolAutoscaleMaxCount: max, userPoolNodeCount: count },
                  `${max} is below userPoolNodeCount ${count}, where the autoscaler starts: use ${count} or more, or 0 for no autoscaler`,
              ),
          ]
        : [];
}

/**
 * production=true: the posture the policy pack's production rules require, refused here first,
 * each with the setting that gives it.
 */
function productionPosture(raw: RawConfig): Problem[] {
    if (!isTrue(raw, "production")) return [];
    const found: Problem[] = [];
    const need = (key: ConfigKey, values: Problem["values"], message: string) =>
        found.push(problem("productionPosture", key, { production: true, ...values }, message));
    const access = trimmed(raw, "clusterAccess");
    if (access && access !== "entra")
        need(
            "clusterAccess",
            { clusterAccess: access },
            `production needs Microsoft Entra ID with local accounts off: set clusterAccess entra`,
        );
    const tier = trimmed(raw, "skuTier");
    if (tier !== "Standard" && tier !== "Premium")
        need(
            "skuTier",
            { skuTier: tier ?? "" },
            `production needs the API server's SLA: set skuTier Standard (or Premium)`,
        );
    const zones = itemsOf(raw, "zones") ?? [];
    if (zones.length < 2)
        need(
            "zones",
            { zones },
            `production needs at least 2 availability zones: pulumi config set --path 'zones[0]' 1, 'zones[1]' 2, 'zones[2]' 3 (before the cluster exists: set at creation only)`,
        );
    if (!trimmed(raw, "maintenanceWindow"))
        need(
            "maintenanceWindow",
            { maintenanceWindow: "" },
            `production needs both maintenance windows: set maintenanceWindow, e.g. "Sunday 02:00 4h"`,
        );
    return found;
}

/** Windows govern the channels' upgrades: a channel without a window upgrades at any hour. */
function channelsHaveWindow(raw: RawConfig): Problem[] {
    const channels = (["upgradeChannel", "nodeOsUpgradeChannel"] as const).filter((key) => {
        const value = trimmed(raw, key);
        return value && !["none", "None", "Unmanaged"].includes(value);
    });
    if (channels.length === 0 || trimmed(raw, "maintenanceWindow")) return [];
    return [
        problem(
            "channelsHaveWindow",
            "maintenanceWindow",
            { channels: channels.map((key) => `${key}=${trimmed(raw, key)}`) },
            `is empty, so ${channels.map((key) => `${key} ${trimmed(raw, key)}`).join(" and ")} may upgrade at any hour: set a window, e.g. "Sunday 02:00 4h"`,
        ),
    ];
}

interface Finding extends Problem {
    readonly severity: "error" | "warning";
}
const errorsOf = (rule: (raw: RawConfig) => Finding[]) => (raw: RawConfig) =>
    rule(raw)
        .filter((found) => found.severity === "error")
        .map(({ severity: _severity, ...found }) => found);
const warningsOf = (rule: (raw: RawConfig) => Finding[]) => (raw: RawConfig) =>
    rule(raw)
        .filter((found) => found.severity === "warning")
        .map(({ severity: _severity, ...found }) => found);

/** Every rule over the raw values, in the order their problems are reported. */
const CONFIG_RULES = [
    keysAreSet,
    integersAreWhole,
    booleansAreBoolean,
    namesFollowRules,
    adminUsernameNotReserved,
    networkPluginKnown,
    clusterNamesDiffer,
    imagePinned,
    arraysAreArrays,
    clusterAccessKnown,
    clusterAdminsAreObjectIds,
    waitsAreDurations,
    skuTierKnown,
    zonesAreZones,
    upgradeChannelKnown,
    nodeOsUpgradeChannelKnown,
    pinnedVersionFitsChannel,
    nodeImageChannelsAgree,
    maintenanceWindowParses,
    osDiskTypeKnown,
    errorsOf(ephemeralFitsVmSizes),
    networkPolicyKnown,
    errorsOf(networkPolicyFitsPlugin),
    workspaceIdIsResourceId,
    errorsOf(authorizedIpsAreCidrs),
    userPoolCountsAgree,
    productionPosture,
];

/** Legal but worth a line: rules over the raw values that only warn. */
const CONFIG_WARNINGS = [
    warningsOf(ephemeralFitsVmSizes),
    warningsOf(networkPolicyFitsPlugin),
    warningsOf(authorizedIpsAreCidrs),
    channelsHaveWindow,
];

/** More replicas than nodes: legal, but some nodes run two. */
function replicasFitNodes(config: StackConfig): Problem[] {
    const warnings: Problem[] = [];
    if (config.nginxReplicas > config.nodeCount) {
        warnings.push(
            problem(
                "replicasFitNodes",
                "nginxReplicas",
                { nginxReplicas: config.nginxReplicas, nodeCount: config.nodeCount },
                `${config.nginxReplicas} replicas on ${config.nodeCount} nodes: some nodes will run two nginx pods`,
            ),
        );
    }
    if (config.azureCniCluster && config.nginxReplicas > config.azureCniNodeCount) {
        warnings.push(
            problem(
                "replicasFitNodes",
                "nginxReplicas",
                { nginxReplicas: config.nginxReplicas, azureCniNodeCount: config.azureCniNodeCount },
                `${config.nginxReplicas} replicas on the Azure CNI cluster's ${config.azureCniNodeCount} nodes (azureCniNodeCount): some nodes will run two nginx pods`,
            ),
        );
    }
    return warnings;
}

/** The values as typed, parsed; only meaningful once the rules above found nothing. */
function parse(raw: RawConfig): StackConfig {
    const text = (key: ConfigKey) => raw[key]?.trim() ?? "";
    const optional = (key: ConfigKey) => (text(key) === "" ? undefined : text(key));
    return {
        location: raw[LOCATION_KEY]?.trim() ?? "",
        resourceGroupName: text("resourceGroupName"),
        vnetName: text("vnetName"),
        vnetCidr: text("vnetCidr"),
        kubenetSubnetCidr: text("kubenetSubnetCidr"),
        azureCniSubnetCidr: text("azureCniSubnetCidr"),
        servicesSubnetCidr: text("servicesSubnetCidr"),
        clusterName: text("clusterName"),
        podCidr: text("podCidr"),
        serviceCidr: text("serviceCidr"),
        dnsServiceIp: text("dnsServiceIp"),
        nodeCount: Number(text("nodeCount")),
        nodeVmSize: text("nodeVmSize"),
        maxPods: Number(text("maxPods")),
        kubernetesVersion: optional("kubernetesVersion"),
        sshPublicKey: optional("sshPublicKey"),
        adminUsername: text("adminUsername"),
        nginxReplicas: Number(text("nginxReplicas")),
        nginxNamespace: text("nginxNamespace"),
        nginxImage: text("nginxImage"),
        protect: text("protect").toLowerCase() === "true",
        networkPlugin: text("networkPlugin") as MainNetworkPlugin,
        azureCniCluster: text("azureCniCluster").toLowerCase() === "true",
        azureCniClusterName: text("azureCniClusterName"),
        azureCniNodeCount: Number(text("azureCniNodeCount")),
        azureCniMaxPods: Number(text("azureCniMaxPods")),
        clusterAccess: text("clusterAccess") as ClusterAccess,
        clusterAdmins: arrayItems(text("clusterAdmins")) ?? [],
        grantPropagationWait: text("grantPropagationWait"),
        adminGrantPropagationWait: text("adminGrantPropagationWait"),
        posture: parsePosture(raw),
    };
}

function parsePosture(raw: RawConfig): PostureConfig {
    const text = (key: ConfigKey) => raw[key]?.trim() ?? "";
    const optional = (key: ConfigKey) => (text(key) === "" ? undefined : text(key));
    const flag = (key: ConfigKey) => text(key).toLowerCase() === "true";
    const count = (key: ConfigKey) => (Number(text(key)) > 0 ? Number(text(key)) : undefined);
    const window = optional("maintenanceWindow");
    const parsedWindow = window ? parseMaintenanceWindow(window) : undefined;
    const userPoolNodeCount = count("userPoolNodeCount");
    return {
        production: flag("production"),
        skuTier: optional("skuTier") as SkuTier | undefined,
        autoscaleMaxCount: count("autoscaleMaxCount"),
        zones: arrayItems(text("zones")) ?? [],
        upgradeChannel: optional("upgradeChannel") as UpgradeChannel | undefined,
        nodeOsUpgradeChannel: optional("nodeOsUpgradeChannel") as NodeOsUpgradeChannel | undefined,
        maintenanceWindow: parsedWindow?.ok ? parsedWindow.value : undefined,
        userPool: userPoolNodeCount
            ? {
                  nodeCount: userPoolNodeCount,
                  vmSize: text("userPoolVmSize"),
                  autoscaleMaxCount: count("userPoolAutoscaleMaxCount"),
              }
            : undefined,
        osDiskType: optional("osDiskType") as OsDiskType | undefined,
        networkPolicy: optional("networkPolicy") as NetworkPolicy | undefined,
        monitoring: flag("monitoring") ? { workspaceId: optional("logAnalyticsWorkspaceId") } : undefined,
        workloadIdentity: flag("workloadIdentity"),
        imageCleaner: flag("imageCleaner"),
        azurePolicy: flag("azurePolicy"),
        apiServerAuthorizedIps: arrayItems(text("apiServerAuthorizedIps")) ?? [],
    };
}

/**
 * Pure validation of raw config values. Returns every error and warning, and the config object
 * only when nothing is wrong. The address plan's rules run on whatever parses, so one run reports
 * a bad name and an overlapping range together.
 */
export function validateConfig(raw: RawConfig): ConfigValidation {
    const errors = CONFIG_RULES.flatMap((rule) => rule(raw));
    const parsed = parse(raw);
    const broken = new Set(errors.map((found) => found.key));
    const usable = <K extends keyof AddressPlanInput>(key: K) =>
        broken.has(key) || raw[key as ConfigKey] === undefined ? undefined : parsed[key];
    // The posture's counts: 0 (unset) means no autoscaler or no user pool.
    const usableCount = (key: ConfigKey) =>
        broken.has(key) || raw[key] === undefined || !(Number(raw[key].trim()) > 0)
            ? undefined
            : Number(raw[key].trim());
    const addressFindings = checkAddressPlan({
        vnetCidr: usable("vnetCidr"),
        kubenetSubnetCidr: usable("kubenetSubnetCidr"),
        azureCniSubnetCidr: usable("azureCniSubnetCidr"),
        servicesSubnetCidr: usable("servicesSubnetCidr"),
        podCidr: usable("podCidr"),
        serviceCidr: usable("serviceCidr"),
        dnsServiceIp: usable("dnsServiceIp"),
        nodeCount: usable("nodeCount"),
        maxPods: usable("maxPods"),
        // An unknown plugin is already an error; the plan's rules then check the ranges as kubenet's.
        networkPlugin: usable("networkPlugin"),
        azureCniCluster: usable("azureCniCluster"),
        azureCniNodeCount: usable("azureCniNodeCount"),
        azureCniMaxPods: usable("azureCniMaxPods"),
        autoscaleMaxCount: usableCount("autoscaleMaxCount"),
        userPoolNodeCount: usableCount("userPoolNodeCount"),
        userPoolAutoscaleMaxCount: usableCount("userPoolAutoscaleMaxCount"),
    });
    const allErrors = [...errors, ...addressFindings.errors];
    const rawWarnings = CONFIG_WARNINGS.flatMap((rule) => rule(raw));
    if (allErrors.length > 0) return { errors: allErrors, warnings: [...addressFindings.warnings, ...rawWarnings] };
    return {
        config: Object.freeze(parsed),
        errors: [],
        warnings: [...addressFindings.warnings, ...rawWarnings, ...replicasFitNodes(parsed)],
    };
}

/** One message listing every problem, one per line. */
export function formatProblems(problems: readonly Problem[]): string {
    return problems.map((found) => `  - ${found.key}: ${found.message}`).join("\n");
}

/** Reads the stack's raw config through the Pulumi SDK (the only place the program reads config). */
export function readRawConfig(): RawConfig {
    const project = new pulumi.Config(PROJECT_NAME);
    const raw: RawConfig = {};
    for (const key of CONFIG_KEYS) raw[key] = project.get(key);
    raw[LOCATION_KEY] = new pulumi.Config("azure-native").get("location");
    return raw;
}

/**
 * Reads and validates the stack config. Throws a RunError (shown without a stack trace)
 * listing every problem, before any resource is declared; logs warnings.
 */
export function loadStackConfig(raw: RawConfig = readRawConfig()): StackConfig {
    const result = validateConfig(raw);
    for (const found of result.warnings) void pulumi.log.warn(`${found.key}: ${found.message}`);
    if (!result.config) {
        throw new pulumi.RunError(
            `The stack configuration has ${result.errors.length} problem(s); nothing was created.\n` +
                `${formatProblems(result.errors)}\n` +
                `Change them with \`pulumi config set <key> <value>\` (keys in Pulumi.yaml, values in Pulumi.<stack>.yaml).`,
        );
    }
    return result.config;
}
