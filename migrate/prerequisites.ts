/**
 * The in-place move from kubenet to Azure CNI Overlay (`az aks update --network-plugin azure
 * --network-plugin-mode overlay`), its documented prerequisites as pure checks over saved JSON.
 * Source for every rule: learn.microsoft.com/azure/aks/update-azure-cni ("Update an existing
 * cluster to Azure CNI Overlay"), and the AKS changelog.
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
    /** `az aks show -o json` (CLI casing) or the ARM/SDK shape (dnsServiceIP, vnetSubnetID). */
    readonly cluster: ManagedCluster;
    /** `az network vnet subnet list -o json` for the cluster's VNet. */
    readonly subnets: readonly Subnet[];
    /** `kubectl get configmaps -n kube-system -o json`; absent = that check is skipped. */
    readonly configMaps?: V1ConfigMapList;
}

export interface MigrationVerdict {
    /** "kubenet": the prerequisites apply; "overlay": nothing to migrate; otherwise not this path. */
    readonly plugin: "kubenet" | "overlay" | "other";
    readonly prerequisites: readonly Prerequisite[];
}

/** The minimum Kubernetes version for the in-place update (update-azure-cni.md). */
export const MIN_OVERLAY_MIGRATION_VERSION: readonly [number, number] = [1, 27];
/** The custom ip-masq-agent ConfigMap AKS refuses the migration with (the managed one is "-reconciled"). */
export const CUSTOM_IP_MASQ_CONFIGMAP = "azure-ip-masq-agent-config";

/** A field under either casing: the az CLI prints dnsServiceIp/vnetSubnetId, ARM dnsServiceIP/vnetSubnetID. */
function either(object: unknown, ...keys: string[]): string | undefined {
    for (const key of keys) {
        const value = (object as Record<string, unknown> | undefined)?.[key];
        if (typeof value === "string" && value !== "") return value;
    }
    return undefined;
}
const sameId = (a?: string, b?: string) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const pass = (name: string, detail: string): Prerequisite => ({ name, status: "PASS", detail });
const fail = (name: string, detail: string): Prerequisite => ({ name, status: "FAIL", detail });

export function clusterSubnetId(cluster: ManagedCluster): string | undefined {
    return (cluster.agentPoolProfiles ?? []).map((pool) => either(pool, "vnetSubnetId", "vnetSubnetID")).find(Boolean);
}

function kubernetesVersion(cluster: ManagedCluster): Prerequisite {
    const name = `Kubernetes ${MIN_OVERLAY_MIGRATION_VERSION.join(".")} or newer`;
    const version = either(cluster, "currentKubernetesVersion", "kubernetesVersion");
    const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
    if (!match) return fail(name, `no currentKubernetesVersion in the cluster JSON; is it \`az aks show -o json\`?`);
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
    return !policy || policy.toLowerCase() === "none"
        ? pass("no network policy", "none")
        : fail(
              "no network policy",
              `networkPolicy is ${policy}: remove it first (${policy.toLowerCase() === "calico" ? "uninstall Calico: " : ""}az aks update --network-policy none), then re-apply policies after the move`,
          );
}

function userAssignedIdentity(cluster: ManagedCluster): Prerequisite {
    const type = cluster.identity?.type ?? "none";
    return type.toLowerCase() === "userassigned"
        ? pass(
              "user-assigned control-plane identity",
              `UserAssigned (${Object.keys(cluster.identity?.userAssignedIdentities ?? {})
                  .map((id) => id.split("/").pop())
                  .join(", ")})`,
          )
        : fail(
              "user-assigned control-plane identity",
              `identity is ${type}: a system-assigned identity cannot detach the route table; move to a user-assigned identity first (az aks update --enable-managed-identity --assign-identity <id>)`,
          );
}

function routeTableNotShared(cluster: ManagedCluster, subnets: readonly Subnet[]): Prerequisite {
    const name = "route table attached to the cluster's subnet only";
    const subnetId = clusterSubnetId(cluster);
    const own = subnets.find((subnet) => sameId(subnet.id, subnetId));
    if (!subnetId)
        return fail(
            name,
            "the cluster's pools name no subnet: AKS manages that VNet and its route table itself; this runbook is for a bring-your-own subnet",
        );
    if (!own)
        return fail(
            name,
            `the subnets file has no ${subnetId.split("/").pop()} (${subnetId}): list the cluster's VNet (az network vnet subnet list -g <rg> --vnet-name <vnet>)`,
        );
    const table = own.routeTable?.id;
    if (!table) return pass(name, `subnet ${own.name} has no route table (AKS has nothing to detach)`);
    const sharing = subnets.filter((subnet) => !sameId(subnet.id, own.id) && sameId(subnet.routeTable?.id, table));
    return sharing.length === 0
        ? pass(name, `${table.split("/").pop()} is on ${own.name} only`)
        : fail(
              name,
              `${table.split("/").pop()} is also on ${sharing.map((subnet) => subnet.name).join(", ")} (an AGIC subnet, say): give those subnets their own route table first (MicrosoftDocs/azure-aks-docs#334)`,
          );
}

function noCustomIpMasqConfig(configMaps: V1ConfigMapList | undefined): Prerequisite {
    const name = `no custom ${CUSTOM_IP_MASQ_CONFIGMAP} in kube-system`;
    if (!configMaps)
        return {
            name,
            status: "SKIP",
            detail: "not checked: give --configmaps (kubectl get configmaps -n kube-system -o json)",
        };
    const custom = configMaps.items.find(
        (item) =>
            item.metadata?.name === CUSTOM_IP_MASQ_CONFIGMAP &&
            (item.metadata?.namespace ?? "kube-system") === "kube-system",
    );
    return custom
        ? fail(
              name,
              `kube-system/${CUSTOM_IP_MASQ_CONFIGMAP} exists: AKS refuses the migration with it; move its nonMasqueradeCIDRs elsewhere and delete it (the managed ${CUSTOM_IP_MASQ_CONFIGMAP}-reconciled stays)`,
          )
        : pass(name, `${configMaps.items.length} ConfigMaps, none of them ${CUSTOM_IP_MASQ_CONFIGMAP}`);
}

function podCidrValidForOverlay(cluster: ManagedCluster, subnets: readonly Subnet[]): Prerequisite {
    const name = "pod CIDR valid for Overlay";
    const profile = cluster.networkProfile ?? {};
    const podCidr = either(profile, "podCidr");
    if (!podCidr)
        return fail(name, "the cluster has no podCidr; kubenet always has one: is this the right cluster JSON?");
    // The address plan's own rules (reserved ranges, service range), run as for an Overlay cluster.
    const findings = checkAddressPlan({
        podCidr,
        serviceCidr: either(profile, "serviceCidr"),
        dnsServiceIp: either(profile, "dnsServiceIp", "dnsServiceIP"),
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

export function checkMigration(input: MigrationInput): MigrationVerdict {
    const plugin = pluginOfProfile(input.cluster.networkProfile);
    if (plugin === NETWORK_PLUGINS.overlay) return { plugin: "overlay", prerequisites: [] };
    if (plugin !== NETWORK_PLUGINS.kubenet) return { plugin: "other", prerequisites: [] };
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
    };
}
