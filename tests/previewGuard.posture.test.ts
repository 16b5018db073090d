/** The guard's posture traps: the OIDC issuer (one-way); zones, OS disk type and size (create-only) on every pool. */
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

test("the table: OIDC one-way; zones, osDiskType, osDiskSizeGB create-only on inline pools and AgentPool; the config keys that set them", () => {
    expect(
        IRREVERSIBLE_CHANGES.map((fact) => [fact.type.split(":").pop(), fact.path, fact.kind, fact.configKey]),
    ).toEqual([
        ["ManagedCluster", "aadProfile.managed", "one-way", "clusterAccess"],
        ["ManagedCluster", "oidcIssuerProfile.enabled", "one-way", "workloadIdentity"],
        ["ManagedCluster", "agentPoolProfiles[].availabilityZones", "create-only", "zones"],
        ["AgentPool", "availabilityZones", "create-only", "zones"],
        ["ManagedCluster", "agentPoolProfiles[].osDiskType", "create-only", "osDiskType"],
        ["AgentPool", "osDiskType", "create-only", "osDiskType"],
        ["ManagedCluster", "agentPoolProfiles[].osDiskSizeGB", "create-only", "osDiskType"],
        ["AgentPool", "osDiskSizeGB", "create-only", "osDiskType"],
    ]);
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
