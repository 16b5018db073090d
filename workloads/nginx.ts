/** The nginx workload as a component on the cluster's explicit Kubernetes provider. */
import * as pulumi from "@pulumi/pulumi";
// Submodules, not the package root: @pulumi/kubernetes's index loads every API group (~250 ms of
// each preview's start, npm run bench:engine); the types and URNs are the same.
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as policyv1 from "@pulumi/kubernetes/policy/v1";
import type { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { COMPONENT_TYPES } from "../names";
import {
    deploymentManifest,
    namespaceManifest,
    NginxManifestInput,
    podDisruptionBudgetManifest,
    serviceManifest,
} from "./nginxManifests";

export interface NginxArgs extends Omit<NginxManifestInput, "name"> {
    /** The cluster's provider; every child uses it (never the ambient $KUBECONFIG). */
    readonly provider: KubernetesProvider;
    /** The objects' name in Kubernetes; defaults to the component's name. */
    readonly objectName?: string;
    /** What the workload waits for before its pods can be scheduled (the user pool). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class Nginx extends pulumi.ComponentResource {
    public readonly namespace: corev1.Namespace;
    public readonly deployment: appsv1.Deployment;
    public readonly podDisruptionBudget: policyv1.PodDisruptionBudget;
    public readonly service: corev1.Service;
    /** The service's ClusterIP, inside the service CIDR. */
    public readonly clusterIp: pulumi.Output<string>;
    /** The internal load balancer's address, inside the services subnet. */
    public readonly loadBalancerIp: pulumi.Output<string | undefined>;

    constructor(name: string, args: NginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.nginx, name, {}, opts);
        const { provider, objectName, dependsOn, ...manifest } = args;
        const input: NginxManifestInput = { ...manifest, name: objectName ?? name };
        const childOpts = { provider, parent: this };

        this.namespace = new corev1.Namespace(`${name}-namespace`, namespaceManifest(input), childOpts);
        const inNamespace = { ...childOpts, dependsOn: [this.namespace, ...(dependsOn ?? [])] };
        this.deployment = new appsv1.Deployment(`${name}-deployment`, deploymentManifest(input), inNamespace);
        this.podDisruptionBudget = new policyv1.PodDisruptionBudget(
            `${name}-pdb`,
            podDisruptionBudgetManifest(input),
            inNamespace,
        );
        this.service = new corev1.Service(`${name}-service`, serviceManifest(input), inNamespace);

        this.clusterIp = this.service.spec.clusterIP;
        this.loadBalancerIp = this.service.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip);
        this.registerOutputs({ clusterIp: this.clusterIp, loadBalancerIp: this.loadBalancerIp });
    }
}
