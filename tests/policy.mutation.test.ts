/**
 * The policies' whole sentences, the resource each violation is reported on, and the cases at the
 * edge of each check (a route table without an id, a pool without a count, a resource of another
 * cluster's group). Each expectation is written from what the policy promises its users, not
 * taken from its output. These are the cases Stryker's mutants showed untested (docs/mutation.md).
 */
import {
    azureCniPoolSubnet,
    deploymentsRestricted,
    kubenetNetworkProfile,
    kubenetRetirement,
    kubenetSubnetHasRouteTable,
    loadBalancersInternal,
    overlaySubnetWithoutRouteTable,
    roleAssignmentPrincipalType,
} from "../policy/policies";
import { Resource, stackReportsOf as reportsOf, violationsOf } from "./helpers/policy";
import { azureCni, cluster, kubenet, overlay, subnet, SUBNET, SUBNET_ID } from "./helpers/policyFixtures";

describe("network-profile-consistent", () => {
    test("each sentence in full, prefixed with the profile key for the address plan's", () => {
        expect(
            violationsOf(
                kubenetNetworkProfile,
                cluster("aks", { networkPlugin: "kubenet", dockerBridgeCidr: "172.17.0.1/16" }),
            ),
        ).toEqual([
            "dockerBridgeCidr is set; it is ignored since Kubernetes 1.19 and removed from API 2023-04-01 (Azure/AKS#3534): remove it.",
            "networkProfile serviceCidr is not set: AKS would use 10.0.0.0/16 (Azure/AKS#1117); set it outside the VNet.",
            "networkProfile dnsServiceIP is not set: set the .10 address of serviceCidr.",
        ]);
        expect(
            violationsOf(kubenetNetworkProfile, cluster("aks", { ...kubenet, dnsServiceIP: "10.201.0.10" })),
        ).toEqual([
            "networkProfile dnsServiceIp: 10.201.0.10 is not inside serviceCidr 10.200.0.0/16; use 10.200.0.10",
        ]);
    });
    test("classic Azure CNI: a pod CIDR is refused, and is no range of the plan (it would overlap the services here)", () => {
        expect(violationsOf(kubenetNetworkProfile, cluster("aks", { ...azureCni, podCidr: "10.200.0.0/16" }))).toEqual([
            "networkProfile podCidr 10.200.0.0/16 is set on classic Azure CNI, whose pods take subnet addresses; AKS refuses it: remove it.",
        ]);
    });
    test("a value that is no text is not parsed: no sentence about it, and no crash", () => {
        expect(
            violationsOf(kubenetNetworkProfile, cluster("aks", { ...kubenet, podCidr: 42, serviceCidr: 42 })),
        ).toEqual([]);
    });
    test("only clusters are judged", () =>
        expect(
            violationsOf(kubenetNetworkProfile, {
                type: SUBNET,
                props: { networkProfile: { networkPlugin: "kubenet" } },
            }),
        ).toEqual([]));
});

describe("the subnet policies report on the subnet, or on the cluster when there is none", () => {
    const pool = { name: "system", vnetSubnetID: SUBNET_ID };
    test("kubenet: a route table without an id is none; the violation names subnet, pool and cluster", () => {
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [
                cluster("aks", kubenet, { agentPoolProfiles: [pool] }),
                subnet("nodes", { id: SUBNET_ID, routeTable: {} }),
            ]),
        ).toEqual([
            [
                "subnet nodes hosts kubenet pool system of aks but has no routeTable: AKS would attach its own, and the next update would detach it and break pod traffic.",
                "urn:nodes",
            ],
        ]);
    });
    test("a pool without a subnet is not matched to a subnet without an id", () => {
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [
                cluster("aks", kubenet, { agentPoolProfiles: [{ name: "system" }] }),
                subnet("nodes", {}),
            ]),
        ).toEqual([]);
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [cluster("aks", kubenet), subnet("nodes", { id: SUBNET_ID })]),
        ).toEqual([]);
    });
    test("kubenet's policy leaves Overlay's subnets alone, and Overlay's leaves kubenet's", () => {
        expect(
            reportsOf(kubenetSubnetHasRouteTable, [
                cluster("aks", overlay, { agentPoolProfiles: [pool] }),
                subnet("nodes", { id: SUBNET_ID }),
            ]),
        ).toEqual([]);
    });
    test("Overlay: a leftover route table, on the subnet; one without an id is none", () => {
        const overlayCluster = cluster("aks", overlay, { agentPoolProfiles: [pool] });
        expect(
            reportsOf(overlaySubnetWithoutRouteTable, [
                overlayCluster,
                subnet("nodes", { id: SUBNET_ID, routeTable: { id: "/rt" } }),
            ]),
        ).toEqual([
            [
                "subnet nodes of Overlay pool system (aks) still carries a route table: after the move from kubenet, detach it (set networkPlugin=overlay and pulumi up removes it).",
                "urn:nodes",
            ],
        ]);
        expect(
            reportsOf(overlaySubnetWithoutRouteTable, [
                overlayCluster,
                subnet("nodes", { id: SUBNET_ID, routeTable: {} }),
            ]),
        ).toEqual([]);
    });
    test("Azure CNI: every pool is judged, on the cluster; a missing count is 1 node, a missing maxPods AKS's 30", () => {
        const cni = cluster("cni", azureCni, {
            agentPoolProfiles: [
                { name: "first", count: 3, maxPods: 30 },
                { name: "second", vnetSubnetID: SUBNET_ID, maxPods: 30 },
                { name: "third", vnetSubnetID: SUBNET_ID, count: 1 },
            ],
        });
        // A /27 has 27 usable addresses: 1 node + ceil(10% of 1) = 1 surge node at 31 addresses each need 62.
        const reports = reportsOf(azureCniPoolSubnet, [
            cni,
            subnet("cni-subnet", { id: SUBNET_ID, addressPrefix: "10.220.2.0/27" }),
        ]);
        expect(reports.map(([message]) => message.split(":")[0])).toEqual([
            "Azure CNI pool first of cni names no subnet (vnetSubnetID)",
            "pool second of cni in subnet cni-subnet",
            "pool third of cni in subnet cni-subnet",
        ]);
        expect(reports.map(([, urn]) => urn)).toEqual(["urn:cni", "urn:cni", "urn:cni"]);
        expect(reports[0][0]).toBe(
            "Azure CNI pool first of cni names no subnet (vnetSubnetID): its pods would take addresses from a VNet AKS makes, outside the lab's plan.",
        );
        expect(reports[1][0]).toMatch(
            /^pool second of cni in subnet cni-subnet: azureCniNodeCount 1 \(\+1 upgrade surge node \(maxSurge unset: AKS's 10%\)\) x \(azureCniMaxPods 30 \+ 1\) = 62 addresses/,
        );
        expect(reports[2][0]).toMatch(/x \(azureCniMaxPods 30 \+ 1\) = 62 addresses/);
    });
    test("Azure CNI: each pool surges by its own upgradeSettings.maxSurge", () => {
        // A /26 has 59 usable addresses. 4 nodes + ceil(10% of 4) = 1 surge = 5 x (10 + 1) = 55 fit;
        // with maxSurge "2", 6 x 11 = 66 do not.
        const cniWith = (upgradeSettings?: Record<string, unknown>) =>
            reportsOf(azureCniPoolSubnet, [
                cluster("cni", azureCni, {
                    agentPoolProfiles: [
                        { name: "pool", vnetSubnetID: SUBNET_ID, count: 4, maxPods: 10, upgradeSettings },
                    ],
                }),
                subnet("cni-subnet", { id: SUBNET_ID, addressPrefix: "10.220.2.0/26" }),
            ]).map(([message]) => message);
        expect(cniWith()).toEqual([]);
        expect(cniWith({})).toEqual([]);
        expect(cniWith({ maxSurge: "2" })).toEqual([
            expect.stringMatching(
                /^pool pool of cni in subnet cni-subnet: azureCniNodeCount 4 \(\+2 upgrade surge nodes \(maxSurge 2\)\) x \(azureCniMaxPods 10 \+ 1\) = 66 addresses/,
            ),
        ]);
    });
    test("Azure CNI: a subnet of the stack without a prefix, or outside the stack, is not judged", () => {
        const cni = cluster("cni", azureCni, {
            agentPoolProfiles: [{ name: "system", vnetSubnetID: SUBNET_ID, count: 50 }],
        });
        expect(reportsOf(azureCniPoolSubnet, [cni, subnet("cni-subnet", { id: SUBNET_ID })])).toEqual([]);
        expect(reportsOf(azureCniPoolSubnet, [cni])).toEqual([]);
    });
});

describe("role-assignment-sets-principal-type", () => {
    const identity = (principalId?: string): Resource => ({
        type: "azure-native:managedidentity:UserAssignedIdentity",
        name: "identity",
        props: principalId === undefined ? {} : { principalId },
    });
    const grant = (props: Record<string, unknown>): Resource => ({
        type: "azure-native:authorization:RoleAssignment",
        name: "grant",
        props,
    });
    test("an empty principalType is none; the violation is on the grant", () => {
        expect(
            reportsOf(roleAssignmentPrincipalType, [identity("p"), grant({ principalId: "p", principalType: "" })]),
        ).toEqual([
            [
                "grant: principalType is not set for the stack's managed identity: set it (ServicePrincipal), or Azure may answer PrincipalNotFound while the new identity replicates.",
                "urn:grant",
            ],
        ]);
    });
    test("only a managed identity's principal is fresh", () => {
        const notAnIdentity: Resource = {
            type: "azure-native:resources:ResourceGroup",
            name: "rg",
            props: { principalId: "p" },
        };
        expect(reportsOf(roleAssignmentPrincipalType, [notAnIdentity, grant({ principalId: "p" })])).toEqual([]);
        expect(reportsOf(roleAssignmentPrincipalType, [identity(), grant({})])).toEqual([]);
    });
});

describe("deployments-restricted-pod-security", () => {
    const deployment = (pod: Record<string, unknown>): Resource => ({
        type: "kubernetes:apps/v1:Deployment",
        props: { spec: { template: { spec: pod } } },
    });
    const bounded = { cpu: "100m", memory: "64Mi" };
    const restricted = {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
    };
    const container = (extra: Record<string, unknown> = {}) => ({
        name: "web",
        securityContext: restricted,
        resources: { requests: bounded, limits: bounded },
        ...extra,
    });
    test("a container with nothing declared fails every check, named ? when it has no name", () => {
        expect(violationsOf(deploymentsRestricted, deployment({ containers: [{}] }))).toEqual([
            "container ?: set securityContext.allowPrivilegeEscalation to false.",
            "container ?: drop ALL capabilities (securityContext.capabilities.drop: [ALL]).",
            "container ?: set runAsNonRoot: true (pod or container).",
            "container ?: set seccompProfile.type RuntimeDefault (pod or container).",
            "container ?: declare resources.requests for cpu and memory.",
            "container ?: declare resources.limits for cpu and memory.",
        ]);
    });
    test("the pod's runAsNonRoot and seccomp count when the container says nothing", () => {
        const { runAsNonRoot: _runAsNonRoot, seccompProfile: _seccomp, ...rest } = restricted;
        expect(
            violationsOf(
                deploymentsRestricted,
                deployment({
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [container({ securityContext: rest })],
                }),
            ),
        ).toEqual([]);
    });
    test("seccomp: RuntimeDefault or Localhost, from the pod or the container; the container's wins", () => {
        // The restricted Pod Security Standard allows both types at either level
        // (kubernetes.io/docs/concepts/security/pod-security-standards, Restricted: Seccomp).
        const { seccompProfile: _seccomp, ...rest } = restricted;
        const seccompOf = (pod?: string, own?: string) =>
            violationsOf(
                deploymentsRestricted,
                deployment({
                    ...(pod ? { securityContext: { seccompProfile: { type: pod } } } : {}),
                    containers: [
                        container({ securityContext: own ? { ...rest, seccompProfile: { type: own } } : rest }),
                    ],
                }),
            );
        const refused = ["container web: set seccompProfile.type RuntimeDefault (pod or container)."];
        expect(seccompOf("Localhost")).toEqual([]);
        expect(seccompOf("RuntimeDefault")).toEqual([]);
        expect(seccompOf(undefined, "Localhost")).toEqual([]);
        expect(seccompOf("Unconfined", "Localhost")).toEqual([]);
        expect(seccompOf("Localhost", "Unconfined")).toEqual(refused);
        expect(seccompOf("Unconfined")).toEqual(refused);
        expect(seccompOf()).toEqual(refused);
    });
    test("a cpu without a memory, or a memory without a cpu, is not bounded", () => {
        expect(
            violationsOf(
                deploymentsRestricted,
                deployment({
                    containers: [container({ resources: { requests: { cpu: "1" }, limits: { memory: "1Gi" } } })],
                }),
            ),
        ).toEqual([
            "container web: declare resources.requests for cpu and memory.",
            "container web: declare resources.limits for cpu and memory.",
        ]);
    });
    test("a pod without containers has nothing to judge but its namespaces", () => {
        expect(violationsOf(deploymentsRestricted, deployment({}))).toEqual([]);
        expect(violationsOf(deploymentsRestricted, deployment({ hostNetwork: true }))).toEqual([
            "the pod shares a host namespace (hostNetwork/hostPID/hostIPC).",
        ]);
        expect(violationsOf(deploymentsRestricted, { type: "kubernetes:apps/v1:Deployment", props: {} })).toEqual([
            "the Deployment has no pod template (spec.template.spec).",
        ]);
    });
});

describe("loadbalancer-services-internal and kubenet-retirement-notice", () => {
    test("a Service without a name is named by its resource; the sentence in full", () => {
        expect(
            violationsOf(loadBalancersInternal, {
                type: "kubernetes:core/v1:Service",
                name: "svc-resource",
                props: { spec: { type: "LoadBalancer" } },
            }),
        ).toEqual([
            'Service svc-resource would get a public IP: annotate it service.beta.kubernetes.io/azure-load-balancer-internal: "true".',
        ]);
        expect(
            violationsOf(loadBalancersInternal, {
                type: "kubernetes:core/v1:Service",
                props: {
                    metadata: { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "false" } },
                    spec: { type: "LoadBalancer" },
                },
            }),
        ).toHaveLength(1);
        expect(
            violationsOf(loadBalancersInternal, {
                type: "kubernetes:apps/v1:Deployment",
                props: { spec: { type: "LoadBalancer" } },
            }),
        ).toEqual([]);
    });
    test("the retirement notice in full, for kubenet clusters only", () => {
        expect(violationsOf(kubenetRetirement, cluster("aks", kubenet))).toEqual([
            "kubenet retires on 31 March 2028: plan the migration to Azure CNI Overlay (it needs a user-assigned identity to detach the route table).",
        ]);
        expect(violationsOf(kubenetRetirement, { type: SUBNET, props: { networkProfile: kubenet } })).toEqual([]);
    });
});
