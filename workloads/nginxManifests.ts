/**
 * The nginx workload as plain Kubernetes objects: pure functions, no Pulumi runtime, so the
 * rules (spread, restricted Pod Security Standard, internal load balancer) are tested directly
 * and the objects are validated against the Kubernetes OpenAPI schema.
 */

export interface NginxManifestInput {
    /** Name of the Deployment, Service and PDB; also app.kubernetes.io/instance. */
    readonly name: string;
    readonly namespace: string;
    /** Pinned image, e.g. nginxinc/nginx-unprivileged:1.28.0-alpine. */
    readonly image: string;
    readonly replicas: number;
    /** The subnet the internal load balancer takes its address from. */
    readonly loadBalancerSubnetName: string;
    /** Where the pods may run (the user pool's mode label); unset = any node that admits them. */
    readonly nodeSelector?: Readonly<Record<string, string>>;
}

/** The nginx objects' name in Kubernetes, on every cluster (kubectl get svc -n nginx nginx). */
export const NGINX_NAME = "nginx";

/** nginxinc/nginx-unprivileged listens here (it cannot bind 80 as UID 101). */
export const NGINX_CONTAINER_PORT = 8080;
export const NGINX_PORT_NAME = "http";
export const NGINX_SERVICE_PORT = 80;
/** The image's nginx user. */
export const NGINX_UID = 101;
export const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";
export const INTERNAL_LB_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal";
export const INTERNAL_LB_SUBNET_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";

// Type-only: the builders return plain objects shaped as the Pulumi resource args.
import type * as k8s from "@pulumi/kubernetes";

type Labels = Record<string, string>;

/** The version part of an image reference (tag, or the digest's first 12 hex digits). */
export function imageVersion(image: string): string {
    const digest = image.split("@sha256:")[1];
    if (digest) return digest.slice(0, 12);
    const lastPart = image.split("/").pop() ?? image;
    return lastPart.includes(":") ? lastPart.split(":").pop()! : "unversioned";
}

/** Labels that select the pods: stable across image upgrades (a Deployment selector is immutable). */
export function selectorLabels(input: NginxManifestInput): Labels {
    return { "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": input.name };
}

/** The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */
export function recommendedLabels(input: NginxManifestInput): Labels {
    return {
        ...selectorLabels(input),
        "app.kubernetes.io/version": imageVersion(input.image),
        "app.kubernetes.io/component": "web",
        "app.kubernetes.io/part-of": "aks-kubenet",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** At most one replica down at a time: with 3 replicas, 2 keep serving. */
export function minAvailable(replicas: number): number {
    return Math.max(0, replicas - 1);
}

export function namespaceManifest(input: NginxManifestInput): k8s.core.v1.NamespaceArgs {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: input.namespace,
            labels: {
                "app.kubernetes.io/part-of": "aks-kubenet",
                "app.kubernetes.io/managed-by": "pulumi",
                // The API server refuses pods that do not meet the restricted standard.
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        },
    };
}

export function deploymentManifest(input: NginxManifestInput): k8s.apps.v1.DeploymentArgs {
    const labels = recommendedLabels(input);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: input.name, namespace: input.namespace, labels },
        spec: {
            replicas: input.replicas,
            selector: { matchLabels: selectorLabels(input) },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
            template: {
                metadata: { labels },
                spec: {
                    ...(input.nodeSelector ? { nodeSelector: { ...input.nodeSelector } } : {}),
                    automountServiceAccountToken: false,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: NGINX_UID,
                        runAsGroup: NGINX_UID,
                        fsGroup: NGINX_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    // One pod per node while there are at least as many nodes as replicas.
                    // ScheduleAnyway, not DoNotSchedule: an upgrade surges a fourth node and cordons
                    // the others one by one, and a node can fail; a hard constraint would then leave
                    // replicas Pending, whereas a soft one still prefers the emptiest node.
                    // nodeTaintsPolicy Honor keeps cordoned (tainted) nodes out of the skew count.
                    topologySpreadConstraints: [
                        {
                            maxSkew: 1,
                            topologyKey: HOSTNAME_TOPOLOGY_KEY,
                            whenUnsatisfiable: "ScheduleAnyway",
                            nodeTaintsPolicy: "Honor",
                            labelSelector: { matchLabels: selectorLabels(input) },
                        },
                    ],
                    containers: [
                        {
                            name: "nginx",
                            image: input.image,
                            ports: [{ name: NGINX_PORT_NAME, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" }],
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            resources: {
                                requests: { cpu: "50m", memory: "32Mi" },
                                limits: { cpu: "200m", memory: "64Mi" },
                            },
                            readinessProbe: {
                                httpGet: { path: "/", port: NGINX_PORT_NAME },
                                periodSeconds: 5,
                                failureThreshold: 3,
                            },
                            livenessProbe: {
                                httpGet: { path: "/", port: NGINX_PORT_NAME },
                                initialDelaySeconds: 5,
                                periodSeconds: 10,
                                failureThreshold: 3,
                            },
                            // nginx writes its pid file and temp files under /tmp; the root filesystem is read-only.
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                },
            },
        },
    };
}

export function podDisruptionBudgetManifest(input: NginxManifestInput): k8s.policy.v1.PodDisruptionBudgetArgs {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: input.name, namespace: input.namespace, labels: recommendedLabels(input) },
        spec: { minAvailable: minAvailable(input.replicas), selector: { matchLabels: selectorLabels(input) } },
    };
}

export function serviceManifest(input: NginxManifestInput): k8s.core.v1.ServiceArgs {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: input.name,
            namespace: input.namespace,
            labels: recommendedLabels(input),
            annotations: {
                [INTERNAL_LB_ANNOTATION]: "true",
                [INTERNAL_LB_SUBNET_ANNOTATION]: input.loadBalancerSubnetName,
            },
        },
        spec: {
            type: "LoadBalancer",
            selector: selectorLabels(input),
            ports: [{ name: NGINX_PORT_NAME, port: NGINX_SERVICE_PORT, targetPort: NGINX_PORT_NAME, protocol: "TCP" }],
        },
    };
}
