/**
 * The network plugin as data, under the mock runtime: the default stack is today's stack (same
 * URNs, same inputs), the Azure CNI cluster is an addition, and Overlay differs from kubenet
 * exactly by the route table, its grant and the plugin fields.
 */
import * as fs from "fs";
import * as path from "path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { replacingPaths } from "../guard/replacements";
import { OFF_VALUE_PATHS, OFF_VALUES } from "./helpers/offValues";
import { MOCK_SUBSCRIPTION_ID, ProgramRun, RecordedResource, runProgram } from "./helpers/program";

/** The serialized form of a secret in a registration request. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const plainInputs = (resource: RecordedResource) =>
    JSON.parse(
        JSON.stringify(resource.inputs, (_, value) =>
            value && typeof value === "object" && SECRET_SIGNATURE in value ? "[secret]" : value,
        ),
    );
/** The dev stack's registrations before the plugin refactor (tests/fixtures/dev-registrations.json). */
const before: { urn: string; inputs: unknown }[] = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "dev-registrations.json"), "utf8"),
);
const subnetId = (name: string) =>
    `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.network/virtualNetworks/aksvnet/subnets/${name}`;

let kubenet: ProgramRun;
let withAzureCni: ProgramRun;
let overlay: ProgramRun;
beforeAll(async () => {
    [kubenet, withAzureCni, overlay] = [
        await runProgram(),
        await runProgram({ config: { azureCniCluster: "true" } }),
        await runProgram({ config: { networkPlugin: "overlay" } }),
    ];
    for (const run of [kubenet, withAzureCni, overlay]) if (run.error) throw run.error;
});
const byUrn = (run: ProgramRun) => new Map(run.resources.map((resource) => [resource.urn, resource]));

/** Dotted paths of the leaves that differ between two input objects (array items as [n]). */
function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
    const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
    if (!isObject(before) || !isObject(after)) return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) =>
        changedPaths(
            before[key],
            after[key],
            Array.isArray(after) ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key,
        ),
    );
}

describe("the default stack is the stack as it was deployed", () => {
    const clusterUrn =
        "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$azure-native:containerservice:ManagedCluster::cluster-aks";

    test("every earlier URN is still there with the same inputs, but for the cluster's Entra ID access and the features sent as off; the additions are the waits and the admin grant", () => {
        const now = byUrn(kubenet);
        for (const { urn, inputs } of before) {
            // Cluster access (clusterAccess=entra by default) and the explicit off values (#32) add
            // exactly these to the cluster.
            const expected =
                urn === clusterUrn
                    ? {
                          ...(inputs as object),
                          aadProfile: { managed: true, enableAzureRBAC: true, tenantID: expect.any(String) },
                          disableLocalAccounts: true,
                          ...OFF_VALUES,
                      }
                    : inputs;
            expect([urn, now.has(urn) ? plainInputs(now.get(urn)!) : "missing"]).toEqual([urn, expected]);
        }
        const added = kubenet.resources
            .filter((resource) => !before.some((old) => old.urn === resource.urn))
            .map((resource) => resource.urn);
        expect(added).toEqual([
            "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$time:index/sleep:Sleep::cluster-grant-propagation",
            "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$azure-native:authorization:RoleAssignment::cluster-rbac-cluster-admin-deployer",
            "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$time:index/sleep:Sleep::cluster-admin-grant-propagation",
        ]);
    });

    test("the deployed cluster moves to Entra ID and sends its features as off in place: none of the inputs that change is force-new or a path parameter", () => {
        const deployed = before.find(({ urn }) => urn === clusterUrn)!.inputs;
        const changed = changedPaths(deployed, plainInputs(byUrn(kubenet).get(clusterUrn)!));
        expect(changed.sort()).toEqual(
            [
                "aadProfile",
                "disableLocalAccounts",
                "autoUpgradeProfile",
                "securityProfile",
                "addonProfiles",
                "apiServerAccessProfile",
                "metricsProfile",
            ].sort(),
        );
        expect(replacingPaths("azure-native:containerservice:ManagedCluster", changed)).toEqual([]);
        // Leaf by leaf too: a force-new field inside one of the new objects would show here.
        expect(replacingPaths("azure-native:containerservice:ManagedCluster", [...OFF_VALUE_PATHS])).toEqual([]);
        // ...and the provider's new kubeconfig is an update, not a replacement of every workload.
        expect(
            byUrn(kubenet).get(
                "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$pulumi:providers:kubernetes::cluster-k8s",
            )!.inputs.clusterIdentifier,
        ).toBeDefined();
    });
});

describe("azureCniCluster=true: the tutorial's second cluster", () => {
    const second = (name: string) => withAzureCni.resource(name);

    test("adds resources and changes none of the first cluster's", () => {
        const now = byUrn(withAzureCni);
        for (const resource of kubenet.resources)
            expect([resource.urn, plainInputs(now.get(resource.urn)!)]).toEqual([resource.urn, plainInputs(resource)]);
        const added = withAzureCni.resources
            .filter((resource) => !byUrn(kubenet).has(resource.urn))
            .map((resource) => resource.name)
            .sort();
        expect(added).toEqual([
            "azurecni",
            "azurecni-admin-grant-propagation",
            "azurecni-aks",
            "azurecni-grant-propagation",
            "azurecni-identity",
            "azurecni-k8s",
            "azurecni-network-contributor-azurecni-subnet",
            "azurecni-network-contributor-services-subnet",
            "azurecni-nginx",
            "azurecni-nginx-deployment",
            "azurecni-nginx-namespace",
            "azurecni-nginx-pdb",
            "azurecni-nginx-service",
            "azurecni-rbac-cluster-admin-deployer",
        ]);
    });

    test("its own identity, Network Contributor on the azurecni and services subnets only (never the route table)", () => {
        expect(second("azurecni-identity").inputs).toEqual({
            resourceGroupName: "NetworkLab",
            location: "eastus",
            resourceName: "azurecni-cluster-control-plane",
        });
        const grants = withAzureCni
            .ofType("azure-native:authorization:RoleAssignment")
            .filter((grant) => grant.name.startsWith("azurecni-network-contributor-"));
        expect(grants.map((grant) => grant.inputs.scope).sort()).toEqual([subnetId("azurecni"), subnetId("services")]);
        for (const grant of grants)
            expect(grant.inputs).toMatchObject({
                principalId: "principal-of-azurecni-cluster-control-plane",
                principalType: "ServicePrincipal",
            });
    });

    test("the same wait mechanism: the cluster waits for its grants and their propagation", () => {
        const wait = second("azurecni-grant-propagation");
        const grants = withAzureCni
            .ofType("azure-native:authorization:RoleAssignment")
            .filter((grant) => grant.name.startsWith("azurecni-network-contributor-"));
        for (const grant of grants) {
            expect(wait.dependencies).toContain(grant.urn);
            expect(second("azurecni-aks").dependencies).toContain(grant.urn);
        }
        expect(wait.inputs.createDuration).toBe("60s");
        expect(second("azurecni-aks").dependencies).toEqual(
            expect.arrayContaining([wait.urn, withAzureCni.resource("network-azurecni").urn]),
        );
    });

    test("classic Azure CNI: networkPlugin azure, no mode, no pod CIDR, the same service range", () => {
        const inputs = second("azurecni-aks").inputs;
        expect(inputs).toMatchObject({
            resourceName: "azurecni-cluster",
            dnsPrefix: "azurecni-cluster",
            enableRBAC: true,
        });
        expect(inputs.networkProfile).toEqual({
            networkPlugin: "azure",
            serviceCidr: "10.200.0.0/16",
            dnsServiceIP: "10.200.0.10",
            loadBalancerSku: "standard",
            outboundType: "loadBalancer",
        });
        expect(inputs.agentPoolProfiles).toEqual([
            {
                name: "system",
                mode: "System",
                type: "VirtualMachineScaleSets",
                osType: "Linux",
                count: 3,
                vmSize: "Standard_D2s_v5",
                maxPods: 30,
                vnetSubnetID: subnetId("azurecni"),
            },
        ]);
    });

    test("the same Kubernetes version and SSH settings as the kubenet cluster", async () => {
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop";
        const run = await runProgram({
            config: {
                azureCniCluster: "true",
                sshPublicKey: key,
                kubernetesVersion: "1.34",
                azureCniNodeCount: "5",
                azureCniMaxPods: "40",
            },
        });
        const expected = {
            kubernetesVersion: "1.34",
            linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: key }] } },
        };
        expect(run.resource("cluster-aks").inputs).toMatchObject(expected);
        expect(run.resource("azurecni-aks").inputs).toMatchObject(expected);
        expect(run.resource("azurecni-aks").inputs.agentPoolProfiles[0]).toMatchObject({ count: 5, maxPods: 40 });
    });

    test("the azurecni subnet never gets a route table", () => {
        expect(withAzureCni.resource("network-azurecni").inputs).not.toHaveProperty("routeTable");
        expect(withAzureCni.ofType("azure-native:network:RouteTable").map((table) => table.name)).toEqual([
            "network-routes",
        ]);
    });

    test("its own provider (secret kubeconfig, clusterIdentifier), and the nginx workload on it, named nginx in Kubernetes", () => {
        const provider = second("azurecni-k8s");
        expect(SECRET_SIGNATURE in provider.inputs.kubeconfig).toBe(true);
        expect(provider.inputs.clusterIdentifier).toMatch(/managedClusters\/azurecni-cluster$/);
        const providerRef = `${provider.urn}::azurecni-k8s-id`;
        const workload = withAzureCni.resources.filter((resource) => resource.name.startsWith("azurecni-nginx-"));
        expect(workload).toHaveLength(4);
        for (const resource of workload) {
            expect([resource.name, resource.provider]).toEqual([resource.name, providerRef]);
            expect(resource.inputs.metadata.name).toBe("nginx");
        }
        const service = second("azurecni-nginx-service").inputs;
        expect(service.metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"]).toBe(
            "services",
        );
        expect(plainInputs(second("azurecni-nginx-deployment"))).toEqual(
            plainInputs(withAzureCni.resource("nginx-deployment")),
        );
    });

    test("both clusters' Kubernetes objects pass the OpenAPI schema", () => {
        for (const prefix of ["", "azurecni-"]) {
            const inputs = (suffix: string) => plainInputs(withAzureCni.resource(`${prefix}nginx-${suffix}`));
            expect(() => new Namespace(inputs("namespace")).validate()).not.toThrow();
            expect(() => new Deployment(inputs("deployment")).validate()).not.toThrow();
            expect(() => new PodDisruptionBudget(inputs("pdb")).validate()).not.toThrow();
            expect(() => new Service(inputs("service")).validate()).not.toThrow();
        }
    });

    test("outputs grouped under azureCni, its kubeconfig secret, with next steps", () => {
        expect(withAzureCni.outputs.azureCni).toMatchObject({
            clusterName: "azurecni-cluster",
            nodeResourceGroup: "MC_NetworkLab_azurecni-cluster_eastus",
            kubeconfig: expect.stringContaining("command: kubelogin"),
            nginxClusterIp: "10.200.12.34",
            nginxLoadBalancerIp: "10.220.3.4",
            nextSteps: {
                getCredentials: "az aks get-credentials -g NetworkLab -n azurecni-cluster",
                verify: "npm run verify -- --cluster azurecni",
            },
        });
        expect([...withAzureCni.secretOutputs].sort()).toEqual(["azureCni.kubeconfig", "kubeconfig"]);
        expect(withAzureCni.outputs.azureCni.kubeconfig).toContain("name: azurecni-cluster");
        expect(withAzureCni.outputs.addressPlan.azureCni.nodes.map((node: { ip: string }) => node.ip)).toEqual([
            "10.220.2.4",
            "10.220.2.35",
            "10.220.2.66",
        ]);
        expect(kubenet.outputs.azureCni).toBeUndefined();
    });

    test("a second cluster that does not fit its subnet stops everything before any resource", async () => {
        const run = await runProgram({
            config: { azureCniCluster: "true", azureCniSubnetCidr: "10.220.2.0/26", azureCniMaxPods: "30" },
        });
        expect(run.error?.message).toMatch(
            /azureCniNodeCount: azureCniNodeCount 3 .* = 124 addresses, but azureCniSubnetCidr 10\.220\.2\.0\/26 has 59/,
        );
        expect(run.resources).toEqual([]);
    });
});

describe("networkPlugin=overlay: kubenet's successor, the same cluster", () => {
    test("the same URNs minus the route table and its grant", () => {
        const gone = kubenet.resources
            .filter((resource) => !byUrn(overlay).has(resource.urn))
            .map((resource) => resource.name);
        expect(gone.sort()).toEqual(["cluster-network-contributor-route-table", "network-routes"]);
        expect(overlay.resources.filter((resource) => !byUrn(kubenet).has(resource.urn))).toEqual([]);
    });

    test("the cluster differs only in the plugin fields; the kubenet subnet only in routeTable; nothing else differs", () => {
        const kubenetByUrn = byUrn(kubenet);
        const differing = overlay.resources.filter(
            (resource) =>
                JSON.stringify(plainInputs(resource)) !== JSON.stringify(plainInputs(kubenetByUrn.get(resource.urn)!)),
        );
        // The wait's triggers name the grants, of which there is one fewer.
        expect(differing.map((resource) => resource.name).sort()).toEqual([
            "cluster-aks",
            "cluster-grant-propagation",
            "network-kubenet",
        ]);
        const was = kubenet.resource("cluster-aks").inputs;
        expect(overlay.resource("cluster-aks").inputs).toEqual({
            ...was,
            networkProfile: { ...was.networkProfile, networkPlugin: "azure", networkPluginMode: "overlay" },
        });
        const { routeTable, ...subnetWithoutTable } = kubenet.resource("network-kubenet").inputs;
        expect(routeTable).toBeDefined();
        expect(overlay.resource("network-kubenet").inputs).toEqual(subnetWithoutTable);
    });

    test("no route table in the outputs or the plan; the pod slices stay", () => {
        expect(overlay.outputs.routeTableId).toBeUndefined();
        expect(overlay.outputs.nextSteps).not.toHaveProperty("viewRoutes");
        expect(overlay.outputs.addressPlan).toMatchObject({ networkPlugin: "overlay", routes: [] });
        expect(overlay.outputs.addressPlan.nodes).toEqual(kubenet.outputs.addressPlan.nodes);
        expect(overlay.outputs.networkPlugin).toBe("overlay");
    });

    test("any other plugin is refused, naming the key", async () => {
        const run = await runProgram({ config: { networkPlugin: "azure" } });
        expect(run.error?.message).toMatch(
            /networkPlugin: "azure" is not a network plugin of this program; use kubenet or overlay/,
        );
        expect(run.resources).toEqual([]);
    });
});
