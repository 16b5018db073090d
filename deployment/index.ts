/** Pulumi Deployments, main's protection and the e2e environment for aks-kubenet: `cd deployment && pulumi up`. */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { stackAccessArgs } from "./access";
import { SUBJECT_FORMAT_KEYS, subjectFormatFrom } from "./githubSubject";
import {
    e2eBranchPolicyArgs,
    e2eEnvironmentArgs,
    mainRulesetArgs,
    ownersMembersArgs,
    ownersRepositoryArgs,
    ownersTeamArgs,
    repositoryOwner,
} from "./github";
import { deploymentSettingsArgs } from "./settings";

const config = new pulumi.Config();
const repository = config.require("repository");
const branch = config.get("branch") ?? "main";
const settings = new service.DeploymentSettings(
    "dev",
    deploymentSettingsArgs({
        organization: config.require("organization"),
        repository,
        branch,
        azureClientId: config.require("azureClientId"),
        azureTenantId: config.require("azureTenantId"),
        azureSubscriptionId: config.require("azureSubscriptionId"),
    }),
);

// Who may deploy dev (and so run code as the deploy identity), and which Pulumi Cloud token each
// GitHub job gets: deployment/access.ts.
const access = stackAccessArgs({
    organization: config.require("organization"),
    repository,
    deployers: config.requireObject<string[]>("deployers"),
    previewTeam: config.get("previewTeam") ?? "aks-kubenet-previews",
    deployTeam: config.get("deployTeam") ?? "aks-kubenet-deployers",
    githubSubjects: subjectFormatFrom({
        format: config.get(SUBJECT_FORMAT_KEYS.format),
        ownerId: config.get(SUBJECT_FORMAT_KEYS.ownerId),
        repositoryId: config.get(SUBJECT_FORMAT_KEYS.repositoryId),
    }),
});
const teams = Object.entries(access.teams).map(([role, team]) => new service.Team(`team-${role}`, team));
for (const [role, permission] of Object.entries(access.permissions))
    new service.TeamStackPermission(`stack-${role}`, permission, { dependsOn: teams });
new service.OidcIssuer("github", access.githubIssuer, { dependsOn: teams });

// main takes reviewed code only, and the e2e environment needs another person's approval
// (deployment/github.ts). The provider signs in with GITHUB_TOKEN (a repository administrator's).
const protection = {
    repository,
    branch,
    ownersTeam: config.get("githubOwnersTeam") ?? "aks-kubenet-owners",
    maintainers: config.requireObject<string[]>("maintainers"),
};
const githubProvider = new github.Provider("github", { owner: repositoryOwner(repository) });
const inGithub = { provider: githubProvider };
const owners = new github.Team("owners", ownersTeamArgs(protection), inGithub);
new github.TeamMembers("owners", ownersMembersArgs(protection, owners.id), inGithub);
const ownersAccess = new github.TeamRepository("owners", ownersRepositoryArgs(protection, owners.id), inGithub);
new github.RepositoryRuleset("main", mainRulesetArgs(protection), { ...inGithub, dependsOn: [ownersAccess] });
const e2e = new github.RepositoryEnvironment(
    "e2e",
    e2eEnvironmentArgs(
        protection,
        owners.id.apply((id) => Number(id)),
    ),
    { ...inGithub, dependsOn: [ownersAccess] },
);
new github.RepositoryEnvironmentDeploymentPolicy("e2e-main", e2eBranchPolicyArgs(protection), {
    ...inGithub,
    dependsOn: [e2e],
});

export const deploymentSettingsStack = pulumi.interpolate`${settings.organization}/${settings.project}/${settings.stack}`;
