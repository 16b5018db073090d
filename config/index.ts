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
import { AddressPlanInput, checkAddressPlan, MAIN_NETWORK_PLUGINS, MainNetworkPlugin, Problem } from "../addressPlan";
import { parsePosture, POSTURE_RULES, POSTURE_WARNINGS, PostureConfig } from "./posture";
import {
    ARRAY_KEYS,
    arrayItems,
    BOOLEAN_KEYS,
    CONFIG_KEYS,
    ConfigKey,
    INTEGER_KEYS,
    LOCATION_KEY,
    problem,
    PROJECT_NAME,
    RawConfig,
} from "./values";
import { clusterAccessKnown, clusterAdminsAreObjectIds, parseGoDuration, waitsAreDurations } from "./access";
import { ClusterAccess } from "../names";

// The keys and the posture's parsed form live beside their rules; code that reads config imports them from here.
export { ARRAY_KEYS, BOOLEAN_KEYS, CONFIG_KEYS, INTEGER_KEYS, LOCATION_KEY, parseGoDuration, PROJECT_NAME };
export type { ConfigKey, PostureConfig, RawConfig };

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
    ...POSTURE_RULES,
];

/** Legal but worth a line: rules over the raw values that only warn. */
const CONFIG_WARNINGS = [...POSTURE_WARNINGS];

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
        maxSurge: optional("maxSurge"),
        posture: parsePosture(raw),
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
        // Unset: AKS's default surge, which the plan counts too.
        maxSurge: raw.maxSurge?.trim() || undefined,
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
