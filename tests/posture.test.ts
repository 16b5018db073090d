/** The posture's pure pieces: the staggered window, Container insights' rule name, the cluster inputs on and off. */
import { postureClusterInputs, posturePoolInputs } from "../clusterPosture";
import { dataCollectionRuleName, MaintenanceWindow, staggeredWindow } from "../posture";
import { OFF_VALUES } from "./helpers/offValues";

describe("staggeredWindow: the second cluster's window starts when the first ends", () => {
    const window: MaintenanceWindow = {
        dayOfWeek: "Sunday",
        startTime: "02:00",
        durationHours: 4,
        utcOffset: "+01:00",
    };
    test.each<[string, Partial<MaintenanceWindow>, string, string]>([
        ["within the day", {}, "Sunday", "06:00"],
        ["past midnight: the next day", { startTime: "22:30", durationHours: 6 }, "Monday", "04:30"],
        ["a whole day: the same hour a day later", { durationHours: 24 }, "Monday", "02:00"],
        [
            "Sunday wraps to Monday, Saturday to Sunday",
            { dayOfWeek: "Saturday", startTime: "20:00" },
            "Sunday",
            "00:00",
        ],
    ])("%s", (_, change, day, start) => {
        expect(staggeredWindow({ ...window, ...change })).toEqual({
            ...window,
            ...change,
            dayOfWeek: day,
            startTime: start,
        });
    });
});

test("the data collection rule: MSCI-<workspace region>-<cluster>, at most 64 characters", () => {
    expect(dataCollectionRuleName("westeurope", "kubenet-cluster")).toBe("MSCI-westeurope-kubenet-cluster");
    const long = "c".repeat(63);
    expect(dataCollectionRuleName("southeastasia", long)).toBe(`MSCI-southeastasia-${"c".repeat(45)}`);
    expect(dataCollectionRuleName("southeastasia", long)).toHaveLength(64);
});

describe("the cluster's posture inputs", () => {
    test("with nothing on, every managed feature is sent as off; the tier, the OIDC issuer and the tag are left out", () => {
        expect(postureClusterInputs({})).toEqual(OFF_VALUES);
        expect(posturePoolInputs({})).toEqual({});
    });
    test("a feature that needs the workspace stays off without one", () => {
        const inputs = postureClusterInputs({ monitoring: true, defender: true });
        expect(inputs.addonProfiles).toMatchObject({ omsagent: { enabled: false } });
        expect(inputs.securityProfile).toMatchObject({ defender: { securityMonitoring: { enabled: false } } });
    });
    test("every pool gets the zones, the OS disk, the node OS and the surge", () => {
        expect(
            posturePoolInputs({ zones: ["1", "2"], osDiskType: "Ephemeral", osSku: "AzureLinux", maxSurge: "33%" }),
        ).toEqual({
            availabilityZones: ["1", "2"],
            osDiskType: "Ephemeral",
            osSKU: "AzureLinux",
            upgradeSettings: { maxSurge: "33%" },
        });
    });
});
