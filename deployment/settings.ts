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
export const KUBELOGIN_VERSION = "v0.2.20";
/**
 * The SHA-256 of that release's kubelogin-linux-amd64.zip, pinned here rather than read from the
 * release beside the zip (whoever could replace the zip could replace its checksum too). Taken
 * from Microsoft's own Homebrew tap, a second source: Azure/homebrew-kubelogin Formula/kubelogin.rb
 * (version 0.2.20, commit 1726ddaf18fb) and downloads/kubelogin-linux-amd64.zip.sha256 (commit
 * 3f17b8ded092) agree on it. Not downloaded from here (no GitHub), so not recomputed here.
 */
export const KUBELOGIN_LINUX_AMD64_SHA256 = "2e92450a929dd2aec4da818b40dd4fda97aaeae2d6cd9c1074cc1371210f4ab9";
/**
 * Where Deployments leaves its raw OIDC token: "The raw OIDC token is also available for advanced
 * scenarios in the `PULUMI_OIDC_TOKEN` environment variable and the `/mnt/pulumi/pulumi.oidc` file"
 * (Pulumi's docs, Deployments OIDC for Azure: pulumi/docs content/docs/pulumi-cloud/oidc/provider/azure.md).
 * kubelogin's workloadidentity login reads AZURE_FEDERATED_TOKEN_FILE, so it points there: no copy
 * of the token, no undocumented variable.
 */
export const FEDERATED_TOKEN_FILE = "/mnt/pulumi/pulumi.oidc";

/**
 * The program's Kubernetes provider signs in through kubelogin (an Entra ID cluster: kubeconfig.ts),
 * which the executor image lacks: the release zip from GitHub, refused unless its SHA-256 is the
 * pinned one (`sha256sum -c` exits non-zero, and Deployments stops at a failed pre-run command).
 * Not run from here (no GitHub, no Deployments); tests/delivery.test.ts runs the checksum step
 * on a file of its own, matching and not.
 */
export const KUBELOGIN_ZIP = "/tmp/kubelogin.zip";
export const kubeloginChecksumCommand = (sha256: string, zip: string) => `echo '${sha256}  ${zip}' | sha256sum -c -`;
export function kubeloginInstallCommand(
    sha256: string = KUBELOGIN_LINUX_AMD64_SHA256,
    zip: string = KUBELOGIN_ZIP,
): string {
    return [
        `curl -fsSL -o ${zip} https://github.com/Azure/kubelogin/releases/download/${KUBELOGIN_VERSION}/kubelogin-linux-amd64.zip`,
        kubeloginChecksumCommand(sha256, zip),
        `unzip -o -q ${zip} -d /tmp/kubelogin`,
        "install -m 755 /tmp/kubelogin/bin/linux_amd64/kubelogin /usr/local/bin/kubelogin",
    ].join(" && ");
}
export const KUBELOGIN_COMMANDS = [kubeloginInstallCommand()] as const;

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
        // Pulumi Cloud through this resource: the provider's wire struct marks both `omitzero`
        // (pulumi-pulumiservice apitype/deployment_settings_git_hub_.go), so the service's default
        // decides. `npm run boundaries -- apply` sends them as an explicit false through the REST
        // API, and `npm run boundaries -- check` reads them back and exits 1 when either is on
        // (deployment/pullRequestSettings.ts). The deploy identity also trusts no Deployments
        // preview subject (deployment/identities.ts).
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
