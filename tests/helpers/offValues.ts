/**
 * What the dev stack's cluster sends for the features it leaves off (issue #32): each written out
 * here from the AKS API's field names, not read from the program, so a test of the program's
 * inputs can fail. AKS keeps what a request leaves out (Azure/AKS#2904): off is sent as off.
 */
export const OFF_VALUES = Object.freeze({
    // The node OS channel's default is AKS's own, NodeImage ("The default is NodeImage", AKS API
    // 2025-09-01 ManagedClusterAutoUpgradeProfile), not None: the dev stack keeps its node images' updates.
    autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" },
    securityProfile: {
        workloadIdentity: { enabled: false },
        imageCleaner: { enabled: false },
        defender: { securityMonitoring: { enabled: false } },
    },
    addonProfiles: {
        omsagent: { enabled: false },
        azurepolicy: { enabled: false },
        azureKeyvaultSecretsProvider: { enabled: false },
    },
    apiServerAccessProfile: { authorizedIPRanges: [], disableRunCommand: false },
    metricsProfile: { costAnalysis: { enabled: false } },
});

/** The leaf paths of the off values, as the guard's replacement facts name inputs. */
export const OFF_VALUE_PATHS = [
    "autoUpgradeProfile.upgradeChannel",
    "autoUpgradeProfile.nodeOSUpgradeChannel",
    "securityProfile.workloadIdentity.enabled",
    "securityProfile.imageCleaner.enabled",
    "securityProfile.defender.securityMonitoring.enabled",
    "addonProfiles.omsagent.enabled",
    "addonProfiles.azurepolicy.enabled",
    "addonProfiles.azureKeyvaultSecretsProvider.enabled",
    "apiServerAccessProfile.authorizedIPRanges",
    "apiServerAccessProfile.disableRunCommand",
    "metricsProfile.costAnalysis.enabled",
] as const;
