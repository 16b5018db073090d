/** The lab benchmark's sizes, as typed on its command line (`--sizes 3x3,both:3x3,100x5`). Pure. */
import { UsageError } from "../cli/shell";
import { LAB_CLUSTER_CHOICES, LabClusters, parseLabClusters } from "./topology";

export interface BenchSize {
    readonly clusters: LabClusters;
    readonly nodes: number;
    readonly pods: number;
}

/** What `npm run lab:bench` measures without --sizes: the README's table. */
export const DEFAULT_BENCH_SIZES = "main:3x3,both:3x3,main:10x10,both:7x5,main:100x5";

/**
 * `[main|azurecni|both:]NODESxPODS` (kubenet: is accepted for main:), comma-separated; every problem
 * is a UsageError naming the item.
 */
export function parseBenchSizes(text: string): BenchSize[] {
    const items = text.split(",").map((item) => item.trim());
    if (items.some((item) => item === ""))
        throw new UsageError(`--sizes "${text}" has an empty item; use e.g. 3x3,both:3x3,100x5`);
    return items.map((item) => {
        const match = /^(?:([a-z]+):)?(\d+)x(\d+)$/.exec(item);
        if (!match)
            throw new UsageError(
                `--sizes item "${item}" is not [main|azurecni|both:]NODESxPODS (e.g. 100x5 or both:7x5)`,
            );
        const clusters: LabClusters | undefined = match[1] === undefined ? "main" : parseLabClusters(match[1]);
        if (!clusters)
            throw new UsageError(`--sizes item "${item}": the cluster must be ${LAB_CLUSTER_CHOICES.join(", ")}`);
        const [nodes, pods] = [Number(match[2]), Number(match[3])];
        if (nodes < 1 || pods < 1) throw new UsageError(`--sizes item "${item}": nodes and pods must be at least 1`);
        return { clusters, nodes, pods };
    });
}

/** The lab name a size runs under: short (namespace names have a length limit), and printed before it starts. */
export function benchLabName(size: BenchSize, prefix = "b"): string {
    return `${prefix}${size.clusters.slice(0, 1)}${size.nodes}x${size.pods}`;
}
