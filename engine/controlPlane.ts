/**
 * A local Kubernetes control plane for the engine, as data: the files of a control plane's folder,
 * each component's command line, the certificates, kubeconfigs, the nodes AKS would register for
 * the stack, and the environment a user evaluates (kwok's stages: engine/kwokStages.ts). Pure;
 * engine/plane.ts runs it.
 *
 * Everything listens on 127.0.0.1 only, on ports the state file records, but the storage: kine
 * serves etcd's API on a unix socket in the control plane's folder (mode 700), which no other user
 * of the machine can reach (etcd's API has no authentication here: on a TCP port, anyone on the
 * machine could read every Secret or write any object past the API server's RBAC).
 */
import { createHash } from "crypto";
import * as path from "path";
import { cidr, nodeIpAt, podSliceAt, type AddressPlan } from "../addressPlan";
import type { StackConfig } from "../config";
import { singleClusterKubeconfig } from "../kubeconfig";
import { KWOK_NODE_ANNOTATION, NODE_IP_ANNOTATION } from "./kwokStages";

/** The node pool the program creates (cluster.ts's SYSTEM_POOL_NAME, not imported: that loads azure-native). */
export const AKS_SYSTEM_POOL_NAME = "system";

/** The components in start order. */
export const COMPONENTS = ["storage", "apiserver", "controllerManager", "scheduler", "kwok"] as const;
export type Component = (typeof COMPONENTS)[number];
/** The components that listen on a loopback port (the storage listens on its unix socket). */
export const PORTED_COMPONENTS = ["apiserver", "controllerManager", "scheduler", "kwok"] as const;
export type Ports = Readonly<Record<(typeof PORTED_COMPONENTS)[number], number>>;
/** Longest unix socket path the kernel takes (sockaddr_un's sun_path, 108 bytes with its NUL), with room. */
export const MAX_SOCKET_PATH = 100;

/** Everything a control plane keeps, under its own folder (removed whole by `down`). */
export function planeFiles(dir: string) {
    const pki = path.join(dir, "pki");
    return {
        dir,
        state: path.join(dir, "state.json"),
        /** The processes the plane started, written as each starts (down stops those, and only those). */
        processes: path.join(dir, "processes.json"),
        /** kine's etcd API, a unix socket (mode 600 from kine) in this folder (mode 700). */
        storageSocket: path.join(dir, "kine.sock"),
        logs: path.join(dir, "logs"),
        storage: path.join(dir, "storage"),
        pki,
        caCert: path.join(pki, "ca.crt"),
        caKey: path.join(pki, "ca.key"),
        serviceAccountKey: path.join(pki, "service-account.key"),
        serviceAccountPublicKey: path.join(pki, "service-account.pub"),
        cert: (identity: Identity) => path.join(pki, `${identity}.crt`),
        key: (identity: Identity) => path.join(pki, `${identity}.key`),
        config: (identity: Identity) => path.join(pki, `${identity}.cnf`),
        kubeconfig: (identity: KubeconfigUser) => path.join(dir, `${identity}.kubeconfig`),
        kwokConfig: path.join(dir, "kwok.yaml"),
        nodes: path.join(dir, "nodes.yaml"),
        /** The API server's static tokens (token,user,uid), one line per LOCAL_IDENTITIES entry. */
        tokens: path.join(pki, "tokens.csv"),
        /** One identity's token alone, for an exec plugin to print. */
        token: (identity: LocalIdentity) => path.join(pki, `${identity}.token`),
        pulumiHome: path.join(dir, "pulumi-home"),
        pulumiBackend: path.join(dir, "pulumi-state"),
    };
}
export type PlaneFiles = ReturnType<typeof planeFiles>;

/**
 * Who talks to the API server, each with its certificate. The admin is in system:masters (the
 * user's kubeconfig, kwok standing in for every kubelet, and the load balancer stand-in); the
 * controller manager and scheduler have the identities their built-in RBAC roles name.
 */
export const KUBECONFIG_USERS = ["admin", "kube-controller-manager", "kube-scheduler"] as const;
export type KubeconfigUser = (typeof KUBECONFIG_USERS)[number];
export type Identity = KubeconfigUser | "apiserver";

export const IDENTITY_SUBJECTS: Readonly<Record<Identity, { cn: string; o?: string }>> = {
    apiserver: { cn: "kube-apiserver" },
    admin: { cn: "aks-kubenet-admin", o: "system:masters" },
    "kube-controller-manager": { cn: "system:kube-controller-manager" },
    "kube-scheduler": { cn: "system:kube-scheduler" },
};

/**
 * openssl's config for the CA or a leaf: no system defaults, only what these certificates need.
 * The serving certificate names the `kubernetes` Service's address, as in-cluster clients use it.
 */
export function opensslConfig(identity: Identity | "ca", kubernetesServiceIp: string): string {
    const subject = identity === "ca" ? { cn: "aks-kubenet-engine-ca", o: undefined } : IDENTITY_SUBJECTS[identity];
    const dn = [...(subject.o ? [`O = ${subject.o}`] : []), `CN = ${subject.cn}`];
    const extensions =
        identity === "ca"
            ? ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign,digitalSignature"]
            : [
                  "basicConstraints = critical,CA:FALSE",
                  "keyUsage = critical,digitalSignature,keyEncipherment",
                  `extendedKeyUsage = ${identity === "apiserver" ? "serverAuth" : "clientAuth"}`,
                  "authorityKeyIdentifier = keyid",
                  ...(identity === "apiserver"
                      ? [
                            `subjectAltName = IP:127.0.0.1,IP:${kubernetesServiceIp},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`,
                        ]
                      : []),
              ];
    return [
        "[req]",
        "distinguished_name = dn",
        "prompt = no",
        "x509_extensions = ext",
        "[dn]",
        ...dn,
        "[ext]",
        "subjectKeyIdentifier = hash",
        ...extensions,
        "",
    ].join("\n");
}

/**
 * Identities the API server knows by a static token, named as Microsoft Entra ID names principals
 * (an object id), so that Azure RBAC can be emulated with RBAC bindings for those names: the
 * deployer (who runs `pulumi up`) and a read-only preview identity. They are stand-ins: no tenant
 * has these ids. Nothing is bound to them at start; a test or the Azure stand-in binds roles.
 */
export const LOCAL_IDENTITIES = Object.freeze({
    deployer: { user: "d0000000-0000-4000-8000-00000000d001", what: "the deployer (stand-in Entra object id)" },
    reader: { user: "d0000000-0000-4000-8000-00000000d002", what: "the preview identity (stand-in Entra object id)" },
});
export type LocalIdentity = keyof typeof LOCAL_IDENTITIES;

/** The API server's --token-auth-file: token,user,uid per identity. */
export function tokenAuthFile(tokens: Readonly<Record<LocalIdentity, string>>): string {
    return (Object.keys(LOCAL_IDENTITIES) as LocalIdentity[])
        .map((identity) => `${tokens[identity]},${LOCAL_IDENTITIES[identity].user},${LOCAL_IDENTITIES[identity].user}`)
        .join("\n")
        .concat("\n");
}

/** Certificates live as long as a lab session needs, not longer. */
const CERT_DAYS = "30";
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** openssl's arguments for the CA (self-signed) or a leaf signed by it. */
export function opensslArgs(files: PlaneFiles, identity: Identity | "ca"): string[] {
    if (identity === "ca") {
        return ["req", "-x509", "-new", "-config", path.join(files.pki, "ca.cnf"), ...EC_KEY,
            "-keyout", files.caKey, "-out", files.caCert, "-days", CERT_DAYS]; // prettier-ignore
    }
    return ["req", "-x509", "-new", "-config", files.config(identity), ...EC_KEY,
        "-keyout", files.key(identity), "-out", files.cert(identity), "-days", CERT_DAYS,
        "-CA", files.caCert, "-CAkey", files.caKey]; // prettier-ignore
}

/** A kubeconfig with everything embedded: one file a user can copy or point KUBECONFIG at. */
export function kubeconfigText(options: {
    name: string;
    server: string;
    caPem: string;
    certPem: string;
    keyPem: string;
    user: string;
}): string {
    const b64 = (pem: string) => Buffer.from(pem).toString("base64");
    return singleClusterKubeconfig({
        clusterName: options.name,
        server: options.server,
        certificateAuthorityData: b64(options.caPem),
        userName: options.user,
        user: { "client-certificate-data": b64(options.certPem), "client-key-data": b64(options.keyPem) },
    });
}

/** The issuer and audience of service-account tokens, as AKS (without OIDC issuer) uses them. */
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

/** etcd's client takes `unix:///ABSOLUTE/PATH` (etcd client/v3 internal/endpoint translateEndpoint). */
export const storageEndpoint = (files: PlaneFiles) => `unix://${files.storageSocket}`;

export function storageArgs(files: PlaneFiles): string[] {
    return [
        `--endpoint=sqlite://${path.join(files.storage, "state.db")}?_journal=WAL&cache=shared&_busy_timeout=30000`,
        // A unix socket, not a TCP port: kine creates it with mode 600 (pkg/endpoint createListener).
        `--listen-address=${storageEndpoint(files)}`,
        // kine's metrics listener defaults to all interfaces: off.
        "--metrics-bind-address=0",
    ];
}

/**
 * kube-apiserver: loopback only, RBAC (and Node authorization, as AKS), service-account tokens,
 * Pod Security admission (on by default since 1.25; named so it cannot be lost). The endpoint
 * reconciler is off: the `kubernetes` Service's endpoint would be 127.0.0.1, which endpoint
 * validation refuses.
 */
export function apiserverArgs(files: PlaneFiles, ports: Ports, plan: AddressPlan): string[] {
    return [
        `--etcd-servers=${storageEndpoint(files)}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${files.cert("apiserver")}`,
        `--tls-private-key-file=${files.key("apiserver")}`,
        `--client-ca-file=${files.caCert}`,
        `--token-auth-file=${files.tokens}`,
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction,PodSecurity",
        // As on AKS: the API server allows privileged containers, and Pod Security admission decides
        // per namespace (the workload's namespace enforces "restricted"). Without it every
        // privileged pod is refused by validation, before Pod Security is ever asked.
        "--allow-privileged=true",
        `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-account-key-file=${files.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${files.serviceAccountKey}`,
        `--service-cluster-ip-range=${plan.serviceCidr}`,
        "--endpoint-reconciler-type=none",
        "--profiling=false",
    ];
}

/**
 * What the controller manager and the scheduler share: their identity's kubeconfig for the API,
 * and for checking who calls their own health endpoint; loopback; one instance, no election.
 */
function controllerFlags(kubeconfig: string, port: number): string[] {
    return [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${port}`,
        "--leader-elect=false",
        "--profiling=false",
    ];
}

export function controllerManagerArgs(files: PlaneFiles, ports: Ports, plan: AddressPlan): string[] {
    return [
        ...controllerFlags(files.kubeconfig("kube-controller-manager"), ports.controllerManager),
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${files.serviceAccountKey}`,
        `--root-ca-file=${files.caCert}`,
        `--cluster-signing-cert-file=${files.caCert}`,
        `--cluster-signing-key-file=${files.caKey}`,
        `--service-cluster-ip-range=${plan.serviceCidr}`,
        // kubenet's /24 per node comes from the address plan, written into each Node: no IPAM here.
        "--allocate-node-cidrs=false",
    ];
}

export const schedulerArgs = (files: PlaneFiles, ports: Ports): string[] =>
    controllerFlags(files.kubeconfig("kube-scheduler"), ports.scheduler);

export function kwokArgs(files: PlaneFiles, ports: Ports): string[] {
    return [
        `--kubeconfig=${files.kubeconfig("admin")}`,
        `--config=${files.kwokConfig}`,
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
        `--server-address=127.0.0.1:${ports.kwok}`,
        "--node-ip=127.0.0.1",
        // kwok renews each node's Lease (the heartbeat the node lifecycle controller reads); without
        // it the nodes turn NotReady after the grace period and their pods stay NotReady.
        "--node-lease-duration-seconds=40",
    ];
}

/**
 * The VMSS instance names AKS gives a pool's nodes: aks-<pool>-<8 digits>-vmss<6 base-36 digits>.
 * The digits are a hash AKS derives per cluster; here, from the cluster's name, so they are stable.
 */
export function aksNodeName(pool: string, clusterName: string, index: number): string {
    const digits = String(
        parseInt(createHash("sha256").update(clusterName).digest("hex").slice(0, 8), 16) % 1e8,
    ).padStart(8, "0");
    return `aks-${pool}-${digits}-vmss${index.toString(36).padStart(6, "0")}`;
}

/** Which cluster a node belongs to: the rehearsal's AKS finds and removes a cluster's nodes by it. */
export const NODE_CLUSTER_LABEL = "aks-kubenet.local/cluster";

export interface PoolNodes {
    readonly name: string;
    readonly mode: string;
    readonly count: number;
    readonly vmSize: string;
    readonly zones: readonly string[];
    readonly taints: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
}

/** A cluster's node pools, as AKS would run them. */
export interface ClusterNodes {
    readonly clusterName: string;
    readonly nodeResourceGroup: string;
    readonly location: string;
    /** Node addresses: the subnet's, from .4 up (the address plan's nodeIpAt). */
    readonly subnetCidr?: string;
    /** kubenet and Overlay: the pod CIDR the nodes take their /24 slices from. */
    readonly podCidr?: string;
    readonly pools: readonly PoolNodes[];
}

/**
 * The Nodes AKS registers for a cluster's pools: named as AKS names VMSS instances, labelled as AKS
 * labels a pool (the zone label is the fault domain "0" without availability zones), tainted as
 * declared, each with the VNet address and kubenet /24 the address plan gives its slot, and kwok's
 * annotation so kwok runs them. The engine's own nodes and the rehearsal's AKS both use it.
 */
export function aksNodeManifests(cluster: ClusterNodes): object[] {
    let addressIndex = 0;
    return cluster.pools.flatMap((pool) =>
        Array.from({ length: pool.count }, (_, index) => {
            const name = aksNodeName(pool.name, cluster.clusterName, index);
            const zone = pool.zones.length > 0 ? `${cluster.location}-${pool.zones[index % pool.zones.length]}` : "0";
            const slot = addressIndex++;
            const ip = cluster.subnetCidr ? nodeIpAt(cidr(cluster.subnetCidr), slot) : undefined;
            // kubenet and Overlay: each node's /24 of the pod CIDR, in the address plan's order.
            const podCidr = cluster.podCidr ? podSliceAt(cidr(cluster.podCidr), slot).text : undefined;
            return {
                apiVersion: "v1",
                kind: "Node",
                metadata: {
                    name,
                    annotations: { [KWOK_NODE_ANNOTATION]: "fake", ...(ip ? { [NODE_IP_ANNOTATION]: ip } : {}) },
                    labels: {
                        ...pool.labels,
                        [NODE_CLUSTER_LABEL]: cluster.clusterName,
                        "kubernetes.azure.com/agentpool": pool.name,
                        "kubernetes.azure.com/mode": pool.mode.toLowerCase(),
                        "kubernetes.azure.com/role": "agent",
                        "kubernetes.azure.com/cluster": cluster.nodeResourceGroup,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/role": "agent",
                        "node.kubernetes.io/instance-type": pool.vmSize,
                        "topology.kubernetes.io/region": cluster.location,
                        "topology.kubernetes.io/zone": zone,
                        type: "kwok",
                    },
                },
                spec: {
                    providerID: `kwok://${name}`,
                    ...(podCidr ? { podCIDR: podCidr, podCIDRs: [podCidr] } : {}),
                    taints: pool.taints.map((taint) => {
                        const [keyValue, effect] = taint.split(":");
                        const [key, value] = keyValue.split("=");
                        return { key, ...(value ? { value } : {}), effect };
                    }),
                },
            };
        }),
    );
}

/** The stack's system pool, as `engine up` registers it for the workload tier. */
export function nodeManifests(plan: AddressPlan, config: StackConfig): object[] {
    return aksNodeManifests({
        clusterName: config.clusterName,
        nodeResourceGroup: `MC_${config.resourceGroupName}_${config.clusterName}_${config.location}`,
        location: config.location,
        subnetCidr: plan.subnets.kubenet.cidr,
        podCidr: plan.podCidr,
        pools: [
            {
                name: AKS_SYSTEM_POOL_NAME,
                mode: "System",
                count: plan.nodes.length,
                vmSize: config.nodeVmSize,
                zones: [],
                taints: [],
                labels: {},
            },
        ],
    });
}

/** The `export` lines `engine env` prints, quoted for a POSIX shell. */
export function envLines(options: {
    tools: string;
    files: PlaneFiles;
    passphrase: string;
    currentPath: string;
}): string[] {
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    const pathEntries = options.currentPath.split(":").filter((entry) => entry && entry !== options.tools);
    return [
        ["PATH", [options.tools, ...pathEntries].join(":")],
        ["KUBECONFIG", options.files.kubeconfig("admin")],
        ["PULUMI_HOME", options.files.pulumiHome],
        ["PULUMI_BACKEND_URL", `file://${options.files.pulumiBackend}`],
        ["PULUMI_SKIP_UPDATE_CHECK", "true"],
        ["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true"],
        ["PULUMI_CONFIG_PASSPHRASE", options.passphrase],
    ].map(([key, value]) => `export ${key}=${quote(value)}`);
}
