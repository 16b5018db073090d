/**
 * The preview guard and its facts at their edges: URNs and preview documents that are almost
 * right, steps that name one resource several times, diffs without the states' inputs, create-only
 * values that were never declared, and the CLI's every line. The expected values come from Pulumi's
 * formats (URNs, `pulumi preview --json`'s steps and detailedDiff kinds) and from what the guard
 * promises its users; none is computed by the guard. These are the cases Stryker's mutants showed
 * untested (docs/mutation.md).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import { main as guardMain } from "../guard/cli";
import { guardPreview, parseUrn, PreviewStep, readPreview, replacingFields } from "../guard/previewGuard";
import {
    fixFor,
    irreversibleChangesBetween,
    irreversibleFactsFor,
    replacingPaths,
    valueAt,
} from "../guard/replacements";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const GROUP = "azure-native:resources:ResourceGroup";
const urn = (type: string, name: string) => `urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$${type}::${name}`;
const clusterUrn = urn(CLUSTER, "cluster-aks");
const poolUrn = urn(POOL, "cluster-user-pool");

describe("parseUrn", () => {
    test("the name is everything after the type, '::' included; the type is the last of the parent chain", () => {
        expect(parseUrn("urn:pulumi:dev::aks-kubenet::a:b:Parent$azure-native:network:Subnet::net::kubenet")).toEqual({
            type: "azure-native:network:Subnet",
            name: "net::kubenet",
        });
    });
    test.each(["urn:pulumi:dev::aks-kubenet::azure-native:network:Subnet", "urn:other:dev::p::t::name"])(
        "%s is refused",
        (text) => expect(() => parseUrn(text)).toThrow(new Error(`"${text}" is not a Pulumi URN`)),
    );
});

describe("readPreview", () => {
    test.each([
        ["a text", "Previewing update (dev)"],
        ["null", null],
        ["a number", 3],
    ])("%s is no preview", (_what, document) =>
        expect(readPreview(document)).toEqual({
            error: 'it is not the output of `pulumi preview --json` (no "steps")',
        }),
    );
    test("a preview with a change summary and no steps has nothing to do", () =>
        expect(readPreview({ changeSummary: { same: 12 } })).toEqual({ steps: [] }));
    test("each step needs an op and a URN, a known op, and a URN that parses; the index says which", () => {
        const good = { op: "same", urn: clusterUrn };
        expect(readPreview({ steps: [good, null] })).toEqual({ error: "step 1 has no op or urn" });
        expect(readPreview({ steps: [good, { urn: clusterUrn }] })).toEqual({ error: "step 1 has no op or urn" });
        expect(readPreview({ steps: [good, { op: "update", urn: 7 }] })).toEqual({ error: "step 1 has no op or urn" });
        expect(readPreview({ steps: [good, { op: "teleport", urn: clusterUrn }] })).toEqual({
            error: 'step 1 has op "teleport", which this guard does not know; refusing to guess',
        });
        expect(readPreview({ steps: [good, { op: "delete", urn: "cluster-aks" }] })).toEqual({
            error: 'step 1: "cluster-aks" is not a Pulumi URN',
        });
        const steps = [good, { op: "delete", urn: clusterUrn }, { op: "update", urn: clusterUrn }];
        expect(readPreview({ steps })).toEqual({ steps });
    });
});

describe("replacingFields", () => {
    test("replaceReasons, sorted and once each, when no detailedDiff entry replaces", () => {
        expect(
            replacingFields({
                op: "replace",
                urn: clusterUrn,
                replaceReasons: ["networkProfile.podCidr", "location", "networkProfile.podCidr"],
                detailedDiff: { tags: { kind: "update" }, sku: {} },
            }),
        ).toEqual(["location", "networkProfile.podCidr"]);
    });
    test("every *-replace kind counts; an entry without a kind does not", () => {
        expect(
            replacingFields({
                op: "replace",
                urn: clusterUrn,
                replaceReasons: ["ignored"],
                detailedDiff: {
                    "networkProfile.podCidr": { kind: "update-replace" },
                    dnsPrefix: { kind: "add-replace" },
                    "linuxProfile.adminUsername": { kind: "delete-replace" },
                    tags: {},
                },
            }),
        ).toEqual(["dnsPrefix", "linuxProfile.adminUsername", "networkProfile.podCidr"]);
        expect(replacingFields({ op: "replace", urn: clusterUrn })).toEqual([]);
    });
});

describe("guardPreview", () => {
    test("the steps of one replacement are one loss, with every field any of them names", () => {
        const verdict = guardPreview([
            { op: "create-replacement", urn: clusterUrn, replaceReasons: ["networkProfile.podCidr"] },
            { op: "replace", urn: clusterUrn, replaceReasons: ["dnsPrefix"] },
            { op: "delete-replaced", urn: clusterUrn },
        ]);
        expect(verdict.losses).toEqual([
            {
                name: "cluster-aks",
                type: CLUSTER,
                urn: clusterUrn,
                loss: "replaced",
                allowed: false,
                fields: ["dnsPrefix", "networkProfile.podCidr"],
            },
        ]);
    });
    test("a resource both replaced and deleted is reported replaced, whatever the order", () => {
        for (const ops of [
            ["delete", "replace"],
            ["replace", "delete"],
        ])
            expect(guardPreview(ops.map((op) => ({ op, urn: clusterUrn }))).losses.map((loss) => loss.loss)).toEqual([
                "replaced",
            ]);
    });
    test("--allow passes the named loss only; the verdict is ok only when every loss is allowed", () => {
        const steps: PreviewStep[] = [
            { op: "delete", urn: clusterUrn },
            { op: "delete", urn: poolUrn },
        ];
        const verdict = guardPreview(steps, ["cluster-aks", "unknown-name"]);
        expect(verdict.losses.map((loss) => [loss.name, loss.loss, loss.allowed])).toEqual([
            ["cluster-aks", "deleted", true],
            ["cluster-user-pool", "deleted", false],
        ]);
        expect([verdict.ok, verdict.unusedAllows]).toEqual([false, ["unknown-name"]]);
        expect(guardPreview(steps, ["cluster-user-pool", "cluster-aks"])).toMatchObject({ ok: true, unusedAllows: [] });
    });
    test("an irreversible change fails the verdict even with no loss", () => {
        const step: PreviewStep = {
            op: "update",
            urn: clusterUrn,
            oldState: { type: CLUSTER, inputs: { oidcIssuerProfile: { enabled: true } } },
            newState: { type: CLUSTER, inputs: {} },
        };
        expect(guardPreview([step])).toEqual({
            losses: [],
            refusals: [
                {
                    name: "cluster-aks",
                    type: CLUSTER,
                    path: "oidcIssuerProfile.enabled",
                    kind: "one-way",
                    configKey: "workloadIdentity",
                    why: "AKS cannot turn the OIDC issuer off once it is on; keep workloadIdentity=true (workload identity itself can be turned off with az aks update --disable-workload-identity, the issuer cannot)",
                },
            ],
            ok: false,
            unusedAllows: [],
        });
    });
});

describe("irreversible changes in a step", () => {
    const refusedPaths = (step: PreviewStep) => guardPreview([step]).refusals.map((refusal) => refusal.path);
    test("only updates are judged: a replacement is a loss, a create has no past", () => {
        const inputs = {
            oldState: { type: CLUSTER, inputs: { aadProfile: { managed: true } } },
            newState: { type: CLUSTER, inputs: {} },
        };
        expect(refusedPaths({ op: "replace", urn: clusterUrn, ...inputs })).toEqual([]);
        expect(refusedPaths({ op: "create", urn: clusterUrn, ...inputs })).toEqual([]);
        expect(refusedPaths({ op: "update", urn: clusterUrn, ...inputs })).toEqual(["aadProfile.managed"]);
    });
    test("the type comes from the URN when the step has no states", () => {
        expect(refusedPaths({ op: "update", urn: poolUrn, detailedDiff: { osDiskType: { kind: "update" } } })).toEqual([
            "osDiskType",
        ]);
    });
    test("with one state's inputs only, the diff decides", () => {
        const oldOnly: PreviewStep = {
            op: "update",
            urn: clusterUrn,
            oldState: { type: CLUSTER, inputs: { aadProfile: { managed: true } } },
            newState: { type: CLUSTER },
        };
        expect(refusedPaths(oldOnly)).toEqual([]);
        expect(refusedPaths({ ...oldOnly, detailedDiff: { aadProfile: { kind: "delete" } } })).toEqual([
            "aadProfile.managed",
        ]);
    });
    test("without inputs, a one-way input is refused only when deleted: an update's direction is unknown", () => {
        expect(
            refusedPaths({ op: "update", urn: clusterUrn, detailedDiff: { "aadProfile.managed": { kind: "update" } } }),
        ).toEqual([]);
        expect(
            refusedPaths({ op: "update", urn: clusterUrn, detailedDiff: { "aadProfile.managed": { kind: "delete" } } }),
        ).toEqual(["aadProfile.managed"]);
        // Below a one-way input there is nothing of it to delete.
        expect(
            refusedPaths({
                op: "update",
                urn: clusterUrn,
                detailedDiff: { "aadProfile.managed.inner": { kind: "delete" } },
            }),
        ).toEqual([]);
        expect(
            refusedPaths({ op: "update", urn: clusterUrn, detailedDiff: { aadProfileX: { kind: "delete" } } }),
        ).toEqual([]);
    });
    test("without inputs, a create-only input is refused when it, anything in it, or anything holding it changes", () => {
        const diffOf = (entry: string, kind = "update") =>
            refusedPaths({ op: "update", urn: clusterUrn, detailedDiff: { [entry]: { kind } } });
        expect(diffOf("agentPoolProfiles[10].osDiskSizeGB")).toEqual(["agentPoolProfiles[].osDiskSizeGB"]);
        expect(diffOf("agentPoolProfiles[0].availabilityZones[12]", "add")).toEqual([
            "agentPoolProfiles[].availabilityZones",
        ]);
        // Deleting a whole pool of the cluster touches every create-only input it holds, in the
        // facts' order: zones, OS disk type, VM size, maxPods, OS disk size.
        expect(diffOf("agentPoolProfiles[1]", "delete")).toEqual([
            "agentPoolProfiles[].availabilityZones",
            "agentPoolProfiles[].osDiskType",
            "agentPoolProfiles[].vmSize",
            "agentPoolProfiles[].maxPods",
            "agentPoolProfiles[].osDiskSizeGB",
        ]);
        expect(diffOf("agentPoolProfiles[0].osDiskTypeHint")).toEqual([]);
        expect(diffOf("agentPoolProfiles[0].count")).toEqual([]);
    });
});

describe("irreversibleChangesBetween", () => {
    test("a refusal carries the values before and after", () => {
        expect(
            irreversibleChangesBetween(POOL, { osDiskType: "Managed" }, { osDiskType: "Ephemeral" }).map(
                ({ path: at, from, to }) => [at, from, to],
            ),
        ).toEqual([["osDiskType", "Managed", "Ephemeral"]]);
        expect(
            irreversibleChangesBetween(
                CLUSTER,
                { agentPoolProfiles: [{ availabilityZones: ["1"] }] },
                { agentPoolProfiles: [{ availabilityZones: ["2"] }] },
            ).map(({ path: at, from, to }) => [at, from, to]),
        ).toEqual([["agentPoolProfiles[].availabilityZones", [["1"]], [["2"]]]]);
    });
    test("a one-way input is refused only once it holds its locked value", () => {
        expect(irreversibleChangesBetween(CLUSTER, { aadProfile: { managed: false } }, {})).toEqual([]);
        expect(
            irreversibleChangesBetween(CLUSTER, { aadProfile: { managed: true } }, { aadProfile: { managed: true } }),
        ).toEqual([]);
    });
    test("a pool added to the list has no past: its zones are not judged", () => {
        const zones = (...lists: string[][]) => ({
            agentPoolProfiles: lists.map((availabilityZones) => ({ availabilityZones })),
        });
        expect(irreversibleChangesBetween(CLUSTER, zones(["1", "2"]), zones(["1", "2"], ["3"]))).toEqual([]);
        expect(irreversibleChangesBetween(CLUSTER, zones(["1", "2"]), zones(["1"], ["3"]))).toHaveLength(1);
    });
    test("no previous inputs: nothing was created with a value", () =>
        expect(
            irreversibleChangesBetween(POOL, undefined, { availabilityZones: ["1"], osDiskType: "Managed" }),
        ).toEqual([]));
    test("a null input is an undeclared one: AKS's reported value decides", () => {
        expect(
            irreversibleChangesBetween(
                POOL,
                { osDiskType: null },
                { osDiskType: "Managed" },
                { osDiskType: "Managed" },
            ),
        ).toEqual([]);
        expect(
            irreversibleChangesBetween(
                POOL,
                { osDiskType: null },
                { osDiskType: "Ephemeral" },
                { osDiskType: "Managed" },
            ),
        ).toHaveLength(1);
        // No zones is a value: declaring them on a pool created without any is a change.
        expect(
            irreversibleChangesBetween(POOL, { availabilityZones: null }, { availabilityZones: ["1"] }),
        ).toHaveLength(1);
        expect(
            irreversibleChangesBetween(POOL, { availabilityZones: ["1"] }, { availabilityZones: null }),
        ).toHaveLength(1);
        expect(irreversibleChangesBetween(POOL, { osDiskSizeGB: 128 }, { osDiskSizeGB: null })).toEqual([]);
    });
    test("other types have no irreversible inputs", () =>
        expect(irreversibleChangesBetween(GROUP, { aadProfile: { managed: true } }, {})).toEqual([]));
});

describe("valueAt", () => {
    test("dotted paths, and [] for every item of a list", () => {
        const document = { a: { b: 1 }, list: [{ b: 2 }, { c: 3 }, 4], text: "abc" };
        expect(valueAt(document, "a.b")).toBe(1);
        expect(valueAt(document, "a.c")).toBeUndefined();
        expect(valueAt(document, "list[]")).toEqual([{ b: 2 }, { c: 3 }, 4]);
        expect(valueAt(document, "list[].b")).toEqual([2, undefined, undefined]);
        expect(valueAt(document, "a[]")).toBeUndefined();
        expect(valueAt(document, "text.length")).toBeUndefined();
        expect(valueAt(null, "a")).toBeUndefined();
        expect(valueAt(undefined, "a.b")).toBeUndefined();
    });
});

describe("the replacement facts", () => {
    test("a changed path replaces when it is, or lies under, a replacing input; array indices of any length", () => {
        expect(replacingPaths(GROUP, ["location", "locationHint", "tags.env", "resourceGroupName"])).toEqual([
            "location",
            "resourceGroupName",
        ]);
        expect(
            replacingPaths(CLUSTER, [
                "agentPoolProfiles[12].networkProfile.nodePublicIPTags",
                "agentPoolProfiles[3].networkProfile.nodePublicIPTags[10].tag",
                "agentPoolProfiles[3].networkProfile.allowedHostPorts[0]",
                "linuxProfile",
                "windowsProfileX",
            ]),
        ).toEqual([
            "agentPoolProfiles[12].networkProfile.nodePublicIPTags",
            "agentPoolProfiles[3].networkProfile.nodePublicIPTags[10].tag",
            "linuxProfile",
        ]);
        expect(replacingPaths("time:index/sleep:Sleep", ["triggers.grant", "createDuration"])).toEqual([
            "triggers.grant",
        ]);
    });
    test("a field without its own fix gets the general advice, never --allow", () => {
        expect(fixFor("networkProfile.podCidrs")).toBe(
            "make the program declare what Azure reports for networkProfile.podCidrs (`az aks show -o json`), or add it to the resource's ignoreChanges; never --allow the cluster",
        );
        expect(fixFor("location")).toBe("a location cannot change: keep azure-native:location");
    });
    test("the facts of a config key: osDiskType holds the disk's type and size, inline and on the user pool", () => {
        expect(irreversibleFactsFor("osDiskType").map((fact) => fact.path)).toEqual([
            "agentPoolProfiles[].osDiskType",
            "osDiskType",
            "agentPoolProfiles[].osDiskSizeGB",
            "osDiskSizeGB",
        ]);
        expect(irreversibleFactsFor("nodeCount")).toEqual([]);
    });
});

describe("the CLI's lines", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-mutation-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const guard = (steps: PreviewStep[], ...args: string[]) => {
        const file = path.join(dir, `preview-${Math.random().toString(36).slice(2)}.json`);
        fs.writeFileSync(file, JSON.stringify({ steps }));
        return runInProcess("preview-guard", guardMain, [file, ...args]);
    };
    const replaced: PreviewStep = {
        op: "replace",
        urn: clusterUrn,
        detailedDiff: { location: { kind: "update-replace" } },
    };
    const deletedPool: PreviewStep = { op: "delete", urn: poolUrn };

    test("a table of the losses, each unallowed field's fix, and one REFUSED line naming each unallowed loss", async () => {
        const result = await guard([replaced, deletedPool], "--allow", "cluster-user-pool", "--allow", "typo-name");
        expect(result.code).toBe(1);
        expect(result.stdout.split("\n")).toEqual([
            "resource           type                                          would be  because of  allowed",
            "-----------------  --------------------------------------------  --------  ----------  -------------",
            "cluster-aks        azure-native:containerservice:ManagedCluster  replaced  location    NO",
            "cluster-user-pool  azure-native:containerservice:AgentPool       deleted   -           yes (--allow)",
            "  cluster-aks location: a location cannot change: keep azure-native:location",
            "REFUSED: cluster-aks (ManagedCluster) would be replaced. Replacements in Azure delete first: the old resource is gone before the new one exists. If this is intended, allow each one with --allow NAME (on a pull request: the label allow-replacement).",
        ]);
        expect(result.stderr).toBe("preview-guard: --allow typo-name matched no replaced or deleted resource");
    });
    test("every allowed loss counted in the OK line; an allowed replacement's fields get no advice", async () => {
        const result = await guard([replaced, deletedPool], "--allow", "cluster-aks", "--allow", "cluster-user-pool");
        expect(result.code).toBe(0);
        expect(result.stdout).not.toMatch(/keep azure-native:location/);
        expect(result.stdout.trimEnd().split("\n").pop()).toBe("OK: 2 guarded change(s), all allowed");
        expect(result.stderr).toBe("");
    });
    test("a refusal AKS would make: one line, and no OK", async () => {
        const step: PreviewStep = {
            op: "update",
            urn: poolUrn,
            oldState: { type: POOL, inputs: { osDiskSizeGB: 128 } },
            newState: { type: POOL, inputs: { osDiskSizeGB: 64 } },
        };
        const result = await guard([step]);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe(
            "REFUSED: cluster-user-pool osDiskSizeGB would change, and it is create-only in AKS (osDiskType): " +
                "AKS refuses to change a node pool's OS disk size after the pool is created (\"You can't change the OS disk size after cluster or node pool creation\"); add a new pool. --allow does not pass this.",
        );
    });
    test("--json: the losses without their URNs, the refusals, the unused --allow names", async () => {
        const result = await guard([deletedPool], "--json", "--allow", "nothing");
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout)).toEqual({
            ok: false,
            losses: [{ name: "cluster-user-pool", type: POOL, loss: "deleted", allowed: false, fields: [] }],
            refusals: [],
            unusedAllows: ["nothing"],
        });
    });
    test("a file that is no preview, or two files, is unusable input", async () => {
        const file = path.join(dir, "not-a-preview.json");
        fs.writeFileSync(file, JSON.stringify({ resources: [] }));
        const notPreview = await runInProcess("preview-guard", guardMain, [file]);
        expect([notPreview.code, notPreview.stderr]).toEqual([
            2,
            `preview-guard: ${file}: it is not the output of \`pulumi preview --json\` (no "steps")`,
        ]);
        const two = await runInProcess("preview-guard", guardMain, [file, file]);
        expect([two.code, two.stderr]).toEqual([
            2,
            "preview-guard: give exactly one FILE (the output of `pulumi preview --json`); see --help",
        ]);
    });
});
