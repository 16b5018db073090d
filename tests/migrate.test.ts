/** The move to Azure CNI Overlay: every prerequisite passing and failing, both casings, the runbook, the CLI. */
import * as fs from "fs";
import * as path from "path";
import { AZURE_KINDS, readAzureResource, readAzureResources } from "../cli/documents";
import { runInProcess } from "../cli/shell";
import { main as migrateMain } from "../migrate/cli";
import { checkMigration, MigrationInput } from "../migrate/prerequisites";
import { formatRunbook, MIGRATION_RESOURCES, migrationRunbook, urnOf } from "../migrate/runbook";
import { validatedStackConfig } from "../stackFiles";
import { runProgram } from "./helpers/program";

const FIXTURES = path.join(__dirname, "fixtures", "migrate");
const fixture = (name: string) => path.join(FIXTURES, `${name}.json`);
const load = (name: string) => JSON.parse(fs.readFileSync(fixture(name), "utf8"));
const ARM = path.join(__dirname, "fixtures", "arm");
/** The documents as the CLI reads them (cli/documents.ts), in the az CLI's shape or ARM's. */
const input = (shape: "az" | "arm" = "az"): MigrationInput => {
    const [cluster, subnets] =
        shape === "az"
            ? [fixture("cluster"), fixture("subnets")]
            : [path.join(ARM, "cluster.json"), path.join(ARM, "subnets-page.json")];
    return {
        cluster: readAzureResource<any>(
            { file: cluster, label: "--cluster", command: "az aks show" },
            AZURE_KINDS.cluster,
        ).resource,
        subnets: readAzureResources<any>(
            { file: subnets, label: "--subnets", command: "az network vnet subnet list" },
            AZURE_KINDS.subnet,
        ).map((found) => found.resource),
        configMaps: load("configmaps"),
    };
};
const statuses = (candidate: MigrationInput) =>
    checkMigration(candidate).prerequisites.map((item) => [item.name, item.status]);
const failures = (candidate: MigrationInput) =>
    checkMigration(candidate)
        .prerequisites.filter((item) => item.status !== "PASS")
        .map((item) => [item.name, item.detail]);

test("the program's kubenet cluster (az CLI casing) passes every prerequisite", () => {
    expect(statuses(input())).toEqual([
        ["Kubernetes 1.27 or newer", "PASS"],
        ["no network policy", "PASS"],
        ["user-assigned control-plane identity", "PASS"],
        ["route table attached to the cluster's subnet only", "PASS"],
        ["no custom azure-ip-masq-agent-config in kube-system", "PASS"],
        ["pod CIDR valid for Overlay", "PASS"],
    ]);
});

test("the ARM shape (properties nested, dnsServiceIP, vnetSubnetID, a {value} page of subnets) reads the same", () => {
    expect(checkMigration(input("arm"))).toEqual(checkMigration(input("az")));
    expect(input("arm").cluster.networkProfile?.dnsServiceIP).toBe("10.200.0.10");
    expect(input("arm").cluster.agentPoolProfiles?.[0].vnetSubnetID).toMatch(/\/subnets\/kubenet$/);
});

describe("clusters the runbook does not cover: out of scope, never a FAIL", () => {
    const outOf = (edit: (cluster: any) => void) => {
        const candidate: any = input();
        edit(candidate.cluster);
        const verdict = checkMigration(candidate);
        return {
            reasons: verdict.outOfScope.map((found) => found.reason),
            failed: verdict.prerequisites.filter((item) => item.status === "FAIL").map((item) => item.name),
        };
    };
    test("a VNet AKS manages (vnetSubnetId null)", () => {
        expect(outOf((cluster) => (cluster.agentPoolProfiles[0].vnetSubnetID = null))).toEqual({
            reasons: ["managedVnet"],
            failed: [],
        });
    });
    test("a service principal (identity null)", () => {
        expect(outOf((cluster) => (cluster.identity = null))).toEqual({ reasons: ["servicePrincipal"], failed: [] });
    });
    test("a kubenet capture without podCidr", () => {
        expect(outOf((cluster) => delete cluster.networkProfile.podCidr)).toEqual({
            reasons: ["noPodCidr"],
            failed: [],
        });
    });
});

describe("each prerequisite failing", () => {
    const broken = (edit: (candidate: any) => void) => {
        const candidate: any = input();
        edit(candidate);
        return failures(candidate);
    };
    test("Kubernetes older than 1.27", () => {
        expect(broken((c) => (c.cluster.currentKubernetesVersion = "1.26.10"))).toEqual([
            ["Kubernetes 1.27 or newer", expect.stringMatching(/running 1\.26\.10: upgrade first/)],
        ]);
    });
    test("Calico", () => {
        expect(broken((c) => (c.cluster.networkProfile.networkPolicy = "calico"))).toEqual([
            ["no network policy", expect.stringMatching(/networkPolicy is calico: remove it first \(uninstall Calico/)],
        ]);
    });
    test("a system-assigned identity", () => {
        expect(broken((c) => (c.cluster.identity = { type: "SystemAssigned", principalId: "p" }))).toEqual([
            [
                "user-assigned control-plane identity",
                expect.stringMatching(/SystemAssigned: a system-assigned identity cannot detach the route table/),
            ],
        ]);
    });
    test("the route table shared with an AGIC subnet", () => {
        expect(
            broken((c) =>
                c.subnets.push({
                    ...c.subnets[1],
                    name: "appgw",
                    id: c.subnets[1].id.replace("azurecni", "appgw"),
                    routeTable: { id: c.subnets[0].routeTable.id.toUpperCase() },
                }),
            ),
        ).toEqual([
            [
                "route table attached to the cluster's subnet only",
                expect.stringMatching(/aksvnet-kubenet-routes is also on appgw .*MicrosoftDocs\/azure-aks-docs#334/i),
            ],
        ]);
    });
    test("a custom azure-ip-masq-agent-config", () => {
        expect(
            broken((c) =>
                c.configMaps.items.push({ metadata: { name: "azure-ip-masq-agent-config", namespace: "kube-system" } }),
            ),
        ).toEqual([
            [
                "no custom azure-ip-masq-agent-config in kube-system",
                expect.stringMatching(/exists: AKS refuses the migration/),
            ],
        ]);
    });
    test("a pod CIDR Overlay refuses: reserved range, or overlapping a subnet", () => {
        expect(broken((c) => (c.cluster.networkProfile.podCidr = "172.31.0.0/16"))).toEqual([
            ["pod CIDR valid for Overlay", expect.stringMatching(/AKS reserves/)],
        ]);
        expect(broken((c) => (c.cluster.networkProfile.podCidr = "10.220.0.0/16"))).toEqual([
            [
                "pod CIDR valid for Overlay",
                expect.stringMatching(/overlaps subnet kubenet 10\.220\.1\.0\/24; .*overlaps subnet services/),
            ],
        ]);
    });
    test("without --configmaps that prerequisite is skipped, not passed", () => {
        expect(broken((c) => delete c.configMaps)).toEqual([
            [
                "no custom azure-ip-masq-agent-config in kube-system",
                expect.stringMatching(/^not checked: give --configmaps/),
            ],
        ]);
    });
});

test("an Overlay cluster has nothing to migrate; classic Azure CNI is not this path", () => {
    const overlay: any = input();
    overlay.cluster.networkProfile = {
        ...overlay.cluster.networkProfile,
        networkPlugin: "azure",
        networkPluginMode: "overlay",
    };
    expect(checkMigration(overlay)).toEqual({ plugin: "overlay", prerequisites: [], outOfScope: [] });
    overlay.cluster.networkProfile.networkPluginMode = null;
    expect(checkMigration(overlay).plugin).toBe("other");
});

describe("the runbook", () => {
    const config = validatedStackConfig("dev");
    const steps = migrationRunbook("dev", "aks-kubenet", config);

    test("ten steps in the documented order, with the stack's names", () => {
        expect(steps.map((step) => step.title)).toEqual([
            "Check AKS's prerequisites",
            "Protect everything, so a mistake fails instead of deleting",
            "Move the cluster to Overlay in place (outside Pulumi)",
            "Bring Pulumi's state up to date",
            "Tell the program",
            "Unprotect the route table and its grant",
            "Preview, and let the guard read it",
            "Apply",
            "Verify",
            "Optionally, unprotect",
        ]);
        const text = formatRunbook(steps);
        expect(text).toContain(
            "$ az aks update -g NetworkLab -n kubenet-cluster --network-plugin azure --network-plugin-mode overlay --pod-cidr 10.100.0.0/16",
        );
        expect(text).toContain("$ pulumi config set --stack dev protect true");
        expect(text).toContain("$ pulumi refresh --stack dev --yes");
        expect(text).toContain("$ pulumi config set --stack dev networkPlugin overlay");
        expect(text).toContain("$ npm run --silent preview-guard -- preview.json --allow network-routes");
        expect(text).toMatch(/3\. Move the cluster .*\[from AKS\/Pulumi docs, not tested here\]/);
    });

    test("the URNs it unprotects are the program's own (mock runtime), and only those two", async () => {
        const run = await runProgram();
        const urns = run.resources.map((resource) => resource.urn);
        for (const resource of Object.values(MIGRATION_RESOURCES))
            expect(urns).toContain(urnOf("dev", "aks-kubenet", resource));
        const unprotects = steps
            .flatMap((step) => step.commands)
            .filter((command) => command.startsWith("pulumi state unprotect"));
        expect(unprotects).toEqual([
            `pulumi state unprotect --stack dev --yes '${urnOf("dev", "aks-kubenet", MIGRATION_RESOURCES.routeTable)}'`,
            `pulumi state unprotect --stack dev --yes '${urnOf("dev", "aks-kubenet", MIGRATION_RESOURCES.routeTableGrant)}'`,
        ]);
        // ...and unprotecting comes before the preview that plans their deletion.
        const commands = steps.flatMap((step) => step.commands);
        expect(commands.findIndex((command) => command.startsWith("pulumi state unprotect"))).toBeLessThan(
            commands.findIndex((command) => command.startsWith("pulumi preview")),
        );
    });

    test("the route table: AKS deletes its routes and keeps a table it did not create; Pulumi's subnet update detaches it", () => {
        const text = formatRunbook(steps);
        expect(text).toMatch(
            /AKS deletes its routes from aksvnet-kubenet-routes, a table this program owns; it deletes a route table only when AKS created it/,
        );
        expect(text).toMatch(/Pulumi's subnet update detaches it/);
        expect(text).not.toMatch(/AKS [^.]*detaches/);
    });
});

describe("the CLI", () => {
    const migrate = (...args: string[]) => runInProcess("migrate", migrateMain, args);
    const files = ["--cluster", fixture("cluster"), "--subnets", fixture("subnets")];

    test("check: a table, the count, exit 0; a failing prerequisite exits 1", async () => {
        const ok = await migrate("check", ...files, "--configmaps", fixture("configmaps"));
        expect(ok.code).toBe(0);
        expect(ok.stdout).toMatch(/^6 passed, 0 failed$/m);
        const skipped = await migrate("check", ...files);
        expect([skipped.code, skipped.stdout]).toEqual([
            0,
            expect.stringMatching(/^SKIP +no custom azure-ip-masq-agent-config[\s\S]*^5 passed, 0 failed, 1 skipped$/m),
        ]);
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "migrate-"));
        const old = load("cluster");
        old.currentKubernetesVersion = "1.25.6";
        fs.writeFileSync(path.join(dir, "cluster.json"), JSON.stringify(old));
        const failed = await migrate(
            "check",
            "--cluster",
            path.join(dir, "cluster.json"),
            "--subnets",
            fixture("subnets"),
            "--json",
        );
        expect(failed.code).toBe(1);
        expect(JSON.parse(failed.stdout)).toMatchObject({ plugin: "kubenet", passed: 4, failed: 1, skipped: 1 });
        const overlay = {
            ...old,
            networkProfile: { ...old.networkProfile, networkPlugin: "azure", networkPluginMode: "overlay" },
        };
        fs.writeFileSync(path.join(dir, "overlay.json"), JSON.stringify(overlay));
        expect(
            await migrate("check", "--cluster", path.join(dir, "overlay.json"), "--subnets", fixture("subnets")),
        ).toMatchObject({ code: 0, stdout: "nothing to migrate: the cluster already runs Azure CNI Overlay" });
    });

    test("plan prints the runbook; for an overlay stack there is nothing to plan", async () => {
        const plan = await migrate("plan");
        expect(plan.code).toBe(0);
        expect(plan.stdout).toMatch(/^1\. Check AKS's prerequisites/m);
        expect(plan.stdout).toMatch(/^10\. Optionally, unprotect/m);
    });

    test("out of scope alone: one line, exit 2; beside a failing prerequisite: the table with a NOTE, exit 1", async () => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "migrate-"));
        const cluster = load("cluster");
        cluster.identity = null; // a service principal
        fs.writeFileSync(path.join(dir, "sp.json"), JSON.stringify(cluster));
        const alone = await migrate("check", "--cluster", path.join(dir, "sp.json"), "--subnets", fixture("subnets"));
        expect([alone.code, alone.stdout]).toEqual([2, ""]);
        expect(alone.stderr.split("\n")).toEqual([
            expect.stringMatching(
                /^migrate: the runbook does not cover this cluster: it signs in with a service principal .*--enable-managed-identity --assign-identity/,
            ),
        ]);
        cluster.currentKubernetesVersion = "1.25.6";
        fs.writeFileSync(path.join(dir, "sp-old.json"), JSON.stringify(cluster));
        const both = await migrate(
            "check",
            "--cluster",
            path.join(dir, "sp-old.json"),
            "--subnets",
            fixture("subnets"),
        );
        expect(both.code).toBe(1);
        expect(both.stdout).toMatch(/^FAIL +Kubernetes 1\.27 or newer +running 1\.25\.6/m);
        expect(both.stdout).toMatch(/^NOTE {2}beyond this runbook: it signs in with a service principal/m);
        expect(both.stdout).not.toMatch(/^FAIL +user-assigned/m);
    });

    test("a subnets file of another VNet cannot answer: exit 2 naming the subnet and the command", async () => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "migrate-"));
        fs.writeFileSync(
            path.join(dir, "other.json"),
            JSON.stringify(load("subnets").filter((subnet: any) => subnet.name !== "kubenet")),
        );
        const result = await migrate(
            "check",
            "--cluster",
            fixture("cluster"),
            "--subnets",
            path.join(dir, "other.json"),
        );
        expect([result.code, result.stderr]).toEqual([
            2,
            expect.stringMatching(
                /^migrate: --subnets has no subnet kubenet \(.*\), the cluster's: it lists another VNet; write it with `az network vnet subnet list/,
            ),
        ]);
    });

    test("unusable input: exit 2 with one line", async () => {
        const cases: Array<[string[], RegExp]> = [
            [["check", "--cluster", fixture("cluster")], /give both --cluster and --subnets/],
            [
                ["check", "--cluster", "nope.json", "--subnets", fixture("subnets")],
                /cannot read --cluster nope\.json: ENOENT/,
            ],
            [
                ["check", "--cluster", fixture("subnets"), "--subnets", fixture("subnets")],
                /^migrate: --cluster .*subnets\.json holds a Microsoft\.Network\/virtualNetworks\/subnets \(item 0\), not an AKS cluster as az or ARM print it; write it with `az aks show -g <rg> -n <cluster> -o json`$/,
            ],
            [
                ["check", "--cluster", fixture("cluster"), "--subnets", fixture("cluster")],
                /^migrate: --subnets .*cluster\.json holds a Microsoft\.ContainerService\/ManagedClusters, not a subnet as az or ARM print it; write it with `az network vnet subnet list -g <rg> --vnet-name <vnet> -o json`$/,
            ],
            [
                ["check", "--cluster", fixture("cluster"), "--subnets", fixture("configmaps")],
                /^migrate: --subnets .*configmaps\.json holds no subnet, not a subnet as az or ARM print it; write it with `az network vnet subnet list/,
            ],
            [["plan", "--stack", "nosuchstack"], /stack "nosuchstack" has no Pulumi\.nosuchstack\.yaml/],
            [["upgrade"], /unknown command "upgrade"; use check, plan or entra/],
            [[], /give a command: check, plan or entra/],
        ];
        for (const [args, message] of cases) {
            const result = await migrate(...args);
            expect([args.join(" "), result.code, result.stderr]).toEqual([
                args.join(" "),
                2,
                expect.stringMatching(message),
            ]);
            expect(result.stderr.split("\n")).toHaveLength(1);
        }
        const cni = load("cluster");
        cni.networkProfile.networkPlugin = "azure";
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "migrate-"));
        fs.writeFileSync(path.join(dir, "cni.json"), JSON.stringify(cni));
        expect(
            (await migrate("check", "--cluster", path.join(dir, "cni.json"), "--subnets", fixture("subnets"))).stderr,
        ).toMatch(/plugin is azure, not kubenet/);
    });
});
