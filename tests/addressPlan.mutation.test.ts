/**
 * The address plan's arithmetic at its edges: the first and last address of a range, one past
 * them, the smallest subnets, and the exact sentences users read. Every expected value here is
 * worked out by hand (IPv4 arithmetic, Azure's 5 reserved addresses, kubenet's /24 per node),
 * never by the functions under test. These are the cases Stryker's mutants showed untested
 * (docs/mutation.md).
 */
import {
    azureCniMaxNodes,
    azureCniMaxPodsFor,
    azureCniPodIpAt,
    buildAddressPlan,
    cidr,
    cidrOf,
    containsCidr,
    containsIp,
    formatIp,
    hostAt,
    maxNodesFor,
    NETWORK_PLUGINS,
    nodeIpAt,
    overlaps,
    parseCidr,
    parseIpv4,
    peakNodes,
    pluginOfProfile,
    podIpAt,
    podSliceAt,
    podSliceCount,
    subnetAt,
    subnetCount,
    usableSubnetAddresses,
} from "../addressPlan";
import { AddressPlanInput } from "../addressPlan/plan";

/** 10.0.0.0 as an integer: 10 x 2^24. */
const TEN = 167772160;

describe("IPv4 text and integers", () => {
    test("formatIp: the whole range, and nothing outside it", () => {
        expect(formatIp(0)).toBe("0.0.0.0");
        expect(formatIp(4294967295)).toBe("255.255.255.255");
        expect(formatIp(TEN + 65536 * 200 + 10)).toBe("10.200.0.10");
        expect(() => formatIp(-1)).toThrow(new RangeError("not an IPv4 address value: -1"));
        expect(() => formatIp(4294967296)).toThrow(new RangeError("not an IPv4 address value: 4294967296"));
        expect(() => formatIp(1.5)).toThrow(new RangeError("not an IPv4 address value: 1.5"));
    });

    test("parseIpv4: trims, and says why it refuses", () => {
        expect(parseIpv4(" 10.0.0.1 ")).toEqual({ ok: true, value: TEN + 1 });
        expect(parseIpv4("255.255.255.255")).toEqual({ ok: true, value: 4294967295 });
        expect(parseIpv4("fd00::10")).toEqual({
            ok: false,
            reason: '"fd00::10" is an IPv6 address; this program plans an IPv4-only kubenet cluster (kubenet has no IPv6 support here), use an IPv4 address',
        });
        expect(parseIpv4("0x0a.0.0.1")).toEqual({
            ok: false,
            reason: '"0x0a.0.0.1" is not an IPv4 address in dotted-quad form (like 10.200.0.10)',
        });
    });

    test("cidrOf writes the canonical text", () => {
        expect(cidrOf(TEN + 65536 * 100, 16)).toEqual({
            text: "10.100.0.0/16",
            network: TEN + 65536 * 100,
            prefix: 16,
        });
    });
});

describe("parseCidr's sentences", () => {
    test.each([
        ["10.100.0.0", '"10.100.0.0" is not in CIDR notation (address/prefix, like 10.100.0.0/16)'],
        ["/16", '"/16" is not in CIDR notation: "" is not an IPv4 address in dotted-quad form (like 10.200.0.10)'],
        [
            "fd00::/64",
            '"fd00::/64" is an IPv6 range; this program plans an IPv4-only kubenet cluster, use an IPv4 CIDR like 10.100.0.0/16',
        ],
        [
            "10.1/16",
            '"10.1/16" is not in CIDR notation: "10.1" is not an IPv4 address in dotted-quad form (like 10.200.0.10)',
        ],
        ["10.0.0.0/33", '"10.0.0.0/33" has prefix length "33"; use a number from 0 to 32'],
        ["10.0.0.0/", '"10.0.0.0/" has prefix length ""; use a number from 0 to 32'],
        ["10.0.0.0/x16", '"10.0.0.0/x16" has prefix length "x16"; use a number from 0 to 32'],
        ["10.0.0.0/16a", '"10.0.0.0/16a" has prefix length "16a"; use a number from 0 to 32'],
        ["10.0.0.0/100", '"10.0.0.0/100" has prefix length "100"; use a number from 0 to 32'],
        ["10.0.0.1/31", '"10.0.0.1/31" has host bits set; use 10.0.0.0/31'],
        ["10.220.1.200/25", '"10.220.1.200/25" has host bits set; use 10.220.1.128/25'],
    ])("%s", (text, reason) => expect(parseCidr(text)).toEqual({ ok: false, reason }));

    test("a /32, a /0 and a one-digit prefix parse", () => {
        expect(parseCidr("10.0.0.1/32")).toEqual({
            ok: true,
            value: { text: "10.0.0.1/32", network: TEN + 1, prefix: 32 },
        });
        expect(parseCidr("0.0.0.0/0")).toEqual({ ok: true, value: { text: "0.0.0.0/0", network: 0, prefix: 0 } });
        expect(parseCidr("10.0.0.0/8")).toEqual({ ok: true, value: { text: "10.0.0.0/8", network: TEN, prefix: 8 } });
    });

    test("cidr() throws the same sentence", () =>
        expect(() => cidr("10.0.0.1/24")).toThrow(new Error('"10.0.0.1/24" has host bits set; use 10.0.0.0/24')));
});

describe("containment and overlap at the edges", () => {
    const block = cidr("10.0.1.0/24"); // 10.0.1.0 .. 10.0.1.255
    test("containsIp: the first and last address are in, one beyond either is out", () => {
        expect(containsIp(block, TEN + 256)).toBe(true);
        expect(containsIp(block, TEN + 511)).toBe(true);
        expect(containsIp(block, TEN + 255)).toBe(false);
        expect(containsIp(block, TEN + 512)).toBe(false);
    });
    test("containsCidr: itself, a half, and a larger range at the same address", () => {
        expect(containsCidr(block, block)).toBe(true);
        expect(containsCidr(block, cidr("10.0.1.128/25"))).toBe(true);
        expect(containsCidr(cidr("10.0.1.0/25"), block)).toBe(false);
        expect(containsCidr(block, cidr("10.0.2.0/25"))).toBe(false);
    });
    test("overlaps: adjacent ranges do not; sharing one address does, either way round", () => {
        expect(overlaps(block, cidr("10.0.2.0/24"))).toBe(false);
        expect(overlaps(cidr("10.0.2.0/24"), block)).toBe(false);
        expect(overlaps(block, cidr("10.0.0.0/24"))).toBe(false);
        expect(overlaps(block, cidr("10.0.1.255/32"))).toBe(true);
        expect(overlaps(cidr("10.0.1.255/32"), block)).toBe(true);
        expect(overlaps(block, cidr("10.0.1.0/32"))).toBe(true);
    });
});

describe("cutting a range", () => {
    const range = cidr("10.0.0.0/22");
    test("subnetAt: the first, the last, and every refusal", () => {
        expect(subnetAt(range, 24, 0).text).toBe("10.0.0.0/24");
        expect(subnetAt(range, 24, 3).text).toBe("10.0.3.0/24");
        expect(subnetAt(range, 22, 0).text).toBe("10.0.0.0/22");
        expect(() => subnetAt(range, 24, 4)).toThrow(new RangeError("10.0.0.0/22 has no /24 number 4"));
        expect(() => subnetAt(range, 24, -1)).toThrow(new RangeError("10.0.0.0/22 has no /24 number -1"));
        expect(() => subnetAt(range, 24, 0.5)).toThrow(new RangeError("10.0.0.0/22 has no /24 number 0.5"));
        expect(() => subnetAt(range, 21, 0)).toThrow(new RangeError("/21 is larger than 10.0.0.0/22"));
    });
    test("subnetCount: 4 /24s in a /22, 1 /22, none of a shorter prefix", () => {
        expect(subnetCount(range, 24)).toBe(4);
        expect(subnetCount(range, 22)).toBe(1);
        expect(subnetCount(range, 21)).toBe(0);
    });
    test("hostAt: offsets 0 to size - 1", () => {
        const small = cidr("10.0.0.8/29");
        expect(formatIp(hostAt(small, 0))).toBe("10.0.0.8");
        expect(formatIp(hostAt(small, 7))).toBe("10.0.0.15");
        expect(() => hostAt(small, 8)).toThrow(new RangeError("10.0.0.8/29 has no address at offset 8"));
        expect(() => hostAt(small, -1)).toThrow(new RangeError("10.0.0.8/29 has no address at offset -1"));
        expect(() => hostAt(small, 1.5)).toThrow(new RangeError("10.0.0.8/29 has no address at offset 1.5"));
    });
});

describe("Azure's subnets and kubenet's slices", () => {
    test("usable addresses: size minus 5, never below 0", () => {
        expect(usableSubnetAddresses(cidr("10.0.0.0/24"))).toBe(251);
        expect(usableSubnetAddresses(cidr("10.0.0.0/29"))).toBe(3);
        expect(usableSubnetAddresses(cidr("10.0.0.0/30"))).toBe(0);
        expect(usableSubnetAddresses(cidr("10.0.0.0/32"))).toBe(0);
    });
    test("nodeIpAt: .4 upward, as many as there are usable addresses", () => {
        const subnet = cidr("10.0.0.0/29"); // .4 .5 .6 usable, .7 broadcast
        expect(nodeIpAt(subnet, 0)).toBe("10.0.0.4");
        expect(nodeIpAt(subnet, 2)).toBe("10.0.0.6");
        expect(() => nodeIpAt(subnet, 3)).toThrow(new RangeError("10.0.0.0/29 has no address for node 3"));
    });
    test("podIpAt: pods from .2 to .254 of the node's /24", () => {
        const pods = cidr("10.100.0.0/16");
        expect(podIpAt(pods, 0, 0)).toBe("10.100.0.2");
        expect(podIpAt(pods, 2, 252)).toBe("10.100.2.254");
        expect(() => podIpAt(pods, 2, 253)).toThrow(new RangeError("10.100.2.0/24 has no pod 253"));
    });
    test("slices: a /16 holds 256, a /24 one, a /25 none", () => {
        expect(podSliceCount(cidr("10.100.0.0/16"))).toBe(256);
        expect(podSliceCount(cidr("10.100.0.0/24"))).toBe(1);
        expect(podSliceCount(cidr("10.100.0.0/25"))).toBe(0);
        expect(podSliceAt(cidr("10.100.0.0/16"), 255).text).toBe("10.100.255.0/24");
    });
    test("maxNodesFor: the largest pool that fits the smaller of slices and subnet addresses with its surge, capped by the plugin", () => {
        // AKS's default surge is 10% of the pool, rounded up (surge.ts cites the AKS API).
        // 256 slices, 251 addresses: 228 nodes + ceil(10% of 228) = 23 surge = 251; 229 + 23 = 252 does not fit.
        expect(maxNodesFor(cidr("10.100.0.0/16"), cidr("10.220.1.0/24"))).toBe(228);
        // 4 slices, 251 addresses: 3 nodes + ceil(10% of 3) = 1 surge = 4.
        expect(maxNodesFor(cidr("10.100.0.0/22"), cidr("10.220.1.0/24"))).toBe(3);
        // With maxSurge "1": 250 nodes + 1 surge = 251.
        expect(maxNodesFor(cidr("10.100.0.0/16"), cidr("10.220.1.0/24"), NETWORK_PLUGINS.kubenet, "1")).toBe(250);
        // 2048 slices, 16379 addresses: kubenet's 400 routes (400 + 40 surge = 440 slices fit; the
        // full route table is a warning of its own); Overlay's 1000-node pool (1000 + 100 = 1100 fit).
        expect(maxNodesFor(cidr("10.96.0.0/13"), cidr("10.220.0.0/18"))).toBe(400);
        expect(maxNodesFor(cidr("10.96.0.0/13"), cidr("10.220.0.0/18"), NETWORK_PLUGINS.overlay)).toBe(1000);
        // A /30 has no usable address: 0, not -1.
        expect(maxNodesFor(cidr("10.100.0.0/16"), cidr("10.220.1.0/30"))).toBe(0);
    });
});

describe("classic Azure CNI's arithmetic", () => {
    const subnet = cidr("10.220.2.0/24"); // 251 usable
    test("maxNodes: the largest pool whose nodes and surge fit floor(251 / (maxPods + 1)) nodes, never below 0", () => {
        // floor(251 / 31) = 8 nodes' room: 7 + ceil(10% of 7) = 1 surge = 8.
        expect(azureCniMaxNodes(subnet, 30)).toBe(7);
        // floor(251 / 10) = 25: 22 + ceil(2.2) = 3 surge = 25; 23 + 3 = 26 does not fit.
        expect(azureCniMaxNodes(subnet, 9)).toBe(22);
        // With maxSurge "1": 24 + 1 = 25.
        expect(azureCniMaxNodes(subnet, 9, "1")).toBe(24);
        expect(azureCniMaxNodes(subnet, 250)).toBe(0); // 251 / 251 = 1 node's room: 1 + 1 surge does not fit
        expect(azureCniMaxNodes(cidr("10.220.2.0/29"), 10)).toBe(0); // 3 / 11 = 0: 0, not -1
        // Beside pools of 1 and 1 nodes (1 surge each: 4 of the 8 nodes' room): 3 + 1 = 4.
        expect(azureCniMaxNodes(subnet, 30, undefined, [1, 1])).toBe(3);
        // Beside a pool of 4 (+1): 3 nodes' room, 2 + 1; beside one of 6 (+1): 1 node's room, none fits.
        expect(azureCniMaxNodes(subnet, 30, undefined, [4])).toBe(2);
        expect(azureCniMaxNodes(subnet, 30, undefined, [6])).toBe(0);
    });
    test("maxPods: floor(251 / (nodes + their surge)) - 1", () => {
        // Each node takes maxPods + 1 addresses: floor(251 / nodes with surge) - 1 its own.
        expect(azureCniMaxPodsFor(subnet, [3])).toBe(61); // 3 + ceil(0.3) = 4 nodes: floor(62.75) - 1
        expect(azureCniMaxPodsFor(subnet, [7])).toBe(30); // 7 + 1 = 8: floor(31.4) - 1
        expect(azureCniMaxPodsFor(subnet, [11])).toBe(18); // 11 + ceil(1.1) = 2 surge = 13: floor(19.3) - 1
        expect(azureCniMaxPodsFor(subnet, [11], "33%")).toBe(15); // 11 + ceil(3.63) = 4 surge = 15: floor(16.7) - 1
        // Pools of 4, 1 and 1 surge 1 each: 9 nodes, floor(27.9) - 1 (one pool of 6 would be 7 nodes: 34).
        expect(azureCniMaxPodsFor(subnet, [4, 1, 1])).toBe(26);
    });
    test("pod addresses follow each node's own; a node has maxPods of them", () => {
        expect(azureCniPodIpAt(subnet, 30, 0, 0)).toBe("10.220.2.5");
        expect(azureCniPodIpAt(subnet, 30, 1, 29)).toBe("10.220.2.65");
        expect(() => azureCniPodIpAt(subnet, 30, 1, 30)).toThrow(
            new RangeError("an Azure CNI node with maxPods 30 has no pod 30"),
        );
    });
});

describe("the plugin a cluster reports", () => {
    test.each([
        [{ networkPlugin: "kubenet" }, "kubenet"],
        [{ networkPlugin: "Kubenet" }, "kubenet"],
        [{ networkPlugin: "azure" }, "azureCni"],
        [{ networkPlugin: "Azure", networkPluginMode: "Overlay" }, "overlay"],
        [{ networkPlugin: "azure", networkPluginMode: 1 }, "azureCni"],
        [{ networkPlugin: "none" }, undefined],
        [{ networkPlugin: 1 }, undefined],
        [{}, undefined],
        [undefined, undefined],
    ])("%j is %s", (profile, name) => expect(pluginOfProfile(profile)?.name).toBe(name));
});

describe("peak nodes: every pool at its most, plus each pool's surge (AKS's default: 10% of the pool, rounded up)", () => {
    test.each<[Partial<AddressPlanInput>, { system: number; user: number; surge: number; total: number }]>([
        // No pool, no surge.
        [{}, { system: 0, user: 0, surge: 0, total: 0 }],
        // 3 nodes + ceil(10% of 3) = 1 surge.
        [{ nodeCount: 3 }, { system: 3, user: 0, surge: 1, total: 4 }],
        // At the autoscaler's maximum: 5 + ceil(10% of 5) = 1.
        [
            { nodeCount: 3, autoscaleMaxCount: 5 },
            { system: 5, user: 0, surge: 1, total: 6 },
        ],
        // Each pool surges by itself: ceil(10% of 3) + ceil(10% of 2) = 1 + 1, where 10% of 5 would be 1.
        [
            { nodeCount: 3, userPoolNodeCount: 2 },
            { system: 3, user: 2, surge: 2, total: 7 },
        ],
        [
            { nodeCount: 3, userPoolNodeCount: 2, userPoolAutoscaleMaxCount: 6 },
            { system: 3, user: 6, surge: 2, total: 11 },
        ],
        // No user pool: its autoscaler's maximum does not count.
        [
            { nodeCount: 3, userPoolNodeCount: 0, userPoolAutoscaleMaxCount: 6 },
            { system: 3, user: 0, surge: 1, total: 4 },
        ],
        // maxSurge "33%" for both: ceil(33% of 20) = 7 and ceil(33% of 10) = 4.
        [
            { nodeCount: 20, userPoolNodeCount: 10, maxSurge: "33%" },
            { system: 20, user: 10, surge: 11, total: 41 },
        ],
        // A count above a pool's size surges the whole pool: min(5, 3) + min(5, 2).
        [
            { nodeCount: 3, userPoolNodeCount: 2, maxSurge: "5" },
            { system: 3, user: 2, surge: 5, total: 10 },
        ],
        // Each user pool surges by itself, rounded pool by pool: ceil(22.4) = 23, then 1 and 1 (not
        // ceil(0.3) = 1 over the users' 3 together).
        [
            { nodeCount: 224, userPoolNodeCount: 1, moreUserPoolPeaks: [2] },
            { system: 224, user: 3, surge: 25, total: 252 },
        ],
        // More user pools with no program user pool: 3 + 1 surge, then 4 + 1 and 20 + 2.
        [
            { nodeCount: 3, moreUserPoolPeaks: [4, 20] },
            { system: 3, user: 24, surge: 4, total: 31 },
        ],
    ])("%j", (input, peak) => expect(peakNodes(input)).toEqual(peak));
});

describe("buildAddressPlan beyond the tutorial", () => {
    const input: AddressPlanInput = {
        vnetCidr: "10.220.0.0/16",
        kubenetSubnetCidr: "10.220.1.0/24",
        azureCniSubnetCidr: "10.220.2.0/24",
        servicesSubnetCidr: "10.220.3.0/24",
        podCidr: "10.100.0.0/16",
        serviceCidr: "10.200.0.0/16",
        dnsServiceIp: " 10.200.0.10 ",
        nodeCount: 2,
        maxPods: 110,
    };
    test("every subnet's gateway and usable count; the DNS IP in canonical form", () => {
        const plan = buildAddressPlan(input);
        expect(plan.networkPlugin).toBe("kubenet");
        expect(plan.vnetCidr).toBe("10.220.0.0/16");
        expect(plan.subnets.azureCni).toEqual({ cidr: "10.220.2.0/24", gateway: "10.220.2.1", usableAddresses: 251 });
        expect(plan.subnets.services).toEqual({ cidr: "10.220.3.0/24", gateway: "10.220.3.1", usableAddresses: 251 });
        expect([plan.podCidr, plan.serviceCidr, plan.dnsServiceIp]).toEqual([
            "10.100.0.0/16",
            "10.200.0.0/16",
            "10.200.0.10",
        ]);
        expect(plan.nodes[1]).toEqual({
            index: 1,
            name: "node-1",
            ip: "10.220.1.5",
            podCidr: "10.100.1.0/24",
            bridgeIp: "10.100.1.1",
            firstPodIp: "10.100.1.2",
            lastPodIp: "10.100.1.254",
        });
        expect(plan.azureCni).toBeUndefined();
    });
    test("Overlay: the same nodes and slices, no routes (Azure's SDN carries them), 1000 nodes a pool", () => {
        const plan = buildAddressPlan({ ...input, networkPlugin: "overlay", podCidr: "10.96.0.0/13" });
        expect(plan.networkPlugin).toBe("overlay");
        expect(plan.nodes.map((node) => node.podCidr)).toEqual(["10.96.0.0/24", "10.96.1.0/24"]);
        expect(plan.routes).toEqual([]);
        // The /24 subnet's 251 addresses: 228 nodes + ceil(10% of 228) = 23 surge = 251.
        expect(plan.capacity.maxNodes).toBe(228);
    });
    test("a /31 service range has no ClusterIP to give", () => {
        expect(buildAddressPlan({ ...input, serviceCidr: "10.200.0.0/31" }).capacity.serviceIps).toBe(0);
        expect(buildAddressPlan({ ...input, serviceCidr: "10.200.0.0/30" }).capacity.serviceIps).toBe(2);
    });
    test("the second cluster with its counts unset plans no node; a DNS IP that is no address throws", () => {
        expect(buildAddressPlan({ ...input, azureCniCluster: true }).azureCni).toEqual({
            subnet: { cidr: "10.220.2.0/24", gateway: "10.220.2.1", usableAddresses: 251 },
            maxPods: 0,
            nodes: [],
            // 0 nodes surge none: 0 addresses needed. At 1 address a node (maxPods 0 + 1), 251 fit
            // 228 nodes + ceil(10% of 228) = 23 surge.
            capacity: { addressesPerNode: 1, surgeNodes: 0, addressesNeeded: 0, usableAddresses: 251, maxNodes: 228 },
        });
        expect(() => buildAddressPlan({ ...input, dnsServiceIp: "dns" })).toThrow(
            new Error('"dns" is not an IPv4 address in dotted-quad form (like 10.200.0.10)'),
        );
    });
});
