/**
 * The trust boundaries of issue #31 that are code here: the RBAC Administrator condition (asked
 * "may X be granted to Y?" through an evaluator of Microsoft's grammar), GitHub's two subject
 * forms, CODEOWNERS as GitHub reads it, and main's ruleset and the e2e environment as deployment/
 * declares them under mocks. The read-back against a local fake of the services is in
 * tests/boundaries.readBack.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import {
    CODEOWNERS_LOCATIONS,
    ownersOf,
    parseCodeowners,
    patternMatches,
    PROTECTED_PATHS,
    unprotectedPaths,
} from "../deployment/codeowners";
import { githubSubject, subjectFormatFrom } from "../deployment/githubSubject";
import { ownersHandle } from "../deployment/github";
import { conditionPrincipalsFor, deployIdentity, e2eIdentity, previewIdentity } from "../deployment/identities";
import { principalsProblem, roleAssignmentCondition } from "../deployment/roleCondition";
import { AZURE_ROLES } from "../names";
import { REPO_ROOT } from "../stackFiles";
import { conditionAllows, RoleAssignmentRequest } from "./helpers/abac";
import { ofType, runDeploymentProgram } from "./helpers/deploymentProgram";

const ids = {
    preview: "11111111-1111-4111-8111-111111111111",
    deploy: "22222222-2222-4222-8222-222222222222",
    e2e: "33333333-3333-4333-8333-333333333333",
    admin: "44444444-4444-4444-8444-444444444444",
    clusterIdentity: "55555555-5555-4555-8555-555555555555",
    stranger: "66666666-6666-4666-8666-666666666666",
};
const names = (clusterAdmins: string[]) => ({
    repository: "acme/aks-kubenet",
    organization: "acme",
    project: "aks-kubenet",
    stack: "dev",
    resourceGroup: "NetworkLab",
    clusterName: "kubenet-cluster",
    principals: { preview: ids.preview, deploy: ids.deploy, e2e: ids.e2e, clusterAdmins },
});
const OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const write = (role: string, principalId: string, principalType?: string): RoleAssignmentRequest => ({
    action: "Microsoft.Authorization/roleAssignments/write",
    roleDefinitionId: role,
    principalId,
    principalType,
});
const remove = (role: string, principalId: string): RoleAssignmentRequest => ({
    action: "Microsoft.Authorization/roleAssignments/delete",
    roleDefinitionId: role,
    principalId,
});

describe("the RBAC Administrator condition, evaluated", () => {
    const condition = roleAssignmentCondition(conditionPrincipalsFor(names([ids.admin]), "deploy"));
    const allows = (request: RoleAssignmentRequest) => conditionAllows(condition, request);
    const { networkContributor: nc, aksRbacClusterAdmin: clusterAdmin } = AZURE_ROLES;

    test("what the program grants passes: Network Contributor to the cluster's identity, Cluster Admin to a configured admin", () => {
        expect(allows(write(nc.id, ids.clusterIdentity, "ServicePrincipal"))).toBe(true);
        expect(allows(write(clusterAdmin.id, ids.admin))).toBe(true);
        expect(allows(write(clusterAdmin.id, ids.admin, "User"))).toBe(true);
    });

    test("RBAC Cluster Admin to anyone not in clusterAdmins is refused, the deploy identity itself included", () => {
        for (const principal of [ids.stranger, ids.preview, ids.deploy, ids.e2e])
            expect([principal, allows(write(clusterAdmin.id, principal))]).toEqual([principal, false]);
    });

    test("Network Contributor to any CI identity is refused, and to anything but a service principal", () => {
        for (const principal of [ids.preview, ids.deploy, ids.e2e])
            expect([principal, allows(write(nc.id, principal, "ServicePrincipal"))]).toEqual([principal, false]);
        expect(allows(write(nc.id, ids.stranger, "User"))).toBe(false);
        expect(allows(write(nc.id, ids.clusterIdentity))).toBe(false); // principalType left out
    });

    test("any other role is refused; deleting the two roles' grants is allowed (it only takes access away), others not", () => {
        expect(allows(write(OWNER_ROLE, ids.admin, "User"))).toBe(false);
        expect(allows(write(AZURE_ROLES.aksRbacReader.id, ids.admin))).toBe(false);
        expect(allows(remove(clusterAdmin.id, ids.stranger))).toBe(true);
        expect(allows(remove(nc.id, ids.clusterIdentity))).toBe(true);
        expect(allows(remove(OWNER_ROLE, ids.admin))).toBe(false);
    });

    test("the control: the role-only condition of round 1 let Cluster Admin go to anyone and Network Contributor to the preview identity", () => {
        const roleOnly = condition.replace(
            / AND @Request\[Microsoft\.Authorization\/roleAssignments:PrincipalId\] [^}]*\}/g,
            "",
        );
        expect(conditionAllows(roleOnly, write(clusterAdmin.id, ids.stranger))).toBe(true);
        expect(conditionAllows(roleOnly, write(nc.id, ids.preview, "ServicePrincipal"))).toBe(true);
    });

    test("with no clusterAdmins the deploying identity is the admin (the program grants its deployer); each identity its own", () => {
        const deploy = roleAssignmentCondition(conditionPrincipalsFor(names([]), "deploy"));
        const e2e = roleAssignmentCondition(conditionPrincipalsFor(names([]), "e2e"));
        expect(conditionAllows(deploy, write(clusterAdmin.id, ids.deploy))).toBe(true);
        expect(conditionAllows(deploy, write(clusterAdmin.id, ids.e2e))).toBe(false);
        expect(conditionAllows(e2e, write(clusterAdmin.id, ids.e2e))).toBe(true);
        expect(deployIdentity(names([])).roles[1].condition).toBe(deploy);
        expect(e2eIdentity(names([])).roles[1].condition).toBe(e2e);
    });

    test("object ids it cannot use are refused before a condition is written", () => {
        expect(principalsProblem({ clusterAdmins: ["alice"], ciPrincipals: [ids.preview] })).toMatch(
            /not Entra object ids.*alice/,
        );
        expect(principalsProblem({ clusterAdmins: [], ciPrincipals: [ids.preview] })).toMatch(/no cluster admin/);
        expect(principalsProblem(conditionPrincipalsFor(names([ids.admin]), "deploy"))).toBeUndefined();
    });
});

describe("GitHub's subject forms (a parameter: a credential in the wrong form fails closed)", () => {
    test("by names, and with GitHub's immutable ids (repo:OWNER@ID/REPO@ID:...)", () => {
        const immutable = { kind: "immutable" as const, ownerId: 123456, repositoryId: 456789 };
        expect(githubSubject("octocat/my-repo", immutable, "ref:refs/heads/main")).toBe(
            "repo:octocat@123456/my-repo@456789:ref:refs/heads/main", // GitHub's own example
        );
        const withIds = { ...names([]), githubSubjects: immutable };
        expect(previewIdentity(withIds).federatedCredentials[0].subject).toBe(
            "repo:acme@123456/aks-kubenet@456789:pull_request",
        );
        expect(e2eIdentity(withIds).federatedCredentials[0].subject).toBe(
            "repo:acme@123456/aks-kubenet@456789:environment:e2e",
        );
        expect(previewIdentity(names([])).federatedCredentials[0].subject).toBe("repo:acme/aks-kubenet:pull_request");
    });

    test("the config: immutable needs both numeric ids, named in one line each", () => {
        expect(subjectFormatFrom({})).toEqual({ kind: "name" });
        expect(subjectFormatFrom({ format: "immutable", ownerId: "123", repositoryId: " 456 " })).toEqual({
            kind: "immutable",
            ownerId: 123,
            repositoryId: 456,
        });
        expect(() => subjectFormatFrom({ format: "immutable", ownerId: "123", repositoryId: "" })).toThrow(
            /githubRepositoryId/,
        );
        expect(() => subjectFormatFrom({ format: "ids" })).toThrow(/use name or immutable/);
    });

    test("deployment/ gives Pulumi Cloud's OIDC policies the same form", async () => {
        const registered = await runDeploymentProgram({
            githubSubjectFormat: "immutable",
            githubOwnerId: "7",
            githubRepositoryId: "9",
        });
        const issuer = ofType(registered, "pulumiservice:index:OidcIssuer")[0].inputs;
        expect(issuer.policies.map((policy: any) => policy.rules.sub)).toEqual([
            "repo:acme@7/aks-kubenet@9:pull_request",
            "repo:acme@7/aks-kubenet@9:environment:e2e",
        ]);
    });
});

describe("CODEOWNERS, read as GitHub reads it", () => {
    const location = CODEOWNERS_LOCATIONS.find((file) => fs.existsSync(path.join(REPO_ROOT, file)))!;
    const text = fs.readFileSync(path.join(REPO_ROOT, location), "utf8");
    const handle = ownersHandle({
        repository: `${/@([^/\s]+)\//.exec(text)![1]}/aks-kubenet`,
        ownersTeam: "aks-kubenet-owners",
    });

    test("GitHub's documented examples: folder patterns, one-level globs, anywhere-patterns, an owner-less line", () => {
        expect(patternMatches("docs/*", "docs/getting-started.md")).toBe(true);
        expect(patternMatches("docs/*", "docs/build-app/troubleshooting.md")).toBe(false);
        expect(patternMatches("apps/", "src/apps/x.ts")).toBe(true);
        expect(patternMatches("/build/logs/", "build/logs/a/b.log")).toBe(true);
        expect(patternMatches("/build/logs/", "src/build/logs/b.log")).toBe(false);
        expect(patternMatches("*.js", "a/b/c.js")).toBe(true);
        const { rules } = parseCodeowners("/apps/ @octocat\n/apps/github\n");
        expect(ownersOf(rules, "apps/x.ts")).toEqual(["@octocat"]);
        expect(ownersOf(rules, "apps/github/y.ts")).toEqual([]);
    });

    test("the repository's CODEOWNERS owns every protected path, and every Pulumi.*.yaml, with the owners team", () => {
        const { rules, errors } = parseCodeowners(text);
        expect(errors).toEqual([]);
        const stackFiles = fs.readdirSync(REPO_ROOT).filter((file) => /^Pulumi\..+\.yaml$/.test(file));
        expect(stackFiles.length).toBeGreaterThan(1);
        expect(unprotectedPaths(rules, handle, [...PROTECTED_PATHS, ...stackFiles])).toEqual([]);
    });

    test("each way to put the gap back is caught: a line removed, a later line without owners, another owner", () => {
        const check = (changed: string) => unprotectedPaths(parseCodeowners(changed).rules, handle);
        expect(check(text.replace(/^\/deployment\/ .*$/m, ""))).toEqual([
            expect.stringMatching(/^deployment\//),
            expect.stringMatching(/^deployment\//),
        ]);
        expect(check(`${text}/guard/\n`)).toEqual(["guard/replacements.ts (owned by nobody)"]);
        expect(check(`${text}/CODEOWNERS @someone-else\n`)).toEqual(["CODEOWNERS (owned by @someone-else)"]);
        expect(parseCodeowners("!/deployment/ @a/b\n").errors).toEqual([expect.stringMatching(/not support/)]);
    });
});

describe("main's ruleset and the e2e environment, as deployment/ declares them (mock runtime)", () => {
    let registered: Awaited<ReturnType<typeof runDeploymentProgram>>;
    beforeAll(async () => {
        registered = await runDeploymentProgram();
    });

    test("main: a pull request, one approval, a code owner's, the last push approved by another person; no deletion, no force push; no bypass", () => {
        const [ruleset] = ofType(registered, "github:index/repositoryRuleset:RepositoryRuleset");
        expect(ruleset.inputs).toMatchObject({
            repository: "aks-kubenet",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["refs/heads/main"], excludes: [] } },
            bypassActors: [],
            rules: {
                deletion: true,
                nonFastForward: true,
                pullRequest: {
                    requiredApprovingReviewCount: 1,
                    requireCodeOwnerReview: true,
                    requireLastPushApproval: true,
                    dismissStaleReviewsOnPush: true,
                },
            },
        });
    });

    test("the owners team: CODEOWNERS' team, the maintainers as members, write access (code owners need it)", () => {
        expect(ofType(registered, "github:index/team:Team")[0].inputs.name).toBe("aks-kubenet-owners");
        expect(ofType(registered, "github:index/teamMembers:TeamMembers")[0].inputs.members).toEqual([
            { username: "alice-gh", role: "member" },
            { username: "bob-gh", role: "member" },
        ]);
        expect(ofType(registered, "github:index/teamRepository:TeamRepository")[0].inputs).toMatchObject({
            repository: "aks-kubenet",
            permission: "push",
        });
    });

    test("e2e: the owners team reviews, no self-review, no admin bypass, main only", () => {
        const [environment] = ofType(registered, "github:index/repositoryEnvironment:RepositoryEnvironment");
        expect(environment.inputs).toMatchObject({
            environment: "e2e",
            preventSelfReview: true,
            canAdminsBypass: false,
            reviewers: [{ teams: [4242] }],
            deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        });
        expect(
            ofType(
                registered,
                "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
            )[0].inputs,
        ).toMatchObject({ environment: "e2e", branchPattern: "main" });
    });
});
