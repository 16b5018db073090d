/** The workloads that run on a cluster, wired for the stack's index.ts. */
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../config";
import { Nginx } from "./nginx";
import { NGINX_NAME } from "./nginxManifests";

export { NGINX_NAME };

export interface WorkloadsArgs {
    readonly config: StackConfig;
    readonly provider: k8s.Provider;
    /** The subnet internal load balancers use, from the network module. */
    readonly loadBalancerSubnetName: string;
    /**
     * Prefix of the Pulumi names, so two clusters' workloads never share a URN; empty for the
     * first cluster, whose names must not change.
     */
    readonly namePrefix?: string;
}

export function deployWorkloads(args: WorkloadsArgs) {
    const nginx = new Nginx(`${args.namePrefix ?? ""}${NGINX_NAME}`, {
        provider: args.provider,
        objectName: NGINX_NAME,
        namespace: args.config.nginxNamespace,
        image: args.config.nginxImage,
        replicas: args.config.nginxReplicas,
        loadBalancerSubnetName: args.loadBalancerSubnetName,
    });
    return { nginx };
}
