/**
 * The stack's own program (index.ts) with one stack transform, for the engine tier's control
 * cases. The rehearsal test copies it to the root of its copy of the checkout and makes it
 * the project's main there (same project, stack, program directory and URNs): hence `./index`.
 * AKS_KUBENET_TEST_TRANSFORM chooses the transform:
 * - public-service: the nginx Service loses its internal load balancer annotation (a change the
 *   policy pack must refuse);
 * - no-ignore-changes: the clusters lose their ignoreChanges (the control case of the Overlay
 *   runbook: without them, the refreshed cluster is replaced).
 */
import * as pulumi from "@pulumi/pulumi";

const transform = process.env.AKS_KUBENET_TEST_TRANSFORM;
if (transform !== "public-service" && transform !== "no-ignore-changes")
    throw new Error(`AKS_KUBENET_TEST_TRANSFORM is "${transform}": use public-service or no-ignore-changes`);

pulumi.runtime.registerResourceTransform(({ type, props, opts }) => {
    if (transform === "public-service" && type === "kubernetes:core/v1:Service") {
        const metadata = (props.metadata ?? {}) as { annotations?: Record<string, string> };
        return { props: { ...props, metadata: { ...metadata, annotations: {} } }, opts };
    }
    if (transform === "no-ignore-changes" && type === "azure-native:containerservice:ManagedCluster")
        return { props, opts: { ...opts, ignoreChanges: [] } };
    return undefined;
});

module.exports = require("./index");
