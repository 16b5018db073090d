/**
 * The posture's rules that judge the nodes and production's checks: Ephemeral OS disks and system
 * pool sizes against the VM size data (vmSizes.ts, with its sources), what production=true refuses
 * and what it warns about, and the warnings about a legacy channel and a lock kubenet may trip on.
 * config/posture.ts runs them in its order.
 */
import { Problem } from "../addressPlan";
import {
    ConfigKey,
    Finding,
    isTrue,
    itemsOf,
    LOCATION_KEY,
    problem,
    RawConfig,
    trapOf,
    trimmed,
    wholeNumber,
} from "./values";
import {
    EPHEMERAL_OS_MIN_LOCAL_DISK_GIB,
    ephemeralCapableSizes,
    SYSTEM_POOL_MIN_NODES,
    SYSTEM_POOL_MIN_PODS,
    SYSTEM_POOL_MIN_VCPUS,
} from "../posture";
import { VM_SIZES } from "../vmSizes";

/** The pools' VM sizes, by the key that sets each: the system pools' (both clusters), and the user pool's. */
function poolSizes(raw: RawConfig): Array<[ConfigKey, string]> {
    const sizes: Array<[ConfigKey, string | undefined]> = [
        ["nodeVmSize", trimmed(raw, "nodeVmSize")],
        ...((wholeNumber(raw, "userPoolNodeCount") ?? 0) > 0
            ? [["userPoolVmSize", trimmed(raw, "userPoolVmSize")] as [ConfigKey, string | undefined]]
            : []),
    ];
    return sizes.filter((entry): entry is [ConfigKey, string] => Boolean(entry[1]));
}

/**
 * An Ephemeral OS disk lives in the VM's cache or temp disk, and without osDiskSizeGB (which this
 * program never sets) AKS takes it only when that disk holds EPHEMERAL_OS_MIN_LOCAL_DISK_GIB: a
 * listed size with less is an error; an unlisted one a warning that says it could not be checked.
 */
export function ephemeralFitsVmSizes(raw: RawConfig): Finding[] {
    if (trimmed(raw, "osDiskType") !== "Ephemeral") return [];
    const needed = EPHEMERAL_OS_MIN_LOCAL_DISK_GIB;
    return poolSizes(raw).flatMap(([key, size]): Finding[] => {
        const facts = VM_SIZES[size];
        if (!facts)
            return [
                {
                    severity: "warning",
                    ...problem(
                        "ephemeralFitsVmSizes",
                        key,
                        { [key]: size, osDiskType: "Ephemeral", neededGiB: needed },
                        `${size} is not in this program's table of VM sizes, so osDiskType Ephemeral could not be checked: AKS refuses it at creation unless the size's cache or temp disk holds ${needed} GiB`,
                    ),
                },
            ];
        if (facts.localDiskGiB >= needed) return [];
        return [
            {
                severity: "error",
                ...problem(
                    "ephemeralFitsVmSizes",
                    key,
                    { [key]: size, osDiskType: "Ephemeral", localDiskGiB: facts.localDiskGiB, neededGiB: needed },
                    `${size} has ${facts.localDiskGiB === 0 ? "no cache or temp disk" : `${facts.localDiskGiB} GiB of ${facts.localDisk}`}, and without osDiskSizeGB AKS puts an Ephemeral OS disk only on ${needed} GiB or more: use a size such as ${ephemeralCapableSizes().slice(0, 3).join(", ")}, or osDiskType Managed${trapOf("osDiskType")}`,
                ),
            },
        ];
    });
}

/**
 * production=true: the posture the policy pack's production rules require, refused here first,
 * each with the setting that gives it; and a system pool of at least two nodes ("System pools must
 * contain at least two nodes", learn.microsoft.com/azure/aks/use-system-pools).
 */
export function productionPosture(raw: RawConfig): Problem[] {
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
    const nodes = wholeNumber(raw, "nodeCount");
    if (nodes !== undefined && nodes < SYSTEM_POOL_MIN_NODES)
        need(
            "nodeCount",
            { nodeCount: nodes, min: SYSTEM_POOL_MIN_NODES },
            `${nodes} system node; production needs at least ${SYSTEM_POOL_MIN_NODES} (AKS: "System pools must contain at least two nodes"), 3 across the zones is Microsoft's recommendation: set nodeCount 3`,
        );
    return found;
}

/**
 * production=true, legal but worth a line: a system pool below the sizes Microsoft asks for (4
 * vCPUs, 30 pods: use-system-pools), and availability zones, which not every region offers, nor
 * every size in a region.
 */
export function productionWarnings(raw: RawConfig): Problem[] {
    if (!isTrue(raw, "production")) return [];
    const found: Problem[] = [];
    const warn = (key: ConfigKey, values: Problem["values"], message: string) =>
        found.push(problem("productionWarnings", key, { production: true, ...values }, message));
    const size = trimmed(raw, "nodeVmSize");
    const facts = size ? VM_SIZES[size] : undefined;
    if (size && !facts)
        warn(
            "nodeVmSize",
            { nodeVmSize: size },
            `${size} is not in this program's table of VM sizes, so its vCPUs could not be checked: system pools want at least ${SYSTEM_POOL_MIN_VCPUS} (learn.microsoft.com/azure/aks/use-system-pools)`,
        );
    if (facts && facts.vCpus < SYSTEM_POOL_MIN_VCPUS)
        warn(
            "nodeVmSize",
            { nodeVmSize: size!, vCpus: facts.vCpus, min: SYSTEM_POOL_MIN_VCPUS },
            `${size} has ${facts.vCpus} vCPUs, and system pools want at least ${SYSTEM_POOL_MIN_VCPUS}: use e.g. Standard_D4ds_v5 (a new size replaces the system pool's nodes only through a new pool: set it before the cluster exists)`,
        );
    const [nodes, maxPods] = [wholeNumber(raw, "nodeCount"), wholeNumber(raw, "maxPods")];
    if (nodes !== undefined && maxPods !== undefined && nodes * maxPods < SYSTEM_POOL_MIN_PODS)
        warn(
            "maxPods",
            { nodeCount: nodes, maxPods, pods: nodes * maxPods, min: SYSTEM_POOL_MIN_PODS },
            `${nodes} nodes x maxPods ${maxPods} = ${nodes * maxPods} pods, and system pools must support at least ${SYSTEM_POOL_MIN_PODS}: raise maxPods or nodeCount`,
        );
    const zones = itemsOf(raw, "zones") ?? [];
    const location = raw[LOCATION_KEY]?.trim() || "<location>";
    if (zones.length > 0)
        warn(
            "zones",
            { zones, nodeVmSize: size ?? "" },
            `not every region has availability zones, nor every VM size in a region: check before the cluster exists (zones are set at creation only) with az vm list-skus -l ${location} --size ${size ?? "<size>"} --zone --query "[].locationInfo[].zones" (and the same for userPoolVmSize)`,
        );
    return found;
}

/**
 * upgradeChannel node-image: the API itself says "Consider using nodeOSUpgradeChannel instead as
 * that allows you to configure node OS patching separate from Kubernetes version patching" (AKS
 * API 2025-09-01), and Microsoft's auto-upgrade page calls the channel legacy
 * (learn.microsoft.com/azure/aks/auto-upgrade-cluster).
 */
export function nodeImageChannelIsLegacy(raw: RawConfig): Problem[] {
    if (trimmed(raw, "upgradeChannel") !== "node-image") return [];
    return [
        problem(
            "nodeImageChannelIsLegacy",
            "upgradeChannel",
            { upgradeChannel: "node-image" },
            "node-image is legacy: Microsoft suggests upgradeChannel patch with nodeOsUpgradeChannel NodeImage, which keeps Kubernetes patches and node images apart",
        ),
    ];
}

/**
 * deleteLock on kubenet: the resource group's CanNotDelete lock covers the route table's routes,
 * which AKS removes when nodes go (scale-down, upgrades); Azure refuses DELETE under a
 * CanNotDelete lock (MicrosoftDocs/azure-docs#56524 found a route's DELETE refused and a PUT of
 * the whole table accepted). Not tried against AKS here: a warning, not a refusal.
 */
export function deleteLockOnKubenet(raw: RawConfig): Problem[] {
    if (!isTrue(raw, "deleteLock") || trimmed(raw, "networkPlugin") !== "kubenet") return [];
    return [
        problem(
            "deleteLockOnKubenet",
            "deleteLock",
            { deleteLock: true, networkPlugin: "kubenet" },
            "locks the resource group, and with it the kubenet route table's routes, which AKS deletes when nodes go: scale-down and upgrades may fail while the lock holds (untested here; Overlay has no route table)",
        ),
    ];
}
