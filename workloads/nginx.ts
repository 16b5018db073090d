/** The nginx workload as a component on the cluster's explicit Kubernetes provider. */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
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
    readonly provider: k8s.Provider;
    /** The objects' name in Kubernetes; defaults to the component's name. */
    readonly objectName?: string;
    /** What the workload waits for before its pods can be scheduled (the user pool). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class Nginx extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
    public readonly service: k8s.core.v1.Service;
    /** The service's ClusterIP, inside the service CIDR. */
    public readonly clusterIp: pulumi.Output<string>;
    /** The internal load balancer's address, inside the services subnet. */
    public readonly loadBalancerIp: pulumi.Output<string | undefined>;

    constructor(name: string, args: NginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.nginx, name, {}, opts);
        const { provider, objectName, dependsOn, ...manifest } = args;
        const input: NginxManifestInput = { ...manifest, name: objectName ?? name };
        const childOpts = { provider, parent: this };

        this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, namespaceManifest(input), childOpts);
        const inNamespace = { ...childOpts, dependsOn: [this.namespace, ...(dependsOn ?? [])] };
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, deploymentManifest(input), inNamespace);
        this.podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            podDisruptionBudgetManifest(input),
            inNamespace,
        );
        this.service = new k8s.core.v1.Service(`${name}-service`, serviceManifest(input), inNamespace);

        this.clusterIp = this.service.spec.clusterIP;
        this.loadBalancerIp = this.service.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip);
        this.registerOutputs({ clusterIp: this.clusterIp, loadBalancerIp: this.loadBalancerIp });
    }
}
