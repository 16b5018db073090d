/**
 * The kubeconfig the program's Kubernetes provider uses, as pure functions.
 *
 * On a cluster with Microsoft Entra ID the provider gets an exec kubeconfig: kubelogin fetches a
 * fresh Entra token each time the provider talks to the API server, so no bearer credential (client
 * key, client certificate, token) is ever written to the stack's state, and what is there (the
 * server and its CA) grants nothing. The server and CA come from the cluster-user credential AKS
 * lists; its user entry is dropped, whatever it holds, so that even a preview made while a
 * local-accounts cluster moves to Entra ID (the old cluster still answers with a certificate)
 * never hands that certificate to the provider.
 */
import { parse, stringify } from "yaml";

/**
 * AKS's Entra server application: the audience of every token for an AKS API server
 * (learn.microsoft.com/azure/aks/kubelogin-authentication; the same id in every tenant).
 */
export const AKS_ENTRA_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * kubelogin's login method when AAD_LOGIN_METHOD is unset: the Azure CLI's signed-in account, what
 * a workstation has after `az login`. AKS's own exec kubeconfig bakes in `--login devicecode`
 * (pulumi/pulumi-azure-native#2399, #2579), which waits for a person at a browser: under the Pulumi
 * engine nobody sees its prompt. kubelogin reads AAD_LOGIN_METHOD after its flags and lets it win
 * (Azure/kubelogin pkg/internal/token/options.go `UpdateFromEnv`), so CI and Deployments set
 * AAD_LOGIN_METHOD=workloadidentity and this default never applies there.
 */
export const DEFAULT_KUBELOGIN_METHOD = "azurecli";

/** One line, shown by kubectl and the tools when kubelogin is missing. */
export const KUBELOGIN_INSTALL_HINT =
    "this cluster signs in with Microsoft Entra ID: install kubelogin (`az aks install-cli`, or https://azure.github.io/kubelogin/install.html) and sign in with `az login` (or set AAD_LOGIN_METHOD, e.g. workloadidentity in CI)";

interface KubeconfigCluster {
    readonly name?: string;
    readonly cluster?: { readonly server?: string; readonly "certificate-authority-data"?: string };
}

/** The API server and its CA from a kubeconfig AKS listed (the first cluster entry). */
export function apiServerOf(kubeconfig: string): { server: string; certificateAuthorityData: string } {
    const document = parse(kubeconfig) as { clusters?: readonly KubeconfigCluster[] } | null;
    const cluster = document?.clusters?.[0]?.cluster;
    if (!cluster?.server || !cluster["certificate-authority-data"])
        throw new Error(
            "the cluster-user kubeconfig AKS returned names no API server and CA (clusters[0].cluster.server, certificate-authority-data)",
        );
    return { server: cluster.server, certificateAuthorityData: cluster["certificate-authority-data"] };
}

export interface EntraKubeconfigArgs {
    /** The context, cluster and user name (the AKS cluster's name). */
    readonly clusterName: string;
    readonly server: string;
    readonly certificateAuthorityData: string;
    /** The Entra tenant the cluster trusts. */
    readonly tenantId: string;
}

/**
 * A kubeconfig with one cluster, one user and one context (what AKS lists and kubectl writes), as
 * YAML. The cluster's name names the context too.
 */
export function singleClusterKubeconfig(args: {
    readonly clusterName: string;
    readonly server: string;
    readonly certificateAuthorityData: string;
    readonly userName: string;
    /** The user's entry: an exec plugin, or a credential (client-certificate-data, token, ...). */
    readonly user: Readonly<Record<string, unknown>>;
}): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: args.clusterName,
                cluster: { server: args.server, "certificate-authority-data": args.certificateAuthorityData },
            },
        ],
        users: [{ name: args.userName, user: args.user }],
        contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.userName } }],
        "current-context": args.clusterName,
    });
}

/** kubelogin's exec plugin for an AKS API server in `tenantId`, with a login method (and its client id). */
export function kubeloginExec(args: { tenantId: string; login: string; clientId?: string }) {
    return {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "kubelogin",
        args: [
            "get-token",
            "--environment",
            "AzurePublicCloud",
            "--server-id",
            AKS_ENTRA_SERVER_APP_ID,
            ...(args.clientId ? ["--client-id", args.clientId] : []),
            "--tenant-id",
            args.tenantId,
            "--login",
            args.login,
        ],
        provideClusterInfo: false,
    };
}

/** A kubeconfig whose only credential is a kubelogin exec plugin: nothing in it grants access. */
export function entraKubeconfig(args: EntraKubeconfigArgs): string {
    return singleClusterKubeconfig({
        ...args,
        userName: `${args.clusterName}-entra`,
        user: {
            exec: {
                ...kubeloginExec({ tenantId: args.tenantId, login: DEFAULT_KUBELOGIN_METHOD }),
                // Never a prompt: the engine and CI have no one to answer it.
                interactiveMode: "Never",
                installHint: KUBELOGIN_INSTALL_HINT,
            },
        },
    });
}

/** The user fields of a kubeconfig that carry a credential by themselves (kubectl's names). */
const BEARER_FIELDS = [
    "client-key-data",
    "client-key",
    "client-certificate-data",
    "client-certificate",
    "token",
    "tokenFile",
    "password",
] as const;

/**
 * Where a kubeconfig holds a credential that grants access by itself: `users[i].user.FIELD`, and
 * an auth-provider's stored tokens. An exec plugin holds none (it fetches one when asked).
 */
export function bearerCredentialsIn(kubeconfig: string): string[] {
    let document: { users?: ReadonlyArray<{ user?: Record<string, unknown> }> } | null;
    try {
        document = parse(kubeconfig) as typeof document;
    } catch {
        return [];
    }
    return (document?.users ?? []).flatMap((entry, index) => {
        const user = entry?.user ?? {};
        const fields: string[] = BEARER_FIELDS.filter((field) => user[field] !== undefined && user[field] !== "").map(
            (field) => `users[${index}].user.${field}`,
        );
        const provider = user["auth-provider"] as { config?: Record<string, unknown> } | undefined;
        for (const key of ["access-token", "refresh-token", "id-token"])
            if (provider?.config?.[key]) fields.push(`users[${index}].user.auth-provider.config.${key}`);
        return fields;
    });
}

/**
 * Every bearer credential anywhere in a document (a stack's state as `pulumi stack export
 * --show-secrets` prints it, or the inputs and outputs a mocked run records): in each string that
 * is a kubeconfig, and under any key named as kubeconfig credentials are. Paths say where.
 */
export function bearerCredentialsInDocument(document: unknown, at = "$"): string[] {
    if (typeof document === "string") {
        // `stack export --show-secrets` prints a secret's value JSON-encoded ("plaintext": "\"...\""):
        // a string that is JSON text is scanned for what it encodes.
        if (/^\s*["{[]/.test(document)) {
            try {
                const decoded: unknown = JSON.parse(document);
                if (decoded !== document) return bearerCredentialsInDocument(decoded, at);
            } catch {
                // not JSON: scanned as it is
            }
        }
        return /\busers\s*:/.test(document) && /\bclusters\s*:/.test(document)
            ? bearerCredentialsIn(document).map((field) => `${at} (kubeconfig) ${field}`)
            : [];
    }
    if (Array.isArray(document))
        return document.flatMap((item, index) => bearerCredentialsInDocument(item, `${at}[${index}]`));
    if (document && typeof document === "object")
        return Object.entries(document).flatMap(([key, value]) => [
            ...(BEARER_FIELDS.some((field) => field === key && field !== "token" && field !== "password") &&
            typeof value === "string" &&
            value !== ""
                ? [`${at}.${key}`]
                : []),
            ...bearerCredentialsInDocument(value, `${at}.${key}`),
        ]);
    return [];
}

/** The commands a kubeconfig's exec plugins run (kubelogin, for an Entra cluster). */
export function execCommandsOf(kubeconfig: string): string[] {
    try {
        const document = parse(kubeconfig) as { users?: ReadonlyArray<{ user?: { exec?: { command?: string } } }> };
        return [...new Set((document?.users ?? []).flatMap((entry) => entry?.user?.exec?.command ?? []))];
    } catch {
        return [];
    }
}
