/** The workloads that run on the cluster, wired for the stack's index.ts. */
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../config";
import { Nginx } from "./nginx";

export interface WorkloadsArgs {
    readonly config: StackConfig;
    readonly provider: k8s.Provider;
    /** The subnet internal load balancers use, from the network module. */
    readonly loadBalancerSubnetName: string;
}

export function deployWorkloads(args: WorkloadsArgs) {
    const nginx = new Nginx("nginx", {
        provider: args.provider,
        namespace: args.config.nginxNamespace,
        image: args.config.nginxImage,
        replicas: args.config.nginxReplicas,
        loadBalancerSubnetName: args.loadBalancerSubnetName,
    });
    return { nginx };
}
