/**
 * The preview guard's judgements of moves: a Kubernetes minor in or out of AKS's community support
 * (the release calendar's "End of life" month, guard/communitySupport.ts cites it), the network
 * policy moves Microsoft documents (use-network-policies, update-azure-cni), and the clusters an
 * update moves to Microsoft Entra ID. Dates and sentences are written from those sources and from
 * what the guard promises its users, never computed by the guard. These are the cases Stryker's
 * mutants showed untested (docs/mutation.md).
 */
import { communitySupport } from "../guard/communitySupport";
import { networkPolicyTransition } from "../guard/networkPolicy";
import { entraMovesIn, guardPreview, PreviewStep, replacingFields } from "../guard/previewGuard";
import { replacingPaths } from "../guard/replacements";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const urn = (type: string, name: string) => `urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$${type}::${name}`;
const clusterUrn = urn(CLUSTER, "cluster-aks");

describe("communitySupport", () => {
    // 1.30's community support ends in July 2025: out from 1 July 2025, 00:00 UTC.
    const lastMomentIn = new Date("2025-06-30T23:59:59.999Z");
    const firstMomentOut = new Date("2025-07-01T00:00:00.000Z");
    test("a listed minor is in until the first day of its end month, then out", () => {
        expect(communitySupport("1.30", lastMomentIn)).toBe("in");
        expect(communitySupport("1.30.2", lastMomentIn)).toBe("in");
        expect(communitySupport("1.30", firstMomentOut)).toBe("out");
        expect(communitySupport("1.30.2", new Date("2025-08-01T00:00:00Z"))).toBe("out");
    });
    test("a minor older than the calendar's oldest row (1.27) is out; a newer one is not known", () => {
        expect(communitySupport("1.26", lastMomentIn)).toBe("out");
        expect(communitySupport("0.99", lastMomentIn)).toBe("out");
        expect(communitySupport("1.33", lastMomentIn)).toBe("unknown");
        expect(communitySupport("2.0", lastMomentIn)).toBe("unknown");
    });
    test("no version, or one that does not start with major.minor, is not known", () => {
        for (const version of [undefined, null, "", "latest", "v1.26", "1", 1.26])
            expect(communitySupport(version, firstMomentOut)).toBe("unknown");
    });
});

describe("networkPolicyTransition", () => {
    const throughNone = (from: string, to: string) =>
        `Microsoft documents no move from networkPolicy ${from} to ${to}; the documented path goes through none: az aks update -g RG -n NAME --network-policy none, pulumi refresh, pulumi config set networkPolicy none, pulumi up; then the same to ${to} (docs/configuration.md, networkPolicy)`;
    const keep = (from: string, to: string) =>
        `Microsoft documents no move from networkPolicy ${from} to ${to}; keep the policy this cluster has, or build a new cluster with the one you want`;
    test("null, empty or absent is none, as AKS reports no policy", () => {
        for (const none of [null, undefined, "", 42]) {
            expect(networkPolicyTransition(none, "none")).toBeUndefined();
            expect(networkPolicyTransition(none, "calico")).toEqual({
                documented: true,
                command: "az aks update -g RG -n NAME --network-policy calico",
            });
        }
        expect(networkPolicyTransition("azure", null)).toEqual({
            documented: true,
            command: "az aks update -g RG -n NAME --network-policy none",
        });
    });
    test("an undocumented move: through none where a way to none exists, else keep it", () => {
        expect(networkPolicyTransition("azure", "calico")).toEqual({
            documented: false,
            why: throughNone("azure", "calico"),
        });
        expect(networkPolicyTransition("cilium", "azure")).toEqual({ documented: false, why: keep("cilium", "azure") });
        // From none there are documented moves, but none to none: keep.
        expect(networkPolicyTransition("none", "antrea")).toEqual({ documented: false, why: keep("none", "antrea") });
    });
});

describe("the undocumented policy move in a preview", () => {
    const step = (type: string, from: unknown, to: unknown, outputs?: Record<string, unknown>): PreviewStep => ({
        op: "update",
        urn: urn(type, "cluster-aks"),
        oldState: { type, inputs: { networkProfile: { networkPolicy: from } }, ...(outputs ? { outputs } : {}) },
        newState: { type, inputs: { networkProfile: { networkPolicy: to } } },
    });
    const refusalsOf = (preview: PreviewStep) =>
        guardPreview([preview]).refusals.map(({ name, type, path, kind, configKey }) => ({
            name,
            type,
            path,
            kind,
            configKey,
        }));
    test("refused on a cluster, with its key; the sentence is the transition's", () => {
        expect(refusalsOf(step(CLUSTER, "azure", "calico"))).toEqual([
            {
                name: "cluster-aks",
                type: CLUSTER,
                path: "networkProfile.networkPolicy",
                kind: "undocumented",
                configKey: "networkPolicy",
            },
        ]);
        expect(guardPreview([step(CLUSTER, "azure", "calico")]).refusals[0].why).toContain(
            "Microsoft documents no move from networkPolicy azure to calico;",
        );
    });
    test("what AKS reported stands in for an undeclared input; a documented move passes", () => {
        expect(
            refusalsOf(step(CLUSTER, undefined, "calico", { networkProfile: { networkPolicy: "azure" } })).map(
                (refusal) => refusal.kind,
            ),
        ).toEqual(["undocumented"]);
        expect(refusalsOf(step(CLUSTER, "none", "calico"))).toEqual([]);
    });
    test("not on other types, not when the new inputs declare none, and from cilium only the one-way fact", () => {
        expect(refusalsOf(step(POOL, "azure", "calico"))).toEqual([]);
        expect(refusalsOf(step(CLUSTER, "azure", undefined))).toEqual([]);
        expect(refusalsOf(step(CLUSTER, "cilium", "azure")).map((refusal) => refusal.kind)).toEqual(["one-way"]);
    });
});

describe("entraMovesIn", () => {
    const move = (
        oldInputs: Record<string, unknown> | undefined,
        newInputs: Record<string, unknown>,
        extra: Partial<PreviewStep> = {},
    ): PreviewStep => ({
        op: "update",
        urn: clusterUrn,
        oldState: { type: CLUSTER, ...(oldInputs ? { inputs: oldInputs } : {}) },
        newState: { type: CLUSTER, inputs: newInputs },
        ...extra,
    });
    const entra = { aadProfile: { managed: true }, resourceGroupName: "rg", resourceName: "aks" };
    test("an update that turns aadProfile.managed on names the cluster, its group and its name", () => {
        expect(entraMovesIn([move({ aadProfile: { managed: false } }, entra)])).toEqual([
            { name: "cluster-aks", resourceGroup: "rg", clusterName: "aks" },
        ]);
        expect(entraMovesIn([move({}, entra)])).toHaveLength(1);
        // The type only in the old state is enough.
        expect(entraMovesIn([{ ...move({}, entra), newState: { inputs: entra } }])).toHaveLength(1);
    });
    test("names it cannot read are placeholders", () => {
        expect(entraMovesIn([move({}, { aadProfile: { managed: true }, resourceName: 42 })])).toEqual([
            { name: "cluster-aks", resourceGroup: "<resource group>", clusterName: "<cluster>" },
        ]);
    });
    test("no move: already on, not on now, 'true' as text, no old inputs, another op or type", () => {
        expect(entraMovesIn([move({ aadProfile: { managed: true } }, entra)])).toEqual([]);
        expect(entraMovesIn([move({}, { ...entra, aadProfile: { managed: false } })])).toEqual([]);
        expect(entraMovesIn([move({}, { ...entra, aadProfile: { managed: "true" } })])).toEqual([]);
        expect(entraMovesIn([move({}, { ...entra, aadProfile: undefined })])).toEqual([]);
        expect(entraMovesIn([move(undefined, entra)])).toEqual([]);
        expect(entraMovesIn([move({}, entra, { op: "replace" }), move({}, entra, { op: "create" })])).toEqual([]);
        expect(
            entraMovesIn([
                { ...move({}, entra), oldState: { type: POOL, inputs: {} }, newState: { type: POOL, inputs: entra } },
            ]),
        ).toEqual([]);
    });
});

describe("diffs the guard cannot read", () => {
    test("a detailedDiff entry that is no object is no replacement and no refusal", () => {
        const diff = { "aadProfile.managed": null, networkProfile: { kind: "update-replace" } } as never;
        expect(replacingFields({ op: "replace", urn: clusterUrn, detailedDiff: diff })).toEqual(["networkProfile"]);
        expect(guardPreview([{ op: "update", urn: clusterUrn, detailedDiff: diff }]).refusals).toEqual([]);
    });
    test("a type with no replacement facts replaces nothing", () =>
        expect(replacingPaths("azure-native:storage:StorageAccount", ["location", "sku.name"])).toEqual([]));
});
