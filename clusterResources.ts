/**
 * The posture's resources that hang off a cluster, children of its Cluster component: AKS's two
 * maintenance schedules, Container insights' data collection rule and its association, the pod
 * security baseline assignment, the control-plane diagnostic setting and the delete lock. Each
 * exists only when its setting is on; the tutorial's cluster gets none of them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as monitor from "@pulumi/azure-native/monitor";
import { ClusterPosture } from "./clusterPosture";
import {
    CONTROL_PLANE_LOG_CATEGORIES,
    CONTROL_PLANE_LOGS_SETTING_NAME,
    dataCollectionRuleName,
    MAINTENANCE_CONFIG_NAMES,
    POD_SECURITY_BASELINE_INITIATIVE,
} from "./posture";

export interface ClusterResourcesArgs {
    readonly clusterName: string;
    /** The cluster's region. */
    readonly location: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly managedCluster: containerservice.ManagedCluster;
    readonly posture: ClusterPosture;
}

export interface ClusterResources {
    /** maintenanceWindow: aksManagedAutoUpgradeSchedule and aksManagedNodeOSUpgradeSchedule. */
    readonly maintenanceConfigurations: containerservice.MaintenanceConfiguration[];
    /** monitoring: the data collection rule and its association with the cluster. */
    readonly containerInsights: pulumi.CustomResource[];
    readonly policyAssignment?: authorization.PolicyAssignment;
    readonly controlPlaneLogs?: monitor.DiagnosticSetting;
}

/** Declares the posture's resources of one cluster under `parent` (names prefixed by `name`). */
export function declareClusterResources(
    name: string,
    parent: pulumi.Resource,
    args: ClusterResourcesArgs,
): ClusterResources {
    const { posture, managedCluster } = args;
    const inCluster = { resourceGroupName: args.resourceGroupName, resourceName: managedCluster.name };
    // What Azure deletes with the cluster goes, and comes back, with it.
    const onCluster = { parent, deletedWith: managedCluster };

    // AKS's two fixed schedules, one window for both: when the channels may upgrade the
    // cluster and when they may upgrade the node OS (learn.microsoft.com/azure/aks/planned-maintenance).
    const window = posture.maintenanceWindow;
    const maintenanceConfigurations = window
        ? (
              [
                  ["auto-upgrade", MAINTENANCE_CONFIG_NAMES.autoUpgrade],
                  ["node-os-upgrade", MAINTENANCE_CONFIG_NAMES.nodeOsUpgrade],
              ] as const
          ).map(
              ([suffix, configName]) =>
                  new containerservice.MaintenanceConfiguration(
                      `${name}-maintenance-${suffix}`,
                      {
                          ...inCluster,
                          configName,
                          maintenanceWindow: {
                              schedule: { weekly: { intervalWeeks: 1, dayOfWeek: window.dayOfWeek } },
                              durationHours: window.durationHours,
                              startTime: window.startTime,
                              utcOffset: window.utcOffset,
                          },
                      },
                      onCluster,
                  ),
          )
        : [];

    // Container insights: the rule says what the agent collects and where it goes (Microsoft's
    // onboarding template: the ContainerInsights extension stream into the workspace, the rule in
    // the workspace's region); the association ties it to this cluster under AKS's fixed name.
    const containerInsights: pulumi.CustomResource[] = [];
    if (posture.monitoring && posture.workspaceId) {
        const workspaceRegion = posture.workspaceLocation ?? args.location;
        const rule = new monitor.DataCollectionRule(
            `${name}-container-insights`,
            {
                resourceGroupName: args.resourceGroupName,
                location: workspaceRegion,
                dataCollectionRuleName: dataCollectionRuleName(workspaceRegion, args.clusterName),
                kind: "Linux",
                description: `Container insights for AKS ${args.clusterName}`,
                dataSources: {
                    extensions: [
                        {
                            name: "ContainerInsightsExtension",
                            extensionName: "ContainerInsights",
                            streams: ["Microsoft-ContainerInsights-Group-Default"],
                            extensionSettings: {
                                dataCollectionSettings: {
                                    interval: "1m",
                                    namespaceFilteringMode: "Off",
                                    enableContainerLogV2: true,
                                },
                            },
                        },
                    ],
                },
                destinations: { logAnalytics: [{ name: "workspace", workspaceResourceId: posture.workspaceId }] },
                dataFlows: [{ streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["workspace"] }],
            },
            { parent },
        );
        containerInsights.push(
            rule,
            new monitor.DataCollectionRuleAssociation(
                `${name}-container-insights-association`,
                {
                    resourceUri: managedCluster.id,
                    associationName: "ContainerInsightsExtension",
                    dataCollectionRuleId: rule.id,
                    description: "Ties the Container insights rule to the cluster",
                },
                onCluster,
            ),
        );
    }

    // Azure Policy for Kubernetes, auditing the pod security baseline: findings, no denials.
    const policyAssignment = posture.azurePolicy
        ? new authorization.PolicyAssignment(
              `${name}-pod-security-baseline`,
              {
                  scope: managedCluster.id,
                  policyAssignmentName: "pod-security-baseline-audit",
                  displayName: `Pod security baseline (audit) on AKS ${args.clusterName}`,
                  policyDefinitionId: POD_SECURITY_BASELINE_INITIATIVE,
                  parameters: { effect: { value: "audit" } },
              },
              onCluster,
          )
        : undefined;

    // The control plane's own logs (AKS's resource logs), which Container insights does not collect.
    const controlPlaneLogs =
        posture.controlPlaneLogs && posture.workspaceId
            ? new monitor.DiagnosticSetting(
                  `${name}-control-plane-logs`,
                  {
                      name: CONTROL_PLANE_LOGS_SETTING_NAME,
                      resourceUri: managedCluster.id,
                      workspaceId: posture.workspaceId,
                      logs: CONTROL_PLANE_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                  },
                  onCluster,
              )
            : undefined;

    return { maintenanceConfigurations, containerInsights, policyAssignment, controlPlaneLogs };
}
