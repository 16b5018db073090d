/**
 * Container insights' destination: a Log Analytics workspace the stack creates, when
 * monitoring=true and no logAnalyticsWorkspaceId names an existing one. Both clusters send to it.
 * A workspace bills per GB ingested (docs/design.md, Production posture): 30 days of retention, the
 * period Analytics Logs include at no extra charge.
 */
import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { COMPONENT_TYPES } from "./names";

/**
 * Days of retention: within the interactive retention Analytics Logs include
 * (learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure).
 */
export const WORKSPACE_RETENTION_DAYS = 30;

export interface MonitoringArgs {
    readonly location: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly workspaceName: string;
    readonly protect: boolean;
}

export class Monitoring extends pulumi.ComponentResource {
    public readonly workspace: operationalinsights.Workspace;
    public readonly workspaceId: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.monitoring, name, {}, opts);
        // Protected with the network: deleting a workspace loses the logs it holds.
        this.workspace = new operationalinsights.Workspace(
            `${name}-workspace`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                workspaceName: args.workspaceName,
                sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
                retentionInDays: WORKSPACE_RETENTION_DAYS,
            },
            { parent: this, protect: args.protect },
        );
        this.workspaceId = this.workspace.id;
        this.registerOutputs({ workspaceId: this.workspaceId });
    }
}
