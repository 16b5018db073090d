/**
 * Stack configuration: read once, validated once, returned as one frozen, typed object.
 * Validation runs before any resource is declared and reports every problem in one error,
 * each naming the key as the user types it (`pulumi config set <key> <value>`).
 */
import * as pulumi from "@pulumi/pulumi";
import { AddressPlanInput, checkAddressPlan, MAIN_NETWORK_PLUGINS, MainNetworkPlugin, Problem } from "./addressPlan";

/**
 * The defaults, mirroring Pulumi.yaml (tests/config.defaults.test.ts keeps the two equal).
 * The Pulumi CLI applies Pulumi.yaml's defaults; code running under the SDK alone (tests,
 * mocks) sees only what is set, so the program applies this table itself.
 * Optional settings default to "" (Pulumi.yaml cannot declare an optional typed key
 * without a default): "" means unset.
 */
export const CONFIG_DEFAULTS = Object.freeze({
    resourceGroupName: "NetworkLab",
    vnetName: "aksvnet",
    vnetCidr: "10.220.0.0/16",
    kubenetSubnetCidr: "10.220.1.0/24",
    azureCniSubnetCidr: "10.220.2.0/24",
    servicesSubnetCidr: "10.220.3.0/24",
    clusterName: "kubenet-cluster",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIp: "10.200.0.10",
    nodeCount: 3,
    nodeVmSize: "Standard_D2s_v5",
    maxPods: 110,
    kubernetesVersion: "",
    sshPublicKey: "",
    adminUsername: "azureuser",
    nginxReplicas: 3,
    nginxNamespace: "nginx",
    nginxImage: "nginxinc/nginx-unprivileged:1.28.0-alpine",
    protect: false,
    networkPlugin: "kubenet",
    azureCniCluster: false,
    azureCniClusterName: "azurecni-cluster",
    azureCniNodeCount: 3,
    azureCniMaxPods: 30,
});

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;
export const CONFIG_KEYS = Object.keys(CONFIG_DEFAULTS) as ConfigKey[];

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
}

export interface ConfigValidation {
    /** Present when there are no errors. */
    readonly config?: StackConfig;
    readonly errors: readonly Problem[];
    readonly warnings: readonly Problem[];
}

const CLUSTER_NAME_RULE = { pattern: /^[a-zA-Z0-9](?:[-\w]{0,61}[a-zA-Z0-9])?$/, rule: "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit" };

const NAME_RULES: Partial<Record<ConfigKey, { pattern: RegExp; rule: string }>> = {
    resourceGroupName: { pattern: /^[-\w.()]{0,89}[-\w()]$/, rule: "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'" },
    vnetName: { pattern: /^\w[-\w.]{0,62}\w$/, rule: "2-64 letters, digits, '-', '_' or '.', starting with a letter or digit and ending with a letter, digit or '_'" },
    clusterName: CLUSTER_NAME_RULE,
    azureCniClusterName: CLUSTER_NAME_RULE,
    nodeVmSize: { pattern: /^Standard_[A-Za-z0-9_]+$/, rule: "an Azure VM size such as Standard_D2s_v5" },
    adminUsername: { pattern: /^[a-z_][a-z0-9_-]{0,31}$/, rule: "a Linux user name: lower-case letters, digits, '_' or '-', at most 32 characters" },
    nginxNamespace: { pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/, rule: "a DNS label: lower-case letters, digits and '-', at most 63 characters" },
    kubernetesVersion: { pattern: /^\d+\.\d+(?:\.\d+)?$/, rule: "a minor alias like 1.34 or a patch version like 1.34.2 (leave unset for the region's default)" },
    sshPublicKey: {
        pattern: /^(?:ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: .*)?$/,
        rule: "an OpenSSH public key line such as the contents of ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA... comment)",
    },
    nginxImage: { pattern: /^[\w.\-/:]+(?::[\w.-]+|@sha256:[a-f0-9]{64})$/, rule: "an image pinned to a tag or digest, like nginxinc/nginx-unprivileged:1.28.0-alpine" },
};

/** AKS refuses these Linux admin user names. */
const RESERVED_ADMIN_USERNAMES = ["root", "admin", "administrator", "guest", "user", "test", "azureadmin"];

const INTEGER_RANGES: Partial<Record<ConfigKey, [number, number]>> = {
    nodeCount: [1, Number.MAX_SAFE_INTEGER], // the upper bound is the address plan's rule
    maxPods: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], // ditto
    nginxReplicas: [1, 100],
    azureCniNodeCount: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], // the address plan's rule
    azureCniMaxPods: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], // ditto
};

/**
 * Pure validation of raw config values. Returns every error and warning; the config object
 * only when nothing is wrong.
 */
export function validateConfig(raw: RawConfig): ConfigValidation {
    const errors: Problem[] = [];
    const warnings: Problem[] = [];
    const error = (key: string, message: string) => errors.push({ key, message });

    const text = (key: ConfigKey): string => {
        const value = raw[key];
        return value === undefined ? String(CONFIG_DEFAULTS[key]) : value.trim();
    };
    const integer = (key: ConfigKey): number | undefined => {
        const value = text(key);
        if (!/^-?\d+$/.test(value)) {
            error(key, `"${value}" is not a whole number; set a number, e.g. pulumi config set ${key} ${CONFIG_DEFAULTS[key]}`);
            return undefined;
        }
        const number = Number(value);
        const [min, max] = INTEGER_RANGES[key] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
        if (number < min || number > max) {
            error(key, `${number} is out of range; use ${min} to ${max}`);
            return undefined;
        }
        return number;
    };
    const boolean = (key: ConfigKey): boolean => {
        const value = text(key).toLowerCase();
        if (value !== "true" && value !== "false") error(key, `"${text(key)}" is not a boolean; use true or false`);
        return value === "true";
    };
    const named = (key: ConfigKey): string => {
        const value = text(key);
        const rule = NAME_RULES[key];
        if (rule && !rule.pattern.test(value)) error(key, `"${value}" is not valid: use ${rule.rule}`);
        return value;
    };
    const optional = (key: ConfigKey): string | undefined => (text(key) === "" ? undefined : named(key));

    const location = raw[LOCATION_KEY]?.trim();
    if (!location) error(LOCATION_KEY, `is not set; choose the Azure region, e.g. pulumi config set ${LOCATION_KEY} eastus`);

    const nodeCount = integer("nodeCount");
    const maxPods = integer("maxPods");
    const nginxReplicas = integer("nginxReplicas");
    const adminUsername = named("adminUsername");
    if (RESERVED_ADMIN_USERNAMES.includes(adminUsername)) error("adminUsername", `"${adminUsername}" is reserved by AKS; choose another name such as azureuser`);
    const networkPlugin = text("networkPlugin") as MainNetworkPlugin;
    if (!MAIN_NETWORK_PLUGINS.includes(networkPlugin)) {
        error("networkPlugin", `"${networkPlugin}" is not a network plugin of this program; use ${MAIN_NETWORK_PLUGINS.join(" or ")} (overlay = Azure CNI Overlay)`);
    }
    const azureCniCluster = boolean("azureCniCluster");
    const clusterName = named("clusterName");
    const azureCniClusterName = named("azureCniClusterName");
    if (azureCniCluster && azureCniClusterName.toLowerCase() === clusterName.toLowerCase()) {
        error("azureCniClusterName", `"${azureCniClusterName}" is the kubenet cluster's name (clusterName); choose another, e.g. azurecni-cluster`);
    }
    const azureCniNodeCount = integer("azureCniNodeCount");
    const azureCniMaxPods = integer("azureCniMaxPods");
    if (text("nginxImage").endsWith(":latest")) error("nginxImage", `"${text("nginxImage")}" floats; pin an exact version tag or digest`);

    const addressInput = {
        vnetCidr: text("vnetCidr"),
        kubenetSubnetCidr: text("kubenetSubnetCidr"),
        azureCniSubnetCidr: text("azureCniSubnetCidr"),
        servicesSubnetCidr: text("servicesSubnetCidr"),
        podCidr: text("podCidr"),
        serviceCidr: text("serviceCidr"),
        dnsServiceIp: text("dnsServiceIp"),
        nodeCount,
        maxPods,
        // An unknown plugin is already an error above; the rules then check it as kubenet.
        networkPlugin: MAIN_NETWORK_PLUGINS.includes(networkPlugin) ? networkPlugin : undefined,
        azureCniCluster,
        azureCniNodeCount,
        azureCniMaxPods,
    };
    const addressFindings = checkAddressPlan(addressInput);
    errors.push(...addressFindings.errors);
    warnings.push(...addressFindings.warnings);

    if (nodeCount !== undefined && nginxReplicas !== undefined && nginxReplicas > nodeCount) {
        warnings.push({ key: "nginxReplicas", message: `${nginxReplicas} replicas on ${nodeCount} nodes: some nodes will run two nginx pods` });
    }
    if (azureCniCluster && azureCniNodeCount !== undefined && nginxReplicas !== undefined && nginxReplicas > azureCniNodeCount) {
        warnings.push({ key: "nginxReplicas", message: `${nginxReplicas} replicas on the Azure CNI cluster's ${azureCniNodeCount} nodes (azureCniNodeCount): some nodes will run two nginx pods` });
    }

    const config: StackConfig = {
        location: location ?? "",
        resourceGroupName: named("resourceGroupName"),
        vnetName: named("vnetName"),
        clusterName,
        nodeVmSize: named("nodeVmSize"),
        kubernetesVersion: optional("kubernetesVersion"),
        sshPublicKey: optional("sshPublicKey"),
        adminUsername,
        nginxNamespace: named("nginxNamespace"),
        nginxImage: named("nginxImage"),
        protect: boolean("protect"),
        ...addressInput,
        nodeCount: nodeCount ?? 0,
        maxPods: maxPods ?? 0,
        nginxReplicas: nginxReplicas ?? 0,
        networkPlugin,
        azureCniClusterName,
        azureCniNodeCount: azureCniNodeCount ?? 0,
        azureCniMaxPods: azureCniMaxPods ?? 0,
    };
    return errors.length > 0 ? { errors, warnings } : { config: Object.freeze(config), errors, warnings };
}

/** One message listing every problem, one per line. */
export function formatProblems(problems: readonly Problem[]): string {
    return problems.map((problem) => `  - ${problem.key}: ${problem.message}`).join("\n");
}

/** Reads the stack's raw config through the Pulumi SDK (the only place config is read). */
export function readRawConfig(): RawConfig {
    const project = new pulumi.Config(PROJECT_NAME);
    const raw: RawConfig = {};
    for (const key of CONFIG_KEYS) {
        raw[key] = project.get(key);
    }
    raw[LOCATION_KEY] = new pulumi.Config("azure-native").get("location");
    return raw;
}

/**
 * Reads and validates the stack config. Throws a RunError (shown without a stack trace)
 * listing every problem, before any resource is declared; logs warnings.
 */
export function loadStackConfig(raw: RawConfig = readRawConfig()): StackConfig {
    const result = validateConfig(raw);
    for (const warning of result.warnings) {
        pulumi.log.warn(`${warning.key}: ${warning.message}`);
    }
    if (!result.config) {
        throw new pulumi.RunError(
            `The stack configuration has ${result.errors.length} problem(s); nothing was created.\n` +
                `${formatProblems(result.errors)}\n` +
                `Change them with \`pulumi config set <key> <value>\` (keys in Pulumi.yaml, values in Pulumi.<stack>.yaml).`,
        );
    }
    return result.config;
}
