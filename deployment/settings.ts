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
 * The executor image: pulumi/pulumi-docker-containers publishes `pulumi/pulumi-nodejs-<node
 * major>:<pulumi CLI version>` (release.yml there: IMAGE_NAME=pulumi/pulumi-${sdk}${suffix}:
 * ${PULUMI_VERSION}, versions.py: nodejs additional versions "22" and "24"; commit c6f888350d3a).
 * @pulumi/pulumi 3.249+ needs Node 22, and the unsuffixed image follows the newest Node: pin Node
 * 22 at the CLI release that matches the SDK in package.json (a test keeps them in step). Whether
 * Docker Hub holds this exact tag was not checked from here (no registry access).
 */
export const EXECUTOR_IMAGE = "pulumi/pulumi-nodejs-22:3.270.0";

/**
 * Deployments installs only what `pulumi up` needs: `npm ci --omit=dev` (the tools and the tests
 * are devDependencies), and its own install step is skipped, which would otherwise run a full
 * `npm install` with the devDependencies back in.
 */
export const DEPLOY_INSTALL_COMMAND = "npm ci --omit=dev";

/** The kubelogin release Deployments installs (the same as the workflow's azure/use-kubelogin). */
export const KUBELOGIN_VERSION = "v0.2.19";
/** Where the pre-run commands leave Deployments' OIDC token for kubelogin (a file, as it reads one). */
export const FEDERATED_TOKEN_FILE = "/tmp/aks-kubenet-federated-token";

/**
 * The program's Kubernetes provider signs in through kubelogin (an Entra ID cluster: kubeconfig.ts),
 * which the executor image lacks: the release zip from GitHub, checked against the checksum the
 * release publishes beside it. kubelogin's workloadidentity login reads the federated token from a
 * file; Deployments' Azure OIDC hands the token over as ARM_OIDC_TOKEN, so the last command writes
 * it there (mode 600). Neither command was run from here (no GitHub, no Deployments).
 */
export const KUBELOGIN_COMMANDS = [
    `curl -fsSL -o /tmp/kubelogin.zip https://github.com/Azure/kubelogin/releases/download/${KUBELOGIN_VERSION}/kubelogin-linux-amd64.zip` +
        ` && curl -fsSL https://github.com/Azure/kubelogin/releases/download/${KUBELOGIN_VERSION}/kubelogin-linux-amd64.zip.sha256 | awk '{print $1"  /tmp/kubelogin.zip"}' | sha256sum -c -` +
        " && unzip -o -q /tmp/kubelogin.zip -d /tmp/kubelogin && install -m 755 /tmp/kubelogin/bin/linux_amd64/kubelogin /usr/local/bin/kubelogin",
    `umask 077 && printf '%s' "$ARM_OIDC_TOKEN" > ${FEDERATED_TOKEN_FILE}`,
] as const;

export function deploymentSettingsArgs(inputs: DeploymentInputs): service.DeploymentSettingsArgs {
    return {
        organization: inputs.organization,
        project: "aks-kubenet",
        stack: "dev",
        // With GitHub settings the repository comes from the GitHub app: no repoUrl here.
        sourceContext: { git: { branch: `refs/heads/${inputs.branch}`, repoDir: "." } },
        // The `github` block, not `vcs`: moving to `vcs: {provider: "github"}` silently stops
        // commit-triggered deploys (pulumi/pulumi-pulumiservice#754, open), and `vcs` accepts only
        // lower-case providers.
        // previewPullRequests and pullRequestTemplate are false here, but false NEVER reaches
        // Pulumi Cloud: the provider's wire struct marks both `omitzero`
        // (pulumi-pulumiservice apitype/deployment_settings_git_hub_.go), so the service's default
        // decides. Two things make sure a pull request never previews with the deploy identity:
        // that identity trusts no Deployments preview subject (deployment/identities.ts), and
        // docs/ci.md has the read-back check to run after the first `pulumi up` of this program.
        github: {
            repository: inputs.repository,
            deployCommits: true,
            previewPullRequests: false,
            pullRequestTemplate: false,
        },
        executorContext: { executorImage: EXECUTOR_IMAGE },
        operationContext: {
            preRunCommands: [DEPLOY_INSTALL_COMMAND, ...KUBELOGIN_COMMANDS],
            options: { skipInstallDependencies: true },
            // Azure by OIDC: Deployments exchanges its token for an Entra ID one; no client secret.
            oidc: {
                azure: {
                    clientId: inputs.azureClientId,
                    tenantId: inputs.azureTenantId,
                    subscriptionId: inputs.azureSubscriptionId,
                },
            },
            environmentVariables: {
                ARM_USE_OIDC: "true",
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                // kubelogin, as the deploy identity, with the token the pre-run commands saved.
                AAD_LOGIN_METHOD: "workloadidentity",
                AZURE_CLIENT_ID: inputs.azureClientId,
                AZURE_TENANT_ID: inputs.azureTenantId,
                AZURE_FEDERATED_TOKEN_FILE: FEDERATED_TOKEN_FILE,
            },
        },
    };
}
