/**
 * The page each check cites: Microsoft's docs for what Azure decides, the tools' own docs for the
 * workstation. docs/preflight.md lists them with the checks; a test holds every check to one.
 */
export const SOURCES = Object.freeze({
    node: "https://nodejs.org/en/download (package.json engines)",
    pulumiInstall: "https://www.pulumi.com/docs/iac/download-install/",
    pulumiLogin: "https://www.pulumi.com/docs/iac/cli/commands/pulumi_login/",
    kubelogin: "https://learn.microsoft.com/azure/aks/kubelogin-authentication",
    /** Azure RBAC for Kubernetes: who may do what in the cluster is an Azure role assignment on it. */
    aksAzureRbac: "https://learn.microsoft.com/azure/aks/manage-azure-rbac",
    azLogin: "https://learn.microsoft.com/cli/azure/authenticate-azure-cli",
    subscriptionStates: "https://learn.microsoft.com/azure/cost-management-billing/manage/subscription-states",
    aksRegions: "https://learn.microsoft.com/azure/aks/quotas-skus-regions",
    /** "To assign Azure roles, you must have Microsoft.Authorization/roleAssignments/write permissions". */
    roleAssignmentRights: "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-steps",
    /** Owner, Contributor, User Access Administrator, Role Based Access Control Administrator and their ids. */
    privilegedRoles: "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged",
    /** `az role assignment list --include-groups` and `--include-inherited`. */
    listAssignments: "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-list-cli",
    /** MissingSubscriptionRegistration, and providers a resource needs that are not in the template. */
    providerRegistration:
        "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-register-resource-provider",
    /** "Total Regional vCPUs" and the per-family vCPU quotas, from `az vm list-usage`. */
    vmQuotas: "https://learn.microsoft.com/azure/virtual-machines/quotas",
    quotaRequests: "https://learn.microsoft.com/azure/quotas/per-vm-quota-requests",
    /** SkuNotAvailable: `az vm list-skus` and its restrictions (NotAvailableForSubscription). */
    skuNotAvailable: "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available",
    /** The Azure Policy add-on needs Microsoft.PolicyInsights registered. */
    policyAddon: "https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes",
    /** Resource group names are unique in a subscription, cluster names in a resource group. */
    nameRules: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules",
});
