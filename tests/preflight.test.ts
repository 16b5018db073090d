/**
 * preflight on saved output: the healthy subscription passes stack dev and stack prod with the
 * numbers worked out by hand from the fixtures and the stacks' config; each case of
 * tests/fixtures/preflight/cases fails (or cannot tell) exactly the check it breaks; the exit
 * codes; and input it cannot use (missing, corrupt, a table, YAML) as one line and exit 2, while
 * the encodings and shapes az and PowerShell save are read.
 */
import * as fs from "fs";
import * as path from "path";
import { detailOf, notPassing, removeSavedFolders, runPreflight, savedFolder } from "./helpers/preflight";
import { runTool } from "./helpers/cli";

afterAll(removeSavedFolders);

describe("the healthy subscription", () => {
    test("passes stack dev: 3 nodes + 1 surge of Standard_D2s_v5 (2 vCPUs) need 8 vCPUs", async () => {
        const run = await runPreflight(["--from", savedFolder()]);
        expect([run.code, run.stderr, notPassing(run.checks)]).toEqual([0, "", {}]);
        expect(run.checks.map((check) => check.check)).toEqual([
            "subscription",
            "location eastus",
            "right to create the resources",
            "right to write role assignments",
            "you administer the cluster (clusterAdmins)",
            "resource providers registered",
            "vCPU quota, regional (eastus)",
            "vCPU quota, standardDSv5Family",
            "VM size Standard_D2s_v5 in eastus",
            "resource group name NetworkLab",
            "cluster name kubenet-cluster",
        ]);
        // usage.json: Total Regional vCPUs 4 of 100, Standard DSv5 Family 4 of 20.
        expect(detailOf(run.checks, "vCPU quota, regional (eastus)")).toBe(
            "needs 8 (3 system x 2 + 1 surge x 2), used 4, limit 100: 88 to spare",
        );
        expect(detailOf(run.checks, "vCPU quota, standardDSv5Family")).toBe(
            "needs 8 (3 system x 2 + 1 surge x 2), used 4, limit 20: 8 to spare",
        );
        expect(detailOf(run.checks, "resource providers registered")).toBe(
            "Microsoft.ContainerService, Microsoft.Network, Microsoft.ManagedIdentity, Microsoft.Compute: Registered",
        );
        // Every check names its source; Azure's are Microsoft's docs.
        for (const check of run.checks) expect(check.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    });

    test("passes stack prod: 5 system + 6 user and their surge, 2 + 2 at maxSurge 33%, of Standard_D4ds_v5 (4 vCPUs) need 60, in zones 1-3", async () => {
        const run = await runPreflight(["--stack", "prod", "--from", savedFolder()]);
        expect([run.code, notPassing(run.checks)]).toEqual([0, {}]);
        expect(detailOf(run.checks, "vCPU quota, standardDDSv5Family")).toBe(
            "needs 60 (5 system x 4 + 6 user x 4 + 2 system surge x 4 + 2 user surge x 4), used 0, limit 60: 0 to spare",
        );
        expect(detailOf(run.checks, "VM size Standard_D4ds_v5 in eastus zones 1,2,3")).toBe(
            "offered (zones 1,2,3); 4 vCPUs, family standardDDSv5Family",
        );
        // monitoring creates a workspace and a data collection rule; azurePolicy runs the add-on.
        expect(detailOf(run.checks, "resource providers registered")).toMatch(
            /Microsoft\.OperationalInsights, Microsoft\.Insights, Microsoft\.PolicyInsights: Registered$/,
        );
    });
});

describe("each case fails the check it breaks, and only that one", () => {
    test.each([
        ["quota-family", "dev", { "vCPU quota, standardDSv5Family": "FAIL" }],
        ["quota-regional", "dev", { "vCPU quota, regional (eastus)": "FAIL" }],
        ["size-restricted", "dev", { "VM size Standard_D2s_v5 in eastus": "FAIL" }],
        [
            "size-not-listed",
            "dev",
            { "VM size Standard_D2s_v5 in eastus": "FAIL", "vCPU quota, regional (eastus)": "CANNOT TELL" },
        ],
        ["zone-restricted", "prod", { "VM size Standard_D4ds_v5 in eastus zones 1,2,3": "FAIL" }],
        ["provider-not-registered", "dev", { "resource providers registered": "FAIL" }],
        [
            "group-taken",
            "dev",
            { "resource group name NetworkLab": "FAIL", "cluster name kubenet-cluster": "CANNOT TELL" },
        ],
        ["group-is-the-stacks", "dev", {}],
        ["no-right-to-assign", "dev", { "right to write role assignments": "FAIL" }],
        ["right-maybe-through-group", "dev", { "right to write role assignments": "CANNOT TELL" }],
        ["subscription-disabled", "dev", { subscription: "FAIL" }],
    ])("%s (stack %s)", async (caseName, stack, expected) => {
        const run = await runPreflight(["--stack", stack, "--from", savedFolder(caseName)]);
        expect(notPassing(run.checks)).toEqual(expected);
        expect(run.code).toBe(Object.keys(expected).length === 0 ? 0 : 1);
        for (const check of run.checks.filter((result) => result.verdict !== "PASS"))
            expect([check.check, check.fix?.length]).toEqual([check.check, expect.any(Number)]);
    });

    test("the numbers a failed quota shows: needed, used, limit, and by how much it is short", async () => {
        const family = await runPreflight(["--from", savedFolder("quota-family")]);
        expect(detailOf(family.checks, "vCPU quota, standardDSv5Family")).toBe(
            "needs 8 (3 system x 2 + 1 surge x 2), used 4, limit 10: short by 2",
        );
        const regional = await runPreflight(["--from", savedFolder("quota-regional")]);
        expect(detailOf(regional.checks, "vCPU quota, regional (eastus)")).toBe(
            "needs 8 (3 system x 2 + 1 surge x 2), used 6, limit 10: short by 4",
        );
    });

    test("what each failure says: the restriction, the zone, the provider states, the owner of a name", async () => {
        const say = async (caseName: string, check: string, stack = "dev") =>
            detailOf((await runPreflight(["--stack", stack, "--from", savedFolder(caseName)])).checks, check);
        expect(await say("size-restricted", "VM size Standard_D2s_v5 in eastus")).toBe(
            "restricted in eastus (NotAvailableForSubscription)",
        );
        expect(await say("zone-restricted", "VM size Standard_D4ds_v5 in eastus zones 1,2,3", "prod")).toBe(
            "zone 2 restricted for the subscription (offered: 1,2,3)",
        );
        expect(await say("provider-not-registered", "resource providers registered")).toBe(
            "Microsoft.ContainerService NotRegistered (the AKS cluster); Microsoft.ManagedIdentity Registering (the cluster's identity)",
        );
        expect(await say("group-taken", "resource group name NetworkLab")).toBe(
            "taken (eastus /subscriptions/3f2c8a10-5b7e-4d21-9c4a-7e1d2b3c4d5e/resourceGroups/NetworkLab), not by stack dev",
        );
        expect(await say("group-is-the-stacks", "cluster name kubenet-cluster")).toBe(
            "exists, and stack dev holds it in its state",
        );
        expect(await say("no-right-to-assign", "right to write role assignments")).toMatch(
            /^none of Owner, User Access Administrator, Role Based Access Control Administrator applies to resource group NetworkLab \(Contributor\), groups included/,
        );
    });
});

describe("CANNOT TELL and the exit code", () => {
    test("a taken group without the stack's state cannot tell whose it is: exit 1, or 0 with --accept-unknown", async () => {
        const dir = savedFolder("group-taken", ["stack.json"]);
        fs.rmSync(path.join(dir, "stack.json"), { force: true });
        const run = await runPreflight(["--from", dir]);
        expect([run.code, notPassing(run.checks)]).toEqual([
            1,
            { "resource group name NetworkLab": "CANNOT TELL", "cluster name kubenet-cluster": "CANNOT TELL" },
        ]);
        expect((await runPreflight(["--from", dir, "--accept-unknown"])).code).toBe(0);
    });

    test("--accept-unknown never hides a FAIL", async () => {
        expect((await runPreflight(["--from", savedFolder("quota-family"), "--accept-unknown"])).code).toBe(1);
    });

    test("the text report lists each open check with its fix and its source, and the counts", async () => {
        const { runInProcess } = await import("../cli/shell");
        const { main } = await import("../preflight/cli");
        const run = await runInProcess("preflight", main, ["--from", savedFolder("right-maybe-through-group")]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(
            "- CANNOT TELL right to write role assignments: list with --include-groups (az role assignment list --assignee ME --all --include-inherited --include-groups -o json), or ask an Owner",
        );
        expect(run.stdout).toContain(
            "  why: https://learn.microsoft.com/azure/role-based-access-control/role-assignments-list-cli",
        );
        expect(run.stdout.trim().split("\n").pop()).toBe(
            "10 passed, 0 failed, 1 cannot tell (exit 1: check them by hand, then --accept-unknown)",
        );
    });
});

describe("input preflight cannot use: one line, exit 2", () => {
    const unusable = async (args: string[]) => {
        const run = await runPreflight(args);
        expect([run.code, run.stdout, run.stderr.split("\n").length]).toEqual([2, "", 1]);
        return run.stderr;
    };
    test("a missing file names itself and the command that writes it", async () => {
        expect(await unusable(["--from", savedFolder(undefined, ["usage.json"])])).toMatch(
            /^preflight: \/tmp\/preflight-\w+ has no usage\.json; write it with `az vm list-usage -l eastus -o json > usage\.json`$/,
        );
    });
    test("a truncated file, a table, YAML", async () => {
        const dir = savedFolder();
        const write = (text: string) => fs.writeFileSync(path.join(dir, "skus.json"), text);
        write(fs.readFileSync(path.join(dir, "skus.json"), "utf8").slice(0, 500));
        expect(await unusable(["--from", dir])).toMatch(
            /^preflight: \S+\/skus\.json is not JSON \(.*\); write it with `az vm list-skus -l eastus --resource-type virtualMachines --all -o json`$/,
        );
        write(
            "ResourceType     Locations    Name             Zones    Restrictions\n---------------  -----------  ---------------  -------  ------\n",
        );
        expect(await unusable(["--from", dir])).toMatch(/skus\.json is a table \(-o table\), not JSON/);
        fs.writeFileSync(path.join(dir, "skus.json"), fs.readFileSync(path.join(savedFolder(), "skus.json")));
        fs.writeFileSync(path.join(dir, "groups.json"), "- id: /subscriptions/x/resourceGroups/a\n  name: a\n");
        expect(await unusable(["--from", dir])).toMatch(/groups\.json is YAML \(-o yaml\), not JSON \(-o json\)/);
    });
    test("a document of another command: az account list where az account show was wanted", async () => {
        const dir = savedFolder();
        const account = fs.readFileSync(path.join(dir, "account.json"), "utf8");
        fs.writeFileSync(path.join(dir, "account.json"), `[${account}]`);
        expect(await unusable(["--from", dir])).toBe(
            `preflight: ${dir}/account.json holds a list (az account list?), not one subscription; write it with \`az account show -o json\``,
        );
    });
    test("no such folder, no such stack, --from with --save, an unknown option", async () => {
        expect(await unusable(["--from", "/nonexistent/preflight"])).toMatch(
            /--from \/nonexistent\/preflight: no such folder/,
        );
        expect(await unusable(["--stack", "nosuch", "--from", savedFolder()])).toMatch(
            /stack "nosuch" has no Pulumi\.nosuch\.yaml/,
        );
        expect(await unusable(["--from", "a", "--save", "b"])).toMatch(/give one of them/);
        expect(await unusable(["--bogus"])).toMatch(/Unknown option '--bogus'/);
    });
    test("through the real entry point: the same one line, no stack trace", () => {
        const dir = savedFolder(undefined, ["providers.json"]);
        const result = runTool("preflight/cli.ts", ["--from", dir]);
        expect([result.code, result.stdout, result.stderr.trim().split("\n")]).toEqual([
            2,
            "",
            [`preflight: ${dir} has no providers.json; write it with \`az provider list -o json > providers.json\``],
        ]);
    });
});

describe("the encodings and shapes a saved folder comes in", () => {
    test("UTF-16LE with a BOM (Windows PowerShell's >) and UTF-8 with a BOM read as the same documents", async () => {
        const dir = savedFolder();
        const account = fs.readFileSync(path.join(dir, "account.json"), "utf8");
        fs.writeFileSync(
            path.join(dir, "account.json"),
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(account, "utf16le")]),
        );
        const usage = fs.readFileSync(path.join(dir, "usage.json"), "utf8");
        fs.writeFileSync(path.join(dir, "usage.json"), `\uFEFF${usage}`);
        const run = await runPreflight(["--from", dir]);
        expect([run.code, notPassing(run.checks)]).toEqual([0, {}]);
    });
    test("az rest's pages: numbers where az prints strings, properties nested", async () => {
        const dir = savedFolder();
        const usage = JSON.parse(fs.readFileSync(path.join(dir, "usage.json"), "utf8")) as Array<
            Record<string, unknown>
        >;
        const page = usage.map(({ localName: _printedByAz, ...entry }) => ({
            ...entry,
            currentValue: Number(entry.currentValue),
            limit: Number(entry.limit),
            unit: "Count",
        }));
        fs.writeFileSync(path.join(dir, "usage.json"), JSON.stringify({ value: page }));
        const assignments = JSON.parse(fs.readFileSync(path.join(dir, "role-assignments.json"), "utf8")) as Array<
            Record<string, unknown>
        >;
        const arm = assignments.map(({ id, name, type, roleDefinitionId, scope, principalId, principalType }) => ({
            id,
            name,
            type,
            properties: { roleDefinitionId, scope, principalId, principalType },
        }));
        fs.writeFileSync(path.join(dir, "role-assignments.json"), JSON.stringify({ value: arm }));
        const run = await runPreflight(["--from", dir]);
        expect([run.code, notPassing(run.checks)]).toEqual([0, {}]);
        expect(detailOf(run.checks, "vCPU quota, standardDSv5Family")).toBe(
            "needs 8 (3 system x 2 + 1 surge x 2), used 4, limit 20: 8 to spare",
        );
    });
});

describe("--help, for the tool and its benchmark", () => {
    test("preflight --help lists every file of a saved folder and the command that writes it, and exits 0", async () => {
        const { runInProcess } = await import("../cli/shell");
        const { main } = await import("../preflight/cli");
        const help = await runInProcess("preflight", main, ["--help"]);
        expect(help.code).toBe(0);
        for (const line of [
            "account.json           az account show -o json",
            "usage.json             az vm list-usage -l LOCATION -o json",
            "skus.json              az vm list-skus -l LOCATION --resource-type virtualMachines --all -o json",
            "stack.json             pulumi stack export --stack STACK",
        ])
            expect(help.stdout).toContain(line);
    });
    test("preflight:bench --help exits 0 and a bad --runs is unusable input", async () => {
        const { runInProcess } = await import("../cli/shell");
        const { benchMain } = await import("../preflight/bench");
        expect((await runInProcess("preflight:bench", benchMain, ["--help"])).code).toBe(0);
        const bad = await runInProcess("preflight:bench", benchMain, ["--runs", "0"]);
        expect([bad.code, bad.stderr]).toEqual([2, "preflight:bench: --runs 0: use 1 to 100"]);
    });
});
