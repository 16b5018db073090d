/**
 * The replacement facts (azureFacts/replacements.ts, from azure-native's source) against the program
 * and the docs: every config key that feeds a path parameter or a force-new property says so in
 * docs/configuration.md, naming exactly what it replaces; the per-type table is the facts table;
 * the guard guards exactly the types replaced delete-first.
 */
import * as fs from "fs";
import * as path from "path";
import { GUARDED_TYPES } from "../guard/previewGuard";
import { DELETE_FIRST_TYPES, IRREVERSIBLE_CHANGES, REPLACEMENT_FACTS, replacingPaths } from "../guard/replacements";
import { projectConfig, REPO_ROOT } from "../stackFiles";
import { labelOf, replacementsByKey, TAINTED_CONFIG } from "./helpers/configFeeds";
import { ProgramRun, RecordedResource, runProgram } from "./helpers/program";

const page = fs.readFileSync(path.join(REPO_ROOT, "docs/configuration.md"), "utf8");

/** The rows of the Markdown table whose header row starts with `header`. */
function tableRows(header: string): string[][] {
    const lines = page.split("\n");
    const start = lines.findIndex((line) => line.startsWith(header));
    if (start < 0) throw new Error(`no table "${header}" in docs/configuration.md`);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) break;
        rows.push(
            line
                .split("|")
                .slice(1, -1)
                .map((cell) => cell.trim()),
        );
    }
    return rows;
}

/** The labels a "Replaces" cell names (its first sentence), or none. */
function replacedLabels(cell: string): string[] {
    const match = /^\*\*Replaces\*\* ([^.(]*?)(?:,? unless|[.(]|$)/.exec(cell);
    return match
        ? match[1]
              .split(",")
              .map((label) => label.trim())
              .filter(Boolean)
              .sort()
        : [];
}

function leaves(value: unknown, base = ""): Map<string, string> {
    const result = new Map<string, string>();
    const walk = (inner: unknown, at: string) => {
        if (inner && typeof inner === "object")
            for (const [key, child] of Object.entries(inner))
                walk(child, Array.isArray(inner) ? `${at}[${key}]` : at ? `${at}.${key}` : key);
        else result.set(at, JSON.stringify(inner));
    };
    walk(value, base);
    return result;
}

/** The resources of `before` that `after` would replace: changed inputs that are replacing for the type. */
function replacedBetween(before: ProgramRun, after: ProgramRun): RecordedResource[] {
    const replaced = before.resources.filter((resource) => {
        const next = after.resources.find((candidate) => candidate.urn === resource.urn);
        if (!next || !REPLACEMENT_FACTS[resource.type]) return false;
        const [old, now] = [leaves(resource.inputs), leaves(next.inputs)];
        const changed = [...new Set([...old.keys(), ...now.keys()])].filter((key) => old.get(key) !== now.get(key));
        return replacingPaths(resource.type, changed).length > 0;
    });
    // deletedWith: what goes with a replaced resource is replaced too, and so is the wait on it.
    const alongside = before.resources.filter((resource) => replaced.some((gone) => gone.urn === resource.deletedWith));
    const waits = before.resources.filter(
        (resource) =>
            resource.type === "time:index/sleep:Sleep" &&
            alongside.some((grant) => resource.dependencies.includes(grant.urn)),
    );
    return [...new Set([...replaced, ...alongside, ...waits])];
}

const labels = (resources: readonly RecordedResource[]) => [...new Set(resources.map(labelOf))].sort();

let computed: Record<string, string[]>;
beforeAll(async () => {
    const tainted = await runProgram({ config: { ...TAINTED_CONFIG } });
    if (tainted.error) throw tainted.error;
    computed = Object.fromEntries(
        Object.entries(replacementsByKey(tainted)).map(([key, resources]) => [key, labels(resources)]),
    );
    // A switch between named values cannot be followed by taint: compare two runs.
    const kubenet = await runProgram();
    const overlay = await runProgram({ config: { networkPlugin: "overlay" } });
    computed.networkPlugin = labels(replacedBetween(kubenet, overlay));
});

describe("docs/configuration.md says what each config key replaces", () => {
    const rows = new Map(tableRows("| Key |").map((row) => [row[0].replace(/`/g, ""), row[3]]));

    test("every key of Pulumi.yaml, and the location, has a row", () => {
        const keys = Object.keys(projectConfig()).filter((key) => !key.includes(":"));
        expect([...rows.keys()].sort()).toEqual(["azure-native:location", ...keys].sort());
    });

    test("the keys that feed a path parameter or a force-new input are the ones the issue names, and more", () => {
        expect(computed.resourceGroupName).toEqual(
            expect.arrayContaining(["resource group", "VNet", "subnets", "route table", "cluster"]),
        );
        expect(computed.vnetName).toEqual(expect.arrayContaining(["VNet", "subnets", "route table"]));
        expect(computed.clusterName).toEqual(expect.arrayContaining(["cluster", "identity", "grants", "grant wait"]));
        expect(computed["azure-native:location"]).toEqual(expect.arrayContaining(["resource group", "cluster"]));
        expect(computed.networkPlugin).toEqual(["admin grant wait", "admin grants", "cluster", "grant wait"]);
        expect(computed.nodeCount).toEqual([]);
    });

    test("each row's Replaces cell names exactly what changing the key replaces, or nothing", () => {
        for (const [key, cell] of rows) {
            expect([key, replacedLabels(cell)]).toEqual([key, computed[key] ?? []]);
        }
    });
});

describe("the per-type table and the guard follow azureFacts/replacements.ts", () => {
    test("docs/configuration.md's table of changes AKS refuses or cannot undo is IRREVERSIBLE_CHANGES", () => {
        expect(tableRows("| Resource type | Input | Kind |")).toEqual(
            IRREVERSIBLE_CHANGES.map((fact) => [`\`${fact.type}\``, fact.path, fact.kind, fact.configKey, fact.why]),
        );
    });

    test("an irreversible input that is force-new is one-way (its undoing is a replacement); the create-only ones are updates", () => {
        const forceNew = IRREVERSIBLE_CHANGES.filter((fact) => replacingPaths(fact.type, [fact.path]).length > 0);
        expect(forceNew.map((fact) => [fact.path, fact.kind])).toEqual([
            ["networkProfile.networkPluginMode", "one-way"],
            ["networkProfile.networkDataplane", "one-way"],
            ["networkProfile.networkPolicy", "one-way"],
        ]);
    });

    test("docs/configuration.md's type table is the facts table", () => {
        const rows = tableRows("| Type |");
        const list = (cell: string) => (cell === "(none)" ? [] : cell.split(",").map((item) => item.trim()));
        expect(
            Object.fromEntries(
                rows.map(([type, pathParameters, forceNew, replaced]) => [
                    type.replace(/`/g, ""),
                    {
                        pathParameters: list(pathParameters),
                        forceNew: list(forceNew),
                        deleteFirst: replaced === "delete-first",
                    },
                ]),
            ),
        ).toEqual(
            Object.fromEntries(
                Object.entries(REPLACEMENT_FACTS).map(([type, { pathParameters, forceNew, deleteFirst }]) => [
                    type,
                    { pathParameters, forceNew, deleteFirst },
                ]),
            ),
        );
    });

    test("the guard refuses the loss of every type replaced delete-first, and only those", () => {
        expect([...GUARDED_TYPES].sort()).toEqual([...DELETE_FIRST_TYPES].sort());
        expect(GUARDED_TYPES).toContain("azure-native:containerservice:ManagedCluster");
        expect(GUARDED_TYPES).not.toContain("azure-native:authorization:RoleAssignment");
        const named =
            /exits 1 naming every resource of a\s+type that azure-native replaces delete-first \(([^)]*)\)/.exec(
                page,
            )![1];
        expect(
            named
                .split(",")
                .map((type) => type.trim())
                .sort(),
        ).toEqual(GUARDED_TYPES.map((type) => type.split(":").pop()).sort());
    });

    test("a changed input is replacing when it is, or lies under, a path parameter or force-new property", () => {
        const cluster = "azure-native:containerservice:ManagedCluster";
        expect(
            replacingPaths(cluster, [
                "networkProfile.podCidr",
                "networkProfile.loadBalancerSku",
                "agentPoolProfiles[0].count",
                "linuxProfile.ssh.publicKeys[0].keyData",
                "resourceName",
            ]),
        ).toEqual(["networkProfile.podCidr", "linuxProfile.ssh.publicKeys[0].keyData", "resourceName"]);
        expect(replacingPaths("azure-native:network:Subnet", ["addressPrefix", "routeTable.id"])).toEqual([]);
        expect(replacingPaths("kubernetes:apps/v1:Deployment", ["spec.replicas"])).toEqual([]);
    });
});
