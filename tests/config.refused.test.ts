/**
 * Bad configurations: each refused, naming its key, the rule that finds it and the values that
 * decide it; every problem reported at once.
 */
import { CONFIG_KEYS, LOCATION_KEY, loadStackConfig, RawConfig, validateConfig } from "../config";
import { rawStackConfig } from "../stackFiles";

/** The dev stack as the Pulumi CLI hands it over: Pulumi.yaml's defaults and the location. */
const valid: RawConfig = rawStackConfig("dev");

/** Each bad configuration, the key its error must name, the rule that finds it, and the values that decide it. */
const badConfigs: Array<[string, RawConfig, string, string, Record<string, unknown>?]> = [
    ["host bits in the pod CIDR", { podCidr: "10.100.0.1/16" }, "podCidr", "rangesParse", { podCidr: "10.100.0.1/16" }],
    ["IPv6 pod CIDR", { podCidr: "fd00:100::/64" }, "podCidr", "rangesParse"],
    ["not a CIDR", { vnetCidr: "10.220.0.0" }, "vnetCidr", "rangesParse"],
    [
        "subnet outside the VNet",
        { kubenetSubnetCidr: "10.221.1.0/24" },
        "kubenetSubnetCidr",
        "subnetsInsideVnet",
        { kubenetSubnetCidr: "10.221.1.0/24", vnetCidr: "10.220.0.0/16" },
    ],
    [
        "overlapping subnets",
        { servicesSubnetCidr: "10.220.1.128/25" },
        "servicesSubnetCidr",
        "subnetsDisjoint",
        { servicesSubnetCidr: "10.220.1.128/25", kubenetSubnetCidr: "10.220.1.0/24" },
    ],
    [
        "subnet too small for Azure",
        { azureCniSubnetCidr: "10.220.2.0/30" },
        "azureCniSubnetCidr",
        "subnetsLargeEnough",
        { azureCniSubnetCidr: "10.220.2.0/30", smallestPrefix: 29 },
    ],
    [
        "pod CIDR overlapping the VNet",
        { podCidr: "10.220.0.0/16" },
        "podCidr",
        "overlayRangesOutsideVnet",
        { podCidr: "10.220.0.0/16", overlaps: "vnetCidr,kubenetSubnetCidr,azureCniSubnetCidr,servicesSubnetCidr" },
    ],
    [
        "service CIDR inside a subnet",
        { serviceCidr: "10.220.3.0/24", dnsServiceIp: "10.220.3.10" },
        "serviceCidr",
        "overlayRangesOutsideVnet",
        { serviceCidr: "10.220.3.0/24", overlaps: "vnetCidr,servicesSubnetCidr" },
    ],
    [
        "pod and service CIDRs overlapping",
        { serviceCidr: "10.100.0.0/16", dnsServiceIp: "10.100.0.10" },
        "serviceCidr",
        "podAndServiceRangesDisjoint",
    ],
    [
        "a range AKS reserves",
        { podCidr: "172.30.0.0/16" },
        "podCidr",
        "rangesAvoidAksReserved",
        { podCidr: "172.30.0.0/16", reserved: "172.30.0.0/16" },
    ],
    [
        "link-local service range",
        { serviceCidr: "169.254.0.0/16", dnsServiceIp: "169.254.0.10" },
        "serviceCidr",
        "rangesAvoidAksReserved",
    ],
    [
        "a VNet in TEST-NET-1",
        {
            vnetCidr: "192.0.2.0/24",
            kubenetSubnetCidr: "192.0.2.0/26",
            azureCniSubnetCidr: "192.0.2.64/26",
            servicesSubnetCidr: "192.0.2.128/26",
        },
        "vnetCidr",
        "rangesAvoidAksReserved",
    ],
    [
        "service CIDR /12",
        { serviceCidr: "10.192.0.0/12", dnsServiceIp: "10.192.0.10" },
        "serviceCidr",
        "serviceCidrSmallEnough",
        { serviceCidr: "10.192.0.0/12", largestPrefix: 12 },
    ],
    [
        "DNS IP outside the service CIDR",
        { dnsServiceIp: "10.201.0.10" },
        "dnsServiceIp",
        "dnsServiceIpUsable",
        { dnsServiceIp: "10.201.0.10", serviceCidr: "10.200.0.0/16", conventional: "10.200.0.10" },
    ],
    ["DNS IP = first address", { dnsServiceIp: "10.200.0.1" }, "dnsServiceIp", "dnsServiceIpUsable"],
    ["DNS IP = network address", { dnsServiceIp: "10.200.0.0" }, "dnsServiceIp", "dnsServiceIpUsable"],
    ["DNS IP = broadcast", { dnsServiceIp: "10.200.255.255" }, "dnsServiceIp", "dnsServiceIpUsable"],
    ["DNS IP not an address", { dnsServiceIp: "dns" }, "dnsServiceIp", "dnsServiceIpUsable", { dnsServiceIp: "dns" }],
    [
        "nodeCount zero",
        { nodeCount: "0" },
        "nodeCount",
        "integersAreWhole",
        { nodeCount: 0, min: 1, max: Number.MAX_SAFE_INTEGER },
    ],
    [
        "nodeCount over the route-table limit",
        {
            nodeCount: "401",
            podCidr: "10.0.0.0/14",
            vnetCidr: "10.220.0.0/16",
            kubenetSubnetCidr: "10.220.0.0/22",
            azureCniSubnetCidr: "10.220.4.0/24",
            servicesSubnetCidr: "10.220.5.0/24",
        },
        "nodeCount",
        "nodeCountWithinPluginLimit",
        { nodeCount: 401, maxNodes: 400, plugin: "kubenet" },
    ],
    ["nodeCount not a number", { nodeCount: "three" }, "nodeCount", "integersAreWhole", { nodeCount: "three" }],
    ["nodeCount fractional", { nodeCount: "2.5" }, "nodeCount", "integersAreWhole", { nodeCount: "2.5" }],
    [
        "pod CIDR without a slice for the surge node",
        { podCidr: "10.100.0.0/23", nodeCount: "2" },
        "podCidr",
        "podCidrHoldsEveryNode",
        { podCidr: "10.100.0.0/23", slices: 2, needed: 3, surgeNodes: 1 },
    ],
    [
        "pod CIDR smaller than a /24",
        { podCidr: "10.100.0.0/25" },
        "podCidr",
        "podCidrHoldsEveryNode",
        { podCidr: "10.100.0.0/25", slicePrefix: 24 },
    ],
    [
        "subnet without room for the surge node",
        { kubenetSubnetCidr: "10.220.1.0/29", nodeCount: "3" },
        "kubenetSubnetCidr",
        "nodeSubnetHoldsEveryNode",
        { kubenetSubnetCidr: "10.220.1.0/29", usable: 3, needed: 4, surgeNodes: 1 },
    ],
    ["maxPods too low", { maxPods: "5" }, "maxPods", "maxPodsWithinBounds", { maxPods: 5, min: 10, max: 250 }],
    ["maxPods too high", { maxPods: "300" }, "maxPods", "maxPodsWithinBounds", { maxPods: 300, min: 10, max: 250 }],
    ["maxPods not an integer", { maxPods: "many" }, "maxPods", "integersAreWhole"],
    [
        "kubernetesVersion with a v",
        { kubernetesVersion: "v1.34" },
        "kubernetesVersion",
        "namesFollowRules",
        { kubernetesVersion: "v1.34" },
    ],
    ["kubernetesVersion latest", { kubernetesVersion: "latest" }, "kubernetesVersion", "namesFollowRules"],
    [
        "sshPublicKey that is a private key",
        { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" },
        "sshPublicKey",
        "namesFollowRules",
    ],
    [
        "reserved admin user",
        { adminUsername: "admin" },
        "adminUsername",
        "adminUsernameNotReserved",
        { adminUsername: "admin" },
    ],
    ["cluster name with a dot", { clusterName: "kubenet.cluster" }, "clusterName", "namesFollowRules"],
    ["protect not boolean", { protect: "yes" }, "protect", "booleansAreBoolean", { protect: "yes" }],
    ["floating image tag", { nginxImage: "nginxinc/nginx-unprivileged:latest" }, "nginxImage", "imagePinned"],
    ["untagged image", { nginxImage: "nginxinc/nginx-unprivileged" }, "nginxImage", "namesFollowRules"],
    ["namespace with capitals", { nginxNamespace: "Nginx" }, "nginxNamespace", "namesFollowRules"],
    [
        "nginxReplicas zero",
        { nginxReplicas: "0" },
        "nginxReplicas",
        "integersAreWhole",
        { nginxReplicas: 0, min: 1, max: 100 },
    ],
    // The main cluster's plugin.
    [
        "an unknown network plugin",
        { networkPlugin: "azure" },
        "networkPlugin",
        "networkPluginKnown",
        { networkPlugin: "azure" },
    ],
    [
        "overlay: a pod CIDR in a range AKS reserves",
        { networkPlugin: "overlay", podCidr: "172.31.0.0/16" },
        "podCidr",
        "rangesAvoidAksReserved",
    ],
    [
        "overlay: a pod CIDR overlapping the VNet",
        { networkPlugin: "overlay", podCidr: "10.220.0.0/16" },
        "podCidr",
        "overlayRangesOutsideVnet",
    ],
    ["overlay: maxPods over 250", { networkPlugin: "overlay", maxPods: "251" }, "maxPods", "maxPodsWithinBounds"],
    // The second (Azure CNI) cluster.
    [
        "Azure CNI nodes that do not fit the subnet",
        { azureCniCluster: "true", azureCniNodeCount: "8", azureCniMaxPods: "30" },
        "azureCniNodeCount",
        "azureCniSubnetHoldsEveryPod",
        {
            azureCniNodeCount: 8,
            azureCniMaxPods: 30,
            azureCniSubnetCidr: "10.220.2.0/24",
            surgeNodes: 1,
            needed: 279,
            usable: 251,
            largestNodeCount: 7,
            largestMaxPods: 26,
        },
    ],
    [
        "Azure CNI maxPods that do not fit a small subnet",
        { azureCniCluster: "true", azureCniSubnetCidr: "10.220.2.0/27", azureCniNodeCount: "1", azureCniMaxPods: "30" },
        "azureCniNodeCount",
        "azureCniSubnetHoldsEveryPod",
        {
            azureCniNodeCount: 1,
            azureCniMaxPods: 30,
            azureCniSubnetCidr: "10.220.2.0/27",
            surgeNodes: 1,
            needed: 62,
            usable: 27,
            largestNodeCount: 0,
            largestMaxPods: 12,
        },
    ],
    [
        "the Azure CNI cluster named like the main one",
        { azureCniCluster: "true", azureCniClusterName: "Kubenet-Cluster" },
        "azureCniClusterName",
        "clusterNamesDiffer",
        { azureCniClusterName: "Kubenet-Cluster", clusterName: "kubenet-cluster" },
    ],
    [
        "an Azure CNI cluster name with a dot",
        { azureCniClusterName: "cni.cluster" },
        "azureCniClusterName",
        "namesFollowRules",
    ],
    [
        "azureCniNodeCount zero",
        { azureCniCluster: "true", azureCniNodeCount: "0" },
        "azureCniNodeCount",
        "azureCniCountsWithinBounds",
        { azureCniNodeCount: 0, max: 1000 },
    ],
    [
        "azureCniMaxPods too low",
        { azureCniCluster: "true", azureCniMaxPods: "5" },
        "azureCniMaxPods",
        "azureCniCountsWithinBounds",
        { azureCniMaxPods: 5, min: 10, max: 250 },
    ],
    [
        "azureCniMaxPods too high",
        { azureCniCluster: "true", azureCniMaxPods: "251" },
        "azureCniMaxPods",
        "azureCniCountsWithinBounds",
    ],
    ["azureCniMaxPods not a number", { azureCniMaxPods: "lots" }, "azureCniMaxPods", "integersAreWhole"],
    ["azureCniCluster not boolean", { azureCniCluster: "on" }, "azureCniCluster", "booleansAreBoolean"],
    [
        "an unknown access mode",
        { clusterAccess: "aad" },
        "clusterAccess",
        "clusterAccessKnown",
        { clusterAccess: "aad" },
    ],
    ["clusterAdmins not a list", { clusterAdmins: "me" }, "clusterAdmins", "arraysAreArrays", { clusterAdmins: "me" }],
    ["clusterAdmins a list of numbers", { clusterAdmins: "[1]" }, "clusterAdmins", "arraysAreArrays"],
    [
        "a cluster admin that is not an object id",
        { clusterAdmins: '["alice@example.com"]' },
        "clusterAdmins",
        "clusterAdminsAreObjectIds",
        { clusterAdmins: ["alice@example.com"], malformed: ["alice@example.com"] },
    ],
    [
        "a cluster admin twice",
        { clusterAdmins: '["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01", "0B6E1A52-37B4-4D7E-9C55-0A4D7F5A8E01"]' },
        "clusterAdmins",
        "clusterAdminsAreObjectIds",
    ],
    [
        "cluster admins on a local-accounts cluster",
        { clusterAccess: "localAccounts", clusterAdmins: '["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01"]' },
        "clusterAdmins",
        "clusterAdminsAreObjectIds",
        { clusterAdmins: ["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01"], clusterAccess: "localAccounts" },
    ],
];

describe("bad configurations", () => {
    test.each(
        badConfigs.map(([name, overrides, key, rule, values]) => [name, overrides, key, rule, values ?? null] as const),
    )("%s is refused", (_, overrides, key, rule, values) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.config).toBeUndefined();
        expect(result.errors).toContainEqual(expect.objectContaining({ key, rule, ...(values ? { values } : {}) }));
    });

    test("a missing location is refused naming azure-native:location, and the command that sets it", () => {
        const result = validateConfig({ ...valid, [LOCATION_KEY]: undefined });
        expect(result.errors).toEqual([expect.objectContaining({ rule: "keysAreSet", key: LOCATION_KEY })]);
        expect(result.errors[0].message).toContain("pulumi config set azure-native:location eastus");
    });

    test("a key left unset (a program run without this Pulumi.yaml) is refused, naming it", () => {
        for (const key of CONFIG_KEYS) {
            const result = validateConfig({ ...valid, [key]: undefined });
            expect([key, result.errors.map((found) => [found.rule, found.key])]).toEqual([
                key,
                expect.arrayContaining([["keysAreSet", key]]),
            ]);
        }
    });

    test("every problem is reported at once, in one error that says nothing was created", () => {
        const raw = {
            ...valid,
            podCidr: "10.220.0.0/16",
            nodeCount: "three",
            dnsServiceIp: "10.201.0.10",
            maxPods: "5",
        };
        expect(
            validateConfig(raw)
                .errors.map((problem) => problem.key)
                .sort(),
        ).toEqual(["dnsServiceIp", "maxPods", "nodeCount", "podCidr"]);
        expect(() => loadStackConfig(raw)).toThrow(
            /4 problem\(s\); nothing was created\.\n {2}- nodeCount: [\s\S]*\n {2}- podCidr: /,
        );
    });
});
