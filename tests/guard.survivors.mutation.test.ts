/**
 * The cases the survivors of Stryker's last run over guard/ showed untested (docs/mutation.md):
 * steps that lack a state (readPreview asks a step for its op and URN only, so a partial or
 * hand-made preview reaches the judgement), a resource whose type changed under an alias, diff-only
 * steps judged by their own type's facts, leaving a network policy undeclared, the CLI's lines for
 * an Entra ID move and for several losses, deep paths, and the version that decides a lock. The
 * expected values come from Pulumi's step format, Azure's facts (azureFacts/replacements.ts, each
 * with its source), AKS's release calendar and what the guard promises its users; none is computed
 * by the guard.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import { main as guardMain } from "../guard/cli";
import { entraMovesIn, guardPreview, PreviewStep } from "../guard/previewGuard";
import { irreversibleChangesBetween, valueAt } from "../guard/replacements";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const urn = (type: string, name: string) => `urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$${type}::${name}`;
const clusterUrn = urn(CLUSTER, "cluster-aks");
const poolUrn = urn(POOL, "cluster-user-pool");
const refusals = (steps: PreviewStep[]) => guardPreview(steps).refusals.map((refusal) => [refusal.path, refusal.kind]);
const entra = { aadProfile: { managed: true }, resourceGroupName: "rg-lab", resourceName: "aks-lab" };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-survivors-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const guard = (steps: PreviewStep[], ...args: string[]) => {
    const file = path.join(dir, `preview-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ steps }));
    return runInProcess("preview-guard", guardMain, [file, ...args]);
};

describe("an update that lacks a state is judged, not taken for unusable input", () => {
    test("the old state only: its diff deleting Entra ID is refused (exit 1, not 2), and it is no move to Entra ID", async () => {
        const step: PreviewStep = {
            op: "update",
            urn: clusterUrn,
            oldState: { type: CLUSTER, inputs: { aadProfile: { managed: true } } },
            detailedDiff: { aadProfile: { kind: "delete" } },
        };
        expect(refusals([step])).toEqual([["aadProfile.managed", "one-way"]]);
        expect(entraMovesIn([step])).toEqual([]);
        const result = await guard([step]);
        expect([result.code, result.stderr]).toEqual([1, ""]);
        expect(result.stdout).toMatch(
            /^REFUSED: cluster-aks aadProfile\.managed would change, and it is one-way in AKS/,
        );
    });
    test("the new state only, with or without its type: no move to Entra ID, as there is nothing to move from", () => {
        const steps: PreviewStep[] = [
            { op: "update", urn: clusterUrn, newState: { type: CLUSTER, inputs: entra } },
            { op: "update", urn: clusterUrn, newState: { inputs: entra } },
        ];
        expect(entraMovesIn(steps)).toEqual([]);
        expect(guardPreview(steps).ok).toBe(true);
    });
});

test("a cluster whose type changed under an alias (an API version's type) is judged as its new type", () => {
    const step: PreviewStep = {
        op: "update",
        urn: clusterUrn,
        oldState: { type: "azure-native:containerservice/v20240901:ManagedCluster", inputs: entra },
        newState: { type: CLUSTER, inputs: { ...entra, aadProfile: { managed: false } } },
    };
    expect(guardPreview([step]).refusals.map((refusal) => [refusal.type, refusal.path])).toEqual([
        [CLUSTER, "aadProfile.managed"],
    ]);
});

describe("a diff-only step meets only its own type's facts", () => {
    const networkProfileDeleted = (op: string, at: string): PreviewStep => ({
        op,
        urn: at,
        detailedDiff: { networkProfile: { kind: "delete" } },
    });
    test("a user pool dropping its own networkProfile touches none of the cluster's one-way network inputs", () => {
        expect(refusals([networkProfileDeleted("update", poolUrn)])).toEqual([]);
        expect(refusals([networkProfileDeleted("update", clusterUrn)])).toEqual([
            ["networkProfile.networkPluginMode", "one-way"],
            ["networkProfile.networkDataplane", "one-way"],
            ["networkProfile.networkPolicy", "one-way"],
        ]);
    });
    test("a user pool replaced for its VM size (force-new) refuses no disk size: the new pool is created with it", () => {
        const diff = { vmSize: { kind: "update-replace" }, osDiskSizeGB: { kind: "update" } };
        const verdict = guardPreview([{ op: "replace", urn: poolUrn, detailedDiff: diff }]);
        expect([verdict.refusals, verdict.losses.map((loss) => [loss.name, loss.loss, loss.fields])]).toEqual([
            [],
            [["cluster-user-pool", "replaced", ["vmSize"]]],
        ]);
        expect(refusals([{ op: "update", urn: poolUrn, detailedDiff: { osDiskSizeGB: { kind: "update" } } }])).toEqual([
            ["osDiskSizeGB", "create-only"],
        ]);
    });
    test("a key below a create-only input, after a dot, is inside it", () => {
        // Today's create-only inputs hold a value or a list (Pulumi writes "x[0]"); a diff of an
        // object value names its keys after a dot, and they are as much of the input.
        expect(
            refusals([{ op: "update", urn: poolUrn, detailedDiff: { "osDiskType.kind": { kind: "update" } } }]),
        ).toEqual([["osDiskType", "create-only"]]);
    });
});

describe("networkPolicy left undeclared, and the move from cilium", () => {
    const policy = (from: string, to?: string): PreviewStep => ({
        op: "update",
        urn: clusterUrn,
        oldState: { type: CLUSTER, inputs: { networkProfile: { networkPolicy: from } } },
        newState: { type: CLUSTER, inputs: { networkProfile: to === undefined ? {} : { networkPolicy: to } } },
    });
    test("undeclared is no move, even from a policy with no documented way to none (here one AKS may add)", () => {
        expect(refusals([policy("antrea")])).toEqual([]);
        expect(refusals([policy("antrea", "azure")])).toEqual([["networkProfile.networkPolicy", "undocumented"]]);
    });
    test("from cilium the one-way refusal is the only one", () => {
        const found = guardPreview([policy("cilium", "azure")]).refusals;
        expect(found).toHaveLength(1);
        expect([found[0].path, found[0].kind]).toEqual(["networkProfile.networkPolicy", "one-way"]);
    });
});

describe("the CLI's lines", () => {
    const move: PreviewStep = {
        op: "update",
        urn: clusterUrn,
        oldState: { type: CLUSTER, inputs: { ...entra, aadProfile: { managed: false } } },
        newState: { type: CLUSTER, inputs: entra },
    };
    test("an Entra ID move passes with a NEXT line naming the cluster's group and name; --json lists it in notices", async () => {
        const text = await guard([move]);
        expect([text.code, text.stderr]).toEqual([0, ""]);
        const [next, ...rest] = text.stdout.split("\n");
        expect(next).toMatch(
            /^NEXT: cluster-aks moves to Microsoft Entra ID: run `az aks rotate-certs -g rg-lab -n aks-lab` after the move: .+ \(learn\.microsoft\.com\/azure\/aks\/certificate-rotation\)$/,
        );
        expect(rest).toEqual(["OK: no guarded resource is replaced or deleted"]);
        const json = JSON.parse((await guard([move], "--json")).stdout);
        expect(json.notices).toEqual([next.slice("NEXT: ".length)]);
        expect(json.notices[0]).toMatch(/^cluster-aks moves to Microsoft Entra ID: run `az aks rotate-certs/);
    });
    test("without --allow no name is unused: nothing on standard error, and unusedAllows is empty", async () => {
        const deletedPool: PreviewStep = { op: "delete", urn: poolUrn };
        expect((await guard([deletedPool])).stderr).toBe("");
        expect(JSON.parse((await guard([deletedPool], "--json")).stdout).unusedAllows).toEqual([]);
    });
    test("two unallowed losses: a loss's fields joined by commas, the REFUSED line's losses by semicolons", async () => {
        const replaced: PreviewStep = {
            op: "replace",
            urn: clusterUrn,
            detailedDiff: { location: { kind: "update-replace" }, dnsPrefix: { kind: "update-replace" } },
        };
        const result = await guard([replaced, { op: "delete", urn: poolUrn }]);
        expect(result.code).toBe(1);
        const lines = result.stdout.split("\n");
        expect(lines[2]).toMatch(
            /^cluster-aks +azure-native:containerservice:ManagedCluster +replaced +dnsPrefix, location +NO$/,
        );
        expect(lines.pop()).toBe(
            "REFUSED: cluster-aks (ManagedCluster) would be replaced; cluster-user-pool (AgentPool) would be deleted. " +
                "Replacements in Azure delete first: the old resource is gone before the new one exists. " +
                "If this is intended, allow each one with --allow NAME (on a pull request: the label allow-replacement).",
        );
    });
});

describe("paths and versions", () => {
    test("valueAt follows three keys, and two keys below each item of a list", () => {
        expect(valueAt({ a: { b: { c: 1 } } }, "a.b.c")).toBe(1);
        expect(valueAt({ list: [{ a: { b: 1 } }, { a: {} }] }, "list[].a.b")).toEqual([1, undefined]);
    });
    // AKS's release calendar: 1.30's community support ends in July 2025.
    const inSupport = new Date("2025-06-01T00:00:00Z");
    test("a one-way input without a version condition (Entra ID) is refused while the version is in community support", () => {
        expect(
            irreversibleChangesBetween(
                CLUSTER,
                { aadProfile: { managed: true } },
                { aadProfile: { managed: false } },
                { currentKubernetesVersion: "1.30.2" },
                { now: inSupport },
            ).map((change) => change.path),
        ).toEqual(["aadProfile.managed"]);
    });
    test("long-term support: with no version reported, the recorded kubernetesVersion decides whether it can be left", () => {
        const leave = (now: string) =>
            irreversibleChangesBetween(
                CLUSTER,
                { kubernetesVersion: "1.30", supportPlan: "AKSLongTermSupport" },
                { kubernetesVersion: "1.30", supportPlan: "KubernetesOfficial" },
                {},
                { now: new Date(now) },
            ).map((change) => change.path);
        expect(leave("2025-06-01")).toEqual([]);
        expect(leave("2025-07-01")).toEqual(["supportPlan"]);
    });
});
