/** The dev stack's Pulumi Deployments settings, as a pure function of this program's config. */
import type * as service from "@pulumi/pulumiservice";

export interface DeploymentInputs {
    readonly organization: string;
    readonly repository: string;
    readonly branch: string;
    readonly azureClientId: string;
    readonly azureTenantId: string;
    readonly azureSubscriptionId: string;
}

export function deploymentSettingsArgs(inputs: DeploymentInputs): service.DeploymentSettingsArgs {
    return {
        organization: inputs.organization,
        project: "aks-kubenet",
        stack: "dev",
        sourceContext: { git: { repoUrl: `https://github.com/${inputs.repository}.git`, branch: `refs/heads/${inputs.branch}`, repoDir: "." } },
        // Pull requests get a preview (with a comment); pushes to the branch run `pulumi up`.
        vcs: { provider: "GitHub", repository: inputs.repository, previewPullRequests: true, deployCommits: true, pullRequestTemplate: false },
        operationContext: {
            preRunCommands: ["npm ci"],
            // Azure by OIDC: Deployments exchanges its token for an Entra ID one; no client secret.
            oidc: { azure: { clientId: inputs.azureClientId, tenantId: inputs.azureTenantId, subscriptionId: inputs.azureSubscriptionId } },
            environmentVariables: { ARM_USE_OIDC: "true", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        },
    };
}
