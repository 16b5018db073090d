/** Pulumi Deployments for the aks-kubenet dev stack: `cd deployment && pulumi up`. */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { deploymentSettingsArgs } from "./settings";

const config = new pulumi.Config();
const settings = new service.DeploymentSettings(
    "dev",
    deploymentSettingsArgs({
        organization: config.require("organization"),
        repository: config.require("repository"),
        branch: config.get("branch") ?? "main",
        azureClientId: config.require("azureClientId"),
        azureTenantId: config.require("azureTenantId"),
        azureSubscriptionId: config.require("azureSubscriptionId"),
    }),
);

export const deploymentSettingsStack = pulumi.interpolate`${settings.organization}/${settings.project}/${settings.stack}`;
