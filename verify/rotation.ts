/**
 * Whether a stack that once ran with local accounts had its cluster's certificates rotated since
 * (migrate/entra.ts says why it must). AKS's rotation replaces "all certificates, CAs, and SAs",
 * and a certificate from before fails with "x509: certificate signed by unknown authority"
 * (learn.microsoft.com/azure/aks/certificate-rotation): so the newest client certificate in the
 * stack's checkpoints, checked against the CA the cluster serves now, tells. Signed by it and not
 * expired: not rotated. Not signed by it, or expired: no longer usable. No checkpoint with one:
 * nothing to rotate. History not readable, or not all of it read: it says it cannot tell.
 */
import { spawnSync } from "child_process";
import { X509Certificate } from "crypto";
import { parse } from "yaml";
import { apiServerOf } from "../kubeconfig";
import { CERTIFICATE_ROTATION } from "../migrate/entra";
import { isObject } from "../rehearsal/azureModel";
import { REPO_ROOT } from "../stackFiles";

export interface Checkpoint {
    readonly version: number;
    readonly document: unknown;
}

export interface RotationVerdict {
    readonly state: "rotated" | "not-rotated" | "none" | "unknown";
    readonly detail: string;
}

const decode = (base64: string) => Buffer.from(base64, "base64").toString("utf8");

/**
 * The client certificates (PEM) a state document holds: in kubeconfigs (YAML text, also where a
 * secret's plaintext is JSON text encoding it, as `stack export --show-secrets` prints it) and in
 * objects with a `client-certificate-data` or `clientCertificate` field.
 */
export function clientCertificatesIn(document: unknown): string[] {
    if (typeof document === "string") {
        if (/^\s*["{[]/.test(document)) {
            try {
                const decoded: unknown = JSON.parse(document);
                if (decoded !== document) return clientCertificatesIn(decoded);
            } catch {
                // not JSON
            }
        }
        if (!/client-certificate-data/.test(document)) return [];
        try {
            return clientCertificatesIn(parse(document));
        } catch {
            return [];
        }
    }
    if (Array.isArray(document)) return document.flatMap(clientCertificatesIn);
    if (!isObject(document)) return [];
    return Object.entries(document).flatMap(([key, value]) =>
        (key === "client-certificate-data" || key === "clientCertificate") && typeof value === "string" && value !== ""
            ? [decode(value)]
            : clientCertificatesIn(value),
    );
}

/**
 * The verdict from checkpoints (newest first, as far as they were read), the CA the cluster
 * serves now (PEM), and whether the history was read to its start.
 */
export function rotationVerdict(args: {
    readonly checkpoints: readonly Checkpoint[];
    readonly historyComplete: boolean;
    readonly currentCaPem: string;
    readonly resourceGroup: string;
    readonly clusterName: string;
    readonly now?: Date;
}): RotationVerdict {
    const rotate = `\`${CERTIFICATE_ROTATION.command(args.resourceGroup, args.clusterName)}\` (${CERTIFICATE_ROTATION.cost})`;
    const found = args.checkpoints
        .map((checkpoint) => ({ version: checkpoint.version, pems: clientCertificatesIn(checkpoint.document) }))
        .find((checkpoint) => checkpoint.pems.length > 0);
    if (!found)
        return args.historyComplete
            ? {
                  state: "none",
                  detail: `none of the stack's ${args.checkpoints.length} checkpoints holds a client certificate: nothing to rotate`,
              }
            : {
                  state: "unknown",
                  detail: `cannot tell: none of the ${args.checkpoints.length} newest checkpoints holds a client certificate, and older ones were not read (--history-depth); if the stack ever ran with local accounts, run ${rotate}`,
              };
    let ca: X509Certificate;
    try {
        ca = new X509Certificate(args.currentCaPem);
    } catch {
        return {
            state: "unknown",
            detail: "cannot tell: the cluster's CA in the stack's kubeconfig output is not a certificate",
        };
    }
    const now = args.now ?? new Date();
    for (const pem of found.pems) {
        let certificate: X509Certificate;
        try {
            certificate = new X509Certificate(pem);
        } catch {
            return {
                state: "unknown",
                detail: `cannot tell: checkpoint ${found.version} holds client-certificate data that is not a certificate`,
            };
        }
        const expired = new Date(certificate.validTo) < now;
        if (!expired && certificate.verify(ca.publicKey))
            return {
                state: "not-rotated",
                detail: `the certificate in checkpoint ${found.version} (${certificate.subject.replace(/\n/g, ", ")}, valid until ${certificate.validTo}) is still signed by the cluster's CA: anyone with Stack Read can use it; run ${rotate}`,
            };
    }
    return {
        state: "rotated",
        detail: `the certificate in checkpoint ${found.version}, the newest, is not signed by the cluster's current CA (or has expired): it no longer opens the cluster`,
    };
}

/** How verify runs pulumi: its status and output (a test or a rehearsal passes its own). */
export type PulumiRunner = (args: readonly string[]) => { status: number; stdout: string; stderr: string };

const pulumiInCheckout: PulumiRunner = (args) => {
    const result = spawnSync("pulumi", [...args], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return {
        status: result.status ?? 1,
        stdout: result.stdout ?? "",
        stderr: result.stderr ?? result.error?.message ?? "",
    };
};

/** The stack's newest checkpoints, newest first, up to `depth`, and whether that was all of them. */
export function readCheckpoints(
    stack: string,
    depth: number,
    pulumi: PulumiRunner = pulumiInCheckout,
): { checkpoints: Checkpoint[]; complete: boolean } | { error: string } {
    const history = pulumi(["stack", "history", "--json", "--stack", stack]);
    if (history.status !== 0)
        return { error: `pulumi stack history failed: ${history.stderr.trim().split("\n").pop() ?? ""}` };
    let versions: number[];
    try {
        versions = (JSON.parse(history.stdout) as Array<{ version?: unknown }>)
            .map((update) => update.version)
            .filter((version): version is number => typeof version === "number")
            .sort((a, b) => b - a);
    } catch {
        return { error: "pulumi stack history --json printed something that is not JSON" };
    }
    const checkpoints: Checkpoint[] = [];
    for (const version of versions.slice(0, depth)) {
        const exported = pulumi(["stack", "export", "--version", String(version), "--show-secrets", "--stack", stack]);
        if (exported.status !== 0)
            return {
                error: `pulumi stack export --version ${version} failed: ${exported.stderr.trim().split("\n").pop() ?? ""}`,
            };
        try {
            checkpoints.push({ version, document: JSON.parse(exported.stdout) });
        } catch {
            return { error: `pulumi stack export --version ${version} printed something that is not JSON` };
        }
        if (clientCertificatesIn(checkpoints[checkpoints.length - 1].document).length > 0) break;
    }
    // Complete when every checkpoint was read, or the search stopped at a certificate (older ones cannot be newer).
    const foundOne = checkpoints.some((checkpoint) => clientCertificatesIn(checkpoint.document).length > 0);
    return { checkpoints, complete: foundOne || checkpoints.length === versions.length };
}

/** The verdict for a deployed stack: its checkpoints through pulumi, the CA from its kubeconfig output. */
export function stackRotationVerdict(args: {
    readonly stack: string;
    readonly kubeconfig: string;
    readonly resourceGroup: string;
    readonly clusterName: string;
    readonly depth: number;
    readonly pulumi?: PulumiRunner;
}): RotationVerdict {
    const read = readCheckpoints(args.stack, args.depth, args.pulumi);
    if ("error" in read) return { state: "unknown", detail: `cannot tell: ${read.error}` };
    let currentCaPem: string;
    try {
        currentCaPem = decode(apiServerOf(args.kubeconfig).certificateAuthorityData);
    } catch (error) {
        return {
            state: "unknown",
            detail: `cannot tell: the stack's kubeconfig output names no CA (${(error as Error).message})`,
        };
    }
    return rotationVerdict({
        checkpoints: read.checkpoints,
        historyComplete: read.complete,
        currentCaPem,
        resourceGroup: args.resourceGroup,
        clusterName: args.clusterName,
    });
}
