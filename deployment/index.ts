/** Pulumi Deployments for the aks-kubenet dev stack: `cd deployment && pulumi up`. */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { stackAccessArgs } from "./access";
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

// Who may deploy dev (and so run code as the deploy identity), and which Pulumi Cloud token each
// GitHub job gets: deployment/access.ts.
const access = stackAccessArgs({
    organization: config.require("organization"),
    repository: config.require("repository"),
    deployers: config.requireObject<string[]>("deployers"),
    previewTeam: config.get("previewTeam") ?? "aks-kubenet-previews",
    deployTeam: config.get("deployTeam") ?? "aks-kubenet-deployers",
});
const teams = Object.entries(access.teams).map(([role, team]) => new service.Team(`team-${role}`, team));
for (const [role, permission] of Object.entries(access.permissions))
    new service.TeamStackPermission(`stack-${role}`, permission, { dependsOn: teams });
new service.OidcIssuer("github", access.githubIssuer, { dependsOn: teams });

export const deploymentSettingsStack = pulumi.interpolate`${settings.organization}/${settings.project}/${settings.stack}`;
