/**
 * What to do when the preview guard finds a field that would replace the cluster (after the Overlay
 * move, or a change AKS makes in place but azure-native replaces for), by field. guard/cli.ts prints
 * them; docs/configuration.md has the runbooks they point to.
 */
/** By field. The fix never is `--allow`: that deletes the cluster. */
export const REPLACEMENT_FIXES: Readonly<Record<string, string>> = Object.freeze({
    "networkProfile.networkPlugin":
        "a plugin changes in place only through the Overlay runbook (npm run migrate -- plan); after `az aks update`, run `pulumi refresh` until the state records azure/overlay, with networkPlugin=overlay set",
    "networkProfile.networkPluginMode":
        "as for networkPlugin: the move runs through the runbook, and the refresh must record networkPluginMode overlay; it is one-way, there is no way back to kubenet",
    "networkProfile.podCidr":
        "a pod CIDR cannot change in place: set podCidr to the cluster's (`az aks show --query networkProfile.podCidr`)",
    "networkProfile.serviceCidr":
        "a service CIDR cannot change in place: set serviceCidr to the cluster's (`az aks show --query networkProfile.serviceCidr`)",
    "networkProfile.dnsServiceIP":
        "the DNS service IP cannot change in place: set dnsServiceIp to the cluster's (`az aks show --query networkProfile.dnsServiceIp`)",
    "networkProfile.networkDataplane":
        "with networkPolicy unset this program ignores it (AKS sets azure after the Overlay move); with networkPolicy=cilium the dataplane changes in place only by `az aks update -g RG -n NAME --network-dataplane cilium`, then `pulumi refresh`, then preview again (docs/configuration.md, networkPolicy); there is no way back from cilium",
    "networkProfile.networkPolicy":
        "a declared networkPolicy changes in place only outside Pulumi, and only as Microsoft documents: none to azure or calico (`az aks update -g RG -n NAME --network-policy <value>`), azure or calico to none (`--network-policy none`), none, azure or calico to cilium on Azure CNI (`--network-dataplane cilium`); each reimages every pool. Then `pulumi refresh`, then preview again: the refresh records the new policy and nothing is replaced (docs/configuration.md, networkPolicy). Any other move is refused with its path",
    "networkProfile.outboundType":
        "the outbound type changed outside Pulumi: set it back with `az aks update --outbound-type loadBalancer`",
    linuxProfile:
        "the SSH key or admin user cannot change in place: set sshPublicKey and adminUsername back to the cluster's",
    dnsPrefix: "the DNS prefix follows clusterName: keep clusterName",
    resourceName: "the cluster's name cannot change: keep clusterName",
    location: "a location cannot change: keep azure-native:location",
});

export function fixFor(field: string): string {
    return (
        REPLACEMENT_FIXES[field] ??
        `make the program declare what Azure reports for ${field} (\`az aks show -o json\`), or add it to the resource's ignoreChanges; never --allow the cluster`
    );
}
