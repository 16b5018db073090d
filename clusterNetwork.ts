/**
 * What the cluster component sends around the AKS API's own defaults: the networkProfile per
 * plugin, the networkProfile fields AKS sets by itself and the cluster therefore ignores, and the
 * two resource transforms that take out defaults azure-native's SDK fills in (a pod CIDR on classic
 * Azure CNI, a principalType on the admins' grants). cluster.ts uses them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { NetworkPluginSpec } from "./addressPlan";
import type { ClusterArgs } from "./cluster";
import { NetworkPolicy } from "./posture";

/** The networkProfile for a plugin: the plugin's fields, then the ranges every cluster sets. */
export function networkProfileFor(
    plugin: NetworkPluginSpec,
    args: Pick<ClusterArgs, "podCidr" | "serviceCidr" | "dnsServiceIp">,
): {
    networkPlugin: string;
    networkPluginMode?: string;
    podCidr?: string;
    serviceCidr: string;
    dnsServiceIP: string;
    loadBalancerSku: string;
    outboundType: string;
} {
    // podCidr, serviceCidr, dnsServiceIP, networkPlugin(Mode) and outboundType force a replacement
    // of the cluster (pulumi/pulumi-azure-native#4771). dockerBridgeCidr is never set: it is
    // ignored since 1.19 and gone from API 2023-04-01 (Azure/AKS#3534).
    return {
        networkPlugin: plugin.networkPlugin,
        ...(plugin.networkPluginMode ? { networkPluginMode: plugin.networkPluginMode } : {}),
        ...(plugin.podAddresses === "podCidrSlices" ? { podCidr: args.podCidr } : {}),
        serviceCidr: args.serviceCidr,
        dnsServiceIP: args.dnsServiceIp,
        loadBalancerSku: containerservice.LoadBalancerSku.Standard,
        outboundType: containerservice.OutboundType.LoadBalancer,
    };
}

/**
 * Classic Azure CNI takes pod addresses from the subnet, and AKS refuses a pod CIDR with it
 * (hashicorp/terraform-provider-azurerm#1648, #4286). azure-native's SDK nevertheless fills an
 * unset networkProfile.podCidr with 10.244.0.0/16 (containerServiceNetworkProfileArgsProvideDefaults
 * in @pulumi/azure-native/types/input.js) after the args leave this program. A resource transform
 * sees the properties the engine is about to register, after the SDK's defaults: it takes the
 * default out again.
 */
export const dropSdkDefaultPodCidr: pulumi.ResourceTransform = ({ props, opts }) => {
    const withoutPodCidr = (profile: unknown) => {
        if (!profile || typeof profile !== "object") return profile;
        const { podCidr: _sdkDefault, ...rest } = profile as Record<string, unknown>;
        return rest;
    };
    const profile: unknown = props.networkProfile;
    return {
        props: {
            ...props,
            networkProfile: pulumi.Output.isInstance(profile) ? profile.apply(withoutPodCidr) : withoutPodCidr(profile),
        },
        opts,
    };
};

/**
 * An admin may be a user, a group or a service principal, and Azure refuses a role assignment
 * whose principalType does not match the principal (UnmatchedPrincipalType). Left out, Azure looks
 * the type up itself. azure-native's SDK fills an unset principalType with "User"
 * (@pulumi/azure-native authorization/roleAssignment.js: `args?.principalType ?? "User"`), which
 * would break every admin that is not a user, the deploy identity among them: the transform takes
 * that default out again, as dropSdkDefaultPodCidr does for the pod CIDR.
 */
export const dropSdkDefaultPrincipalType: pulumi.ResourceTransform = ({ props, opts }) => {
    const { principalType: _sdkDefault, ...rest } = props;
    return { props: rest, opts };
};

/**
 * networkProfile fields AKS fills in by itself, which this program does not declare unless
 * networkPolicy is set. A refresh writes what changed into the recorded inputs (azure-native
 * provider.go `Read`: the diff of the old and new outputs' input-shaped properties, after defaults
 * and sub-resources are reset, applied with `inputs = applyDiff(inputs, diff)`), and both are force-new: after the
 * move to Overlay AKS reports networkDataplane "azure" (null on kubenet) and, on recent API
 * versions, networkPolicy "none", so the next preview would replace the cluster. Ignoring them
 * makes the engine keep the recorded value (pulumi/pulumi pkg/resource/deploy/step_generator.go
 * `processIgnoreChanges`, `path.Reset` at commit 1b5949891b3c), whether or not the refresh
 * recorded one: declaring the values instead
 * would replace a cluster whose refresh recorded nothing (tests/overlayRefresh.test.ts).
 */
export const NETWORK_PROFILE_FIELDS_AKS_SETS = [
    "networkProfile.networkDataplane",
    "networkProfile.networkPolicy",
] as const;

/**
 * The networkProfile fields the cluster ignores: those AKS sets, minus any the program declares.
 * A declared networkPolicy (and cilium's dataplane) is never ignored: a changed value shows as the
 * replacement it is in azure-native, and the preview guard refuses it with the in-place runbook.
 */
export function ignoredNetworkProfileFields(networkPolicy?: NetworkPolicy): string[] {
    const declared = new Set<string>(
        networkPolicy
            ? [
                  "networkProfile.networkPolicy",
                  ...(networkPolicy === "cilium" ? ["networkProfile.networkDataplane"] : []),
              ]
            : [],
    );
    return NETWORK_PROFILE_FIELDS_AKS_SETS.filter((field) => !declared.has(field));
}
