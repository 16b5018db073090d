/**
 * The in-place move to Overlay survives `pulumi refresh`: in every scenario built from real AKS
 * captures, the program's Overlay cluster shows no replacement under a model of azure-native's
 * Read and Diff and the engine's ignoreChanges (rehearsal/azureModel.ts). Controls show
 * that the model does replace the cluster without the mechanism, and with the alternative one.
 */
import { NETWORK_PROFILE_FIELDS_AKS_SETS } from "../cluster";
import { JsonObject, providerDiff, refreshedInputs, withIgnoredChanges } from "../rehearsal/azureModel";
import { RecordedResource, runProgram } from "./helpers/program";
import { describeWithRealdata, readCapture } from "./helpers/realdata";
import captures from "./fixtures/overlay-move/plugin-fields.json";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
type PluginFields = Record<string, string | null>;
const before = Object.entries(captures.before) as Array<[string, { source: string; networkProfile: PluginFields }]>;
const after = Object.entries(captures.after) as Array<[string, { source: string; networkProfile: PluginFields }]>;

let kubenet: RecordedResource;
let overlay: RecordedResource;
let azureCni: RecordedResource;
beforeAll(async () => {
    const kubenetRun = await runProgram({ config: { azureCniCluster: "true" } });
    kubenet = kubenetRun.resource("cluster-aks");
    azureCni = kubenetRun.resource("azurecni-aks");
    overlay = (await runProgram({ config: { networkPlugin: "overlay" } })).resource("cluster-aks");
});

/** The cluster as AKS reports it: what was sent, with the plugin fields AKS shows in a capture. */
const reported = (inputs: JsonObject, pluginFields: PluginFields): JsonObject => ({
    ...inputs,
    networkProfile: { ...(inputs.networkProfile as JsonObject), ...pluginFields },
});

/**
 * kubenet created by the program; `az aks update ... --network-plugin-mode overlay` changes the
 * plugin fields as the "after" capture shows them; `pulumi refresh`; then the preview of
 * `newInputs`, after the engine applies `ignoreChanges`.
 */
function moveAndPreview(
    beforeFields: PluginFields,
    afterFields: PluginFields,
    newInputs: JsonObject,
    ignoreChanges: readonly string[],
) {
    const created = kubenet.inputs as JsonObject;
    const reportedBefore = reported(created, beforeFields);
    const reportedAfter = reported(reportedBefore, afterFields);
    const recorded = refreshedInputs(created, reportedBefore, reportedAfter);
    const next = withIgnoredChanges(newInputs, recorded, ignoreChanges);
    return { recorded, ...providerDiff(MANAGED_CLUSTER, recorded, next, reportedAfter) };
}

describe("the Overlay move, then pulumi refresh, then the preview", () => {
    test("every cluster carries ignoreChanges on the networkProfile fields AKS sets by itself", () => {
        for (const cluster of [kubenet, overlay, azureCni])
            expect([cluster.name, cluster.ignoreChanges]).toEqual([cluster.name, [...NETWORK_PROFILE_FIELDS_AKS_SETS]]);
    });

    for (const [beforeName, beforeCapture] of before) {
        for (const [afterName, afterCapture] of after) {
            test(`no replacement: before ${beforeName}; after ${afterName}`, () => {
                const result = moveAndPreview(
                    beforeCapture.networkProfile,
                    afterCapture.networkProfile,
                    overlay.inputs,
                    overlay.ignoreChanges,
                );
                // The refresh recorded the move...
                expect(result.recorded.networkProfile).toMatchObject({
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: "azure",
                });
                // ...and the program's Overlay cluster replaces nothing.
                expect(result.replaces).toEqual([]);
            });
        }
    }

    const [nullPolicy, nonePolicy] = before.map(([, capture]) => capture.networkProfile);
    const overlayAfter = after[0][1].networkProfile;

    test("control: without ignoreChanges, what AKS set and the program omits replaces the cluster (delete-replace)", () => {
        const result = moveAndPreview(nullPolicy, overlayAfter, overlay.inputs, []);
        expect(result.replaces).toEqual(["networkProfile.networkDataplane", "networkProfile.networkPolicy"]);
        expect(result.detailed["networkProfile.networkDataplane"]).toBe("delete-replace");
    });

    test("control: declaring AKS's values instead replaces a cluster whose refresh recorded nothing for them (add-replace)", () => {
        const declared = {
            ...overlay.inputs,
            networkProfile: { ...overlay.inputs.networkProfile, networkDataplane: "azure", networkPolicy: "none" },
        };
        const result = moveAndPreview(nonePolicy, overlayAfter, declared, []);
        expect(result.replaces).toEqual(["networkProfile.networkPolicy"]);
        expect(result.detailed["networkProfile.networkPolicy"]).toBe("add-replace");
    });

    test("control: without the refresh, the Overlay program replaces the still-kubenet state (the runbook's reason to refresh)", () => {
        const result = providerDiff(
            MANAGED_CLUSTER,
            kubenet.inputs,
            withIgnoredChanges(overlay.inputs, kubenet.inputs, overlay.ignoreChanges),
            kubenet.inputs,
        );
        expect(result.replaces).toEqual(["networkProfile.networkPlugin", "networkProfile.networkPluginMode"]);
    });

    test("a kubenet stack that is refreshed without any change shows no difference at all", () => {
        const recorded = refreshedInputs(kubenet.inputs, kubenet.inputs, kubenet.inputs);
        expect(providerDiff(MANAGED_CLUSTER, recorded, kubenet.inputs, kubenet.inputs)).toEqual({
            detailed: {},
            replaces: [],
        });
    });

    test("the model's own rules: an update under a force-new path replaces; a top-level add equal to the output does not", () => {
        const base = {
            resourceName: "c",
            location: "eastus",
            networkProfile: { podCidr: "10.100.0.0/16", loadBalancerSku: "standard" },
        };
        expect(
            providerDiff(
                MANAGED_CLUSTER,
                base,
                { ...base, networkProfile: { ...base.networkProfile, podCidr: "10.101.0.0/16" } },
                base,
            ).replaces,
        ).toEqual(["networkProfile.podCidr"]);
        expect(
            providerDiff(
                MANAGED_CLUSTER,
                base,
                { ...base, networkProfile: { ...base.networkProfile, loadBalancerSku: "basic" } },
                base,
            ).replaces,
        ).toEqual([]);
        expect(providerDiff(MANAGED_CLUSTER, base, { ...base, resourceName: "d" }, base).replaces).toEqual([
            "resourceName",
        ]);
        const withOutput = { ...base, dnsPrefix: "c" };
        expect(providerDiff(MANAGED_CLUSTER, base, withOutput, withOutput)).toEqual({
            detailed: { dnsPrefix: "add" },
            replaces: [],
        });
        expect(providerDiff(MANAGED_CLUSTER, base, withOutput, base).replaces).toEqual(["dnsPrefix"]);
    });
});

describe("a declared networkPolicy on the deployed kubenet cluster (docs/configuration.md's runbook)", () => {
    let calico: RecordedResource;
    beforeAll(async () => {
        calico = (await runProgram({ config: { networkPolicy: "calico" } })).resource("cluster-aks");
    });
    // The deployed kubenet cluster, as a 2025 capture reports it: networkPolicy none.
    const deployed = () => reported(kubenet.inputs as JsonObject, before[1][1].networkProfile);

    test("it is no longer ignored, so setting it alone shows the replacement it is", () => {
        expect(calico.ignoreChanges).toEqual(["networkProfile.networkDataplane"]);
        const recorded = refreshedInputs(kubenet.inputs as JsonObject, deployed(), deployed());
        const result = providerDiff(
            MANAGED_CLUSTER,
            recorded,
            withIgnoredChanges(calico.inputs, recorded, calico.ignoreChanges),
            deployed(),
        );
        expect(result.replaces).toEqual(["networkProfile.networkPolicy"]);
    });

    test("az aks update --network-policy calico, then pulumi refresh: the preview replaces nothing", () => {
        const updated = reported(deployed(), { networkPolicy: "calico" });
        const recorded = refreshedInputs(kubenet.inputs as JsonObject, deployed(), updated);
        expect(recorded.networkProfile).toMatchObject({ networkPolicy: "calico" });
        const result = providerDiff(
            MANAGED_CLUSTER,
            recorded,
            withIgnoredChanges(calico.inputs, recorded, calico.ignoreChanges),
            updated,
        );
        expect(result.replaces).toEqual([]);
    });
});

const pluginFieldsOf = (document: any): PluginFields => {
    const profile = document.properties?.networkProfile ?? document.networkProfile;
    return Object.fromEntries(Object.keys(after[0][1].networkProfile).map((key) => [key, profile[key] ?? null]));
};

describeWithRealdata("the scenario fixtures are what the real captures report", () => {
    for (const [name, capture] of [...before, ...after]) {
        test(name, () => {
            expect(pluginFieldsOf(readCapture(capture.source))).toEqual(capture.networkProfile);
        });
    }
});
