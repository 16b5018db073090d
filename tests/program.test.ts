/** The whole program under the SDK's mock runtime, with the dev stack's config. */
import { buildAddressPlan } from "../addressPlan";
import { NETWORK_CONTRIBUTOR_ROLE_ID } from "../cluster";
import { validateConfig } from "../config";
import { MOCK_SUBSCRIPTION_ID, ProgramRun, RecordedResource, roleDefinitionId, runProgram } from "./helpers/program";
import { rawStackConfig } from "../stackFiles";
import { TUTORIAL_KUBENET_NETWORK_PROFILE } from "./helpers/tutorial";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await runProgram();
    if (dev.error) throw dev.error;
});

const id = (resource: RecordedResource) => resource.urn;

/** The Network Contributor grants (the admin grants are Entra's: see "cluster access"). */
const networkGrantsOf = (run: ProgramRun) =>
    run
        .ofType("azure-native:authorization:RoleAssignment")
        .filter((grant) => grant.inputs.roleDefinitionId === roleDefinitionId(NETWORK_CONTRIBUTOR_ROLE_ID));

describe("network", () => {
    test("resource group and VNet carry the tutorial's names, location and address space", () => {
        expect(dev.resource("network-rg").inputs).toEqual({ resourceGroupName: "NetworkLab", location: "eastus" });
        const vnet = dev.resource("network-vnet").inputs;
        expect(vnet).toMatchObject({
            resourceGroupName: "NetworkLab",
            virtualNetworkName: "aksvnet",
            location: "eastus",
            addressSpace: { addressPrefixes: ["10.220.0.0/16"] },
        });
        expect(vnet).not.toHaveProperty("subnets"); // never inline subnets next to Subnet resources
    });

    test("three standalone subnets with the fixed names and the configured prefixes", () => {
        const subnets = dev
            .ofType("azure-native:network:Subnet")
            .map((subnet) => [subnet.inputs.subnetName, subnet.inputs.addressPrefix, subnet.inputs.virtualNetworkName]);
        expect(subnets.sort()).toEqual([
            ["azurecni", "10.220.2.0/24", "aksvnet"],
            ["kubenet", "10.220.1.0/24", "aksvnet"],
            ["services", "10.220.3.0/24", "aksvnet"],
        ]);
    });

    test("subnets are created one after another (AnotherOperationInProgress)", () => {
        expect(dev.resource("network-azurecni").dependencies).toContain(id(dev.resource("network-kubenet")));
        expect(dev.resource("network-services").dependencies).toContain(id(dev.resource("network-azurecni")));
    });

    test("the program owns the route table: no inline routes, associated with the kubenet subnet only", () => {
        const routeTable = dev.resource("network-routes");
        expect(routeTable.inputs).toEqual({
            resourceGroupName: "NetworkLab",
            location: "eastus",
            routeTableName: "aksvnet-kubenet-routes",
        });
        const routeTableId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.network/routeTables/aksvnet-kubenet-routes`;
        expect(dev.outputs.routeTableId).toBe(routeTableId);
        expect(dev.resource("network-kubenet").inputs.routeTable).toEqual({ id: routeTableId });
        expect(dev.resource("network-azurecni").inputs).not.toHaveProperty("routeTable");
        expect(dev.resource("network-services").inputs).not.toHaveProperty("routeTable");
    });
});

describe("cluster", () => {
    const cluster = () => dev.resource("cluster-aks");

    test("a user-assigned control-plane identity", () => {
        expect(dev.resource("cluster-identity").inputs).toEqual({
            resourceGroupName: "NetworkLab",
            location: "eastus",
            resourceName: "kubenet-cluster-control-plane",
        });
        expect(cluster().inputs.identity).toEqual({
            type: "UserAssigned",
            userAssignedIdentities: [
                `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.managedidentity/userAssignedIdentitys/kubenet-cluster-control-plane`,
            ],
        });
    });

    test("Network Contributor on the kubenet subnet, the route table and the services subnet, as ServicePrincipal", () => {
        const grants = networkGrantsOf(dev);
        const scopes = grants.map((grant) => grant.inputs.scope.split("/").slice(-2).join("/")).sort();
        expect(scopes).toEqual(["routeTables/aksvnet-kubenet-routes", "subnets/kubenet", "subnets/services"]);
        for (const grant of grants) {
            expect(grant.inputs).toMatchObject({
                principalId: "principal-of-kubenet-cluster-control-plane",
                principalType: "ServicePrincipal",
                roleDefinitionId: roleDefinitionId(NETWORK_CONTRIBUTOR_ROLE_ID),
            });
        }
    });

    test("kubenet network profile as the tutorial, and never dockerBridgeCidr", () => {
        const inputs = cluster().inputs;
        expect(inputs).toMatchObject({
            resourceGroupName: "NetworkLab",
            resourceName: "kubenet-cluster",
            dnsPrefix: "kubenet-cluster",
            location: "eastus",
            enableRBAC: true,
        });
        expect(inputs.networkProfile).toEqual(TUTORIAL_KUBENET_NETWORK_PROFILE);
        expect(JSON.stringify(inputs)).not.toMatch(/dockerBridge/i);
        expect(inputs).not.toHaveProperty("kubernetesVersion");
        expect(inputs).not.toHaveProperty("linuxProfile");
    });

    test("one System VMSS pool of 3 Linux nodes in the kubenet subnet", () => {
        expect(cluster().inputs.agentPoolProfiles).toEqual([
            {
                name: "system",
                mode: "System",
                type: "VirtualMachineScaleSets",
                osType: "Linux",
                count: 3,
                vmSize: "Standard_D2s_v5",
                maxPods: 110,
                vnetSubnetID: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.network/virtualNetworks/aksvnet/subnets/kubenet`,
            },
        ]);
    });

    test("the cluster waits for every grant and for the route-table association", () => {
        const waitsFor = cluster().dependencies;
        for (const grant of networkGrantsOf(dev)) expect(waitsFor).toContain(id(grant));
        expect(waitsFor).toContain(id(dev.resource("network-kubenet")));
        expect(waitsFor).toContain(id(dev.resource("network-routes")));
    });

    test("the kubeconfig comes from the user-credentials invoke for this cluster", () => {
        expect(
            dev.invokes
                .filter((invoke) => invoke.token === "azure-native:containerservice:listManagedClusterUserCredentials")
                .map((invoke) => invoke.inputs),
        ).toEqual([{ resourceGroupName: "NetworkLab", resourceName: "kubenet-cluster" }]);
    });
});

describe("the wait for role assignments to propagate (CustomRouteTableMissingPermission)", () => {
    test("a Sleep after every grant, re-run only when a grant is recreated; the cluster waits for it", () => {
        const wait = dev.resource("cluster-grant-propagation");
        const grants = networkGrantsOf(dev);
        expect(wait.type).toBe("time:index/sleep:Sleep");
        expect(wait.parent).toBe(id(dev.resource("cluster")));
        for (const grant of grants) expect(wait.dependencies).toContain(id(grant));
        // The triggers are the grants' ids: a later update that keeps the grants keeps the Sleep (no wait).
        expect(wait.inputs).toEqual({
            createDuration: "60s",
            triggers: { grant0: expect.any(String), grant1: expect.any(String), grant2: expect.any(String) },
        });
        const triggered = Object.values(wait.inputs.triggers as Record<string, string>)
            .map((grantId) => grantId.split("/").pop())
            .sort();
        expect(triggered).toEqual(grants.map((grant) => grant.name).sort());
        expect(cluster().dependencies).toContain(id(wait));
    });
    const cluster = () => dev.resource("cluster-aks");
});

describe("components", () => {
    test("children are parented to their component and prefixed with its name", () => {
        const components = dev.resources.filter((resource) => !resource.custom);
        expect(components.map((component) => component.type).sort()).toEqual([
            "aks-kubenet:cluster:Cluster",
            "aks-kubenet:network:Network",
            "aks-kubenet:workloads:Nginx",
        ]);
        for (const resource of dev.resources.filter((resource) => resource.custom)) {
            const parent = components.find((component) => component.urn === resource.parent);
            expect([resource.name, parent?.name]).toEqual([resource.name, expect.any(String)]);
            expect(resource.name.startsWith(`${parent!.name}-`)).toBe(true);
        }
    });
});

describe("stack outputs", () => {
    test("names, ids, ranges and the address plan", () => {
        const config = validateConfig(rawStackConfig("dev")).config!;
        expect(dev.outputs).toMatchObject({
            resourceGroupName: "NetworkLab",
            vnetName: "aksvnet",
            clusterName: "kubenet-cluster",
            nodeResourceGroup: "MC_NetworkLab_kubenet-cluster_eastus",
            podCidr: "10.100.0.0/16",
            serviceCidr: "10.200.0.0/16",
            dnsServiceIp: "10.200.0.10",
            addressPlan: buildAddressPlan(config),
        });
        expect(Object.keys(dev.outputs.subnetIds).sort()).toEqual(["azurecni", "kubenet", "services"]);
        expect(dev.outputs.subnetIds.kubenet).toMatch(/virtualNetworks\/aksvnet\/subnets\/kubenet$/);
    });

    test("the commands a user types next", () => {
        expect(dev.outputs.nextSteps).toMatchObject({
            getCredentials: "az aks get-credentials -g NetworkLab -n kubenet-cluster",
            viewPods: "kubectl get pods -n nginx -o wide --sort-by=.spec.nodeName",
            viewServices: "kubectl get svc -n nginx",
        });
    });
});

describe("config changes", () => {
    test("nodeCount and podCidr change exactly the pool count, the pod CIDR and the plan", async () => {
        const changed = await runProgram({ config: { nodeCount: "5", podCidr: "10.150.0.0/16" } });
        expect(changed.error).toBeUndefined();
        expect(changed.resources.map((resource) => resource.name)).toEqual(
            dev.resources.map((resource) => resource.name),
        );
        const differing = changed.resources.filter(
            (resource) => JSON.stringify(resource.inputs) !== JSON.stringify(dev.resource(resource.name).inputs),
        );
        expect(differing.map((resource) => resource.name)).toEqual(["cluster-aks"]);
        const before = dev.resource("cluster-aks").inputs;
        const after = changed.resource("cluster-aks").inputs;
        expect(after).toEqual({
            ...before,
            agentPoolProfiles: [{ ...before.agentPoolProfiles[0], count: 5 }],
            networkProfile: { ...before.networkProfile, podCidr: "10.150.0.0/16" },
        });
        expect(
            changed.outputs.addressPlan.routes.map((route: { addressPrefix: string }) => route.addressPrefix),
        ).toEqual(["10.150.0.0/24", "10.150.1.0/24", "10.150.2.0/24", "10.150.3.0/24", "10.150.4.0/24"]);
    });

    test("an SSH key and a version reach linuxProfile and kubernetesVersion", async () => {
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop";
        const run = await runProgram({
            config: { sshPublicKey: key, kubernetesVersion: "1.34", adminUsername: "labuser" },
        });
        expect(run.resource("cluster-aks").inputs).toMatchObject({
            kubernetesVersion: "1.34",
            linuxProfile: { adminUsername: "labuser", ssh: { publicKeys: [{ keyData: key }] } },
        });
    });

    test("protect=true protects the network and the cluster; the default protects nothing", async () => {
        expect(dev.resources.filter((resource) => resource.protect)).toEqual([]);
        const run = await runProgram({ config: { protect: "true" } });
        // Only the flag changes: the same resources with the same inputs (the migration's step 2).
        expect(run.resources.map((resource) => [resource.urn, resource.inputs])).toEqual(
            dev.resources.map((resource) => [resource.urn, resource.inputs]),
        );
        const protectedNames = run.resources
            .filter((resource) => resource.protect)
            .map((resource) => resource.name)
            .sort();
        expect(protectedNames).toEqual([
            "cluster-aks",
            "cluster-identity",
            // The grants too: `pulumi destroy --exclude-protected` must not strip the cluster's rights.
            "cluster-network-contributor-kubenet-subnet",
            "cluster-network-contributor-route-table",
            "cluster-network-contributor-services-subnet",
            "cluster-rbac-cluster-admin-deployer",
            "network-azurecni",
            "network-kubenet",
            "network-rg",
            "network-routes",
            "network-services",
            "network-vnet",
        ]);
    });

    test("a bad config fails before any resource is declared, listing every problem", async () => {
        const run = await runProgram({ config: { podCidr: "10.220.0.0/16", nodeCount: "three" } });
        expect(run.error?.message).toMatch(
            /2 problem\(s\); nothing was created[\s\S]*nodeCount: "three"[\s\S]*podCidr: 10\.220\.0\.0\/16 overlaps vnetCidr/,
        );
        expect(run.resources).toEqual([]);
        expect(run.invokes).toEqual([]);
    });
});
