/** The production posture's config rules: production=true, its warnings, and what stays legal. */
import { RawConfig, validateConfig } from "../config";
import { parseMaintenanceWindow } from "../posture";
import { rawStackConfig, validatedStackConfig } from "../stackFiles";

const valid: RawConfig = rawStackConfig("dev");
const errorsOf = (overrides: RawConfig) => validateConfig({ ...valid, ...overrides }).errors;
const warningsOf = (overrides: RawConfig) => validateConfig({ ...valid, ...overrides }).warnings;
const json = (value: unknown) => JSON.stringify(value);

describe("production=true", () => {
    test("names every missing piece: Entra ID, the tier, 2 zones, the window", () => {
        const found = errorsOf({ production: "true", clusterAccess: "localAccounts", zones: json(["1"]) });
        expect(found.map((problem) => [problem.rule, problem.key])).toEqual([
            ["productionPosture", "clusterAccess"],
            ["productionPosture", "skuTier"],
            ["productionPosture", "zones"],
            ["productionPosture", "maintenanceWindow"],
        ]);
    });
    test("Pulumi.prod.yaml meets it, with one warning: check the zones exist for the region and size", () => {
        const result = validateConfig(rawStackConfig("prod"));
        expect(result.errors).toEqual([]);
        expect(result.warnings).toEqual([
            expect.objectContaining({
                rule: "productionWarnings",
                key: "zones",
                message: expect.stringMatching(/az vm list-skus -l eastus --size Standard_D4ds_v5 --zone/),
            }),
        ]);
        expect(result.config!.posture).toMatchObject({ production: true, skuTier: "Standard", zones: ["1", "2", "3"] });
    });
});

describe("production=true warns about the system pool's size, its pods, and zones", () => {
    const production = {
        production: "true",
        skuTier: "Standard",
        zones: json(["1", "2", "3"]),
        maintenanceWindow: "Sunday 02:00 4h",
    };
    test("2 vCPUs, 2 x 10 pods: each with its numbers; zones always", () => {
        const found = warningsOf({ ...production, nodeCount: "2", maxPods: "10", nodeVmSize: "Standard_D2ds_v5" });
        expect(
            found
                .filter((warning) => warning.rule === "productionWarnings")
                .map((warning) => [warning.key, warning.values]),
        ).toEqual([
            ["nodeVmSize", { production: true, nodeVmSize: "Standard_D2ds_v5", vCpus: 2, min: 4 }],
            ["maxPods", { production: true, nodeCount: 2, maxPods: 10, pods: 20, min: 30 }],
            ["zones", { production: true, zones: ["1", "2", "3"], nodeVmSize: "Standard_D2ds_v5" }],
        ]);
    });
    test("a size the table does not know is said to be unchecked", () => {
        expect(warningsOf({ ...production, nodeVmSize: "Standard_L8s_v3" })[0].message).toMatch(
            /not in this program's table of VM sizes, so its vCPUs could not be checked/,
        );
    });
    test("without production, none of them", () => {
        const found = warningsOf({ nodeCount: "1", maxPods: "10", zones: json(["1"]) });
        expect(found.map((warning) => warning.rule)).toEqual(["replicasFitNodes"]);
    });
});

describe("legal, with a warning", () => {
    test.each<[string, RawConfig, string, RegExp]>([
        [
            "Ephemeral on a size the table does not know",
            { osDiskType: "Ephemeral", nodeVmSize: "Standard_L8s_v3" },
            "nodeVmSize",
            /could not be checked/,
        ],
        ["calico on kubenet", { networkPolicy: "calico" }, "networkPolicy", /remove it first/],
        [
            "authorized ranges",
            { apiServerAuthorizedIps: json(["203.0.113.0/24"]) },
            "apiServerAuthorizedIps",
            /GitHub-hosted runners and Pulumi Deployments runners have no fixed addresses/,
        ],
        ["a channel without a window", { upgradeChannel: "patch" }, "maintenanceWindow", /may upgrade at any hour/],
        [
            "a node OS channel other than AKS's default without a window",
            { nodeOsUpgradeChannel: "SecurityPatch" },
            "maintenanceWindow",
            /nodeOsUpgradeChannel SecurityPatch may upgrade at any hour/,
        ],
        [
            "the legacy node-image channel",
            { upgradeChannel: "node-image", nodeOsUpgradeChannel: "NodeImage", maintenanceWindow: "Sunday 02:00 4h" },
            "upgradeChannel",
            /legacy: Microsoft suggests upgradeChannel patch with nodeOsUpgradeChannel NodeImage/,
        ],
        ["a delete lock on kubenet", { deleteLock: "true" }, "deleteLock", /route table's routes/],
    ])("%s", (_, overrides, key, message) => {
        expect(errorsOf(overrides)).toEqual([]);
        expect(warningsOf(overrides)).toEqual([
            expect.objectContaining({ key, message: expect.stringMatching(message) }),
        ]);
    });
});

describe("good settings", () => {
    test("the dev stack keeps AKS's own node OS channel, NodeImage, with no warning for it", () => {
        expect(validatedStackConfig("dev").posture.nodeOsUpgradeChannel).toBe("NodeImage");
        expect(warningsOf({})).toEqual([]);
        expect(warningsOf({ nodeOsUpgradeChannel: "NodeImage" })).toEqual([]);
    });
    test("Ephemeral on a size whose temp disk holds the OS disk; cilium on Overlay; patch with a minor alias", () => {
        expect(errorsOf({ osDiskType: "Ephemeral", nodeVmSize: "Standard_D4ds_v5" })).toEqual([]);
        expect(errorsOf({ networkPlugin: "overlay", networkPolicy: "cilium" })).toEqual([]);
        expect(
            errorsOf({ kubernetesVersion: "1.34", upgradeChannel: "patch", maintenanceWindow: "Sunday 02:00 4h" }),
        ).toEqual([]);
    });
    test("the largest autoscaleMaxCount the error names does fit", () => {
        expect(
            errorsOf({ autoscaleMaxCount: "363", podCidr: "10.96.0.0/14", kubenetSubnetCidr: "10.220.4.0/22" }),
        ).toEqual([]);
        expect(
            errorsOf({
                autoscaleMaxCount: "4",
                userPoolNodeCount: "3",
                userPoolAutoscaleMaxCount: "10",
                podCidr: "10.100.0.0/20",
            }),
        ).toEqual([]);
        expect(errorsOf({ maxSurge: "100%", autoscaleMaxCount: "125" })).toEqual([]);
    });
    test("the window's format", () => {
        expect(parseMaintenanceWindow("saturday 22:30 6h -05:00")).toEqual({
            ok: true,
            value: { dayOfWeek: "Saturday", startTime: "22:30", durationHours: 6, utcOffset: "-05:00" },
        });
        expect(parseMaintenanceWindow("Sunday 25:00 4h")).toMatchObject({
            ok: false,
            reason: expect.stringMatching(/no time of day/),
        });
        expect(parseMaintenanceWindow("Funday 02:00 4h")).toMatchObject({
            ok: false,
            reason: expect.stringMatching(/no day of the week/),
        });
    });
});
