/** The preview guard: every op, the type from the state or the URN, --allow, and the CLI's exit codes. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    GUARDED_TYPES,
    guardPreview,
    parseUrn,
    PreviewStep,
    readPreview,
    replacingFields,
} from "../guard/previewGuard";
import { fixFor } from "../guard/replacements";
import { runInProcess } from "../cli/shell";
import { main as guardMain } from "../guard/cli";
import { runTool } from "./helpers/cli";

const fixture = (name: string) => path.join(__dirname, "fixtures", "preview", name);
const noChanges: { steps: PreviewStep[] } = JSON.parse(fs.readFileSync(fixture("no-changes.json"), "utf8"));
const urnOf = (name: string) => noChanges.steps.find((step) => step.urn.endsWith(`::${name}`))!.urn;
const clusterUrn = urnOf("cluster-aks");
const CLUSTER = "azure-native:containerservice:ManagedCluster";

describe("parseUrn", () => {
    test("a parented URN carries Parent$type::name", () => {
        expect(parseUrn(clusterUrn)).toEqual({ type: CLUSTER, name: "cluster-aks" });
        expect(parseUrn("urn:pulumi:dev::aks-kubenet::azure-native:resources:ResourceGroup::rg")).toEqual({
            type: "azure-native:resources:ResourceGroup",
            name: "rg",
        });
    });
    test("refuses what is not a URN", () => expect(() => parseUrn("cluster-aks")).toThrow(/not a Pulumi URN/));
});

describe("every op on the cluster", () => {
    const verdictFor = (op: string) =>
        guardPreview([{ op, urn: clusterUrn, oldState: { type: CLUSTER }, newState: { type: CLUSTER } }]);
    test.each(["replace", "create-replacement", "delete-replaced", "import-replacement"])(
        "%s is a replacement",
        (op) => {
            expect(verdictFor(op)).toEqual({
                ok: false,
                unusedAllows: [],
                refusals: [],
                losses: [
                    {
                        name: "cluster-aks",
                        type: CLUSTER,
                        urn: clusterUrn,
                        loss: "replaced",
                        allowed: false,
                        fields: [],
                    },
                ],
            });
        },
    );
    test("delete is a deletion", () =>
        expect(verdictFor("delete").losses.map((loss) => loss.loss)).toEqual(["deleted"]));
    test.each([
        "same",
        "create",
        "update",
        "read",
        "import",
        "discard",
        "refresh",
        "read-replacement",
        "discard-replaced",
        "remove-pending-replace",
    ])("%s keeps it", (op) => {
        expect(verdictFor(op)).toEqual({ ok: true, losses: [], refusals: [], unusedAllows: [] });
    });
});

describe("which resources are guarded", () => {
    test.each(GUARDED_TYPES)("%s deleted is refused", (type) => {
        const verdict = guardPreview([
            { op: "delete", urn: `urn:pulumi:dev::aks-kubenet::${type}::x`, oldState: { type } },
        ]);
        expect(verdict.ok).toBe(false);
    });
    test("workloads, providers, grants and the wait may be replaced", () => {
        const steps: PreviewStep[] = noChanges.steps
            .filter((step) => !GUARDED_TYPES.includes(step.oldState!.type!))
            .map((step) => ({ ...step, op: "replace" }));
        expect(steps.length).toBeGreaterThan(5);
        expect(guardPreview(steps)).toEqual({ ok: true, losses: [], refusals: [], unusedAllows: [] });
    });
    test("the state's type wins over the URN; without state the URN's last segment counts", () => {
        expect(
            guardPreview([{ op: "delete", urn: "urn:pulumi:dev::p::pkg:m:Wrapper::x", oldState: { type: CLUSTER } }])
                .ok,
        ).toBe(false);
        expect(
            guardPreview([
                {
                    op: "delete",
                    urn: "urn:pulumi:dev::p::aks-kubenet:network:Network$azure-native:network:Subnet::network-kubenet",
                },
            ]).losses,
        ).toEqual([
            expect.objectContaining({ name: "network-kubenet", type: "azure-native:network:Subnet", loss: "deleted" }),
        ]);
    });
});

describe("a pod CIDR change (replace + delete-replaced + create-replacement)", () => {
    const steps = (JSON.parse(fs.readFileSync(fixture("pod-cidr-change.json"), "utf8")) as { steps: PreviewStep[] })
        .steps;
    test("names the cluster once", () => {
        expect(guardPreview(steps).losses).toEqual([
            {
                name: "cluster-aks",
                type: CLUSTER,
                urn: clusterUrn,
                loss: "replaced",
                allowed: false,
                fields: ["networkProfile.podCidr"],
            },
        ]);
    });
    test("--allow cluster-aks accepts it; an --allow that matches nothing is reported", () => {
        expect(guardPreview(steps, ["cluster-aks"]).ok).toBe(true);
        expect(guardPreview(steps, ["cluster-aks", "clustr-aks"]).unusedAllows).toEqual(["clustr-aks"]);
        expect(guardPreview(steps, ["network-routes"]).ok).toBe(false);
    });
});

describe("the fields that force a replacement, and their fixes", () => {
    // After the Overlay move: a refresh recorded a field the program omits (a program without ignoreChanges).
    const afterRefresh: PreviewStep = {
        op: "replace",
        urn: clusterUrn,
        oldState: { type: CLUSTER },
        newState: { type: CLUSTER },
        replaceReasons: ["networkProfile.networkDataplane"],
        detailedDiff: {
            "networkProfile.networkDataplane": { kind: "delete-replace" },
            "networkProfile.loadBalancerSku": { kind: "update" },
            "agentPoolProfiles[0].count": { kind: "update" },
        },
    };
    test("detailedDiff's *-replace entries name the fields; replaceReasons when there is no detailedDiff", () => {
        expect(replacingFields(afterRefresh)).toEqual(["networkProfile.networkDataplane"]);
        expect(
            replacingFields({
                ...afterRefresh,
                detailedDiff: undefined,
                replaceReasons: ["networkProfile.podCidr", "location"],
            }),
        ).toEqual(["location", "networkProfile.podCidr"]);
        expect(replacingFields({ op: "update", urn: clusterUrn, detailedDiff: { tags: { kind: "update" } } })).toEqual(
            [],
        );
    });
    test("the CLI names each field of a refused replacement with what to do", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-"));
        const file = path.join(dir, "preview.json");
        fs.writeFileSync(file, JSON.stringify({ steps: [afterRefresh] }));
        const result = await runInProcess("preview-guard", guardMain, [file, "--allow", "network-routes"]);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(
            /cluster-aks +azure-native:containerservice:ManagedCluster +replaced +networkProfile\.networkDataplane +NO/,
        );
        expect(result.stdout).toMatch(
            /^ {2}cluster-aks networkProfile\.networkDataplane: with networkPolicy unset this program ignores it \(AKS sets azure after the Overlay move\)/m,
        );
        expect(fixFor("networkProfile.somethingNew")).toMatch(
            /declare what Azure reports for networkProfile\.somethingNew .*never --allow the cluster/,
        );
    });
});

describe("changes AKS cannot undo: Microsoft Entra ID off", () => {
    const entra = { managed: true, enableAzureRBAC: true, tenantID: "t" };
    const update = (before: object, after: object): PreviewStep => ({
        op: "update",
        urn: clusterUrn,
        oldState: { type: CLUSTER, inputs: { resourceName: "kubenet-cluster", ...before } },
        newState: { type: CLUSTER, inputs: { resourceName: "kubenet-cluster", ...after } },
    });
    const onlyRefusal = expect.objectContaining({
        name: "cluster-aks",
        path: "aadProfile.managed",
        kind: "one-way",
        configKey: "clusterAccess",
        why: expect.stringMatching(/cannot turn Microsoft Entra ID integration off/),
    });

    test("an update that drops aadProfile, or sets managed false, is refused; --allow does not pass it", () => {
        for (const after of [{}, { aadProfile: { ...entra, managed: false } }]) {
            const verdict = guardPreview(
                [update({ aadProfile: entra, disableLocalAccounts: true }, after)],
                ["cluster-aks"],
            );
            expect([after, verdict.ok, verdict.refusals]).toEqual([after, false, [onlyRefusal]]);
        }
    });

    test("turning Entra ID on, keeping it on, or changing other fields passes", () => {
        for (const [before, after] of [
            [{}, { aadProfile: entra, disableLocalAccounts: true }],
            [{ aadProfile: entra }, { aadProfile: { ...entra, enableAzureRBAC: false } }],
            [
                { aadProfile: entra, disableLocalAccounts: true },
                { aadProfile: entra, disableLocalAccounts: false },
            ],
        ])
            expect(guardPreview([update(before, after)])).toMatchObject({ ok: true, refusals: [] });
    });

    test("without the states' inputs, a detailedDiff that deletes aadProfile (or its managed flag) is refused", () => {
        for (const key of ["aadProfile", "aadProfile.managed"]) {
            const step: PreviewStep = { op: "update", urn: clusterUrn, detailedDiff: { [key]: { kind: "delete" } } };
            expect(guardPreview([step]).refusals).toEqual([onlyRefusal]);
        }
        const added: PreviewStep = { op: "update", urn: clusterUrn, detailedDiff: { aadProfile: { kind: "add" } } };
        expect(guardPreview([added]).ok).toBe(true);
    });

    test("the CLI names the resource, the input, why, and the config key", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-entra-"));
        const file = path.join(dir, "preview.json");
        fs.writeFileSync(file, JSON.stringify({ steps: [update({ aadProfile: entra }, {})] }));
        const result = await runInProcess("preview-guard", guardMain, [file, "--allow", "cluster-aks"]);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(
            /^REFUSED: cluster-aks aadProfile\.managed would change, and it is one-way in AKS \(clusterAccess\): AKS cannot turn Microsoft Entra ID integration off/m,
        );
        expect(result.stdout).not.toMatch(/^OK/m);
    });
});

describe("readPreview", () => {
    test("accepts preview JSON, and a preview with no steps", () => {
        expect(readPreview(noChanges)).toEqual({ steps: noChanges.steps });
        expect(readPreview({ changeSummary: {} })).toEqual({ steps: [] });
    });
    test("refuses other documents and unknown ops", () => {
        expect(readPreview([])).toEqual({ error: expect.stringMatching(/not the output of `pulumi preview --json`/) });
        expect(readPreview({ steps: {} })).toEqual({ error: '"steps" is not an array' });
        expect(readPreview({ steps: [{ op: "teleport", urn: clusterUrn }] })).toEqual({
            error: expect.stringMatching(/op "teleport"/),
        });
        expect(readPreview({ steps: [{ op: "delete" }] })).toEqual({ error: "step 0 has no op or urn" });
    });
});

describe("the CLI", () => {
    const guard = (...args: string[]) => runInProcess("preview-guard", guardMain, args);
    test("exit 1 naming the cluster; exit 0 with --allow; --json", async () => {
        const refused = runTool("guard/cli.ts", [fixture("pod-cidr-change.json")]); // the real command, once
        expect(refused.code).toBe(1);
        expect(refused.stdout).toMatch(
            /cluster-aks +azure-native:containerservice:ManagedCluster +replaced +networkProfile\.podCidr +NO/,
        );
        expect(refused.stdout).toMatch(/^ {2}cluster-aks networkProfile\.podCidr: a pod CIDR cannot change in place/m);
        expect(refused.stdout).toMatch(/REFUSED: cluster-aks \(ManagedCluster\) would be replaced/);
        const allowed = await guard(fixture("pod-cidr-change.json"), "--allow", "cluster-aks", "--json");
        expect(allowed.code).toBe(0);
        expect(JSON.parse(allowed.stdout)).toEqual({
            ok: true,
            losses: [
                {
                    name: "cluster-aks",
                    type: CLUSTER,
                    loss: "replaced",
                    allowed: true,
                    fields: ["networkProfile.podCidr"],
                },
            ],
            refusals: [],
            unusedAllows: [],
        });
        expect((await guard(fixture("no-changes.json"))).stdout).toMatch(/^OK: no guarded resource/m);
    });
    test("exit 2 with one line for a missing file, bad JSON or a bad option", async () => {
        const missing = await guard("no/such.json");
        expect([missing.code, missing.stderr.trim()]).toEqual([2, "preview-guard: cannot read no/such.json: ENOENT"]);
        const notJson = runTool("guard/cli.ts", ["-"], { input: "Previewing update (dev)" });
        expect(notJson.code).toBe(2);
        expect(notJson.stderr).toMatch(/^preview-guard: - is not JSON .*pulumi preview --json/);
        expect(notJson.stderr.trim().split("\n")).toHaveLength(1);
        expect((await guard("--frobnicate")).code).toBe(2);
        expect(await guard("--help")).toMatchObject({
            code: 0,
            stdout: expect.stringMatching(/^usage: npm run --silent preview-guard/),
        });
    });
});
