/**
 * The in-place move from kubenet to Azure CNI Overlay (`az aks update --network-plugin azure
 * --network-plugin-mode overlay`), its documented prerequisites as pure checks over the documents
 * `az` and `kubectl` print (read and normalized by cli/documents.ts: the JS SDK's shape, whichever
 * shape the file had). Source for every rule: learn.microsoft.com/azure/aks/update-azure-cni
 * ("Update an existing cluster to Azure CNI Overlay"), and the AKS changelog.
 *
 * Three kinds of answer: a prerequisite that fails (something to fix first), a cluster this runbook
 * does not cover (out of scope: said in one line, never as a FAIL), and documents that cannot
 * answer the question (unusable input).
 */
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { Subnet } from "@azure/arm-network";
import type { V1ConfigMapList } from "@kubernetes/client-node";
import { checkAddressPlan, cidr, NETWORK_PLUGINS, overlaps, parseCidr, pluginOfProfile } from "../addressPlan";

export type PrerequisiteStatus = "PASS" | "FAIL" | "SKIP";

export interface Prerequisite {
    readonly name: string;
    readonly status: PrerequisiteStatus;
    /** What was seen, and for a FAIL what to do. */
    readonly detail: string;
}

export interface MigrationInput {
    /** `az aks show -o json`, or the ARM document; normalized to the JS SDK's shape. */
    readonly cluster: ManagedCluster;
    /** `az network vnet subnet list -o json` for the cluster's VNet; normalized likewise. */
    readonly subnets: readonly Subnet[];
    /** `kubectl get configmaps -n kube-system -o json`; absent = that check is skipped. */
    readonly configMaps?: V1ConfigMapList;
}

/** Why the runbook does not apply to a cluster, in one sentence that says what to do instead. */
export type OutOfScope = "managedVnet" | "servicePrincipal" | "noPodCidr";

export interface MigrationVerdict {
    /** "kubenet": the prerequisites apply; "overlay": nothing to migrate; otherwise not this path. */
    readonly plugin: "kubenet" | "overlay" | "other";
    readonly prerequisites: readonly Prerequisite[];
    /** What puts the cluster outside this runbook, with the sentence for each. */
    readonly outOfScope: ReadonlyArray<{ readonly reason: OutOfScope; readonly message: string }>;
    /** Set when the documents cannot answer (a subnets file of another VNet): the reason. */
    readonly unusable?: string;
}

/** The minimum Kubernetes version for the in-place update (update-azure-cni.md). */
export const MIN_OVERLAY_MIGRATION_VERSION: readonly [number, number] = [1, 27];
/** The custom ip-masq-agent ConfigMap AKS refuses the migration with (the managed one is "-reconciled"). */
export const CUSTOM_IP_MASQ_CONFIGMAP = "azure-ip-masq-agent-config";

const sameId = (a?: string, b?: string) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const lastSegment = (id: string) => id.split("/").pop() ?? id;
const pass = (name: string, detail: string): Prerequisite => ({ name, status: "PASS", detail });
const fail = (name: string, detail: string): Prerequisite => ({ name, status: "FAIL", detail });
const skip = (name: string, detail: string): Prerequisite => ({ name, status: "SKIP", detail });

/** The subnet the cluster's pools name (the first that names one), or undefined for a VNet AKS manages. */
export function clusterSubnetId(cluster: ManagedCluster): string | undefined {
    return (cluster.agentPoolProfiles ?? [])
        .map((pool) => pool.vnetSubnetID)
        .find((id): id is string => typeof id === "string" && id !== "");
}

/** A cluster without a managed identity signs in as a service principal (servicePrincipalProfile). */
function usesServicePrincipal(cluster: ManagedCluster): boolean {
    const type = cluster.identity?.type;
    return type === undefined || type === null || type.toLowerCase() === "none";
}

function outOfScope(cluster: ManagedCluster): MigrationVerdict["outOfScope"] {
    const found: Array<MigrationVerdict["outOfScope"][number]> = [];
    if (!clusterSubnetId(cluster)) {
        found.push({
            reason: "managedVnet",
            message:
                "its VNet is one AKS manages (no pool names a subnet): this runbook is for a cluster in its own subnet, " +
                "on a route table the program owns; for a managed VNet, AKS's guide applies as it is",
        });
    }
    if (usesServicePrincipal(cluster)) {
        found.push({
            reason: "servicePrincipal",
            message:
                "it signs in with a service principal (no managed identity): the move needs a user-assigned managed " +
                "identity, which detaches the route table; move to one first " +
                "(az aks update --enable-managed-identity --assign-identity <user-assigned identity id>)",
        });
    }
    if (pluginOfProfile(cluster.networkProfile) === NETWORK_PLUGINS.kubenet && !cluster.networkProfile?.podCidr) {
        found.push({
            reason: "noPodCidr",
            message:
                "this kubenet cluster's JSON has no podCidr, which every kubenet cluster has: an old API version or an " +
                "incomplete capture; write it again with a current az CLI (az aks show -o json)",
        });
    }
    return found;
}

function kubernetesVersion(cluster: ManagedCluster): Prerequisite {
    const name = `Kubernetes ${MIN_OVERLAY_MIGRATION_VERSION.join(".")} or newer`;
    const version = cluster.currentKubernetesVersion ?? cluster.kubernetesVersion;
    const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
    if (!match) return skip(name, "the cluster JSON names no Kubernetes version");
    const [major, minor] = [Number(match[1]), Number(match[2])];
    const [wantMajor, wantMinor] = MIN_OVERLAY_MIGRATION_VERSION;
    return major > wantMajor || (major === wantMajor && minor >= wantMinor)
        ? pass(name, `running ${version}`)
        : fail(
              name,
              `running ${version}: upgrade first (az aks upgrade --kubernetes-version ${wantMajor}.${wantMinor} or newer)`,
          );
}

function noNetworkPolicy(cluster: ManagedCluster): Prerequisite {
    const policy = cluster.networkProfile?.networkPolicy;
    if (!policy || policy.toLowerCase() === "none") return pass("no network policy", "none");
    const calico = policy.toLowerCase() === "calico" ? "uninstall Calico: " : "";
    return fail(
        "no network policy",
        `networkPolicy is ${policy}: remove it first (${calico}az aks update --network-policy none), then re-apply policies after the move`,
    );
}

function userAssignedIdentity(cluster: ManagedCluster): Prerequisite {
    const name = "user-assigned control-plane identity";
    if (usesServicePrincipal(cluster)) return skip(name, "a service principal, not a managed identity (see below)");
    const type = cluster.identity!.type!;
    if (type.toLowerCase() === "userassigned") {
        return pass(
            name,
            `UserAssigned (${Object.keys(cluster.identity?.userAssignedIdentities ?? {})
                .map(lastSegment)
                .join(", ")})`,
        );
    }
    return fail(
        name,
        `identity is ${type}: a system-assigned identity cannot detach the route table; ` +
            "move to a user-assigned identity first (az aks update --enable-managed-identity --assign-identity <id>)",
    );
}

function routeTableNotShared(cluster: ManagedCluster, subnets: readonly Subnet[]): Prerequisite {
    const name = "route table attached to the cluster's subnet only";
    const subnetId = clusterSubnetId(cluster);
    if (!subnetId) return skip(name, "AKS manages the VNet and its route table (see below)");
    const own = subnets.find((subnet) => sameId(subnet.id, subnetId))!;
    const table = own.routeTable?.id;
    if (!table) return pass(name, `subnet ${own.name} has no route table (AKS has nothing to detach)`);
    const sharing = subnets.filter((subnet) => !sameId(subnet.id, own.id) && sameId(subnet.routeTable?.id, table));
    return sharing.length === 0
        ? pass(name, `${lastSegment(table)} is on ${own.name} only`)
        : fail(
              name,
              `${lastSegment(table)} is also on ${sharing.map((subnet) => subnet.name).join(", ")} (an AGIC subnet, say): ` +
                  "give those subnets their own route table first (MicrosoftDocs/azure-aks-docs#334)",
          );
}

function noCustomIpMasqConfig(configMaps: V1ConfigMapList | undefined): Prerequisite {
    const name = `no custom ${CUSTOM_IP_MASQ_CONFIGMAP} in kube-system`;
    if (!configMaps)
        return skip(name, "not checked: give --configmaps (kubectl get configmaps -n kube-system -o json)");
    const custom = configMaps.items.find(
        (item) =>
            item.metadata?.name === CUSTOM_IP_MASQ_CONFIGMAP &&
            (item.metadata?.namespace ?? "kube-system") === "kube-system",
    );
    return custom
        ? fail(
              name,
              `kube-system/${CUSTOM_IP_MASQ_CONFIGMAP} exists: AKS refuses the migration with it; move its nonMasqueradeCIDRs ` +
                  `elsewhere and delete it (the managed ${CUSTOM_IP_MASQ_CONFIGMAP}-reconciled stays)`,
          )
        : pass(name, `${configMaps.items.length} ConfigMaps, none of them ${CUSTOM_IP_MASQ_CONFIGMAP}`);
}

function podCidrValidForOverlay(cluster: ManagedCluster, subnets: readonly Subnet[]): Prerequisite {
    const name = "pod CIDR valid for Overlay";
    const profile = cluster.networkProfile ?? {};
    const podCidr = profile.podCidr;
    if (!podCidr) return skip(name, "the cluster JSON has no podCidr (see below)");
    // The address plan's own rules (reserved ranges, service range), run as for an Overlay cluster.
    const findings = checkAddressPlan({
        podCidr,
        serviceCidr: profile.serviceCidr,
        dnsServiceIp: profile.dnsServiceIP,
        networkPlugin: "overlay",
    });
    const problems = findings.errors.filter((problem) => problem.key === "podCidr").map((problem) => problem.message);
    const parsed = parseCidr(podCidr);
    if (parsed.ok) {
        for (const subnet of subnets) {
            for (const prefix of [subnet.addressPrefix, ...(subnet.addressPrefixes ?? [])].filter(
                (value): value is string => Boolean(value),
            )) {
                if (overlaps(parsed.value, cidr(prefix)))
                    problems.push(`${podCidr} overlaps subnet ${subnet.name} ${prefix}`);
            }
        }
    }
    return problems.length === 0
        ? pass(name, `${podCidr} (kept as is: every node keeps its /24)`)
        : fail(name, problems.join("; "));
}

/** When the subnets file cannot answer for this cluster: it lists another VNet. */
function subnetsFileProblem(cluster: ManagedCluster, subnets: readonly Subnet[]): string | undefined {
    const subnetId = clusterSubnetId(cluster);
    if (!subnetId || subnets.some((subnet) => sameId(subnet.id, subnetId))) return undefined;
    return `--subnets has no subnet ${lastSegment(subnetId)} (${subnetId}), the cluster's: it lists another VNet`;
}

export function checkMigration(input: MigrationInput): MigrationVerdict {
    const plugin = pluginOfProfile(input.cluster.networkProfile);
    if (plugin === NETWORK_PLUGINS.overlay) return { plugin: "overlay", prerequisites: [], outOfScope: [] };
    if (plugin !== NETWORK_PLUGINS.kubenet) return { plugin: "other", prerequisites: [], outOfScope: [] };
    const unusable = subnetsFileProblem(input.cluster, input.subnets);
    if (unusable) return { plugin: "kubenet", prerequisites: [], outOfScope: [], unusable };
    return {
        plugin: "kubenet",
        prerequisites: [
            kubernetesVersion(input.cluster),
            noNetworkPolicy(input.cluster),
            userAssignedIdentity(input.cluster),
            routeTableNotShared(input.cluster, input.subnets),
            noCustomIpMasqConfig(input.configMaps),
            podCidrValidForOverlay(input.cluster, input.subnets),
        ],
        outOfScope: outOfScope(input.cluster),
    };
}
