/**
 * The guard's posture traps: the OIDC issuer, long-term support, the Overlay move and Cilium
 * (one-way); zones, OS disk type and size, the system pool's size and maxPods (create-only); and
 * network policy moves Microsoft does not document. Fixtures use only the engine's PreviewStep fields.
 */
import { guardPreview, PreviewStep } from "../guard/previewGuard";
import { IRREVERSIBLE_CHANGES, irreversibleChangesBetween, irreversibleFactsFor } from "../guard/replacements";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const clusterUrn = `urn:pulumi:prod::aks-kubenet::aks-kubenet:cluster:Cluster$${CLUSTER}::cluster-aks`;
const poolUrn = `urn:pulumi:prod::aks-kubenet::aks-kubenet:cluster:Cluster$${POOL}::cluster-user-pool`;
const update = (
    urn: string,
    type: string,
    inputs: [Record<string, unknown>, Record<string, unknown>],
    outputs?: Record<string, unknown>,
): PreviewStep => ({
    op: "update",
    urn,
    oldState: { type, inputs: inputs[0], outputs },
    newState: { type, inputs: inputs[1] },
});
const pools = (...profiles: Array<Record<string, unknown>>) => ({ agentPoolProfiles: profiles });
const refusedPaths = (step: PreviewStep) =>
    guardPreview([step], ["cluster-aks", "cluster-user-pool"]).refusals.map((r) => r.path);

test("the table: Entra ID, OIDC, LTS, Overlay and Cilium one-way; zones, OS disk, the system pool's size and maxPods create-only; the config keys that set them", () => {
    expect(
        IRREVERSIBLE_CHANGES.map((fact) => [fact.type.split(":").pop(), fact.path, fact.kind, fact.configKey]),
    ).toEqual([
        ["ManagedCluster", "aadProfile.managed", "one-way", "clusterAccess"],
        ["ManagedCluster", "oidcIssuerProfile.enabled", "one-way", "workloadIdentity"],
        ["ManagedCluster", "agentPoolProfiles[].availabilityZones", "create-only", "zones"],
        ["AgentPool", "availabilityZones", "create-only", "zones"],
        ["ManagedCluster", "agentPoolProfiles[].osDiskType", "create-only", "osDiskType"],
        ["AgentPool", "osDiskType", "create-only", "osDiskType"],
        ["ManagedCluster", "agentPoolProfiles[].vmSize", "create-only", "nodeVmSize"],
        ["ManagedCluster", "agentPoolProfiles[].maxPods", "create-only", "maxPods"],
        ["AgentPool", "maxPods", "create-only", "maxPods"],
        ["ManagedCluster", "supportPlan", "one-way", "skuTier"],
        ["ManagedCluster", "networkProfile.networkPluginMode", "one-way", "networkPlugin"],
        ["ManagedCluster", "networkProfile.networkDataplane", "one-way", "networkPolicy"],
        ["ManagedCluster", "networkProfile.networkPolicy", "one-way", "networkPolicy"],
        ["ManagedCluster", "agentPoolProfiles[].osDiskSizeGB", "create-only", "osDiskType"],
        ["AgentPool", "osDiskSizeGB", "create-only", "osDiskType"],
    ]);
    expect(IRREVERSIBLE_CHANGES.find((fact) => fact.path === "osDiskType")!.source).toMatch(/^Azure\/AKS#1370/);
    expect(irreversibleFactsFor("zones").map((fact) => fact.type)).toEqual([CLUSTER, POOL]);
});

describe("the OIDC issuer is one-way", () => {
    test("turning it off, or dropping it, is refused whatever --allow says; turning it on passes", () => {
        const on = { oidcIssuerProfile: { enabled: true } };
        expect(refusedPaths(update(clusterUrn, CLUSTER, [on, { oidcIssuerProfile: { enabled: false } }]))).toEqual([
            "oidcIssuerProfile.enabled",
        ]);
        expect(refusedPaths(update(clusterUrn, CLUSTER, [on, {}]))).toEqual(["oidcIssuerProfile.enabled"]);
        expect(refusedPaths(update(clusterUrn, CLUSTER, [{}, on]))).toEqual([]);
    });
    test("without the states' inputs, a detailedDiff deleting it is refused", () => {
        const step: PreviewStep = {
            op: "update",
            urn: clusterUrn,
            detailedDiff: { oidcIssuerProfile: { kind: "delete" } },
        };
        expect(guardPreview([step]).refusals.map((refusal) => refusal.configKey)).toEqual(["workloadIdentity"]);
    });
});

describe("zones are set at creation only", () => {
    test("adding zones to an existing inline pool, or changing or removing them, is refused", () => {
        expect(
            refusedPaths(
                update(clusterUrn, CLUSTER, [pools({ name: "system" }), pools({ availabilityZones: ["1", "2", "3"] })]),
            ),
        ).toEqual(["agentPoolProfiles[].availabilityZones"]);
        expect(
            refusedPaths(
                update(clusterUrn, CLUSTER, [
                    pools({ availabilityZones: ["1", "2"] }),
                    pools({ availabilityZones: ["1", "2", "3"] }),
                ]),
            ),
        ).toEqual(["agentPoolProfiles[].availabilityZones"]);
        expect(refusedPaths(update(clusterUrn, CLUSTER, [pools({ availabilityZones: ["1"] }), pools({})]))).toEqual([
            "agentPoolProfiles[].availabilityZones",
        ]);
    });
    test("on the user pool too; the same zones, or none on either side, pass", () => {
        expect(refusedPaths(update(poolUrn, POOL, [{ count: 3 }, { count: 3, availabilityZones: ["1"] }]))).toEqual([
            "availabilityZones",
        ]);
        expect(
            refusedPaths(
                update(poolUrn, POOL, [{ availabilityZones: ["1", "2"] }, { availabilityZones: ["1", "2"], count: 5 }]),
            ),
        ).toEqual([]);
        expect(refusedPaths(update(clusterUrn, CLUSTER, [pools({ count: 3 }), pools({ count: 4 })]))).toEqual([]);
    });
    test("without inputs, a detailedDiff under a pool's zones is refused", () => {
        const step: PreviewStep = {
            op: "update",
            urn: clusterUrn,
            detailedDiff: { "agentPoolProfiles[0].availabilityZones[2]": { kind: "add" } },
        };
        expect(guardPreview([step]).refusals.map((refusal) => refusal.path)).toEqual([
            "agentPoolProfiles[].availabilityZones",
        ]);
    });
});

describe("the OS disk is set at creation only", () => {
    test("a declared type or size that changes is refused", () => {
        expect(refusedPaths(update(poolUrn, POOL, [{ osDiskType: "Managed" }, { osDiskType: "Ephemeral" }]))).toEqual([
            "osDiskType",
        ]);
        expect(refusedPaths(update(poolUrn, POOL, [{ osDiskSizeGB: 128 }, { osDiskSizeGB: 64 }]))).toEqual([
            "osDiskSizeGB",
        ]);
        expect(
            refusedPaths(
                update(clusterUrn, CLUSTER, [pools({ osDiskType: "Ephemeral" }), pools({ osDiskType: "Managed" })]),
            ),
        ).toEqual(["agentPoolProfiles[].osDiskType"]);
    });
    test("declaring one for the first time is judged against what AKS reported: the same passes, another is refused", () => {
        const reported = { agentPoolProfiles: [{ osDiskType: "Managed", osDiskSizeGB: 128 }] };
        expect(
            refusedPaths(update(clusterUrn, CLUSTER, [pools({}), pools({ osDiskType: "Managed" })], reported)),
        ).toEqual([]);
        expect(
            refusedPaths(update(clusterUrn, CLUSTER, [pools({}), pools({ osDiskType: "Ephemeral" })], reported)),
        ).toEqual(["agentPoolProfiles[].osDiskType"]);
        expect(
            refusedPaths(update(poolUrn, POOL, [{}, { osDiskType: "Ephemeral" }], { osDiskType: "Managed" })),
        ).toEqual(["osDiskType"]);
    });
    test("no longer declaring it changes nothing in AKS, and passes", () => {
        expect(refusedPaths(update(poolUrn, POOL, [{ osDiskType: "Managed" }, {}]))).toEqual([]);
        expect(irreversibleChangesBetween(POOL, { osDiskSizeGB: 128 }, {})).toEqual([]);
    });
});

describe("the system pool's VM size and maxPods are set at creation only", () => {
    test("a new size or maxPods on the inline pool is refused; the same passes", () => {
        const system = (vmSize: string, maxPods: number) => pools({ name: "system", vmSize, maxPods });
        expect(
            refusedPaths(
                update(clusterUrn, CLUSTER, [system("Standard_D2s_v5", 110), system("Standard_D4ds_v5", 110)]),
            ),
        ).toEqual(["agentPoolProfiles[].vmSize"]);
        expect(
            refusedPaths(update(clusterUrn, CLUSTER, [system("Standard_D2s_v5", 110), system("Standard_D2s_v5", 50)])),
        ).toEqual(["agentPoolProfiles[].maxPods"]);
        expect(
            refusedPaths(update(clusterUrn, CLUSTER, [system("Standard_D2s_v5", 110), system("Standard_D2s_v5", 110)])),
        ).toEqual([]);
    });
    test("the user pool's maxPods too (its vmSize is force-new: the replacement the guard names as a loss)", () => {
        expect(refusedPaths(update(poolUrn, POOL, [{ maxPods: 110 }, { maxPods: 30 }]))).toEqual(["maxPods"]);
    });
});

describe("long-term support cannot be left once the version is out of community support", () => {
    const lts = { sku: { name: "Base", tier: "Premium" }, supportPlan: "AKSLongTermSupport" };
    const official = { sku: { name: "Base", tier: "Standard" }, supportPlan: "KubernetesOfficial" };
    const leave = (version?: string) =>
        update(clusterUrn, CLUSTER, [lts, official], version ? { currentKubernetesVersion: version } : {});
    const refusedOn = (step: PreviewStep, day: string) =>
        guardPreview([step], ["cluster-aks"], { now: new Date(day) }).refusals.map((refusal) => refusal.path);

    test("1.30 left community support in July 2025 (AKS's release calendar): refused after, passes before", () => {
        expect(refusedOn(leave("1.30.5"), "2026-09-01")).toEqual(["supportPlan"]);
        expect(refusedOn(leave("1.30.5"), "2025-01-15")).toEqual([]);
    });
    test("a version past the calendar, or none known, counts as out: refused, with how to check", () => {
        expect(refusedOn(leave("1.36.1"), "2026-09-01")).toEqual(["supportPlan"]);
        expect(refusedOn(leave(), "2026-09-01")).toEqual(["supportPlan"]);
        expect(guardPreview([leave()], [], { now: new Date("2026-09-01") }).refusals[0].why).toMatch(
            /az aks update --tier standard --k8s-support-plan KubernetesOfficial\), then pulumi refresh/,
        );
    });
    test("dropping the tier altogether leaves LTS too; entering LTS, or staying, passes", () => {
        expect(
            refusedOn(update(clusterUrn, CLUSTER, [lts, {}], { currentKubernetesVersion: "1.27.9" }), "2026-09-01"),
        ).toEqual(["supportPlan"]);
        expect(refusedOn(update(clusterUrn, CLUSTER, [official, lts]), "2026-09-01")).toEqual([]);
        expect(refusedOn(update(clusterUrn, CLUSTER, [lts, lts]), "2026-09-01")).toEqual([]);
    });
});

describe("the Overlay move and the Cilium dataplane cannot be undone: their replacement is refused", () => {
    const replace = (
        before: Record<string, unknown>,
        after: Record<string, unknown>,
        outputs?: Record<string, unknown>,
    ): PreviewStep => ({
        op: "replace",
        urn: clusterUrn,
        oldState: { type: CLUSTER, inputs: { networkProfile: before }, outputs },
        newState: { type: CLUSTER, inputs: { networkProfile: after } },
        replaceReasons: ["networkProfile"],
    });
    const overlay = { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "10.100.0.0/16" };
    const kubenet = { networkPlugin: "kubenet", podCidr: "10.100.0.0/16" };

    test("overlay back to kubenet: refused whatever --allow says, naming networkPlugin", () => {
        const verdict = guardPreview([replace(overlay, kubenet)], ["cluster-aks"]);
        expect(verdict.ok).toBe(false);
        expect(verdict.refusals).toEqual([
            expect.objectContaining({
                path: "networkProfile.networkPluginMode",
                kind: "one-way",
                configKey: "networkPlugin",
            }),
        ]);
        expect(verdict.refusals[0].why).toMatch(/cannot be undone/);
    });
    test("kubenet to overlay by replacement (the runbook skipped) is the cluster's loss, not a one-way refusal", () => {
        expect(guardPreview([replace(kubenet, overlay)], ["cluster-aks"])).toMatchObject({ ok: true, refusals: [] });
    });
    test("cilium to calico: the policy is refused (the dataplane stays recorded under ignoreChanges)", () => {
        const cilium = { ...overlay, networkPolicy: "cilium", networkDataplane: "cilium" };
        expect(refusedPaths(replace(cilium, { ...cilium, networkPolicy: "calico" }))).toEqual([
            "networkProfile.networkPolicy",
        ]);
        expect(
            refusedPaths(replace(cilium, { ...overlay, networkPolicy: "azure", networkDataplane: "azure" })),
        ).toEqual(["networkProfile.networkDataplane", "networkProfile.networkPolicy"]);
    });
    test("without the states' inputs, a replacement deleting networkPluginMode is refused", () => {
        const step: PreviewStep = {
            op: "replace",
            urn: clusterUrn,
            detailedDiff: { "networkProfile.networkPluginMode": { kind: "delete-replace" } },
        };
        expect(guardPreview([step], ["cluster-aks"]).refusals.map((refusal) => refusal.configKey)).toEqual([
            "networkPlugin",
        ]);
    });
    test("a replacement for another reason is a new cluster: Entra ID off there is no refusal, only the loss --allow passes", () => {
        const step: PreviewStep = {
            op: "replace",
            urn: clusterUrn,
            oldState: {
                type: CLUSTER,
                inputs: { aadProfile: { managed: true }, networkProfile: { podCidr: "10.100.0.0/16" } },
            },
            newState: { type: CLUSTER, inputs: { networkProfile: { podCidr: "10.101.0.0/16" } } },
        };
        expect(guardPreview([step], ["cluster-aks"])).toMatchObject({ ok: true, refusals: [] });
    });
});

describe("networkPolicy moves only as Microsoft documents", () => {
    const move = (from: string | undefined, to: string, reported?: string): PreviewStep => ({
        op: "replace",
        urn: clusterUrn,
        oldState: {
            type: CLUSTER,
            inputs: { networkProfile: from ? { networkPolicy: from } : {} },
            outputs: reported ? { networkProfile: { networkPolicy: reported } } : undefined,
        },
        newState: { type: CLUSTER, inputs: { networkProfile: { networkPolicy: to } } },
    });
    test.each([
        ["none", "calico"],
        ["none", "azure"],
        ["calico", "none"],
        ["azure", "none"],
        ["azure", "cilium"],
        ["calico", "cilium"],
        ["none", "cilium"],
    ])("%s to %s: documented, so only the cluster's loss (the runbook's fix)", (from, to) => {
        expect(guardPreview([move(from, to)]).refusals).toEqual([]);
    });
    test("calico to azure: refused, with the path through none", () => {
        expect(guardPreview([move("calico", "azure")], ["cluster-aks"]).refusals).toEqual([
            expect.objectContaining({
                path: "networkProfile.networkPolicy",
                kind: "undocumented",
                why: expect.stringMatching(/no move from networkPolicy calico to azure.*--network-policy none/),
            }),
        ]);
    });
    test("never declared: judged from what AKS reported (calico), so declaring azure is refused", () => {
        expect(guardPreview([move(undefined, "azure", "calico")]).refusals.map((refusal) => refusal.kind)).toEqual([
            "undocumented",
        ]);
        expect(guardPreview([move(undefined, "calico", "calico")]).refusals).toEqual([]);
    });
});
