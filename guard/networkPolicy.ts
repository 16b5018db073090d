/**
 * The network policy moves Microsoft documents for an existing cluster, and only those: AKS changes
 * a policy in place (reimaging every pool), while azure-native replaces the cluster for any change
 * of networkProfile.networkPolicy (force-new), so the runbook is `az aks update`, `pulumi refresh`,
 * then the config. Sources: learn.microsoft.com/azure/aks/use-network-policies ("Installing Azure
 * Network Policy Manager or Calico on existing AKS clusters is also supported"; "Uninstall Azure
 * Network Policy Manager or Calico", Azure CLI 2.63 or later) and learn.microsoft.com/azure/aks/
 * update-azure-cni (the Cilium dataplane "from any Azure CNI IPAM mode"; "the existing engine is
 * uninstalled and replaced by Cilium"; kubenet must move to Overlay first). There is no way back
 * from Cilium: that is a one-way fact (azureFacts/replacements.ts).
 */
export const NETWORK_POLICY_TRANSITIONS: ReadonlyArray<{
    readonly from: string;
    readonly to: string;
    readonly command: string;
}> = Object.freeze([
    { from: "none", to: "azure", command: "az aks update -g RG -n NAME --network-policy azure" },
    { from: "none", to: "calico", command: "az aks update -g RG -n NAME --network-policy calico" },
    { from: "azure", to: "none", command: "az aks update -g RG -n NAME --network-policy none" },
    { from: "calico", to: "none", command: "az aks update -g RG -n NAME --network-policy none" },
    ...["none", "azure", "calico"].map((from) => ({
        from,
        to: "cilium",
        command: "az aks update -g RG -n NAME --network-dataplane cilium (Azure CNI only; it brings the Cilium policy)",
    })),
]);

/** What AKS reports for no policy (recent API versions: "none"; older: null). */
const normal = (policy: unknown) => (typeof policy === "string" && policy !== "" ? policy : "none");

/**
 * A change of policy: the documented command, or, for a move Microsoft does not document, why
 * and the documented path around it. Unchanged: undefined.
 */
export function networkPolicyTransition(
    from: unknown,
    to: unknown,
): { documented: true; command: string } | { documented: false; why: string } | undefined {
    const [was, wants] = [normal(from), normal(to)];
    if (was === wants) return undefined;
    const step = NETWORK_POLICY_TRANSITIONS.find((move) => move.from === was && move.to === wants);
    if (step) return { documented: true, command: step.command };
    const viaNone = NETWORK_POLICY_TRANSITIONS.some((move) => move.from === was && move.to === "none");
    return {
        documented: false,
        why:
            `Microsoft documents no move from networkPolicy ${was} to ${wants}` +
            (viaNone
                ? `; the documented path goes through none: az aks update -g RG -n NAME --network-policy none, pulumi refresh, pulumi config set networkPolicy none, pulumi up; then the same to ${wants} (docs/configuration.md, networkPolicy)`
                : "; keep the policy this cluster has, or build a new cluster with the one you want"),
    };
}
