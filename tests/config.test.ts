import { CONFIG_DEFAULTS, LOCATION_KEY, loadStackConfig, RawConfig, validateConfig } from "../config";

const valid: RawConfig = { [LOCATION_KEY]: "eastus" };

/** Each bad configuration, the key its error must name, and what the message must say. */
const badConfigs: Array<[string, RawConfig, string, RegExp]> = [
    ["host bits in the pod CIDR", { podCidr: "10.100.0.1/16" }, "podCidr", /use 10\.100\.0\.0\/16/],
    ["IPv6 pod CIDR", { podCidr: "fd00:100::/64" }, "podCidr", /IPv6/],
    ["not a CIDR", { vnetCidr: "10.220.0.0" }, "vnetCidr", /CIDR notation/],
    ["subnet outside the VNet", { kubenetSubnetCidr: "10.221.1.0/24" }, "kubenetSubnetCidr", /not inside vnetCidr 10\.220\.0\.0\/16/],
    ["overlapping subnets", { servicesSubnetCidr: "10.220.1.128/25" }, "servicesSubnetCidr", /overlaps kubenetSubnetCidr 10\.220\.1\.0\/24/],
    ["subnet too small for Azure", { azureCniSubnetCidr: "10.220.2.0/30" }, "azureCniSubnetCidr", /smaller than \/29/],
    ["pod CIDR overlapping the VNet", { podCidr: "10.220.0.0/16" }, "podCidr", /overlaps vnetCidr 10\.220\.0\.0\/16/],
    ["service CIDR inside a subnet", { serviceCidr: "10.220.3.0/24", dnsServiceIp: "10.220.3.10" }, "serviceCidr", /overlaps .*servicesSubnetCidr 10\.220\.3\.0\/24/],
    ["pod and service CIDRs overlapping", { serviceCidr: "10.100.0.0/16", dnsServiceIp: "10.100.0.10" }, "serviceCidr", /overlaps podCidr/],
    ["a range AKS reserves", { podCidr: "172.30.0.0/16" }, "podCidr", /172\.30\.0\.0\/16, which AKS reserves/],
    ["link-local service range", { serviceCidr: "169.254.0.0/16", dnsServiceIp: "169.254.0.10" }, "serviceCidr", /AKS reserves/],
    ["a VNet in TEST-NET-1", { vnetCidr: "192.0.2.0/24", kubenetSubnetCidr: "192.0.2.0/26", azureCniSubnetCidr: "192.0.2.64/26", servicesSubnetCidr: "192.0.2.128/26" }, "vnetCidr", /AKS reserves/],
    ["service CIDR /12", { serviceCidr: "10.192.0.0/12", dnsServiceIp: "10.192.0.10" }, "serviceCidr", /smaller than \/12/],
    ["DNS IP outside the service CIDR", { dnsServiceIp: "10.201.0.10" }, "dnsServiceIp", /not inside serviceCidr 10\.200\.0\.0\/16; use 10\.200\.0\.10/],
    ["DNS IP = first address", { dnsServiceIp: "10.200.0.1" }, "dnsServiceIp", /kubernetes\.default\.svc/],
    ["DNS IP = network address", { dnsServiceIp: "10.200.0.0" }, "dnsServiceIp", /network or broadcast/],
    ["DNS IP = broadcast", { dnsServiceIp: "10.200.255.255" }, "dnsServiceIp", /network or broadcast/],
    ["DNS IP not an address", { dnsServiceIp: "dns" }, "dnsServiceIp", /dotted-quad/],
    ["nodeCount zero", { nodeCount: "0" }, "nodeCount", /out of range/],
    ["nodeCount over the route-table limit", { nodeCount: "401", podCidr: "10.0.0.0/14", vnetCidr: "10.220.0.0/16", kubenetSubnetCidr: "10.220.0.0/22" }, "nodeCount", /1 to 400/],
    ["nodeCount not a number", { nodeCount: "three" }, "nodeCount", /"three" is not a whole number/],
    ["nodeCount fractional", { nodeCount: "2.5" }, "nodeCount", /not a whole number/],
    ["pod CIDR without a slice for the surge node", { podCidr: "10.100.0.0/23", nodeCount: "2" }, "podCidr", /2 \/24 slices, but 2 nodes plus 1 upgrade surge node need 3/],
    ["pod CIDR smaller than a /24", { podCidr: "10.100.0.0/25" }, "podCidr", /whole \/24/],
    ["subnet without room for the surge node", { kubenetSubnetCidr: "10.220.1.0/29", nodeCount: "3" }, "kubenetSubnetCidr", /3 addresses after Azure's 5 reserved ones, but 3 nodes plus 1/],
    ["maxPods too low", { maxPods: "5" }, "maxPods", /10 to 250/],
    ["maxPods too high", { maxPods: "300" }, "maxPods", /10 to 250/],
    ["maxPods not an integer", { maxPods: "many" }, "maxPods", /not a whole number/],
    ["kubernetesVersion with a v", { kubernetesVersion: "v1.34" }, "kubernetesVersion", /1\.34 or a patch version like 1\.34\.2/],
    ["kubernetesVersion latest", { kubernetesVersion: "latest" }, "kubernetesVersion", /minor alias/],
    ["sshPublicKey that is a private key", { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" }, "sshPublicKey", /OpenSSH public key/],
    ["reserved admin user", { adminUsername: "admin" }, "adminUsername", /reserved/],
    ["cluster name with a dot", { clusterName: "kubenet.cluster" }, "clusterName", /1-63 letters/],
    ["protect not boolean", { protect: "yes" }, "protect", /true or false/],
    ["floating image tag", { nginxImage: "nginxinc/nginx-unprivileged:latest" }, "nginxImage", /pin an exact version/],
    ["untagged image", { nginxImage: "nginxinc/nginx-unprivileged" }, "nginxImage", /pinned to a tag or digest/],
    ["namespace with capitals", { nginxNamespace: "Nginx" }, "nginxNamespace", /DNS label/],
    ["nginxReplicas zero", { nginxReplicas: "0" }, "nginxReplicas", /out of range/],
    // The main cluster's plugin.
    ["an unknown network plugin", { networkPlugin: "azure" }, "networkPlugin", /"azure" is not a network plugin of this program; use kubenet or overlay/],
    ["overlay: a pod CIDR in a range AKS reserves", { networkPlugin: "overlay", podCidr: "172.31.0.0/16" }, "podCidr", /AKS reserves/],
    ["overlay: a pod CIDR overlapping the VNet", { networkPlugin: "overlay", podCidr: "10.220.0.0/16" }, "podCidr", /overlaps vnetCidr/],
    ["overlay: maxPods over 250", { networkPlugin: "overlay", maxPods: "251" }, "maxPods", /10 to 250 \(Azure CNI Overlay's default is 250\)/],
    // The second (Azure CNI) cluster.
    ["Azure CNI nodes that do not fit the subnet", { azureCniCluster: "true", azureCniNodeCount: "8", azureCniMaxPods: "30" }, "azureCniNodeCount",
        /azureCniNodeCount 8 \(\+1 upgrade surge node\) x \(azureCniMaxPods 30 \+ 1\) = 279 addresses, but azureCniSubnetCidr 10\.220\.2\.0\/24 has 251 .* The largest azureCniNodeCount that fits at azureCniMaxPods 30 is 7; the largest azureCniMaxPods that fits at azureCniNodeCount 8 is 26/],
    ["Azure CNI maxPods that do not fit a small subnet", { azureCniCluster: "true", azureCniSubnetCidr: "10.220.2.0/27", azureCniNodeCount: "1", azureCniMaxPods: "30" }, "azureCniNodeCount",
        /= 62 addresses, but azureCniSubnetCidr 10\.220\.2\.0\/27 has 27 .*No azureCniNodeCount fits at azureCniMaxPods 30; the largest azureCniMaxPods that fits at azureCniNodeCount 1 is 12/],
    ["the Azure CNI cluster named like the kubenet one", { azureCniCluster: "true", azureCniClusterName: "Kubenet-Cluster" }, "azureCniClusterName", /is the kubenet cluster's name \(clusterName\)/],
    ["an Azure CNI cluster name with a dot", { azureCniClusterName: "cni.cluster" }, "azureCniClusterName", /1-63 letters/],
    ["azureCniNodeCount zero", { azureCniCluster: "true", azureCniNodeCount: "0" }, "azureCniNodeCount", /0 is out of range; use 1 to 1000/],
    ["azureCniMaxPods too low", { azureCniCluster: "true", azureCniMaxPods: "5" }, "azureCniMaxPods", /5 is out of range; use 10 to 250 \(Azure CNI's default is 30\)/],
    ["azureCniMaxPods too high", { azureCniCluster: "true", azureCniMaxPods: "251" }, "azureCniMaxPods", /use 10 to 250/],
    ["azureCniMaxPods not a number", { azureCniMaxPods: "lots" }, "azureCniMaxPods", /not a whole number/],
    ["azureCniCluster not boolean", { azureCniCluster: "on" }, "azureCniCluster", /true or false/],
];

describe("the second cluster and the plugin: good configurations", () => {
    test("the defaults fit: 4 x 31 = 124 of 251", () => {
        const result = validateConfig({ ...valid, azureCniCluster: "true" });
        expect(result.errors).toEqual([]);
        expect(result.config).toMatchObject({ azureCniCluster: true, azureCniClusterName: "azurecni-cluster", azureCniNodeCount: 3, azureCniMaxPods: 30, networkPlugin: "kubenet" });
    });
    test("the largest values the error names do fit", () => {
        expect(validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "7", azureCniMaxPods: "30" }).errors).toEqual([]);
        expect(validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "8", azureCniMaxPods: "26" }).errors).toEqual([]);
    });
    test("more replicas than Azure CNI nodes is a warning naming azureCniNodeCount", () => {
        const result = validateConfig({ ...valid, azureCniCluster: "true", azureCniNodeCount: "2" });
        expect(result.config).toBeDefined();
        expect(result.warnings).toContainEqual({ key: "nginxReplicas", message: expect.stringMatching(/Azure CNI cluster's 2 nodes \(azureCniNodeCount\)/) });
    });
    test("the capacity rule applies only when the second cluster is on", () => {
        expect(validateConfig({ ...valid, azureCniNodeCount: "8" }).errors).toEqual([]);
    });
    test("overlay accepts the kubenet stack's ranges, and more than 400 nodes", () => {
        expect(validateConfig({ ...valid, networkPlugin: "overlay" }).config?.networkPlugin).toBe("overlay");
        const big = { podCidr: "10.0.0.0/14", kubenetSubnetCidr: "10.220.0.0/22", azureCniSubnetCidr: "10.220.4.0/24", servicesSubnetCidr: "10.220.5.0/24", nodeCount: "500" };
        expect(validateConfig({ ...valid, ...big, networkPlugin: "overlay" }).errors).toEqual([]);
        expect(validateConfig({ ...valid, ...big }).errors).toContainEqual({ key: "nodeCount", message: expect.stringMatching(/1 to 400 \(an Azure route table/) });
    });
});

describe("bad configurations", () => {
    test.each(badConfigs)("%s is refused, naming %s", (_, overrides, key, message) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.config).toBeUndefined();
        expect(result.errors).toContainEqual({ key, message: expect.stringMatching(message) });
    });

    test("a missing location is refused naming azure-native:location", () => {
        const result = validateConfig({});
        expect(result.errors).toEqual([{ key: LOCATION_KEY, message: expect.stringMatching(/pulumi config set azure-native:location eastus/) }]);
    });

    test("every problem is reported at once, in one error that says nothing was created", () => {
        const raw = { ...valid, podCidr: "10.220.0.0/16", nodeCount: "three", dnsServiceIp: "10.201.0.10", maxPods: "5" };
        expect(validateConfig(raw).errors.map((problem) => problem.key).sort()).toEqual(["dnsServiceIp", "maxPods", "nodeCount", "podCidr"]);
        expect(() => loadStackConfig(raw)).toThrow(/4 problem\(s\); nothing was created\.\n {2}- nodeCount: "three"[\s\S]*- podCidr: 10\.220\.0\.0\/16 overlaps/);
    });
});

describe("good configurations", () => {
    test("the defaults are the seed's lab", () => {
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
        ["an ed25519 key", { sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop" }, { sshPublicKey: expect.stringMatching(/^ssh-ed25519 /) }],
        ["a small pod CIDR that still fits", { podCidr: "10.100.0.0/22", nodeCount: "3" }, { podCidr: "10.100.0.0/22" }],
        ["protect on", { protect: "true" }, { protect: true }],
        ["a digest-pinned image", { nginxImage: `nginxinc/nginx-unprivileged@sha256:${"a".repeat(64)}` }, { nginxImage: expect.stringContaining("@sha256:") }],
        ["another private plan", { vnetCidr: "192.168.0.0/16", kubenetSubnetCidr: "192.168.1.0/24", azureCniSubnetCidr: "192.168.2.0/24", servicesSubnetCidr: "192.168.3.0/24", podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.10" }, { vnetCidr: "192.168.0.0/16" }],
    ])("%s is accepted", (_, overrides, expected) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.errors).toEqual([]);
        expect(result.config).toMatchObject(expected);
    });

    test.each<[string, RawConfig, string, RegExp]>([
        ["a pod CIDR over the docker bridge", { podCidr: "172.17.0.0/16" }, "podCidr", /docker0/],
        ["a DNS IP that is not .10", { dnsServiceIp: "10.200.0.53" }, "dnsServiceIp", /recommends the \.10 address of the service CIDR \(10\.200\.0\.10\)/],
        ["more replicas than nodes", { nginxReplicas: "5" }, "nginxReplicas", /some nodes will run two/],
    ])("%s is legal but warned about", (_, overrides, key, message) => {
        const result = validateConfig({ ...valid, ...overrides });
        expect(result.errors).toEqual([]);
        expect(result.config).toBeDefined();
        expect(result.warnings).toEqual([{ key, message: expect.stringMatching(message) }]);
    });

    test("unset values fall back to the defaults table", () => {
        const config = validateConfig(valid).config!;
        for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) {
            const expected = value === "" ? undefined : value;
            expect([key, config[key as keyof typeof config]]).toEqual([key, expected]);
        }
    });
});
