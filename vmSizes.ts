/**
 * The VM sizes whose facts the program checks: vCPUs (a system pool wants at least 4) and the
 * local disk an Ephemeral OS disk can live on, its cache or, on the newer series (which have no
 * cache), its temporary disk; 0 = neither (remote storage only). From Microsoft's size pages
 * (learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/: dsv2-series "cache size in
 * GiB", dsv3-series, dsv5-series "Remote Storage Only", ddsv5-series and dadsv5-series temp
 * storage; memory-optimized/ebdsv5-series, as learn.microsoft.com/azure/aks/concepts-storage quotes
 * it). A size not listed is not checked: the rules say so in a warning.
 */
export interface VmSize {
    readonly vCpus: number;
    /** GiB of the disk an Ephemeral OS disk can use. */
    readonly localDiskGiB: number;
    readonly localDisk: "cache" | "temp disk" | "none";
}

const size = (vCpus: number, localDiskGiB: number, localDisk: VmSize["localDisk"]): VmSize => ({
    vCpus,
    localDiskGiB,
    localDisk,
});

export const VM_SIZES: Readonly<Record<string, VmSize>> = Object.freeze({
    Standard_DS2_v2: size(2, 86, "cache"),
    Standard_DS3_v2: size(4, 172, "cache"),
    Standard_DS4_v2: size(8, 344, "cache"),
    Standard_D2s_v3: size(2, 50, "cache"),
    Standard_D4s_v3: size(4, 100, "cache"),
    Standard_D8s_v3: size(8, 200, "cache"),
    Standard_D16s_v3: size(16, 400, "cache"),
    Standard_D2s_v5: size(2, 0, "none"),
    Standard_D4s_v5: size(4, 0, "none"),
    Standard_D8s_v5: size(8, 0, "none"),
    Standard_D16s_v5: size(16, 0, "none"),
    Standard_D2ds_v5: size(2, 75, "temp disk"),
    Standard_D4ds_v5: size(4, 150, "temp disk"),
    Standard_D8ds_v5: size(8, 300, "temp disk"),
    Standard_D16ds_v5: size(16, 600, "temp disk"),
    Standard_D2ads_v5: size(2, 75, "temp disk"),
    Standard_D4ads_v5: size(4, 150, "temp disk"),
    Standard_D8ads_v5: size(8, 300, "temp disk"),
    Standard_E2bds_v5: size(2, 75, "temp disk"),
    Standard_E4bds_v5: size(4, 150, "temp disk"),
});
