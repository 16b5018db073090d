/**
 * Good configurations, the propagation waits, cluster access and the second cluster: what is
 * accepted, and what each refusal tells the user to type instead.
 */
import { RawConfig, validateConfig } from "../config";
import { rawStackConfig } from "../stackFiles";

/** The dev stack as the Pulumi CLI hands it over: Pulumi.yaml's defaults and the location. */
const valid: RawConfig = rawStackConfig("dev");

describe("the propagation waits", () => {
    test("Go durations up to an hour; anything else is refused naming the key and an example", () => {
        expect(
            validateConfig({ ...valid, grantPropagationWait: "2m", adminGrantPropagationWait: "1h" }).config,
        ).toMatchObject({
            grantPropagationWait: "2m",
            adminGrantPropagationWait: "1h",
        });
        for (const [key, value, message] of [
            [
                "grantPropagationWait",
                "60",
                /"60" is not a duration .* e\.g\. pulumi config set grantPropagationWait 120s/,
            ],
            ["adminGrantPropagationWait", "5 minutes", /is not a duration/],
            ["adminGrantPropagationWait", "2h", /2h is longer than an hour/],
        ] as const) {
            const errors = validateConfig({ ...valid, [key]: value }).errors;
            expect(errors).toEqual([
                expect.objectContaining({ rule: "waitsAreDurations", key, message: expect.stringMatching(message) }),
            ]);
        }
    });
});

describe("cluster access", () => {
    test("entra with no admins by default; object ids parse to a list; localAccounts is accepted", () => {
        expect(validateConfig(valid).config).toMatchObject({ clusterAccess: "entra", clusterAdmins: [] });
        const admins = ["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01", "7c2d9e10-5f4b-4c8a-a1b2-c3d4e5f60718"];
        expect(validateConfig({ ...valid, clusterAdmins: JSON.stringify(admins) }).config?.clusterAdmins).toEqual(
            admins,
        );
        expect(validateConfig({ ...valid, clusterAccess: "localAccounts" }).config?.clusterAccess).toBe(
            "localAccounts",
        );
    });
    test("each message names what to type instead", () => {
        const message = (overrides: RawConfig) => validateConfig({ ...valid, ...overrides }).errors[0].message;
        expect(message({ clusterAccess: "aad" })).toMatch(/use entra .* or localAccounts/);
        expect(message({ clusterAdmins: '["bob"]' })).toMatch(
            /"bob" is not an object id; use Entra object ids \(az ad/,
        );
        expect(
            message({ clusterAccess: "localAccounts", clusterAdmins: '["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01"]' }),
        ).toMatch(/set clusterAccess to entra, or clear clusterAdmins/);
    });
});

describe("the second cluster and the plugin: good configurations", () => {
    test("the defaults fit: 4 x 31 = 124 of 251", () => {
        const result = validateConfig({ ...valid, azureCniCluster: "true" });
        expect(result.errors).toEqual([]);
        expect(result.config).toMatchObject({
            azureCniCluster: true,
            azureCniClusterName: "azurecni-cluster",
            azureCniNodeCount: 3,
            azureCniMaxPods: 30,
            networkPlugin: "kubenet",
        });
    });
    test("the largest values the error names do fit", () => {
        expect(
            validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "7", azureCniMaxPods: "30" }).errors,
        ).toEqual([]);
        expect(
            validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "8", azureCniMaxPods: "26" }).errors,
        ).toEqual([]);
    });
    test("more replicas than Azure CNI nodes is a warning naming azureCniNodeCount", () => {
        const result = validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "2" });
        expect(result.config).toBeDefined();
        expect(result.warnings).toContainEqual(
            expect.objectContaining({
                rule: "replicasFitNodes",
                key: "nginxReplicas",
                values: { nginxReplicas: 3, azureCniNodeCount: 2 },
            }),
        );
    });
    test("the capacity rule applies only when the second cluster is on", () => {
        expect(validateConfig({ ...valid, azureCniNodeCount: "8" }).errors).toEqual([]);
    });
    test("overlay accepts the kubenet stack's ranges, and more than 400 nodes", () => {
        expect(validateConfig({ ...valid, networkPlugin: "overlay" }).config?.networkPlugin).toBe("overlay");
        const big = {
            podCidr: "10.0.0.0/14",
            kubenetSubnetCidr: "10.220.0.0/22",
            azureCniSubnetCidr: "10.220.4.0/24",
            servicesSubnetCidr: "10.220.5.0/24",
            nodeCount: "500",
        };
        expect(validateConfig({ ...valid, ...big, networkPlugin: "overlay" }).errors).toEqual([]);
        expect(validateConfig({ ...valid, ...big }).errors).toContainEqual(
            expect.objectContaining({
                rule: "nodeCountWithinPluginLimit",
                key: "nodeCount",
                values: { nodeCount: 500, maxNodes: 400, plugin: "kubenet" },
            }),
        );
    });
});

describe("good configurations", () => {
    test("the defaults are the tutorial's lab", () => {
        const result = validateConfig(valid);
        expect(result.errors).toEqual([]);
        expect(result.warnings).toEqual([]);
        expect(result.config).toMatchObject({
            location: "eastus",
            resourceGroupName: "NetworkLab",
            vnetName: "aksvnet",
            podCidr: "10.100.0.0/16",
            serviceCidr: "10.200.0.0/16",
            dnsServiceIp: "10.200.0.10",
            nodeCount: 3,
            maxPods: 110,
            kubernetesVersion: undefined,
            sshPublicKey: undefined,
            protect: false,
        });
        expect(Object.isFrozen(result.config)).toBe(true);
    });

    test.each<[string, RawConfig, Record<string, unknown>]>([
        ["a larger cluster", { nodeCount: "50", maxPods: "250" }, { nodeCount: 50, maxPods: 250 }],
        ["a minor-alias version", { kubernetesVersion: "1.34" }, { kubernetesVersion: "1.34" }],
        ["a patch version", { kubernetesVersion: "1.34.2" }, { kubernetesVersion: "1.34.2" }],
        [
            "an ed25519 key",
            {
                sshPublicKey:
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop",
            },
            { sshPublicKey: expect.stringMatching(/^ssh-ed25519 /) },
        ],
        [
            "a small pod CIDR that still fits",
            { podCidr: "10.100.0.0/22", nodeCount: "3" },
            { podCidr: "10.100.0.0/22" },
        ],
        ["protect on", { protect: "true" }, { protect: true }],
        [
            "a digest-pinned image",
            { nginxImage: `nginxinc/nginx-unprivileged@sha256:${"a".repeat(64)}` },
            { nginxImage: expect.stringContaining("@sha256:") },
        ],
        [
            "another private plan",
            {
                vnetCidr: "192.168.0.0/16",
                kubenetSubnetCidr: "192.168.1.0/24",
                azureCniSubnetCidr: "192.168.2.0/24",
                servicesSubnetCidr: "192.168.3.0/24",
                podCidr: "10.244.0.0/16",
                serviceCidr: "10.0.0.0/16",
                dnsServiceIp: "10.0.0.10",
            },
            { vnetCidr: "192.168.0.0/16" },
        ],
    ])("%s is accepted", (_, overrides, expected) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.errors).toEqual([]);
        expect(result.config).toMatchObject(expected);
    });

    test.each<[string, RawConfig, string, string]>([
        [
            "a pod CIDR over the docker bridge",
            { podCidr: "172.17.0.0/16" },
            "podCidr",
            "overlayRangesAvoidDockerBridge",
        ],
        ["a DNS IP that is not .10", { dnsServiceIp: "10.200.0.53" }, "dnsServiceIp", "dnsServiceIpUsable"],
        ["more replicas than nodes", { nginxReplicas: "5" }, "nginxReplicas", "replicasFitNodes"],
    ])("%s is legal but warned about", (_, overrides, key, rule) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.errors).toEqual([]);
        expect(result.config).toBeDefined();
        expect(result.warnings).toEqual([expect.objectContaining({ key, rule })]);
    });
});
