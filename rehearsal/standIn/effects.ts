/**
 * What the stand-in's AKS does to the rehearsal's local control plane, through its kubectl and
 * admin kubeconfig: register the pools' nodes (kwok runs them), bind Azure RBAC role assignments
 * as Kubernetes RBAC, and write the kubeconfig listManagedClusterUserCredentials returns.
 * The manifests are pure functions; the kubectl calls are the only side effects.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { aksNodeManifests, NODE_CLUSTER_LABEL } from "../../engine/controlPlane";
import { kubeloginExec, singleClusterKubeconfig } from "../../kubeconfig";
import type { ClusterEffects, RoleBinding } from "./azureTypes";

/** What the stand-in needs of the local control plane (written by `rehearse`, read at start). */
export interface PlaneLink {
    readonly server: string;
    /** base64 of the control plane's CA certificate. */
    readonly certificateAuthorityData: string;
    /** The admin kubeconfig file (system:masters): what AKS's own components would use. */
    readonly adminKubeconfig: string;
    readonly kubectl: string;
}

export const STAND_IN_LABEL = "aks-kubenet.local/stand-in";
/** The ClusterRole the stand-in binds for "Azure Kubernetes Service RBAC Reader". */
export const AZURE_RBAC_READER_ROLE = "aks-kubenet-azure-rbac-reader";

/**
 * "Azure Kubernetes Service RBAC Reader": read most objects in a namespace, never Secrets, Roles or
 * RoleBindings (learn.microsoft.com/azure/aks/manage-azure-rbac, built-in roles); no write verb.
 */
export const AZURE_RBAC_READER_RULES = [
    {
        apiGroups: [""],
        resources: [
            "configmaps",
            "endpoints",
            "events",
            "limitranges",
            "namespaces",
            "persistentvolumeclaims",
            "pods",
            "pods/log",
            "replicationcontrollers",
            "resourcequotas",
            "serviceaccounts",
            "services",
        ],
        verbs: ["get", "list", "watch"],
    },
    {
        apiGroups: ["apps"],
        resources: ["daemonsets", "deployments", "replicasets", "statefulsets"],
        verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
] as const;

/**
 * The kube-dns Service AKS's CoreDNS add-on runs at the cluster's DNS service IP (kube-system),
 * labelled as AKS labels it; the stand-in runs no CoreDNS pods behind it.
 */
export function kubeDnsManifest(dnsServiceIp: string): object {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: "kube-dns",
            namespace: "kube-system",
            labels: {
                [STAND_IN_LABEL]: "aks-addon",
                "k8s-app": "kube-dns",
                "kubernetes.io/cluster-service": "true",
                "kubernetes.io/name": "CoreDNS",
                "addonmanager.kubernetes.io/mode": "Reconcile",
            },
        },
        spec: {
            clusterIP: dnsServiceIp,
            selector: { "k8s-app": "kube-dns" },
            ports: [
                { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
                { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
            ],
        },
    };
}

/**
 * The cluster's service range as a ServiceCIDR (networking.k8s.io/v1, GA in Kubernetes 1.33), so
 * that the local API server, started with the stack's range, also allocates Service addresses
 * from the range the cluster declares: kube-dns at its DNS service IP, and the program's Services.
 * A second range, not a restart: see docs/engine.md (the control plane follows the cluster).
 */
export function serviceCidrManifest(serviceCidr: string): object {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "ServiceCIDR",
        metadata: { name: SERVICE_CIDR_NAME, labels: { [STAND_IN_LABEL]: "aks-addon" } },
        spec: { cidrs: [serviceCidr] },
    };
}
export const SERVICE_CIDR_NAME = "aks-cluster-service-cidr";

/** The ClusterRoleBinding an Azure RBAC role assignment on the cluster stands for. */
export function roleBindingManifest(binding: RoleBinding): object {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: `azure-rbac-${binding.name}`, labels: { [STAND_IN_LABEL]: "azure-rbac" } },
        roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: binding.role === "cluster-admin" ? "cluster-admin" : AZURE_RBAC_READER_ROLE,
        },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: binding.principalId }],
    };
}

export function readerRoleManifest(): object {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: AZURE_RBAC_READER_ROLE, labels: { [STAND_IN_LABEL]: "azure-rbac" } },
        rules: AZURE_RBAC_READER_RULES,
    };
}

/**
 * The kubeconfig AKS lists for a cluster's user. With Entra ID it carries no credential, only
 * kubelogin's exec form as AKS writes it (`--login devicecode` baked in: pulumi/pulumi-azure-native
 * #2399); with local accounts, the certificate (here the local admin's, as AKS's is cluster-admin).
 */
export function userKubeconfigText(
    link: PlaneLink,
    cluster: { name: string; entra: boolean; tenantId: string; admin?: boolean },
): string {
    const common = {
        clusterName: cluster.name,
        server: link.server,
        certificateAuthorityData: link.certificateAuthorityData,
        userName: `${cluster.admin ? "clusterAdmin" : "clusterUser"}_${cluster.name}`,
    };
    if (cluster.entra)
        return singleClusterKubeconfig({
            ...common,
            // The Azure CLI's public client id, which AKS's exec kubeconfig names for devicecode.
            user: {
                exec: kubeloginExec({ tenantId: cluster.tenantId, login: "devicecode", clientId: AZURE_CLI_CLIENT_ID }),
            },
        });
    const admin = fs.readFileSync(link.adminKubeconfig, "utf8");
    return singleClusterKubeconfig({
        ...common,
        user: {
            "client-certificate-data": /client-certificate-data: (\S+)/.exec(admin)?.[1],
            "client-key-data": /client-key-data: (\S+)/.exec(admin)?.[1],
        },
    });
}

/** The Azure CLI's application id, the client of kubelogin's devicecode login in AKS's kubeconfig. */
const AZURE_CLI_CLIENT_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

/** The effects, applied with kubectl against the local control plane. */
export function kubectlEffects(link: PlaneLink): ClusterEffects {
    const kubectl = (args: string[], input?: string) =>
        execFileSync(link.kubectl, ["--kubeconfig", link.adminKubeconfig, ...args], {
            input,
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
            timeout: 60000,
        });
    const apply = (objects: object[]) => {
        if (objects.length > 0)
            kubectl(["apply", "-f", "-"], objects.map((object) => JSON.stringify(object)).join("\n"));
    };
    return {
        reconcileNodes: (cluster) => {
            const wanted = aksNodeManifests(cluster) as Array<{ metadata: { name: string } }>;
            const existing = kubectl([
                "get",
                "nodes",
                "-l",
                `${NODE_CLUSTER_LABEL}=${cluster.clusterName}`,
                "-o",
                "name",
            ])
                .split("\n")
                .filter(Boolean)
                .map((line) => line.replace(/^node\//, ""));
            const extra = existing.filter((name) => !wanted.some((node) => node.metadata.name === name));
            if (extra.length > 0) kubectl(["delete", "node", "--wait=false", ...extra]);
            apply(wanted);
            return Promise.resolve();
        },
        removeNodes: (clusterName) => {
            kubectl(["delete", "nodes", "-l", `${NODE_CLUSTER_LABEL}=${clusterName}`, "--wait=false"]);
            return Promise.resolve();
        },
        ensureAddons: ({ dnsServiceIp, serviceCidr }) => {
            // The API server allocates from a ServiceCIDR once it is Ready; one it serves already is kept.
            const served = JSON.parse(kubectl(["get", "servicecidrs", "-o", "json"])) as {
                items: Array<{ spec?: { cidrs?: string[] } }>;
            };
            if (serviceCidr && !served.items.some((item) => item.spec?.cidrs?.includes(serviceCidr))) {
                apply([serviceCidrManifest(serviceCidr)]);
                kubectl(["wait", "--for=condition=Ready", `servicecidr/${SERVICE_CIDR_NAME}`, "--timeout=60s"]);
            }
            apply([kubeDnsManifest(dnsServiceIp)]);
            return Promise.resolve();
        },
        removeAddons: () => {
            kubectl(["delete", "services", "-n", "kube-system", "-l", `${STAND_IN_LABEL}=aks-addon`, "--wait=false"]);
            kubectl([
                "delete",
                "servicecidrs",
                "-l",
                `${STAND_IN_LABEL}=aks-addon`,
                "--wait=false",
                "--ignore-not-found",
            ]);
            return Promise.resolve();
        },
        bindRole: (binding) => {
            apply([...(binding.role === "reader" ? [readerRoleManifest()] : []), roleBindingManifest(binding)]);
            return Promise.resolve();
        },
        unbindRole: (name) => {
            kubectl(["delete", "clusterrolebinding", `azure-rbac-${name}`, "--ignore-not-found"]);
            return Promise.resolve();
        },
        userKubeconfig: (cluster) => userKubeconfigText(link, cluster),
    };
}
