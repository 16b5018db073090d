/**
 * preflight's pure checks one rule at a time: whose role assignments grant what at which scope,
 * the demand of two clusters and of pools of different sizes, the subscription a stack pins, the
 * workstation's tools, and the resource providers held to the types the program declares.
 */
import { validatedStackConfig } from "../stackFiles";
import { AZURE_ROLES } from "../names";
import { roleAssignmentCondition } from "../deployment/identities";
import { quotaChecks, vmSizeChecks } from "../preflight/capacity";
import type { RoleAssignment, Usage, VmSku } from "../preflight/documents";
import { clusterPeaks, requiredProviders, StackNeeds, stackNeeds } from "../preflight/needs";
import { clusterAdminCheck, listingOf, rightsChecks } from "../preflight/rights";
import { subscriptionCheck } from "../preflight/subscription";
import { known, missing } from "../preflight/verdicts";
import { workstationChecks } from "../preflight/workstation";
import { runProgram } from "./helpers/program";

const SUBSCRIPTION = "3f2c8a10-5b7e-4d21-9c4a-7e1d2b3c4d5e";
const SUB_SCOPE = `/subscriptions/${SUBSCRIPTION}`;
const RG_SCOPE = `${SUB_SCOPE}/resourceGroups/NetworkLab`;

const assignment = (
    role: { name: string; id: string },
    scope: string,
    extra: Partial<RoleAssignment> = {},
): RoleAssignment => ({ roleId: role.id, roleName: role.name, scope, principalType: "User", ...extra });
const groupsListed = assignment(AZURE_ROLES.reader, `${SUB_SCOPE}/resourceGroups/other`, { principalType: "Group" });

/** [create, assign] verdicts for a listing. */
const rights = (assignments: RoleAssignment[], groupIsTheStacks = false) =>
    rightsChecks(known(listingOf(assignments)), SUBSCRIPTION, "NetworkLab", groupIsTheStacks).map(
        (check) => check.verdict,
    );

describe("the rights the deployer needs", () => {
    test("Owner anywhere above the group grants both: subscription, management group, root", () => {
        for (const scope of [SUB_SCOPE, "/providers/Microsoft.Management/managementGroups/platform", "/"])
            expect([scope, rights([assignment(AZURE_ROLES.owner, scope)])]).toEqual([scope, ["PASS", "PASS"]]);
    });

    test("Contributor with User Access Administrator, or with RBAC Administrator on the group, is enough", () => {
        expect(
            rights([
                assignment(AZURE_ROLES.contributor, SUB_SCOPE),
                assignment(AZURE_ROLES.userAccessAdministrator, SUB_SCOPE),
            ]),
        ).toEqual(["PASS", "PASS"]);
        expect(
            rights([
                assignment(AZURE_ROLES.contributor, SUB_SCOPE),
                assignment(AZURE_ROLES.rbacAdministrator, RG_SCOPE),
            ]),
        ).toEqual(["PASS", "PASS"]);
    });

    test("a role on another resource group, or another subscription, grants nothing here", () => {
        const elsewhere = [
            assignment(AZURE_ROLES.owner, `${SUB_SCOPE}/resourceGroups/NetworkLab2`),
            assignment(AZURE_ROLES.owner, "/subscriptions/00000000-1111-2222-3333-444444444444"),
            groupsListed,
        ];
        expect(rights(elsewhere)).toEqual(["FAIL", "FAIL"]);
    });

    test("creating the group needs the subscription; once the stack holds the group, the group is enough", () => {
        const onTheGroup = [assignment(AZURE_ROLES.owner, RG_SCOPE), groupsListed];
        expect(rights(onTheGroup, false)).toEqual(["FAIL", "PASS"]);
        expect(rights(onTheGroup, true)).toEqual(["PASS", "PASS"]);
    });

    test("RBAC Administrator with this project's condition (docs/ci.md) passes; another condition cannot tell", () => {
        const contributor = assignment(AZURE_ROLES.contributor, SUB_SCOPE);
        // Azure hands the condition back as it was written; whitespace may differ.
        const ours = roleAssignmentCondition().replace(/ /g, "  ");
        expect(
            rights([contributor, assignment(AZURE_ROLES.rbacAdministrator, SUB_SCOPE, { condition: ours })]),
        ).toEqual(["PASS", "PASS"]);
        const narrower =
            "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {acdd72a7-3385-48ef-bd42-f606fba81ae7}))";
        expect(
            rights([contributor, assignment(AZURE_ROLES.rbacAdministrator, SUB_SCOPE, { condition: narrower })]),
        ).toEqual(["PASS", "CANNOT TELL"]);
    });

    test("a role preflight does not know may hold the right: cannot tell, naming it", () => {
        const custom = assignment({ name: "Platform Deployer", id: "0b5f1a3e-7c9d-4e2b-a6f8-1d3c5e7a9b0d" }, SUB_SCOPE);
        const checks = rightsChecks(known(listingOf([custom, groupsListed])), SUBSCRIPTION, "NetworkLab", false);
        expect(checks.map((check) => check.verdict)).toEqual(["CANNOT TELL", "CANNOT TELL"]);
        expect(checks[1].detail).toBe(
            "none of Owner, User Access Administrator, Role Based Access Control Administrator applies to resource group NetworkLab; Platform Deployer may (a role preflight does not know)",
        );
    });

    test("without groups in the listing, no right is a CANNOT TELL; with them, a FAIL", () => {
        const contributorOnly = [assignment(AZURE_ROLES.contributor, SUB_SCOPE)];
        expect(rights(contributorOnly)).toEqual(["PASS", "CANNOT TELL"]);
        expect(rights([...contributorOnly, groupsListed])).toEqual(["PASS", "FAIL"]);
        // Live mode knows it listed groups even when none holds a role.
        const live = rightsChecks(known(listingOf(contributorOnly, true)), SUBSCRIPTION, "NetworkLab", false);
        expect(live.map((check) => check.verdict)).toEqual(["PASS", "FAIL"]);
    });

    test("a right held through a group counts, and says so", () => {
        const checks = rightsChecks(
            known(listingOf([assignment(AZURE_ROLES.owner, SUB_SCOPE, { principalType: "Group" })])),
            SUBSCRIPTION,
            "NetworkLab",
            false,
        );
        expect(checks[1].detail).toBe(`Owner at ${SUB_SCOPE} (through a group)`);
    });

    test("clusterAdmins: empty is the deployer; set, it must hold you or a group of yours the listing shows", () => {
        const you = "5c6d7e8f-1a2b-4c3d-9e4f-5a6b7c8d9e0f";
        const yourGroup = "2a4c6e8f-0b1d-4e3f-a5b7-c9d1e3f5a7b9";
        const listing = known(
            listingOf([
                assignment(AZURE_ROLES.contributor, SUB_SCOPE, { principalId: you }),
                assignment(AZURE_ROLES.reader, SUB_SCOPE, {
                    principalId: yourGroup,
                    principalType: "Group",
                    principalName: "aks-admins",
                }),
            ]),
        );
        const verdict = (admins: string[]) => {
            const check = clusterAdminCheck(listing, admins);
            return [check.verdict, check.detail];
        };
        expect(verdict([])[0]).toBe("PASS");
        expect(verdict([you.toUpperCase()])).toEqual(["PASS", `your object id ${you} is in clusterAdmins`]);
        expect(verdict(["0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a", yourGroup])).toEqual([
            "PASS",
            "your group aks-admins is in clusterAdmins",
        ]);
        expect(verdict(["0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"])).toEqual([
            "CANNOT TELL",
            `your object id ${you} is not in clusterAdmins (0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a), nor a group the listing shows; unless one of them holds you, Kubernetes refuses the provider (403) when it deploys nginx`,
        ]);
        expect(clusterAdminCheck(listing, ["0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"]).fix).toBe(
            `pulumi config set --path 'clusterAdmins[1]' "$(az ad signed-in-user show --query id -o tsv)" (a service principal: az ad sp show --id CLIENT_ID --query id -o tsv)`,
        );
    });

    test("no listing at all cannot tell, with the reason", () => {
        const checks = rightsChecks(
            missing("`az role assignment list` failed: AuthorizationFailed"),
            SUBSCRIPTION,
            "NetworkLab",
            false,
        );
        expect(checks.map((check) => [check.verdict, check.detail])).toEqual([
            ["CANNOT TELL", "no role assignments to read: `az role assignment list` failed: AuthorizationFailed"],
            ["CANNOT TELL", "no role assignments to read: `az role assignment list` failed: AuthorizationFailed"],
        ]);
    });
});

const sku = (name: string, family: string, vcpus: number, zones = ["1", "2", "3"]): VmSku => ({
    name,
    family,
    vcpus,
    locations: ["eastus"],
    zones: { eastus: zones },
    restrictions: [],
});
const usage = (name: string, current: number, limit: number): Usage => ({ name, localName: name, current, limit });

describe("vCPU demand at the peak", () => {
    test("the Azure CNI cluster adds its own nodes and its own surge node: (3 + 1) x 2 twice", () => {
        const needs = stackNeeds("dev", validatedStackConfig("dev", { azureCniCluster: "true" }));
        expect(
            needs.clusters.map((cluster) => [
                cluster.clusterName,
                cluster.pools.map((pool) => pool.nodes),
                cluster.surgeNodes,
            ]),
        ).toEqual([
            ["kubenet-cluster", [3], 1],
            ["azurecni-cluster", [3], 1],
        ]);
        const checks = quotaChecks(
            known([sku("Standard_D2s_v5", "standardDSv5Family", 2)]),
            known([usage("cores", 0, 16), usage("standardDSv5Family", 0, 15)]),
            needs,
        );
        expect(checks.map((check) => [check.verdict, check.detail])).toEqual([
            [
                "PASS",
                "needs 16 (3 system x 2 + 1 surge x 2 + 3 system x 2 + 1 surge x 2), used 0, limit 16: 0 to spare",
            ],
            [
                "FAIL",
                "needs 16 (3 system x 2 + 1 surge x 2 + 3 system x 2 + 1 surge x 2), used 0, limit 15: short by 1",
            ],
        ]);
    });

    test("pools of two families: each family holds its pool and a surge node of its largest size", () => {
        const config = validatedStackConfig("dev", {
            nodeVmSize: "Standard_D2s_v5",
            userPoolNodeCount: "2",
            userPoolAutoscaleMaxCount: "4",
            userPoolVmSize: "Standard_D4ds_v5",
            autoscaleMaxCount: "5",
        });
        const needs = stackNeeds("dev", config);
        const checks = quotaChecks(
            known([sku("Standard_D2s_v5", "standardDSv5Family", 2), sku("Standard_D4ds_v5", "standardDDSv5Family", 4)]),
            known([usage("cores", 10, 100), usage("standardDSv5Family", 0, 12), usage("standardDDSv5Family", 0, 20)]),
            needs,
        );
        // Regional: 5 x 2 + 4 x 4 + each pool's surge node at its own size (2, 4) = 32; each family its own surge.
        expect(checks.map((check) => [check.check, check.verdict, check.detail])).toEqual([
            [
                "vCPU quota, regional (eastus)",
                "PASS",
                "needs 32 (5 system x 2 + 4 user x 4 + 1 system surge x 2 + 1 user surge x 4), used 10, limit 100: 58 to spare",
            ],
            [
                "vCPU quota, standardDSv5Family",
                "PASS",
                "needs 12 (5 system x 2 + 1 surge x 2), used 0, limit 12: 0 to spare",
            ],
            [
                "vCPU quota, standardDDSv5Family",
                "PASS",
                "needs 20 (4 user x 4 + 1 surge x 4), used 0, limit 20: 0 to spare",
            ],
        ]);
    });

    test("peak counts come from the address plan's peakNodes: the autoscaler's maximum, not nodeCount", () => {
        const peaks = clusterPeaks(validatedStackConfig("prod"));
        // Pulumi.prod.yaml: nodeCount 3 autoscaling to 5; the user pool 3 autoscaling to 6; maxSurge
        // 33%: 2 of 5 and 2 of 6 (rounded up).
        expect(peaks).toEqual([
            {
                clusterName: "prod-cluster",
                pools: [
                    { pool: "system", vmSize: "Standard_D4ds_v5", nodes: 5, surge: 2, sizeKey: "nodeVmSize" },
                    { pool: "user", vmSize: "Standard_D4ds_v5", nodes: 6, surge: 2, sizeKey: "userPoolVmSize" },
                ],
                surgeNodes: 4,
            },
        ]);
    });

    test("a family without a usage entry, or a size without a vCPU count, cannot tell", () => {
        const needs = stackNeeds("dev", validatedStackConfig("dev"));
        const noFamily = quotaChecks(
            known([sku("Standard_D2s_v5", "standardDSv5Family", 2)]),
            known([usage("cores", 0, 100)]),
            needs,
        );
        expect(noFamily.map((check) => check.verdict)).toEqual(["PASS", "CANNOT TELL"]);
        const noCount = quotaChecks(
            known([{ ...sku("Standard_D2s_v5", "standardDSv5Family", 2), vcpus: undefined }]),
            known([usage("cores", 0, 100)]),
            needs,
        );
        expect(noCount.map((check) => check.verdict)).toEqual(["CANNOT TELL"]);
    });

    test("zones: a zone the size is not offered in fails, and without zones a zone restriction does not matter", () => {
        const prod = stackNeeds("prod", validatedStackConfig("prod"));
        const twoZones = vmSizeChecks(known([sku("Standard_D4ds_v5", "standardDDSv5Family", 4, ["1", "3"])]), prod);
        expect(twoZones.map((check) => [check.verdict, check.detail])).toEqual([
            ["FAIL", "zone 2 not offered (offered: 1,3)"],
        ]);
        const dev = stackNeeds("dev", validatedStackConfig("dev"));
        const zoneRestricted: VmSku = {
            ...sku("Standard_D2s_v5", "standardDSv5Family", 2),
            restrictions: [
                {
                    type: "Zone",
                    reasonCode: "NotAvailableForSubscription",
                    locations: ["eastus"],
                    zones: ["1", "2", "3"],
                },
            ],
        };
        expect(vmSizeChecks(known([zoneRestricted]), dev).map((check) => check.verdict)).toEqual(["PASS"]);
    });
});

describe("the subscription and the workstation", () => {
    const account = {
        subscriptionId: SUBSCRIPTION,
        subscriptionName: "Platform Lab",
        state: "Enabled",
        tenantId: "t",
        user: { name: "deployer@contoso.com", type: "user" },
    };
    const needs: StackNeeds = stackNeeds("dev", validatedStackConfig("dev"), "aaaaaaaa-0000-4000-8000-000000000000");

    test("a stack that pins azure-native:subscriptionId fails on answers for another subscription, naming both", () => {
        const check = subscriptionCheck(known(account), needs);
        expect([check.verdict, check.detail, check.fix]).toEqual([
            "FAIL",
            `the answers are for Platform Lab (${SUBSCRIPTION}), and stack dev deploys to aaaaaaaa-0000-4000-8000-000000000000 (azure-native:subscriptionId)`,
            "save the files with --subscription aaaaaaaa-0000-4000-8000-000000000000 (or az account set -s aaaaaaaa-0000-4000-8000-000000000000 first)",
        ]);
        expect(
            subscriptionCheck(known(account), { ...needs, subscriptionId: SUBSCRIPTION.toUpperCase() }).verdict,
        ).toBe("PASS");
    });

    test("the tools: an old Node, no Pulumi CLI, no login, no az login, no kubelogin each fail with a fix", () => {
        const absent = (what: string) => missing<string>(`\`${what}\` is not installed or not on PATH`);
        const checks = workstationChecks(
            {
                nodeVersion: "20.19.0",
                requiredNodeMajor: 22,
                pulumiVersion: absent("pulumi"),
                pulumiUser: absent("pulumi"),
                kubeloginVersion: absent("kubelogin"),
            },
            missing("`az` is not installed or not on PATH"),
            true,
        );
        expect(checks.map((check) => [check.check, check.verdict])).toEqual([
            ["Node.js", "FAIL"],
            ["Pulumi CLI", "FAIL"],
            ["Pulumi login", "FAIL"],
            ["Azure CLI signed in", "FAIL"],
            ["kubelogin (clusterAccess entra)", "FAIL"],
        ]);
        expect(checks[4].fix).toMatch(/install kubelogin \(`az aks install-cli`/);
        // localAccounts: the certificates need no kubelogin.
        const local = workstationChecks(
            {
                nodeVersion: "22.20.0",
                requiredNodeMajor: 22,
                pulumiVersion: known("v3.270.0"),
                pulumiUser: known("me"),
            },
            known(account),
            false,
        );
        expect(local.map((check) => check.verdict)).toEqual(["PASS", "PASS", "PASS", "PASS"]);
    });
});

describe("the resource providers, held to the types the program declares", () => {
    // azure-native's modules and the Azure namespaces their resources live in (azure-native's
    // resource docs name each type's ARM resource type).
    const NAMESPACE_OF_MODULE: Record<string, string> = {
        resources: "Microsoft.Resources",
        authorization: "Microsoft.Authorization",
        network: "Microsoft.Network",
        managedidentity: "Microsoft.ManagedIdentity",
        containerservice: "Microsoft.ContainerService",
        operationalinsights: "Microsoft.OperationalInsights",
        monitor: "Microsoft.Insights",
        insights: "Microsoft.Insights",
    };
    /** Registered in every subscription: nothing to check. */
    const ALWAYS_REGISTERED = ["Microsoft.Resources", "Microsoft.Authorization"];

    test("with every optional resource on (one program run: they take seconds each)", async () => {
        const everything = { azureCniCluster: "true", monitoring: "true", azurePolicy: "true", userPoolNodeCount: "2" };
        const run = await runProgram({ config: everything });
        expect(run.error).toBeUndefined();
        const modules = [
            ...new Set(
                run.resources
                    .map((resource) => resource.type)
                    .filter((type) => type.startsWith("azure-native:"))
                    .map((type) => type.split(":")[1]),
            ),
        ];
        expect(modules.filter((module) => !NAMESPACE_OF_MODULE[module])).toEqual([]);
        const declared = [...new Set(modules.map((module) => NAMESPACE_OF_MODULE[module]))].filter(
            (namespace) => !ALWAYS_REGISTERED.includes(namespace),
        );
        const required = requiredProviders(validatedStackConfig("dev", everything)).map(
            (provider) => provider.namespace,
        );
        expect(required).toEqual(expect.arrayContaining(declared));
        // Beyond the declared types: the nodes (AKS's scale sets) and the Azure Policy add-on's provider.
        expect(required.filter((namespace) => !declared.includes(namespace)).sort()).toEqual([
            "Microsoft.Compute",
            "Microsoft.PolicyInsights",
        ]);
        // And without the options, only what the tutorial's stack declares.
        expect(requiredProviders(validatedStackConfig("dev")).map((provider) => provider.namespace)).toEqual([
            "Microsoft.ContainerService",
            "Microsoft.Network",
            "Microsoft.ManagedIdentity",
            "Microsoft.Compute",
        ]);
    });
});
