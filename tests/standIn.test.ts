/**
 * The rehearsal's Azure stand-in without the engine: its answers to Check, Diff, Create, Read,
 * Update, Delete and the invokes, driven as the engine drives them, on a state file of its own,
 * with its effects on the control plane recorded. The real engine meets it in `npm run test:engine`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { cidr, planNode, routeFor } from "../addressPlan";
import { AZURE_ROLES } from "../names";
import { JsonObject } from "../rehearsal/azureModel";
import { AZURE_CHANGES, azureChangeNamed, OVERLAY_FIELDS_AFTER_UPDATE } from "../rehearsal/standIn/azureChanges";
import { newAzureState, readAzureState, writeAzureState } from "../rehearsal/standIn/azureState";
import { aksNodeManifests, ClusterNodes } from "../engine/controlPlane";
import { roleBindingManifest, userKubeconfigText } from "../rehearsal/standIn/effects";
import { AzureStandIn, ClusterEffects, RoleBinding, unwrapSecrets } from "../rehearsal/standIn/provider";
import { parseSdkShape, sdkFileOf } from "../rehearsal/standIn/sdkShapes";
import { STAND_IN_DEPARTURES } from "../rehearsal/standIn/departures";

const urn = (type: string, name: string) => `urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$${type}::${name}`;
const TYPES = {
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    routes: "azure-native:network:RouteTable",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    grant: "azure-native:authorization:RoleAssignment",
    cluster: "azure-native:containerservice:ManagedCluster",
} as const;

interface Recorded {
    nodes: ClusterNodes[];
    removed: string[];
    addons: string[];
    bound: RoleBinding[];
    unbound: string[];
}

function standIn(): { provider: AzureStandIn; statePath: string; recorded: Recorded } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-"));
    const statePath = path.join(dir, "azure.json");
    writeAzureState(
        statePath,
        newAzureState({
            deployer: "d0000000-0000-4000-8000-000000000001",
            reader: "d0000000-0000-4000-8000-000000000002",
        }),
    );
    const recorded: Recorded = { nodes: [], removed: [], addons: [], bound: [], unbound: [] };
    const effects: ClusterEffects = {
        reconcileNodes: (nodes) => Promise.resolve(void recorded.nodes.push(nodes)),
        removeNodes: (name) => Promise.resolve(void recorded.removed.push(name)),
        ensureAddons: ({ dnsServiceIp }) => Promise.resolve(void recorded.addons.push(dnsServiceIp)),
        removeAddons: () => Promise.resolve(void recorded.addons.push("removed")),
        bindRole: (binding) => Promise.resolve(void recorded.bound.push(binding)),
        unbindRole: (name) => Promise.resolve(void recorded.unbound.push(name)),
        userKubeconfig: (cluster) => `kubeconfig of ${cluster.name}, entra ${cluster.entra}`,
    };
    return { provider: new AzureStandIn({ statePath, effects, version: "3.28.0" }), statePath, recorded };
}

/** Check then Create, as the engine does for a new resource; the outputs without the checkpoint. */
async function make(provider: AzureStandIn, type: string, name: string, inputs: JsonObject) {
    const checked = await provider.check(urn(type, name), {}, inputs);
    const created = await provider.create(urn(type, name), checked.inputs);
    return { id: created.id, outs: unwrapSecrets(created.outs) as JsonObject, inputs: checked.inputs as JsonObject };
}

/** The dev stack's nodes as the address plan places them (its pod CIDR and kubenet subnet). */
const plannedNodes = [0, 1, 2].map((index) => planNode(cidr("10.100.0.0/16"), cidr("10.220.1.0/24"), index));

/** The dev stack's network and identity, as the program declares them, through the stand-in. */
async function network(provider: AzureStandIn, options: { grantRouteTable: boolean }) {
    const group = { resourceGroupName: "NetworkLab" };
    await make(provider, TYPES.rg, "network-rg", { ...group, location: "eastus" });
    await make(provider, TYPES.vnet, "network-vnet", {
        ...group,
        location: "eastus",
        virtualNetworkName: "aksvnet",
        addressSpace: { addressPrefixes: ["10.220.0.0/16"] },
    });
    const routes = await make(provider, TYPES.routes, "network-routes", {
        ...group,
        location: "eastus",
        routeTableName: "aksvnet-kubenet-routes",
    });
    const subnet = await make(provider, TYPES.subnet, "network-kubenet", {
        ...group,
        virtualNetworkName: "aksvnet",
        subnetName: "kubenet",
        addressPrefix: "10.220.1.0/24",
        routeTable: { id: routes.id },
    });
    const identity = await make(provider, TYPES.identity, "cluster-identity", {
        ...group,
        location: "eastus",
        resourceName: "kubenet-cluster-control-plane",
    });
    const grant = options.grantRouteTable
        ? await make(provider, TYPES.grant, "cluster-network-contributor-route-table", {
              principalId: identity.outs.principalId,
              principalType: "ServicePrincipal",
              roleDefinitionId: `/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/${AZURE_ROLES.networkContributor.id}`,
              scope: routes.id,
          })
        : undefined;
    return { routes, subnet, identity, grant };
}

const clusterInputs = (subnetId: string, identityId: string): JsonObject => ({
    resourceGroupName: "NetworkLab",
    resourceName: "kubenet-cluster",
    location: "eastus",
    dnsPrefix: "kubenet-cluster",
    enableRBAC: true,
    identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
    aadProfile: { managed: true, enableAzureRBAC: true, tenantID: "t" },
    disableLocalAccounts: true,
    networkProfile: {
        networkPlugin: "kubenet",
        podCidr: "10.100.0.0/16",
        serviceCidr: "10.200.0.0/16",
        dnsServiceIP: "10.200.0.10",
        loadBalancerSku: "standard",
        outboundType: "loadBalancer",
    },
    agentPoolProfiles: [
        { name: "system", mode: "System", count: 3, vmSize: "Standard_D2s_v5", maxPods: 110, vnetSubnetID: subnetId },
    ],
});

describe("create: what Azure and AKS fill in and do", () => {
    test("ARM ids from the path parameters; an identity gets a principal; the cluster its node resource group, FQDN and the networkProfile AKS computes", async () => {
        const { provider, recorded, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        expect(subnet.id).toBe(
            `/subscriptions/${readAzureState(statePath).subscriptionId}/resourceGroups/NetworkLab/providers/Microsoft.Network/virtualNetworks/aksvnet/subnets/kubenet`,
        );
        expect(identity.outs.principalId).toMatch(/^[0-9a-f-]{36}$/);
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        expect(cluster.outs).toMatchObject({
            nodeResourceGroup: "MC_NetworkLab_kubenet-cluster_eastus",
            fqdn: expect.stringMatching(/^kubenet-cluster-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/),
            networkProfile: { networkPolicy: "none", podCidrs: ["10.100.0.0/16"], ipFamilies: ["IPv4"] },
            aadProfile: { managed: true, enableAzureRBAC: true },
        });
        // AKS brought up 3 system nodes and wrote one route per node: the address plan's.
        expect(recorded.addons).toEqual(["10.200.0.10"]); // kube-dns at the DNS service IP, as AKS's CoreDNS
        expect(recorded.nodes.at(-1)).toMatchObject({
            clusterName: "kubenet-cluster",
            subnetCidr: "10.220.1.0/24",
            podCidr: "10.100.0.0/16",
            pools: [{ name: "system", mode: "System", count: 3 }],
        });
        const table = readAzureState(statePath).resources[routes.id].outputs.routes as JsonObject[];
        expect(table.map((route) => [route.addressPrefix, route.nextHopIpAddress])).toEqual(
            plannedNodes.map(routeFor).map((route) => [route.addressPrefix, route.nextHopIpAddress]),
        );
    });

    test("without Network Contributor on the route table AKS refuses: CustomRouteTableMissingPermission", async () => {
        const { provider } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: false });
        await expect(
            make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id)),
        ).rejects.toThrow(/^Azure stand-in \(rehearsal, not Azure\): CustomRouteTableMissingPermission/);
    });

    test("a parent that does not exist, a name taken, a principal type that does not match, a second cluster: refused as Azure refuses", async () => {
        const { provider } = standIn();
        await expect(
            make(provider, TYPES.vnet, "v", { resourceGroupName: "Nowhere", virtualNetworkName: "v" }),
        ).rejects.toThrow(/ResourceNotFound/);
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        await expect(
            make(provider, TYPES.identity, "again", {
                resourceGroupName: "NetworkLab",
                location: "eastus",
                resourceName: "kubenet-cluster-control-plane",
            }),
        ).rejects.toThrow(/already exists/);
        await expect(
            make(provider, TYPES.grant, "wrong-type", {
                principalId: identity.outs.principalId,
                principalType: "User",
                roleDefinitionId: "r",
                scope: subnet.id,
            }),
        ).rejects.toThrow(/UnmatchedPrincipalType/);
        await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        await expect(
            make(provider, TYPES.cluster, "azurecni-aks", {
                ...clusterInputs(subnet.id, identity.id),
                resourceName: "azurecni-cluster",
            }),
        ).rejects.toThrow(/one local control plane/);
    });

    test("a role assignment keeps its random name across checks; RBAC Cluster Admin on an Azure RBAC cluster becomes a binding", async () => {
        const { provider, recorded } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const inputs = {
            principalId: "d0000000-0000-4000-8000-000000000001",
            roleDefinitionId: `/x/${AZURE_ROLES.aksRbacClusterAdmin.id}`,
            scope: cluster.id,
        };
        const admin = await make(provider, TYPES.grant, "cluster-rbac-cluster-admin-deployer", inputs);
        expect((await provider.check(urn(TYPES.grant, "x"), admin.inputs, inputs)).inputs.roleAssignmentName).toBe(
            admin.inputs.roleAssignmentName,
        );
        expect(admin.outs.principalType).toBe("User"); // Azure looked the type up
        expect(recorded.bound).toEqual([
            { name: admin.inputs.roleAssignmentName, principalId: inputs.principalId, role: "cluster-admin" },
        ]);
        await provider.delete(admin.id, urn(TYPES.grant, "cluster-rbac-cluster-admin-deployer"));
        expect(recorded.unbound).toEqual([admin.inputs.roleAssignmentName]);
    });
});

describe("diff: the one force-new table, delete-first where azure-native does it", () => {
    test("a pod CIDR change replaces the cluster delete-first; a grant's new principal replaces it create-first; nothing changed is no change", async () => {
        const { provider } = standIn();
        const { subnet, identity, grant } = await network(provider, { grantRouteTable: true });
        const cluster = await provider.create(urn(TYPES.cluster, "cluster-aks"), clusterInputs(subnet.id, identity.id));
        const inputs = clusterInputs(subnet.id, identity.id);
        expect(await provider.diff(cluster.id, urn(TYPES.cluster, "c"), cluster.outs, inputs)).toEqual({
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const podCidr = {
            ...inputs,
            networkProfile: { ...(inputs.networkProfile as JsonObject), podCidr: "10.150.0.0/16" },
        };
        expect(await provider.diff(cluster.id, urn(TYPES.cluster, "c"), cluster.outs, podCidr)).toEqual({
            changes: true,
            replaces: ["networkProfile.podCidr"],
            deleteBeforeReplace: true,
        });
        const nodeCount = {
            ...inputs,
            agentPoolProfiles: [{ ...(inputs.agentPoolProfiles as JsonObject[])[0], count: 5 }],
        };
        expect(await provider.diff(cluster.id, urn(TYPES.cluster, "c"), cluster.outs, nodeCount)).toEqual({
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const newPrincipal = { ...grant!.inputs, principalId: "someone-else" };
        const grantState = (
            await provider.read(grant!.id, urn(TYPES.grant, "g"), { ...grant!.outs, __inputs: grant!.inputs })
        ).props;
        expect(await provider.diff(grant!.id, urn(TYPES.grant, "g"), grantState, newPrincipal)).toEqual({
            changes: true,
            replaces: ["principalId"],
            deleteBeforeReplace: false,
        });
    });
});

describe("read: what a refresh records, as azure-native's Read writes it", () => {
    test("after the Overlay move the changed input-shaped fields move into the inputs; computed ones, path parameters and routes do not", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        const cluster = await provider.create(urn(TYPES.cluster, "cluster-aks"), clusterInputs(subnet.id, identity.id));
        const routesState = await provider.read(routes.id, urn(TYPES.routes, "r"), {
            ...routes.outs,
            __inputs: routes.inputs,
        });
        expect(routesState.inputs).toEqual(routes.inputs); // AKS's routes are a sub-resource: never inputs
        const state = readAzureState(statePath);
        expect(azureChangeNamed("aks-update-overlay")!.apply(state)).toEqual([
            expect.stringMatching(
                /networkProfile now networkPlugin=azure, networkPluginMode=overlay, networkDataplane=azure, networkPolicy=none, outboundType=loadBalancer/,
            ),
            expect.stringMatching(/AKS deleted its 3 route\(s\); the table stays attached/),
        ]);
        writeAzureState(statePath, state);
        const read = await provider.read(cluster.id, urn(TYPES.cluster, "c"), cluster.outs);
        expect((read.inputs as JsonObject).networkProfile).toEqual({
            ...(clusterInputs(subnet.id, identity.id).networkProfile as JsonObject),
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "azure",
        });
        expect(read.inputs).not.toHaveProperty("nodeResourceGroup");
        expect(read.inputs).not.toHaveProperty("fqdn");
        expect((readAzureState(statePath).resources[routes.id].outputs.routes as unknown[]).length).toBe(0);
        expect(OVERLAY_FIELDS_AFTER_UPDATE).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay" });
    });

    test("a resource gone from Azure reads as gone; delete-route removes one of AKS's routes", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        await provider.create(urn(TYPES.cluster, "cluster-aks"), clusterInputs(subnet.id, identity.id));
        const state = readAzureState(statePath);
        expect(AZURE_CHANGES.map((change) => change.name)).toEqual(["aks-update-overlay", "delete-route"]);
        expect(azureChangeNamed("delete-route")!.apply(state)).toEqual([
            expect.stringMatching(/route aks-kubenet-cluster-0 \(10\.100\.0\.0\/24 -> 10\.220\.1\.4\) deleted/),
        ]);
        delete state.resources[subnet.id];
        writeAzureState(statePath, state);
        expect((await provider.read(subnet.id, urn(TYPES.subnet, "s"), subnet.outs)).id).toBe("");
        expect((readAzureState(statePath).resources[routes.id].outputs.routes as unknown[]).length).toBe(2);
    });
});

describe("update and delete: what AKS and Azure refuse", () => {
    test("turning Entra ID off is refused as AKS refuses it (guard/replacements.ts IRREVERSIBLE_CHANGES); a pool count change goes through and AKS rescales", async () => {
        const { provider, recorded } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const inputs = clusterInputs(subnet.id, identity.id);
        const cluster = await provider.create(urn(TYPES.cluster, "cluster-aks"), inputs);
        const { aadProfile: _entra, ...withoutEntra } = inputs;
        await expect(provider.update(cluster.id, urn(TYPES.cluster, "c"), cluster.outs, withoutEntra)).rejects.toThrow(
            /AKS refuses to change aadProfile\.managed \(one-way\)/,
        );
        const five = { ...inputs, agentPoolProfiles: [{ ...(inputs.agentPoolProfiles as JsonObject[])[0], count: 5 }] };
        await provider.update(cluster.id, urn(TYPES.cluster, "c"), cluster.outs, five);
        expect(recorded.nodes.at(-1)!.pools[0].count).toBe(5);
    });

    test("a route table attached to a subnet, or a subnet the nodes use, cannot be deleted; deleting the cluster removes its nodes and routes", async () => {
        const { provider, recorded, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        const cluster = await provider.create(urn(TYPES.cluster, "cluster-aks"), clusterInputs(subnet.id, identity.id));
        await expect(provider.delete(routes.id, urn(TYPES.routes, "r"), routes.outs)).rejects.toThrow(
            /InUseRouteTableCannotBeDeleted/,
        );
        await expect(provider.delete(subnet.id, urn(TYPES.subnet, "s"), subnet.outs)).rejects.toThrow(
            /InUseSubnetCannotBeDeleted/,
        );
        const admin = await make(provider, TYPES.grant, "admin", {
            principalId: "d0000000-0000-4000-8000-000000000001",
            roleDefinitionId: `/x/${AZURE_ROLES.aksRbacClusterAdmin.id}`,
            scope: cluster.id,
        });
        await provider.delete(cluster.id, urn(TYPES.cluster, "c"), cluster.outs);
        expect(recorded.removed).toEqual(["kubenet-cluster"]);
        // Azure removes role assignments scoped to the cluster with it: their bindings go too.
        expect(recorded.unbound).toEqual([admin.inputs.roleAssignmentName]);
        expect(readAzureState(statePath).resources[admin.id]).toBeUndefined();
        expect(readAzureState(statePath).resources[routes.id].outputs.routes).toEqual([]);
    });
});

describe("invokes", () => {
    test("getClientConfig names the rehearsal's deployer; the user credentials are the effects' kubeconfig for that cluster", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        await provider.create(urn(TYPES.cluster, "cluster-aks"), clusterInputs(subnet.id, identity.id));
        const config = (await provider.invoke("azure-native:authorization:getClientConfig", {})).outputs;
        expect(config).toMatchObject({
            objectId: "d0000000-0000-4000-8000-000000000001",
            subscriptionId: readAzureState(statePath).subscriptionId,
        });
        const credentials = (
            await provider.invoke("azure-native:containerservice:listManagedClusterUserCredentials", {
                resourceGroupName: "NetworkLab",
                resourceName: "kubenet-cluster",
            })
        ).outputs;
        expect(Buffer.from(credentials.kubeconfigs[0].value, "base64").toString()).toBe(
            "kubeconfig of kubenet-cluster, entra true",
        );
        await expect(
            provider.invoke("azure-native:containerservice:listManagedClusterAdminCredentials", {}),
        ).rejects.toThrow(/not served/);
    });
});

describe("the control plane's side, as manifests", () => {
    test("nodes labelled as AKS labels a pool, tainted as declared, with addresses and slices from the address plan", () => {
        const nodes = aksNodeManifests({
            clusterName: "kubenet-cluster",
            nodeResourceGroup: "MC_x",
            location: "eastus",
            subnetCidr: "10.220.1.0/24",
            podCidr: "10.100.0.0/16",
            pools: [
                {
                    name: "system",
                    mode: "System",
                    count: 2,
                    vmSize: "Standard_D2s_v5",
                    zones: [],
                    taints: ["CriticalAddonsOnly=true:NoSchedule"],
                    labels: {},
                },
                {
                    name: "user",
                    mode: "User",
                    count: 1,
                    vmSize: "Standard_D4s_v5",
                    zones: ["1", "2"],
                    taints: [],
                    labels: {},
                },
            ],
        }) as any[];
        expect(
            nodes.map((node) => [
                node.metadata.labels["kubernetes.azure.com/agentpool"],
                node.metadata.labels["kubernetes.azure.com/mode"],
                node.metadata.labels["topology.kubernetes.io/zone"],
                node.spec.podCIDR,
            ]),
        ).toEqual([
            ["system", "system", "0", "10.100.0.0/24"],
            ["system", "system", "0", "10.100.1.0/24"],
            ["user", "user", "eastus-1", "10.100.2.0/24"],
        ]);
        expect(nodes[0].spec.taints).toEqual([{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }]);
        expect(Object.values(nodes[2].metadata.annotations)).toContain(plannedNodes[2].ip);
    });

    test("an RBAC role assignment is a ClusterRoleBinding for the principal's object id", () => {
        expect(roleBindingManifest({ name: "abc", principalId: "p", role: "reader" })).toMatchObject({
            kind: "ClusterRoleBinding",
            roleRef: { name: "aks-kubenet-azure-rbac-reader" },
            subjects: [{ kind: "User", name: "p" }],
        });
    });

    test("the user kubeconfig: kubelogin's devicecode exec form with Entra ID, the local certificate without", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-"));
        const admin = path.join(dir, "admin.kubeconfig");
        fs.writeFileSync(admin, "users:\n- user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n");
        const link = {
            server: "https://127.0.0.1:6443",
            certificateAuthorityData: "Q0E=",
            adminKubeconfig: admin,
            kubectl: "kubectl",
        };
        const entra = parse(userKubeconfigText(link, { name: "c", entra: true, tenantId: "t" }));
        expect(entra.users[0].user.exec.args).toEqual(
            expect.arrayContaining(["--login", "devicecode", "--tenant-id", "t"]),
        );
        expect(entra.clusters[0].cluster).toEqual({
            server: "https://127.0.0.1:6443",
            "certificate-authority-data": "Q0E=",
        });
        const local = parse(userKubeconfigText(link, { name: "c", entra: false, tenantId: "t" }));
        expect(local.users[0].user).toEqual({ "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ" });
    });
});

test("docs/engine.md lists every departure of the stand-in, word for word", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "docs", "engine.md"), "utf8");
    for (const departure of STAND_IN_DEPARTURES)
        expect([departure, page.includes(`- ${departure}`)]).toEqual([departure, true]);
});

test("the SDK's own modules tell inputs from outputs", () => {
    const shape = parseSdkShape(fs.readFileSync(sdkFileOf(TYPES.cluster), "utf8"));
    expect([...shape.inputs]).toEqual(
        expect.arrayContaining(["networkProfile", "aadProfile", "resourceName", "nodeResourceGroup"]),
    );
    expect([...shape.outputOnly]).toEqual(
        expect.arrayContaining(["fqdn", "provisioningState", "currentKubernetesVersion"]),
    );
    expect(shape.inputs.has("fqdn")).toBe(false);
});
