/**
 * The rehearsal's Azure stand-in without the engine: its answers to Check, Diff, Create, Read,
 * Update, Delete and the invokes, driven as the engine drives them, on a state file of its own,
 * with its effects on the control plane recorded. The real engine meets it in `npm run test:engine`.
 * Expectations come from sources of their own: the address plan for the routes AKS writes (the
 * stand-in computes them itself), Azure's answers as their issues and docs quote them.
 */
import { cidr, planNode, routeFor } from "../addressPlan";
import { AZURE_ROLES } from "../names";
import type { JsonObject } from "../rehearsal/azureModel";
import { AZURE_CHANGES, azureChangeNamed, OVERLAY_FIELDS_AFTER_UPDATE } from "../rehearsal/standIn/azureChanges";
import { readAzureState, writeAzureState } from "../rehearsal/standIn/azureState";
import { AzureStandIn, unwrapSecrets } from "../rehearsal/standIn/provider";
import { clusterInputs, make, network, standIn, TYPES, urn, withNetwork, withPool } from "./helpers/standIn";

/** The dev stack's nodes as the address plan places them (its pod CIDR and kubenet subnet). */
const plannedNodes = [0, 1, 2].map((index) => planNode(cidr("10.100.0.0/16"), cidr("10.220.1.0/24"), index));
const routesIn = (statePath: string, tableId: string) =>
    ((readAzureState(statePath).resources[tableId].body.properties as JsonObject).routes as JsonObject[]) ?? [];

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
            azureApiVersion: "2025-09-01",
        });
        // kube-dns at the DNS service IP, in the cluster's own service range, as AKS's CoreDNS add-on.
        expect(recorded.addons).toEqual([{ dnsServiceIp: "10.200.0.10", serviceCidr: "10.200.0.0/16" }]);
        expect(recorded.nodes.at(-1)).toMatchObject({
            clusterName: "kubenet-cluster",
            subnetCidr: "10.220.1.0/24",
            podCidr: "10.100.0.0/16",
            pools: [{ name: "system", mode: "System", count: 3 }],
        });
        // One route per node, computed by the stand-in itself: the address plan's, route for route.
        expect(
            routesIn(statePath, routes.id).map((route) => [
                (route.properties as JsonObject).addressPrefix,
                (route.properties as JsonObject).nextHopIpAddress,
            ]),
        ).toEqual(plannedNodes.map(routeFor).map((route) => [route.addressPrefix, route.nextHopIpAddress]));
    });

    test("without Network Contributor on the route table AKS refuses: CustomRouteTableMissingPermission, and nothing is recorded", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: false });
        await expect(
            make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id)),
        ).rejects.toThrow(/^Azure stand-in \(rehearsal, not Azure\): PUT \S+: 400 CustomRouteTableMissingPermission/);
        // No `id` on a refusal: Pulumi's provider SDK would take it for a resource created and failed.
        const refusal = await make(provider, TYPES.cluster, "again", clusterInputs(subnet.id, identity.id)).catch(
            (error: object) => error,
        );
        expect(refusal).not.toHaveProperty("id");
        expect(Object.keys(readAzureState(statePath).resources).some((id) => id.includes("managedClusters"))).toBe(
            false,
        );
    });

    test("a parent that does not exist, a name taken, a principal type that does not match, a second cluster: refused as Azure refuses", async () => {
        const { provider } = standIn();
        await expect(
            make(provider, TYPES.vnet, "v", {
                resourceGroupName: "Nowhere",
                virtualNetworkName: "v",
                location: "eastus",
            }),
        ).rejects.toThrow(/404 ResourceGroupNotFound: Resource group 'Nowhere' could not be found/);
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        await expect(
            make(provider, TYPES.identity, "again", {
                resourceGroupName: "NetworkLab",
                location: "eastus",
                resourceName: "kubenet-cluster-control-plane",
            }),
        ).rejects.toThrow(/cannot create already existing resource/);
        await expect(
            make(provider, TYPES.grant, "wrong-type", {
                principalId: identity.outs.principalId,
                principalType: "User",
                roleDefinitionId: "r",
                scope: subnet.id,
            }),
        ).rejects.toThrow(/400 UnmatchedPrincipalType/);
        await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        await expect(
            make(provider, TYPES.cluster, "azurecni-aks", {
                ...clusterInputs(subnet.id, identity.id),
                resourceName: "azurecni-cluster",
            }),
        ).rejects.toThrow(/one local control plane/);
    });

    test("a role assignment keeps its GUID name across checks; RBAC Cluster Admin on an Azure RBAC cluster becomes a binding", async () => {
        const { provider, recorded } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const inputs = {
            principalId: "d0000000-0000-4000-8000-000000000001",
            roleDefinitionId: `/x/${AZURE_ROLES.aksRbacClusterAdmin.id}`,
            scope: cluster.id,
        };
        const admin = await make(provider, TYPES.grant, "cluster-rbac-cluster-admin-deployer", inputs);
        expect(admin.inputs.roleAssignmentName).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
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

describe("diff: the one force-new table, delete-first unless azure-native named it at random", () => {
    test("a pod CIDR change replaces the cluster delete-first; a grant's new principal replaces it create-first; nothing changed is no change", async () => {
        const { provider } = standIn();
        const { subnet, identity, grant } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const inputs = cluster.inputs;
        const diff = (state: JsonObject, news: JsonObject) =>
            provider.diff(cluster.id, urn(TYPES.cluster, "c"), state, news);
        expect(await diff(cluster.state, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await diff(cluster.state, withNetwork(inputs, { podCidr: "10.150.0.0/16" }))).toEqual({
            changes: true,
            replaces: ["networkProfile.podCidr"],
            deleteBeforeReplace: true,
        });
        expect(await diff(cluster.state, withPool(inputs, { count: 5 }))).toEqual({
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const newPrincipal = { ...grant!.inputs, principalId: "someone-else" };
        expect(await provider.diff(grant!.id, urn(TYPES.grant, "g"), grant!.state, newPrincipal)).toEqual({
            changes: true,
            replaces: ["principalId"],
            deleteBeforeReplace: false,
        });
    });
});

describe("read: what a refresh records, as azure-native's Read writes it", () => {
    test("after the Overlay move the changed input-shaped fields move into the inputs; computed ones, read-only ones at any depth, path parameters and routes do not", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const routesRead = await provider.read(routes.id, urn(TYPES.routes, "r"), routes.state);
        expect(routesRead.inputs).toEqual(routes.inputs); // AKS's routes are a sub-resource: never inputs
        const state = readAzureState(statePath);
        expect(azureChangeNamed("aks-update-overlay")!.apply(state)).toEqual([
            expect.stringMatching(
                /networkProfile now networkPlugin=azure, networkPluginMode=overlay, networkDataplane=azure, networkPolicy=none, outboundType=loadBalancer/,
            ),
            expect.stringMatching(/AKS deleted its 3 route\(s\); the table stays attached/),
        ]);
        writeAzureState(statePath, state);
        const read = await provider.read(cluster.id, urn(TYPES.cluster, "c"), cluster.state);
        const inputs = read.inputs as JsonObject;
        expect(inputs.networkProfile).toEqual({
            ...(cluster.inputs.networkProfile as JsonObject),
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "azure",
        });
        expect(inputs).not.toHaveProperty("nodeResourceGroup");
        expect(inputs).not.toHaveProperty("fqdn");
        // Read-only fields AKS reports inside a pool (currentOrchestratorVersion, powerState) stay out.
        expect(Object.keys((inputs.agentPoolProfiles as JsonObject[])[0]).sort()).toEqual(
            Object.keys((cluster.inputs.agentPoolProfiles as JsonObject[])[0]).sort(),
        );
        expect(routesIn(statePath, routes.id)).toHaveLength(0);
        expect(OVERLAY_FIELDS_AFTER_UPDATE).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay" });
    });

    test("a resource gone from Azure reads as gone; delete-route removes one of AKS's routes", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const state = readAzureState(statePath);
        expect(AZURE_CHANGES.map((change) => change.name)).toEqual(["aks-update-overlay", "delete-route"]);
        expect(azureChangeNamed("delete-route")!.apply(state)).toEqual([
            expect.stringMatching(/route aks-kubenet-cluster-0 \(10\.100\.0\.0\/24 -> 10\.220\.1\.4\) deleted/),
        ]);
        delete state.resources[subnet.id];
        writeAzureState(statePath, state);
        expect((await provider.read(subnet.id, urn(TYPES.subnet, "s"), subnet.state)).id).toBe("");
        expect(routesIn(statePath, routes.id)).toHaveLength(2);
    });
});

describe("update and delete: what AKS and Azure refuse", () => {
    test("turning Entra ID off is refused as AKS refuses it; a pool count change goes through and AKS rescales", async () => {
        const { provider, recorded } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const { aadProfile: _entra, ...withoutEntra } = cluster.inputs;
        await expect(provider.update(cluster.id, urn(TYPES.cluster, "c"), cluster.state, withoutEntra)).rejects.toThrow(
            /400 InvalidParameter: Microsoft Entra ID integration cannot be disabled once enabled .*\(target properties\.aadProfile\.managed\)/,
        );
        await provider.update(
            cluster.id,
            urn(TYPES.cluster, "c"),
            cluster.state,
            withPool(cluster.inputs, { count: 5 }),
        );
        expect(recorded.nodes.at(-1)!.pools[0].count).toBe(5);
    });

    test("a route table attached to a subnet, or a subnet the nodes use, cannot be deleted; deleting the cluster removes its nodes, routes and role assignments", async () => {
        const { provider, recorded, statePath } = standIn();
        const { subnet, identity, routes } = await network(provider, { grantRouteTable: true });
        const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        await expect(provider.delete(routes.id, urn(TYPES.routes, "r"), routes.state)).rejects.toThrow(
            /InUseRouteTableCannotBeDeleted/,
        );
        await expect(provider.delete(subnet.id, urn(TYPES.subnet, "s"), subnet.state)).rejects.toThrow(
            /InUseSubnetCannotBeDeleted/,
        );
        const admin = await make(provider, TYPES.grant, "admin", {
            principalId: "d0000000-0000-4000-8000-000000000001",
            roleDefinitionId: `/x/${AZURE_ROLES.aksRbacClusterAdmin.id}`,
            scope: cluster.id,
        });
        await provider.delete(cluster.id, urn(TYPES.cluster, "c"), cluster.state);
        expect(recorded.removed).toEqual(["kubenet-cluster"]);
        // Azure removes role assignments scoped to the cluster with it: their bindings go too.
        expect(recorded.unbound).toEqual([admin.inputs.roleAssignmentName]);
        expect(readAzureState(statePath).resources[admin.id]).toBeUndefined();
        expect(routesIn(statePath, routes.id)).toEqual([]);
    });
});

describe("invokes", () => {
    test("getClientConfig names the rehearsal's deployer; the user credentials are the effects' kubeconfig; admin credentials are refused with local accounts off, as AKS refuses them", async () => {
        const { provider, statePath } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        const config = (await provider.invoke("azure-native:authorization:getClientConfig", {})).outputs;
        expect(config).toMatchObject({
            objectId: "d0000000-0000-4000-8000-000000000001",
            subscriptionId: readAzureState(statePath).subscriptionId,
        });
        const args = { resourceGroupName: "NetworkLab", resourceName: "kubenet-cluster" };
        const credentials = (
            await provider.invoke("azure-native:containerservice:listManagedClusterUserCredentials", args)
        ).outputs;
        expect(Buffer.from(credentials.kubeconfigs[0].value, "base64").toString()).toBe(
            "kubeconfig of kubenet-cluster, entra true, admin false",
        );
        // hashicorp/terraform-provider-azurerm#15489 quotes AKS's answer.
        await expect(
            provider.invoke("azure-native:containerservice:listManagedClusterAdminCredentials", args),
        ).rejects.toThrow(
            /400 BadRequest: Getting static credential is not allowed because this cluster is set to disable local accounts\./,
        );
        await expect(provider.invoke("azure-native:web:listWebAppPublishingCredentials", {})).rejects.toThrow(
            /not served/,
        );
        expect(unwrapSecrets({ a: 1 })).toEqual({ a: 1 });
    });
});

describe("a write Azure accepts and then fails", () => {
    test("the resource stays, Failed, and the error carries its id and state (as azure-native's HandleErrorWithCheckpoint): the engine records it, the next up updates it, destroy removes it", async () => {
        const { provider, statePath, recorded, effects } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        // The same Azure, with an AKS whose nodes the control plane refuses.
        const broken = new AzureStandIn({
            statePath,
            version: "3.28.0",
            effects: { ...effects, reconcileNodes: () => Promise.reject(new Error("kubectl apply: nodes refused")) },
        });
        const inputs = (
            await provider.check(urn(TYPES.cluster, "cluster-aks"), {}, clusterInputs(subnet.id, identity.id))
        ).inputs as JsonObject;
        const error = await broken.create(urn(TYPES.cluster, "cluster-aks"), inputs).then(
            () => undefined,
            (thrown: { id?: string; properties?: JsonObject; message: string }) => thrown,
        );
        expect(error?.message).toMatch(
            /was accepted and then failed \(provisioningState Failed\): kubectl apply: nodes refused/,
        );
        expect(error?.id).toMatch(/managedClusters\/kubenet-cluster$/);
        expect(unwrapSecrets(error?.properties)).toMatchObject({
            provisioningState: "Failed",
            __inputs: { resourceName: "kubenet-cluster" },
        });
        expect((readAzureState(statePath).resources[error!.id!].body.properties as JsonObject).provisioningState).toBe(
            "Failed",
        );
        // The next up: an update of the recorded resource, which succeeds with an AKS that works.
        await provider.update(error!.id!, urn(TYPES.cluster, "cluster-aks"), error!.properties, inputs);
        expect((readAzureState(statePath).resources[error!.id!].body.properties as JsonObject).provisioningState).toBe(
            "Succeeded",
        );
        await provider.delete(error!.id!, urn(TYPES.cluster, "cluster-aks"));
        expect(readAzureState(statePath).resources[error!.id!]).toBeUndefined();
        expect(recorded.removed).toEqual(["kubenet-cluster"]);
    });
});
