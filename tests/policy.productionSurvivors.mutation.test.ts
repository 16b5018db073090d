/**
 * The cases the last Stryker run over policy/productionPolicies.ts showed untested
 * (docs/mutation.md): clusters without tags or without inline pools, a null pool, a subnet outside
 * the stack or listed after another, resources of other types that look like a cluster, a subnet or
 * a window, and a finding of the address plan that is another policy's. The peaks are worked out by
 * hand: every pool at its maximum plus AKS's default surge, 10% of the pool rounded up; kubenet's
 * 400 routes, a /16 pod CIDR's 256 /24 slices, a /24 subnet's 251 addresses after Azure's 5.
 */
import {
    kubenetNetworkProfile,
    productionAutoscalerWithinPlan,
    productionEntra,
    productionMaintenanceWindows,
    productionTier,
    productionZones,
} from "../policy/policies";
import { Resource, stackReportsOf as reportsOf, stackViolationsOf, violationsOf } from "./helpers/policy";
import {
    azureCni,
    CLUSTER,
    kubenet,
    MAINTENANCE_WINDOWS,
    maintenanceWindow as window,
    productionCluster,
    PRODUCTION_TAGS,
    productionNodes,
    subnet,
    SUBNET_ID,
} from "./helpers/policyFixtures";

const production = productionCluster;
const nodes = productionNodes;
const agentPool = (props: Record<string, unknown>): Resource => ({
    type: "azure-native:containerservice:AgentPool",
    name: "user-pool",
    props: {
        resourceName: "prod-cluster",
        resourceGroupName: "rg",
        agentPoolName: "user",
        availabilityZones: ["1", "2"],
        ...props,
    },
});
const windows = MAINTENANCE_WINDOWS;
const peak = (text: string) =>
    `production: prod at its autoscalers' maximum: at its peak the kubenet cluster has ${text}`;
const STACK_POLICIES = [productionZones, productionAutoscalerWithinPlan, productionMaintenanceWindows];

describe("which resources are production clusters", () => {
    test("a cluster with no tags at all is none of the production rules' business, and no crash", () => {
        const { tags: _tags, ...props } = production(
            { aadProfile: undefined, disableLocalAccounts: false, sku: { tier: "Free" } },
            { availabilityZones: ["1"], enableAutoScaling: true },
        ).props;
        const untagged: Resource = { type: CLUSTER, name: "dev", props };
        expect(violationsOf(productionEntra, untagged)).toEqual([]);
        expect(violationsOf(productionTier, untagged)).toEqual([]);
        for (const policy of STACK_POLICIES) expect(reportsOf(policy, [untagged, nodes])).toEqual([]);
    });
    test("a resource group tagged like the cluster is no production cluster", () => {
        const group: Resource = {
            type: "azure-native:resources:ResourceGroup",
            name: "rg",
            props: { resourceGroupName: "rg", location: "westeurope", tags: PRODUCTION_TAGS },
        };
        for (const policy of STACK_POLICIES)
            expect(reportsOf(policy, [group, production(), nodes, ...windows])).toEqual([]);
    });
    test("only MaintenanceConfigurations are windows: a component that names one is not it", () => {
        const component: Resource = {
            type: "lab:index:MaintenanceWindow",
            name: "node-os-window",
            props: {
                resourceName: "prod-cluster",
                resourceGroupName: "rg",
                configName: "aksManagedNodeOSUpgradeSchedule",
            },
        };
        expect(
            reportsOf(productionMaintenanceWindows, [production(), window("aksManagedAutoUpgradeSchedule"), component]),
        ).toEqual([
            [
                "production: prod has no aksManagedNodeOSUpgradeSchedule: set maintenanceWindow, so upgrades run in a window you chose.",
                "urn:prod",
            ],
        ]);
    });
});

describe("pools a production cluster leaves null or declares only as AgentPools", () => {
    test("a null pool is a pool in no zone, named by its place (#2), and adds no node to the peak", () => {
        // 240 + 24 surge = 264: over the pod CIDR's 256 slices and the /24's 251 addresses; the
        // largest that fits the 251 is 228 (228 + 23).
        const cluster = production({}, { count: 240 });
        const withNull: Resource = {
            ...cluster,
            props: { ...cluster.props, agentPoolProfiles: [...cluster.props.agentPoolProfiles, null] },
        };
        const zones = reportsOf(productionZones, [withNull]);
        expect(zones).toHaveLength(1);
        expect(zones[0][0]).toMatch(
            /^production: pool #2 of prod is in no zone: set zones \(at least 2\) before the pool is created; AKS cannot add zones to an existing pool\.$/,
        );
        expect(zones[0][1]).toBe("urn:prod");
        expect(stackViolationsOf(productionAutoscalerWithinPlan, [nodes, withNull])).toEqual([
            peak(
                "240 system + 0 user + 24 upgrade surge nodes (maxSurge unset: AKS's 10%) = 264 nodes, more than podCidr 10.100.0.0/16's /24 slices (256) and kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 228, or lower maxSurge, or widen the plan",
            ),
        ]);
    });
    test.each([
        ["absent", undefined],
        ["empty", []],
    ])(
        "inline pools %s: the first AgentPool is counted as the system pool; with no subnet named, the route table and the pod CIDR judge",
        (_, agentPoolProfiles) => {
            // 240 + 24 = 264 over the 256 slices; 232 + 24 = 256 fits. The stack's subnet is nobody's.
            expect(
                stackViolationsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({ agentPoolProfiles }),
                    agentPool({ enableAutoScaling: true, count: 3, maxCount: 240 }),
                ]),
            ).toEqual([
                peak(
                    "240 system + 0 user + 24 upgrade surge nodes (maxSurge unset: AKS's 10%) = 264 nodes, more than podCidr 10.100.0.0/16's /24 slices (256); the largest autoscaleMaxCount that fits is 232, or lower maxSurge, or widen the plan",
                ),
            ]);
            // Classic Azure CNI counts pods in the subnet; with no subnet named there is nothing to count.
            expect(
                stackViolationsOf(productionAutoscalerWithinPlan, [
                    nodes,
                    production({ networkProfile: azureCni, agentPoolProfiles }),
                    agentPool({ count: 10 }),
                ]),
            ).toEqual([]);
        },
    );
});

describe("the subnet the production peak is judged against", () => {
    const services = subnet("services", {
        id: SUBNET_ID.replace(/nodes$/, "services"),
        addressPrefix: "10.220.3.0/28",
    });
    test("the pool's own subnet, not the stack's first: 228 + 23 fill the /24's 251, 229 + 23 do not", () => {
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [services, nodes, production({}, { count: 228 })]),
        ).toEqual([]);
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [services, nodes, production({}, { count: 229 })]),
        ).toEqual([
            peak(
                "229 system + 0 user + 23 upgrade surge nodes (maxSurge unset: AKS's 10%) = 252 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 228, or lower maxSurge, or widen the plan",
            ),
        ]);
    });
    test("a route table association that bears the subnet's id is not the subnet", () => {
        const association: Resource = {
            type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
            name: "nodes-rt",
            props: { id: SUBNET_ID, subnetId: SUBNET_ID, routeTableId: "/rt" },
        };
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [association, nodes, production({}, { count: 229 })]),
        ).toEqual([expect.stringContaining("more than kubenetSubnetCidr 10.220.1.0/24's addresses (251);")]);
    });
    test("a subnet outside the stack: the route table and the pod CIDR still judge the peak", () => {
        // 390 + 39 = 429: over the 400 routes and the 256 slices; 232 + 24 = 256 fits.
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [
                production({}, { enableAutoScaling: true, maxCount: 390 }),
            ]),
        ).toEqual([
            peak(
                "390 system + 0 user + 39 upgrade surge nodes (maxSurge unset: AKS's 10%) = 429 nodes, more than the route table's routes (400) and podCidr 10.100.0.0/16's /24 slices (256); the largest autoscaleMaxCount that fits is 232, or lower maxSurge, or widen the plan",
            ),
        ]);
    });
});

describe("a pool that names no count is AKS's default of 1", () => {
    // The AKS API's agent pool count: "The default value is 1". 228 + ceil(22.8) = 23 fill the
    // /24's 251; an AgentPool without a count adds 1 node and ceil(0.1) = 1 surge node: 253.
    test("an AgentPool without count adds a node (and its surge) to the production peak", () => {
        expect(stackViolationsOf(productionAutoscalerWithinPlan, [nodes, production({}, { count: 228 })])).toEqual([]);
        expect(
            stackViolationsOf(productionAutoscalerWithinPlan, [nodes, production({}, { count: 228 }), agentPool({})]),
        ).toEqual([
            peak(
                "228 system + 1 user + 24 upgrade surge nodes (maxSurge unset: AKS's 10%) = 253 nodes, more than kubenetSubnetCidr 10.220.1.0/24's addresses (251); the largest autoscaleMaxCount that fits is 226, or lower maxSurge, or widen the plan",
            ),
        ]);
    });
});

describe("the production peak reports only the peak's findings", () => {
    test("a pod CIDR AKS reserves is network-profile-consistent's finding, reported once, not the peak's", () => {
        const cluster = production({ networkProfile: { ...kubenet, podCidr: "172.30.0.0/16" } });
        expect(violationsOf(kubenetNetworkProfile, cluster)).toEqual([
            "networkProfile podCidr: 172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves (169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24); choose a range outside them",
        ]);
        expect(reportsOf(productionAutoscalerWithinPlan, [nodes, cluster])).toEqual([]);
    });
});
