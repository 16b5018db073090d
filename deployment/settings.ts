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

/**
 * The executor image. @pulumi/pulumi 3.249+ needs Node 22, and the default `pulumi/pulumi`
 * image follows Node's LTS of the day: pin the Node 22 image of pulumi/pulumi-docker-containers,
 * at the CLI release that matches the SDK in package.json. Not verified from here (no registry
 * access to Docker Hub): README says so.
 */
export const EXECUTOR_IMAGE = "pulumi/pulumi-nodejs-22:3.270.0";

export function deploymentSettingsArgs(inputs: DeploymentInputs): service.DeploymentSettingsArgs {
    return {
        organization: inputs.organization,
        project: "aks-kubenet",
        stack: "dev",
        // With GitHub settings the repository comes from the GitHub app: no repoUrl here.
        sourceContext: { git: { branch: `refs/heads/${inputs.branch}`, repoDir: "." } },
        // The `github` block, not `vcs`: moving to `vcs: {provider: "github"}` silently stops
        // commit-triggered deploys (pulumi/pulumi-pulumiservice#754, open), and `vcs` accepts only
        // lower-case providers. Pull-request previews stay off here: the Actions workflow runs
        // them with the policy pack and the replacement guard; a second preview here would run
        // without either.
        github: { repository: inputs.repository, deployCommits: true, previewPullRequests: false, pullRequestTemplate: false },
        executorContext: { executorImage: EXECUTOR_IMAGE },
        operationContext: {
            preRunCommands: ["npm ci"],
            // Azure by OIDC: Deployments exchanges its token for an Entra ID one; no client secret.
            oidc: { azure: { clientId: inputs.azureClientId, tenantId: inputs.azureTenantId, subscriptionId: inputs.azureSubscriptionId } },
            environmentVariables: { ARM_USE_OIDC: "true", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        },
    };
}
