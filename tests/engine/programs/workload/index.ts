/**
 * The engine tier's workload program: the nginx component (workloads/nginx.ts) on the Kubernetes
 * provider of a kubeconfig file, as the stack's index.ts wires it for a cluster. With
 * publicLoadBalancer, one Service the policy pack must refuse.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Nginx } from "../../../../workloads/nginx";
import { NGINX_NAME } from "../../../../workloads/nginxManifests";

const config = new pulumi.Config();
const provider = new k8s.Provider("local", {
    kubeconfig: fs.readFileSync(config.require("kubeconfigFile"), "utf8"),
});
const namespace = config.require("namespace");
const nginx = new Nginx(NGINX_NAME, {
    provider,
    objectName: NGINX_NAME,
    namespace,
    image: config.require("image"),
    replicas: config.requireNumber("replicas"),
    loadBalancerSubnetName: config.require("loadBalancerSubnetName"),
});
if (config.requireBoolean("publicLoadBalancer"))
    new k8s.core.v1.Service(
        "public",
        {
            metadata: { name: "public", namespace },
            spec: { type: "LoadBalancer", selector: { app: "nobody" }, ports: [{ port: 80 }] },
        },
        { provider, dependsOn: [nginx] },
    );

export const clusterIp = nginx.clusterIp;
export const loadBalancerIp = nginx.loadBalancerIp;
