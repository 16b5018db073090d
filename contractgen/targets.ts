/**
 * The resource types whose contract the project keeps: each azure-native type token the program
 * declares (and the two posture types issue #32 brings: diagnostic settings and management locks),
 * with the REST API spec file and PUT operation of the API version @pulumi/azure-native 3.28.0 uses
 * for it. The generator checks that version against the SDK module's own doc comment ("Uses Azure
 * REST API version ...") and refuses a mismatch.
 */
export interface ContractTarget {
    readonly token: string;
    /** The spec file, as a path in Azure/azure-rest-api-specs. */
    readonly spec: string;
    readonly operationId: string;
    /** The SDK module, under node_modules/@pulumi/azure-native. */
    readonly sdkModule: string;
}

const AKS = "specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-09-01";
const NETWORK = "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01";
const MONITOR = "specification/monitor/resource-manager/Microsoft.Insights";
const AUTHORIZATION = "specification/resources/resource-manager/Microsoft.Authorization/stable";

export const CONTRACT_TARGETS: readonly ContractTarget[] = Object.freeze([
    {
        token: "azure-native:resources:ResourceGroup",
        spec: "specification/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json",
        operationId: "ResourceGroups_CreateOrUpdate",
        sdkModule: "resources/resourceGroup",
    },
    {
        token: "azure-native:network:VirtualNetwork",
        spec: `${NETWORK}/virtualNetwork.json`,
        operationId: "VirtualNetworks_CreateOrUpdate",
        sdkModule: "network/virtualNetwork",
    },
    {
        token: "azure-native:network:Subnet",
        spec: `${NETWORK}/virtualNetwork.json`,
        operationId: "Subnets_CreateOrUpdate",
        sdkModule: "network/subnet",
    },
    {
        token: "azure-native:network:RouteTable",
        spec: `${NETWORK}/routeTable.json`,
        operationId: "RouteTables_CreateOrUpdate",
        sdkModule: "network/routeTable",
    },
    {
        token: "azure-native:managedidentity:UserAssignedIdentity",
        spec: "specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json",
        operationId: "UserAssignedIdentities_CreateOrUpdate",
        sdkModule: "managedidentity/userAssignedIdentity",
    },
    {
        token: "azure-native:authorization:RoleAssignment",
        spec: "specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
        operationId: "RoleAssignments_Create",
        sdkModule: "authorization/roleAssignment",
    },
    {
        token: "azure-native:containerservice:ManagedCluster",
        spec: `${AKS}/managedClusters.json`,
        operationId: "ManagedClusters_CreateOrUpdate",
        sdkModule: "containerservice/managedCluster",
    },
    {
        token: "azure-native:containerservice:AgentPool",
        spec: `${AKS}/managedClusters.json`,
        operationId: "AgentPools_CreateOrUpdate",
        sdkModule: "containerservice/agentPool",
    },
    {
        token: "azure-native:containerservice:MaintenanceConfiguration",
        spec: `${AKS}/managedClusters.json`,
        operationId: "MaintenanceConfigurations_CreateOrUpdate",
        sdkModule: "containerservice/maintenanceConfiguration",
    },
    {
        token: "azure-native:operationalinsights:Workspace",
        spec: "specification/operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2023-09-01/Workspaces.json",
        operationId: "Workspaces_CreateOrUpdate",
        sdkModule: "operationalinsights/workspace",
    },
    {
        token: "azure-native:monitor:DataCollectionRule",
        spec: `${MONITOR}/stable/2022-06-01/dataCollectionRules_API.json`,
        operationId: "DataCollectionRules_Create",
        sdkModule: "monitor/dataCollectionRule",
    },
    {
        token: "azure-native:monitor:DataCollectionRuleAssociation",
        spec: `${MONITOR}/stable/2022-06-01/dataCollectionRuleAssociations_API.json`,
        operationId: "DataCollectionRuleAssociations_Create",
        sdkModule: "monitor/dataCollectionRuleAssociation",
    },
    {
        token: "azure-native:monitor:DiagnosticSetting",
        spec: `${MONITOR}/preview/2021-05-01-preview/diagnosticsSettings_API.json`,
        operationId: "DiagnosticSettings_CreateOrUpdate",
        sdkModule: "monitor/diagnosticSetting",
    },
    {
        token: "azure-native:authorization:PolicyAssignment",
        spec: `${AUTHORIZATION}/2025-01-01/policyAssignments.json`,
        operationId: "PolicyAssignments_Create",
        sdkModule: "authorization/policyAssignment",
    },
    {
        token: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
        spec: `${AUTHORIZATION}/2020-05-01/locks.json`,
        operationId: "ManagementLocks_CreateOrUpdateAtResourceGroupLevel",
        sdkModule: "authorization/managementLockAtResourceGroupLevel",
    },
    {
        token: "azure-native:authorization:ManagementLockByScope",
        spec: `${AUTHORIZATION}/2020-05-01/locks.json`,
        operationId: "ManagementLocks_CreateOrUpdateByScope",
        sdkModule: "authorization/managementLockByScope",
    },
]);
