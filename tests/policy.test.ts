/** Every policy, with a passing and a failing fixture, and unknown values during preview. */
import {
    azureCniPoolSubnet,
    overlaySubnetWithoutRouteTable,
    deploymentsRestricted,
    kubenetNetworkProfile,
    kubenetRetirement,
    kubenetSubnetHasRouteTable,
    loadBalancersInternal,
    policies,
    roleAssignmentPrincipalType,
} from "../policy/policies";
import { deploymentManifest, serviceManifest } from "../workloads/nginxManifests";
import { readYaml } from "../stackFiles";
import { UnknownValueError } from "@pulumi/policy";
import { Resource, stackViolationsOf, violationsOf, plain } from "./helpers/policy";
// The sentinels the policy server puts where a value is unknown (exported by proxy.js, untyped).
const { unknownObjectValue, unknownStringValue } = require("@pulumi/policy/proxy") as {
    unknownObjectValue: unknown;
    unknownStringValue: unknown;
};

const cluster = (networkProfile: any, extra: any = {}): Resource => ({
    type: "azure-native:containerservice:ManagedCluster",
    name: "aks",
    props: { networkProfile, ...extra },
});
const tutorialProfile = {
    networkPlugin: "kubenet",
    podCidr: "10.100.0.0/16",
    serviceCidr: "10.200.0.0/16",
    dnsServiceIP: "10.200.0.10",
};

test("the pack: six mandatory policies, the retirement notice and the Overlay route-table note advisory, five production rules", () => {
    expect(policies.map((policy) => [policy.name, policy.enforcementLevel])).toEqual([
        ["network-profile-consistent", "mandatory"],
        ["kubenet-subnet-has-route-table", "mandatory"],
        ["azure-cni-pool-subnet", "mandatory"],
        ["role-assignment-sets-principal-type", "mandatory"],
        ["deployments-restricted-pod-security", "mandatory"],
        ["loadbalancer-services-internal", "mandatory"],
        ["kubenet-retirement-notice", "advisory"],
        ["overlay-subnet-without-route-table", "advisory"],
        ["production-entra-no-local-accounts", "mandatory"],
        ["production-tier-standard", "mandatory"],
        ["production-zones", "mandatory"],
        ["production-autoscaler-within-plan", "mandatory"],
        ["production-maintenance-windows", "mandatory"],
    ]);
    expect(readYaml<any>("policy/PulumiPolicy.yaml").runtime).toBe("nodejs");
    expect(readYaml<any>("policy/package.json").version).toMatch(/^\d+\.\d+\.\d+$/);
});

describe("kubenet network profile", () => {
    test("passes the tutorial's profile", () =>
        expect(violationsOf(kubenetNetworkProfile, cluster(tutorialProfile))).toEqual([]));
    test("fails a DNS IP outside the service CIDR, naming it", () => {
        expect(
            violationsOf(kubenetNetworkProfile, cluster({ ...tutorialProfile, dnsServiceIP: "10.201.0.10" })),
        ).toEqual([expect.stringMatching(/dnsServiceIp: 10\.201\.0\.10 is not inside serviceCidr/)]);
    });
    test("fails the first service address, overlapping ranges and dockerBridgeCidr", () => {
        expect(
            violationsOf(kubenetNetworkProfile, cluster({ ...tutorialProfile, dnsServiceIP: "10.200.0.1" })),
        ).toEqual([expect.stringMatching(/kubernetes\.default\.svc/)]);
        expect(
            violationsOf(
                kubenetNetworkProfile,
                cluster({ ...tutorialProfile, serviceCidr: "10.100.0.0/16", dnsServiceIP: "10.100.0.10" }),
            ),
        ).toEqual([expect.stringMatching(/overlaps podCidr/)]);
        expect(
            violationsOf(kubenetNetworkProfile, cluster({ ...tutorialProfile, dockerBridgeCidr: "172.17.0.1/16" })),
        ).toEqual([expect.stringMatching(/dockerBridgeCidr is set/)]);
    });
    test("an unknown value stops the policy (the framework reports it as advisory); absent ranges fail", () => {
        expect(() =>
            violationsOf(kubenetNetworkProfile, cluster({ ...tutorialProfile, podCidr: unknownStringValue })),
        ).toThrow(UnknownValueError);
        expect(violationsOf(kubenetNetworkProfile, cluster({ networkPlugin: "kubenet" }))).toEqual([
            expect.stringMatching(/serviceCidr is not set: AKS would use 10\.0\.0\.0\/16/),
            expect.stringMatching(/dnsServiceIP is not set/),
        ]);
    });
    test("Azure CNI: the service range rules apply, and a pod CIDR is refused; Overlay: the pod CIDR rules apply", () => {
        const azureCni = { networkPlugin: "azure", serviceCidr: "10.200.0.0/16", dnsServiceIP: "10.200.0.10" };
        expect(violationsOf(kubenetNetworkProfile, cluster(azureCni))).toEqual([]);
        expect(violationsOf(kubenetNetworkProfile, cluster({ ...azureCni, podCidr: "10.244.0.0/16" }))).toEqual([
            expect.stringMatching(/podCidr 10\.244\.0\.0\/16 is set on classic Azure CNI/),
        ]);
        expect(violationsOf(kubenetNetworkProfile, cluster({ ...azureCni, dnsServiceIP: "10.200.0.1" }))).toEqual([
            expect.stringMatching(/kubernetes\.default\.svc/),
        ]);
        const overlay = { ...tutorialProfile, networkPlugin: "azure", networkPluginMode: "overlay" };
        expect(violationsOf(kubenetNetworkProfile, cluster(overlay))).toEqual([]);
        expect(violationsOf(kubenetNetworkProfile, cluster({ ...overlay, podCidr: "172.31.0.0/16" }))).toEqual([
            expect.stringMatching(/AKS reserves/),
        ]);
    });
    test("ignores plugins this program never builds", () => {
        expect(violationsOf(kubenetNetworkProfile, cluster({ networkPlugin: "none", dockerBridgeCidr: "x" }))).toEqual(
            [],
        );
        expect(
            violationsOf(kubenetNetworkProfile, { type: "azure-native:containerservice:ManagedCluster", props: {} }),
        ).toEqual([]);
    });
});

describe("kubenet subnet has a route table", () => {
    const subnetId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/kubenet";
    const withPool = cluster(tutorialProfile, { agentPoolProfiles: [{ name: "system", vnetSubnetID: subnetId }] });
    test("passes when the pool's subnet carries a route table", () => {
        expect(
            stackViolationsOf(kubenetSubnetHasRouteTable, [
                withPool,
                {
                    type: "azure-native:network:Subnet",
                    name: "kubenet",
                    props: { id: subnetId, routeTable: { id: "/rt" } },
                },
            ]),
        ).toEqual([]);
    });
    test("fails when it does not", () => {
        expect(
            stackViolationsOf(kubenetSubnetHasRouteTable, [
                withPool,
                { type: "azure-native:network:Subnet", name: "kubenet", props: { id: subnetId } },
            ]),
        ).toEqual([expect.stringMatching(/subnet kubenet hosts kubenet pool system of aks but has no routeTable/)]);
    });
    test("an unknown subnet id stops the policy; a pool without a subnet (AKS-managed VNet) passes", () => {
        const unknown = cluster(tutorialProfile, {
            agentPoolProfiles: [{ name: "system", vnetSubnetID: unknownStringValue }],
        });
        expect(() =>
            stackViolationsOf(kubenetSubnetHasRouteTable, [
                unknown,
                { type: "azure-native:network:Subnet", name: "kubenet", props: {} },
            ]),
        ).toThrow(UnknownValueError);
        const managed = cluster(tutorialProfile, { agentPoolProfiles: [{ name: "system" }] });
        expect(stackViolationsOf(kubenetSubnetHasRouteTable, [managed])).toEqual([]);
    });
});

describe("Azure CNI pools name a subnet that fits them", () => {
    const subnetId =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/azurecni";
    const azureCni = (pool: any) =>
        cluster(
            { networkPlugin: "azure", serviceCidr: "10.200.0.0/16", dnsServiceIP: "10.200.0.10" },
            { agentPoolProfiles: [{ name: "system", ...pool }] },
        );
    const subnet = (addressPrefix: string) => ({
        type: "azure-native:network:Subnet",
        name: "azurecni",
        props: { id: subnetId, addressPrefix },
    });
    test("passes the program's pool: 3 nodes x 30 pods in a /24", () => {
        expect(
            stackViolationsOf(azureCniPoolSubnet, [
                azureCni({ vnetSubnetID: subnetId, count: 3, maxPods: 30 }),
                subnet("10.220.2.0/24"),
            ]),
        ).toEqual([]);
    });
    test("fails a pool without a subnet, and one its subnet cannot hold (the address plan's rule)", () => {
        expect(stackViolationsOf(azureCniPoolSubnet, [azureCni({ count: 3, maxPods: 30 })])).toEqual([
            expect.stringMatching(/names no subnet/),
        ]);
        expect(
            stackViolationsOf(azureCniPoolSubnet, [
                azureCni({ vnetSubnetID: subnetId, count: 3, maxPods: 30 }),
                subnet("10.220.2.0/26"),
            ]),
        ).toEqual([
            expect.stringMatching(
                /pool system of aks in subnet azurecni: azureCniNodeCount 3 .* = 124 addresses, but azureCniSubnetCidr 10\.220\.2\.0\/26 has 59/,
            ),
        ]);
    });
    test("is silent for kubenet and Overlay pools", () => {
        expect(
            stackViolationsOf(azureCniPoolSubnet, [
                cluster(tutorialProfile, { agentPoolProfiles: [{ name: "system", count: 3 }] }),
            ]),
        ).toEqual([]);
    });
});

describe("Overlay subnets carry no route table (advisory)", () => {
    const subnetId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/kubenet";
    const overlay = cluster(
        { ...tutorialProfile, networkPlugin: "azure", networkPluginMode: "overlay" },
        { agentPoolProfiles: [{ name: "system", vnetSubnetID: subnetId }] },
    );
    test("reports a leftover route table", () => {
        expect(
            stackViolationsOf(overlaySubnetWithoutRouteTable, [
                overlay,
                {
                    type: "azure-native:network:Subnet",
                    name: "kubenet",
                    props: { id: subnetId, routeTable: { id: "/rt" } },
                },
            ]),
        ).toEqual([expect.stringMatching(/still carries a route table/)]);
    });
    test("passes a subnet without one; kubenet's table is not its business", () => {
        expect(
            stackViolationsOf(overlaySubnetWithoutRouteTable, [
                overlay,
                { type: "azure-native:network:Subnet", name: "kubenet", props: { id: subnetId } },
            ]),
        ).toEqual([]);
        const kubenet = cluster(tutorialProfile, { agentPoolProfiles: [{ name: "system", vnetSubnetID: subnetId }] });
        expect(
            stackViolationsOf(overlaySubnetWithoutRouteTable, [
                kubenet,
                {
                    type: "azure-native:network:Subnet",
                    name: "kubenet",
                    props: { id: subnetId, routeTable: { id: "/rt" } },
                },
            ]),
        ).toEqual([]);
    });
});

describe("role assignments to the stack's managed identities set principalType", () => {
    const identity: Resource = {
        type: "azure-native:managedidentity:UserAssignedIdentity",
        name: "identity",
        props: { principalId: "fresh-principal" },
    };
    const grant = (props: any): Resource => ({ type: "azure-native:authorization:RoleAssignment", name: "g", props });
    test("passes with ServicePrincipal", () =>
        expect(
            stackViolationsOf(roleAssignmentPrincipalType, [
                identity,
                grant({ principalId: "fresh-principal", principalType: "ServicePrincipal" }),
            ]),
        ).toEqual([]));
    test("fails without, for the stack's identity", () =>
        expect(
            stackViolationsOf(roleAssignmentPrincipalType, [identity, grant({ principalId: "fresh-principal" })]),
        ).toEqual([expect.stringMatching(/PrincipalNotFound/)]));
    test("a grant to an existing Entra principal (a cluster admin) may leave it out: Azure looks the type up", () =>
        expect(
            stackViolationsOf(roleAssignmentPrincipalType, [identity, grant({ principalId: "some-group" })]),
        ).toEqual([]));
});

describe("Deployments meet the restricted standard", () => {
    const good = plain(
        deploymentManifest({
            name: "nginx",
            namespace: "nginx",
            image: "nginxinc/nginx-unprivileged:1.28.0-alpine",
            replicas: 3,
            loadBalancerSubnetName: "services",
        }),
    );
    const deployment = (props: any): Resource => ({ type: "kubernetes:apps/v1:Deployment", props });
    test("passes the program's nginx Deployment", () =>
        expect(violationsOf(deploymentsRestricted, deployment(good))).toEqual([]));
    test("fails an escalating, capable, unbounded container", () => {
        const bad = plain(good);
        bad.spec.template.spec.containers[0].securityContext = { allowPrivilegeEscalation: true };
        delete bad.spec.template.spec.containers[0].resources.limits;
        delete bad.spec.template.spec.securityContext;
        expect(violationsOf(deploymentsRestricted, deployment(bad))).toEqual([
            expect.stringMatching(/allowPrivilegeEscalation to false/),
            expect.stringMatching(/drop ALL capabilities/),
            expect.stringMatching(/runAsNonRoot/),
            expect.stringMatching(/seccompProfile/),
            expect.stringMatching(/resources\.limits/),
        ]);
    });
    const withPod = (change: (pod: any) => void) => {
        const changed = plain(good);
        change(changed.spec.template.spec);
        return violationsOf(deploymentsRestricted, deployment(changed));
    };
    test("fails a privileged container, and nothing else about it", () => {
        expect(withPod((pod) => (pod.containers[0].securityContext.privileged = true))).toEqual([
            "container nginx: must not be privileged.",
        ]);
        expect(withPod((pod) => (pod.containers[0].securityContext.privileged = false))).toEqual([]);
    });
    test.each(["hostNetwork", "hostPID", "hostIPC"])("fails a pod that shares the host's namespace (%s)", (field) => {
        expect(withPod((pod) => (pod[field] = true))).toEqual([
            "the pod shares a host namespace (hostNetwork/hostPID/hostIPC).",
        ]);
        expect(withPod((pod) => (pod[field] = false))).toEqual([]);
    });
    test("checks init containers as strictly as containers, naming them as init containers", () => {
        const init = { ...plain(good).spec.template.spec.containers[0], name: "setup" };
        expect(withPod((pod) => (pod.initContainers = [init]))).toEqual([]);
        expect(
            withPod(
                (pod) =>
                    (pod.initContainers = [
                        { ...init, securityContext: { ...init.securityContext, capabilities: { drop: ["NET_RAW"] } } },
                    ]),
            ),
        ).toEqual(["init container setup: drop ALL capabilities (securityContext.capabilities.drop: [ALL])."]);
        expect(withPod((pod) => (pod.initContainers = [{ name: "bare", image: "busybox:1" }]))).toEqual([
            "init container bare: set securityContext.allowPrivilegeEscalation to false.",
            "init container bare: drop ALL capabilities (securityContext.capabilities.drop: [ALL]).",
            "init container bare: declare resources.requests for cpu and memory.",
            "init container bare: declare resources.limits for cpu and memory.",
        ]);
    });
    test("runAsNonRoot and seccomp may come from the pod or the container; a Localhost profile is accepted", () => {
        // The pod's still holds:
        expect(withPod((pod) => delete pod.containers[0].securityContext.runAsNonRoot)).toEqual([]);
        expect(
            withPod((pod) => {
                delete pod.containers[0].securityContext.runAsNonRoot;
                delete pod.securityContext.runAsNonRoot;
            }),
        ).toEqual(["container nginx: set runAsNonRoot: true (pod or container)."]);
        expect(withPod((pod) => (pod.containers[0].securityContext.runAsNonRoot = false))).toEqual([
            "container nginx: set runAsNonRoot: true (pod or container).",
        ]); // the container's wins
        expect(withPod((pod) => delete pod.containers[0].securityContext.seccompProfile)).toEqual([]);
        expect(
            withPod((pod) => {
                delete pod.securityContext.seccompProfile;
                pod.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
            }),
        ).toEqual([]);
        expect(
            withPod((pod) => {
                delete pod.securityContext.seccompProfile;
                pod.containers[0].securityContext.seccompProfile = { type: "Unconfined" };
            }),
        ).toEqual(["container nginx: set seccompProfile.type RuntimeDefault (pod or container)."]);
    });
    test("requests and limits each need cpu and memory", () => {
        expect(withPod((pod) => delete pod.containers[0].resources.requests.memory)).toEqual([
            "container nginx: declare resources.requests for cpu and memory.",
        ]);
        expect(withPod((pod) => delete pod.containers[0].resources.limits.cpu)).toEqual([
            "container nginx: declare resources.limits for cpu and memory.",
        ]);
    });
    test("other kinds are not judged", () => {
        expect(
            violationsOf(deploymentsRestricted, { type: "kubernetes:apps/v1:StatefulSet", props: { spec: {} } }),
        ).toEqual([]);
    });
    test("an unknown spec stops the policy; a missing one fails", () => {
        expect(() => violationsOf(deploymentsRestricted, deployment({ spec: unknownObjectValue }))).toThrow(
            UnknownValueError,
        );
        expect(violationsOf(deploymentsRestricted, deployment({ spec: {} }))).toEqual([
            expect.stringMatching(/no pod template/),
        ]);
    });
});

describe("LoadBalancer Services are internal", () => {
    const good = plain(
        serviceManifest({
            name: "nginx",
            namespace: "nginx",
            image: "x:1",
            replicas: 3,
            loadBalancerSubnetName: "services",
        }),
    );
    const service = (props: any): Resource => ({ type: "kubernetes:core/v1:Service", props });
    test("passes the program's Service", () => expect(violationsOf(loadBalancersInternal, service(good))).toEqual([]));
    test("fails a public one", () => {
        const bad = plain(good);
        delete bad.metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"];
        expect(violationsOf(loadBalancersInternal, service(bad))).toEqual([
            expect.stringMatching(/would get a public IP/),
        ]);
    });
    test("fails a LoadBalancer Service with no annotations at all (the commonest public LB)", () => {
        expect(
            violationsOf(loadBalancersInternal, service({ metadata: { name: "web" }, spec: { type: "LoadBalancer" } })),
        ).toEqual([expect.stringMatching(/Service web would get a public IP/)]);
        expect(
            violationsOf(
                loadBalancersInternal,
                service({ metadata: { name: "web", annotations: {} }, spec: { type: "LoadBalancer" } }),
            ),
        ).toEqual([expect.stringMatching(/public IP/)]);
    });
    test("ignores ClusterIP services; unknown annotations stop the policy", () => {
        expect(violationsOf(loadBalancersInternal, service({ spec: { type: "ClusterIP" }, metadata: {} }))).toEqual([]);
        expect(() =>
            violationsOf(
                loadBalancersInternal,
                service({ spec: { type: "LoadBalancer" }, metadata: { annotations: unknownObjectValue } }),
            ),
        ).toThrow(UnknownValueError);
    });
});

describe("kubenet retirement (advisory)", () => {
    test("reports on a kubenet cluster", () =>
        expect(violationsOf(kubenetRetirement, cluster(tutorialProfile))).toEqual([
            expect.stringMatching(/31 March 2028.*Azure CNI Overlay/),
        ]));
    test("is silent for Azure CNI and Overlay", () => {
        expect(violationsOf(kubenetRetirement, cluster({ networkPlugin: "azure" }))).toEqual([]);
        expect(
            violationsOf(kubenetRetirement, cluster({ networkPlugin: "azure", networkPluginMode: "overlay" })),
        ).toEqual([]);
    });
});
