/**
 * AKS's own rules, the service-side checks no spec expresses, written from Microsoft's docs, the
 * AKS issue tracker and real ARM captures, each with its source: a second opinion beside the
 * program's address plan (addressPlan/) and the preview guard's table (azureFacts/replacements.ts),
 * neither of which this module reads, so that the two can disagree. Its CIDR arithmetic is its own
 * (ipaddr.js), for the same reason.
 *
 * Where AKS's exact error code or wording was found it is used; where only the rule was found, the
 * code is InvalidParameter and the message the stand-in's, and AKS_RULES says so.
 */
import { isObject, text, type JsonObject } from "../azureModel";
import * as ipaddr from "ipaddr.js";
import type { Json } from "../../azureFacts/contract";
import type { ArmError } from "./errors";

export interface AksRule {
    readonly id: string;
    /** When AKS applies it: creating a cluster (or pool), or changing an existing one. */
    readonly on: "create" | "update";
    readonly code: string;
    readonly rule: string;
    readonly source: string;
    /** Whether the code and wording are AKS's own (found in a source) or the stand-in's. */
    readonly wording: "AKS's" | "the stand-in's";
}

export const AKS_RULES: readonly AksRule[] = Object.freeze([
    {
        id: "service-cidr-overlaps-network",
        on: "create",
        code: "ServiceCidrOverlapExistingSubnetsCidr",
        rule: "the service CIDR must not overlap the cluster's subnet or its VNet",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (the service range must not be used by any network element of or connected to the VNet); the code from Azure/AKS#1117",
        wording: "AKS's",
    },
    {
        id: "dns-ip-outside-service-cidr",
        on: "create",
        code: "InvalidParameter",
        rule: "dnsServiceIP must lie inside the service CIDR",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (--dns-service-ip: within the Kubernetes service address range)",
        wording: "the stand-in's",
    },
    {
        id: "dns-ip-first-address",
        on: "create",
        code: "InvalidParameter",
        rule: "dnsServiceIP must not be the service CIDR's first address (.1, the kubernetes Service's)",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (don't use the first IP address in your address range)",
        wording: "the stand-in's",
    },
    {
        id: "service-cidr-too-large",
        on: "create",
        code: "InvalidParameter",
        rule: "the service CIDR must be smaller than /12",
        source: "learn.microsoft.com/azure/aks/concepts-network-ip-address-planning (service CIDR smaller than /12)",
        wording: "the stand-in's",
    },
    {
        id: "reserved-range",
        on: "create",
        code: "InvalidParameter",
        rule: "the service and pod CIDRs must not use 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 or 192.0.2.0/24",
        source: "learn.microsoft.com/azure/aks/concepts-network-ip-address-planning (ranges AKS reserves)",
        wording: "the stand-in's",
    },
    {
        id: "pod-cidr-overlaps-network",
        on: "create",
        code: "InvalidParameter",
        rule: "kubenet's and Overlay's pod CIDR must not overlap the cluster's subnet or its VNet",
        source: "learn.microsoft.com/cli/azure/aks#az-aks-create (--pod-cidr: must not overlap with any subnet IP ranges); learn.microsoft.com/azure/aks/azure-cni-overlay (the pod CIDR must not overlap the cluster subnet)",
        wording: "the stand-in's",
    },
    {
        id: "kubenet-max-pods",
        on: "create",
        code: "InvalidParameter",
        rule: "with kubenet or Overlay a pool's maxPods lies between 10 and 250",
        source: "learn.microsoft.com/azure/aks/configure-kubenet and concepts-network-ip-address-planning (kubenet: default 110, maximum 250); learn.microsoft.com/azure/aks/azure-cni-overlay (up to 250 pods per node)",
        wording: "the stand-in's",
    },
    {
        id: "kubenet-own-subnet-identity",
        on: "create",
        code: "InvalidParameter",
        rule: "kubenet in the program's own subnet needs a user-assigned identity granted before the cluster: a system-assigned one exists only once the cluster does",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (with an ARM template or another client than the Azure CLI, use a user-assigned managed identity and assign its permissions before creating the cluster)",
        wording: "the stand-in's",
    },
    {
        id: "kubenet-node-limit",
        on: "create",
        code: "InvalidParameter",
        rule: "a kubenet cluster has at most 400 nodes: AKS writes one route per node and a route table holds 400",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (limitations: up to 400 nodes, the route table limit)",
        wording: "the stand-in's",
    },
    {
        id: "system-pool-required",
        on: "create",
        code: "InvalidParameter",
        rule: "a cluster needs at least one System pool",
        source: 'AKS\'s answer "Must define at least one system pool." (ansible-collections/azure#164)',
        wording: "AKS's",
    },
    {
        id: "immutable-network",
        on: "update",
        code: "PropertyChangeNotAllowed",
        rule: "podCidr, serviceCidr and dnsServiceIP cannot change on an existing cluster",
        source: "learn.microsoft.com/azure/aks/configure-kubenet (the pod CIDR can't be changed after the cluster is created); az aks update has no option to change the service CIDR or DNS IP (learn.microsoft.com/cli/azure/aks#az-aks-update); the code and wording from the AKS answers in pulumi/pulumi-azure-native#959",
        wording: "AKS's",
    },
    {
        id: "network-plugin-change",
        on: "update",
        code: "PropertyChangeNotAllowed",
        rule: "the network plugin changes in place only from kubenet to Azure CNI Overlay",
        source: "learn.microsoft.com/azure/aks/update-azure-cni (the in-place upgrades AKS offers)",
        wording: "AKS's",
    },
    {
        id: "entra-one-way",
        on: "update",
        code: "InvalidParameter",
        rule: "Microsoft Entra ID integration cannot be turned off once on",
        source: "learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id (Microsoft Entra integration can't be disabled after it's enabled)",
        wording: "the stand-in's",
    },
    {
        id: "oidc-issuer-one-way",
        on: "update",
        code: "InvalidParameter",
        rule: "the OIDC issuer cannot be turned off once on",
        source: "learn.microsoft.com/azure/aks/use-oidc-issuer (disabling the OIDC issuer isn't supported)",
        wording: "the stand-in's",
    },
    {
        id: "node-resource-group",
        on: "update",
        code: "PropertyChangeNotAllowed",
        rule: "the node resource group cannot be renamed",
        source: "learn.microsoft.com/azure/aks/faq (the node resource group's name is chosen at creation; it can't be changed afterwards)",
        wording: "AKS's",
    },
    {
        id: "pool-immutable",
        on: "update",
        code: "PropertyChangeNotAllowed",
        rule: "a pool's vmSize, availability zones, OS disk type and size, maxPods and GPU instance profile cannot change",
        source: 'vmSize: "Changing property \\"agentPoolProfile.vmSize\\" is not allowed in an api-version before 2026-01-02-preview" (Azure/bicep-registry-modules#7130) and learn.microsoft.com/azure/aks/manage-node-pools (limitations); zones: learn.microsoft.com/azure/aks/availability-zones-overview; OS disk: learn.microsoft.com/azure/aks/concepts-storage; maxPods: pulumi/pulumi-azure-native#959 and #2774; GPU profile: learn.microsoft.com/azure/aks/gpu-multi-instance',
        wording: "AKS's",
    },
]);

/**
 * The resource-log categories a diagnostic setting on an AKS cluster may name: Azure Monitor's
 * "Supported logs for Microsoft.ContainerService/managedClusters" (MicrosoftDocs/azure-reference-other,
 * azure-monitor-ref/supported-logs/includes/microsoft-containerservice-managedclusters-logs-include.md
 * at commit 90acb95d, generated from Azure's API: the eleven from cloud-controller-manager to
 * kube-scheduler), and the three fleet categories learn.microsoft.com's page of that name lists
 * since. Azure's code for another category was not found: the stand-in answers BadRequest in its
 * own words.
 */
export const AKS_RESOURCE_LOG_CATEGORIES: readonly string[] = Object.freeze([
    "cloud-controller-manager",
    "cluster-autoscaler",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
    "guard",
    "kube-apiserver",
    "kube-audit",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "fleet-mcs-controller-manager",
    "fleet-member-agent",
    "fleet-member-net-controller-manager",
]);

/** Not found in any source, so the stand-in does not refuse them: said here so nobody assumes otherwise. */
export const AKS_RULES_WITHOUT_SOURCE: readonly string[] = Object.freeze([
    "the pod CIDR overlapping the service CIDR (no Microsoft statement found that AKS refuses it at create)",
    "a pod CIDR sent with classic Azure CNI (the 2018 refusals in hashicorp/terraform-provider-azurerm#1648 and #4286 were not found for API 2025-09-01; azure-native's SDK sends its default 10.244.0.0/16 with every networkProfile)",
    "dnsPrefix changing on an existing cluster (no statement found; azure-native replaces the cluster for it anyway)",
    "a pool's subnet (vnetSubnetID) changing (no statement found)",
]);

const ruleById = new Map(AKS_RULES.map((rule) => [rule.id, rule]));
function refusal(id: string, message: string, target: string): ArmError {
    return { code: ruleById.get(id)!.code, message: `${message} (${ruleById.get(id)!.source})`, target };
}

/** The parsed CIDR, or undefined for one that is not IPv4 CIDR text (the spec's pattern judges the text). */
function parseCidr(text: Json | undefined): [ipaddr.IPv4, number] | undefined {
    if (typeof text !== "string" || !ipaddr.IPv4.isValidCIDR(text)) return undefined;
    return ipaddr.IPv4.parseCIDR(text);
}

/** Whether two CIDRs share an address: one contains the other's network address. */
function overlaps(a: [ipaddr.IPv4, number], b: [ipaddr.IPv4, number]): boolean {
    const bits = Math.min(a[1], b[1]);
    return a[0].match(b[0], bits);
}

const RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"].map((text) => parseCidr(text)!);

/** A pool as AKS judges it: from the cluster's inline profiles or an AgentPool's properties. */
export interface PoolView {
    readonly name: string;
    readonly target: string;
    readonly properties: JsonObject;
}

/** The network the cluster's nodes live in: their subnet's and VNet's address ranges (AKS-managed when absent). */
export interface NetworkView {
    readonly subnetPrefixes: readonly string[];
    readonly vnetPrefixes: readonly string[];
}

const poolCount = (pool: JsonObject): number =>
    Number(pool.enableAutoScaling === true ? (pool.maxCount ?? pool.count ?? 0) : (pool.count ?? 1));

/** What AKS refuses when a cluster is created (or its network re-judged), from its ARM body. */
export function clusterCreateRefusals(body: JsonObject, pools: readonly PoolView[], network: NetworkView): ArmError[] {
    const properties = isObject(body.properties) ? body.properties : {};
    const profile = isObject(properties.networkProfile) ? properties.networkProfile : {};
    const at = "properties.networkProfile";
    const errors: ArmError[] = [];
    const ranges = [...network.subnetPrefixes, ...network.vnetPrefixes].map(parseCidr).filter((range) => !!range);
    const service = parseCidr(profile.serviceCidr);
    if (service) {
        const hit = ranges.find((range) => overlaps(range, service));
        if (hit)
            errors.push(
                refusal(
                    "service-cidr-overlaps-network",
                    `The specified service CIDR ${text(profile.serviceCidr)} is conflicted with an existing subnet CIDR ${hit[0].toString()}/${hit[1]}`,
                    `${at}.serviceCidr`,
                ),
            );
        if (service[1] < 12)
            errors.push(
                refusal(
                    "service-cidr-too-large",
                    `The service CIDR ${text(profile.serviceCidr)} is larger than /12`,
                    `${at}.serviceCidr`,
                ),
            );
        if (RESERVED.some((range) => overlaps(range, service)))
            errors.push(
                refusal(
                    "reserved-range",
                    `The service CIDR ${text(profile.serviceCidr)} uses a range AKS reserves`,
                    `${at}.serviceCidr`,
                ),
            );
        const dns =
            typeof profile.dnsServiceIP === "string" && ipaddr.IPv4.isValid(profile.dnsServiceIP)
                ? ipaddr.IPv4.parse(profile.dnsServiceIP)
                : undefined;
        if (dns && !dns.match(service))
            errors.push(
                refusal(
                    "dns-ip-outside-service-cidr",
                    `The DNS service IP ${text(profile.dnsServiceIP)} is not inside the service CIDR ${text(profile.serviceCidr)}`,
                    `${at}.dnsServiceIP`,
                ),
            );
        const first = new ipaddr.IPv4(
            ipaddr.IPv4.networkAddressFromCIDR(text(profile.serviceCidr))
                .toByteArray()
                .map((byte, index) => (index === 3 ? byte + 1 : byte)),
        );
        if (dns && dns.toString() === first.toString())
            errors.push(
                refusal(
                    "dns-ip-first-address",
                    `The DNS service IP ${text(profile.dnsServiceIP)} is the first address of the service CIDR, which the kubernetes Service takes`,
                    `${at}.dnsServiceIP`,
                ),
            );
    }
    const kubenet = profile.networkPlugin === "kubenet";
    const overlay = profile.networkPluginMode === "overlay";
    const pod = kubenet || overlay ? parseCidr(profile.podCidr) : undefined;
    if (pod) {
        const hit = ranges.find((range) => overlaps(range, pod));
        if (hit)
            errors.push(
                refusal(
                    "pod-cidr-overlaps-network",
                    `The pod CIDR ${text(profile.podCidr)} overlaps the node network ${hit[0].toString()}/${hit[1]}`,
                    `${at}.podCidr`,
                ),
            );
        if (RESERVED.some((range) => overlaps(range, pod)))
            errors.push(
                refusal(
                    "reserved-range",
                    `The pod CIDR ${text(profile.podCidr)} uses a range AKS reserves`,
                    `${at}.podCidr`,
                ),
            );
    }
    if (kubenet || overlay)
        for (const pool of pools) {
            const maxPods = pool.properties.maxPods;
            if (typeof maxPods === "number" && (maxPods < 10 || maxPods > 250))
                errors.push(
                    refusal(
                        "kubenet-max-pods",
                        `maxPods ${maxPods} of pool ${pool.name} is outside 10 to 250`,
                        `${pool.target}.maxPods`,
                    ),
                );
        }
    if (kubenet) {
        const identity = isObject(body.identity) ? body.identity : {};
        const ownSubnet = pools.some((pool) => typeof pool.properties.vnetSubnetID === "string");
        if (ownSubnet && identity.type === "SystemAssigned")
            errors.push(
                refusal(
                    "kubenet-own-subnet-identity",
                    "A kubenet cluster in your own subnet needs a user-assigned identity with Network Contributor on the subnet before it is created",
                    "identity.type",
                ),
            );
        const nodes = pools.reduce((sum, pool) => sum + poolCount(pool.properties), 0);
        if (nodes > 400)
            errors.push(
                refusal(
                    "kubenet-node-limit",
                    `${nodes} nodes exceed kubenet's 400 (one route each in a 400-route table)`,
                    "properties.agentPoolProfiles",
                ),
            );
    }
    const inline = Array.isArray(properties.agentPoolProfiles) ? properties.agentPoolProfiles.filter(isObject) : [];
    if (inline.length > 0 && !pools.some((pool) => text(pool.properties.mode ?? "").toLowerCase() === "system"))
        errors.push(
            refusal("system-pool-required", "Must define at least one system pool.", "properties.agentPoolProfiles"),
        );
    return errors;
}

const valueAt = (object: Json | undefined, path: readonly string[]): Json | undefined =>
    path.reduce<Json | undefined>((current, key) => (isObject(current) ? current[key] : undefined), object);
const differs = (a: Json | undefined, b: Json | undefined) =>
    a !== undefined && a !== null && b !== undefined && b !== null && JSON.stringify(a) !== JSON.stringify(b);
const changeNotAllowed = (id: string, target: string) =>
    refusal(id, `Changing property '${target}' is not allowed.`, target);

/** The pool properties AKS refuses to change (pool-immutable), as ARM names them inside a pool. */
export const IMMUTABLE_POOL_PROPERTIES = [
    "vmSize",
    "availabilityZones",
    "osDiskType",
    "osDiskSizeGB",
    "maxPods",
    "gpuInstanceProfile",
] as const;

/** What AKS refuses when a pool changes: `before` and `after` are the pool's ARM properties. */
export function poolUpdateRefusals(before: JsonObject, after: JsonObject, target: string): ArmError[] {
    const zones = (pool: JsonObject) => (Array.isArray(pool.availabilityZones) ? pool.availabilityZones : []);
    // A value the PUT leaves out changes nothing; one it declares must be what the pool has (or had none).
    const declaredOtherwise = (name: string) =>
        after[name] !== undefined &&
        after[name] !== null &&
        JSON.stringify(before[name] ?? null) !== JSON.stringify(after[name]);
    return IMMUTABLE_POOL_PROPERTIES.filter((name) =>
        name === "availabilityZones"
            ? JSON.stringify(zones(before)) !== JSON.stringify(zones(after))
            : declaredOtherwise(name),
    ).map((name) => changeNotAllowed("pool-immutable", `${target}.${name}`));
}

/** What AKS refuses when an existing cluster's PUT changes it, from the GET body before and the PUT body. */
export function clusterUpdateRefusals(before: JsonObject, after: JsonObject): ArmError[] {
    const errors: ArmError[] = [];
    const at = (...path: string[]) => ["properties", ...path];
    for (const field of ["podCidr", "serviceCidr", "dnsServiceIP"])
        if (differs(valueAt(before, at("networkProfile", field)), valueAt(after, at("networkProfile", field))))
            errors.push(changeNotAllowed("immutable-network", `properties.networkProfile.${field}`));
    const plugin = (body: JsonObject) => ({
        plugin: valueAt(body, at("networkProfile", "networkPlugin")),
        mode: valueAt(body, at("networkProfile", "networkPluginMode")),
    });
    const [from, to] = [plugin(before), plugin(after)];
    const toOverlay = from.plugin === "kubenet" && to.plugin === "azure" && to.mode === "overlay";
    if (
        (differs(from.plugin, to.plugin) || (from.mode ?? null) !== (to.mode ?? null)) &&
        !toOverlay &&
        to.plugin !== undefined
    )
        errors.push(changeNotAllowed("network-plugin-change", "properties.networkProfile.networkPlugin"));
    if (valueAt(before, at("aadProfile", "managed")) === true && valueAt(after, at("aadProfile", "managed")) !== true)
        errors.push(
            refusal(
                "entra-one-way",
                "Microsoft Entra ID integration cannot be disabled once enabled",
                "properties.aadProfile.managed",
            ),
        );
    if (
        valueAt(before, at("oidcIssuerProfile", "enabled")) === true &&
        valueAt(after, at("oidcIssuerProfile", "enabled")) !== true
    )
        errors.push(
            refusal(
                "oidc-issuer-one-way",
                "The OIDC issuer cannot be disabled once enabled",
                "properties.oidcIssuerProfile.enabled",
            ),
        );
    if (differs(valueAt(before, at("nodeResourceGroup")), valueAt(after, at("nodeResourceGroup"))))
        errors.push(changeNotAllowed("node-resource-group", "properties.nodeResourceGroup"));
    const pools = (body: JsonObject) => {
        const list = valueAt(body, at("agentPoolProfiles"));
        return new Map((Array.isArray(list) ? list.filter(isObject) : []).map((pool) => [text(pool.name), pool]));
    };
    const afterPools = pools(after);
    for (const [name, old] of pools(before)) {
        const next = afterPools.get(name);
        if (next) errors.push(...poolUpdateRefusals(old, next, "agentPoolProfile"));
    }
    return errors;
}
