/**
 * Who may make the deploy identity run code: Pulumi Deployments' OIDC subject names the stack and
 * the operation, never a branch or a commit, so anyone who can start a deployment of dev or change
 * its settings (the branch, the pre-run commands) runs their code as the deploy identity. This
 * keeps that to one small team, and gives GitHub's tokens the narrowest Pulumi Cloud token each job
 * needs. Pure: deployment/index.ts declares these with @pulumi/pulumiservice (Team,
 * TeamStackPermission, OidcIssuer with its authorization policies).
 */
import type * as service from "@pulumi/pulumiservice";
import { githubSubject, GithubSubjectFormat, NAME_SUBJECTS } from "./githubSubject";
import { E2E_ENVIRONMENT, GITHUB_ISSUER } from "./identities";

/** pulumiservice's TeamStackPermissionScope values (Read 101, Edit 102, Admin 103). */
export const STACK_PERMISSION = Object.freeze({ read: 101, edit: 102, admin: 103 });

export interface AccessInputs {
    readonly organization: string;
    readonly repository: string;
    /** Pulumi Cloud user names who may deploy dev and change its settings. Keep it small. */
    readonly deployers: readonly string[];
    readonly previewTeam: string;
    readonly deployTeam: string;
    /** The form of GitHub's subjects: Pulumi Cloud compares them exactly, as Entra ID does. */
    readonly githubSubjects?: GithubSubjectFormat;
}

export interface StackAccess {
    readonly teams: Readonly<Record<"deployers" | "previews", service.TeamArgs>>;
    readonly permissions: Readonly<Record<"deployers" | "previews", service.TeamStackPermissionArgs>>;
    readonly githubIssuer: service.OidcIssuerArgs;
}

/**
 * - the deploy team: Stack Admin on dev (start deployments, change Deployments settings); its
 *   members are named in config, so adding one is a reviewed change of this program's stack;
 * - the preview team: Stack Read on dev, no members: only the preview job's team token acts as it;
 * - GitHub as an OIDC issuer: a pull request's token becomes a preview-team token; the e2e
 *   environment's token an organization token with standard (not admin) rights, since the test
 *   creates and removes a stack; every other subject gets nothing.
 */
export function stackAccessArgs(inputs: AccessInputs): StackAccess {
    const stack = { organization: inputs.organization, project: "aks-kubenet", stack: "dev" };
    const audience = `urn:pulumi:org:${inputs.organization}`;
    const subject = (context: string) =>
        githubSubject(inputs.repository, inputs.githubSubjects ?? NAME_SUBJECTS, context);
    return {
        teams: {
            deployers: {
                organizationName: inputs.organization,
                teamType: "pulumi",
                name: inputs.deployTeam,
                displayName: "aks-kubenet deployers",
                description:
                    "May start deployments of aks-kubenet/dev and change its Deployments settings (deployment/access.ts).",
                members: [...inputs.deployers],
            },
            previews: {
                organizationName: inputs.organization,
                teamType: "pulumi",
                name: inputs.previewTeam,
                displayName: "aks-kubenet previews",
                description:
                    "Stack Read on aks-kubenet/dev, for pull-request previews through GitHub OIDC only (deployment/access.ts).",
                members: [],
            },
        },
        permissions: {
            deployers: { ...stack, team: inputs.deployTeam, permission: STACK_PERMISSION.admin },
            previews: { ...stack, team: inputs.previewTeam, permission: STACK_PERMISSION.read },
        },
        githubIssuer: {
            organization: inputs.organization,
            name: "github-actions-aks-kubenet",
            url: GITHUB_ISSUER,
            maxExpirationSeconds: 7200,
            policies: [
                {
                    decision: "allow",
                    tokenType: "team",
                    teamName: inputs.previewTeam,
                    rules: { aud: audience, sub: subject("pull_request") },
                },
                {
                    decision: "allow",
                    tokenType: "organization",
                    authorizedPermissions: ["standard"],
                    rules: { aud: audience, sub: subject(`environment:${E2E_ENVIRONMENT}`) },
                },
            ],
        },
    };
}
