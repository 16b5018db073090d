/** The workloads that run on a cluster, wired for the stack's index.ts. */
import type * as containerservice from "@pulumi/azure-native/containerservice";
import type { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { POOL_MODE_LABEL } from "../posture";
import { StackConfig } from "../config";
import { Nginx } from "./nginx";
import { NGINX_NAME } from "./nginxManifests";

export { NGINX_NAME };

export interface WorkloadsArgs {
    readonly config: StackConfig;
    readonly provider: KubernetesProvider;
    /** The subnet internal load balancers use, from the network module. */
    readonly loadBalancerSubnetName: string;
    /**
     * Prefix of the Pulumi names, so two clusters' workloads never share a URN; empty for the
     * first cluster, whose names must not change.
     */
    readonly namePrefix?: string;
    /**
     * The cluster's user pool, if it has one: nginx then runs there (the system pool is tainted
     * CriticalAddonsOnly), and waits for it.
     */
    readonly userPool?: containerservice.AgentPool;
}

export function deployWorkloads(args: WorkloadsArgs) {
    const nginx = new Nginx(`${args.namePrefix ?? ""}${NGINX_NAME}`, {
        provider: args.provider,
        objectName: NGINX_NAME,
        namespace: args.config.nginxNamespace,
        image: args.config.nginxImage,
        replicas: args.config.nginxReplicas,
        loadBalancerSubnetName: args.loadBalancerSubnetName,
        ...(args.userPool ? { nodeSelector: { [POOL_MODE_LABEL]: "user" }, dependsOn: [args.userPool] } : {}),
    });
    return { nginx };
}
