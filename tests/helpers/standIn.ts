/**
 * The Azure stand-in without the engine, driven as the engine drives it (Check, then Create,
 * Diff, Update, Read, Delete), on a state file of its own, with its effects on the control plane
 * recorded. The dev stack's network and cluster as the program declares them, for the suites.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ClusterNodes } from "../../engine/controlPlane";
import { AZURE_ROLES } from "../../names";
import type { JsonObject } from "../../rehearsal/azureModel";
import { newAzureState, writeAzureState } from "../../rehearsal/standIn/azureState";
import { AzureStandIn, ClusterEffects, RoleBinding, unwrapSecrets } from "../../rehearsal/standIn/provider";
import { TUTORIAL_KUBENET_NETWORK_PROFILE } from "./tutorial";

export const urn = (type: string, name: string) =>
    `urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$${type}::${name}`;

export const TYPES = {
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    routes: "azure-native:network:RouteTable",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    grant: "azure-native:authorization:RoleAssignment",
    cluster: "azure-native:containerservice:ManagedCluster",
    pool: "azure-native:containerservice:AgentPool",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    workspace: "azure-native:operationalinsights:Workspace",
    rgLock: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    scopeLock: "azure-native:authorization:ManagementLockByScope",
} as const;

export interface Recorded {
    nodes: ClusterNodes[];
    removed: string[];
    addons: Array<{ dnsServiceIp: string; serviceCidr?: string } | "removed">;
    bound: RoleBinding[];
    unbound: string[];
}

export function standIn(): { provider: AzureStandIn; statePath: string; recorded: Recorded; effects: ClusterEffects } {
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
        ensureAddons: (addons) => Promise.resolve(void recorded.addons.push(addons)),
        removeAddons: () => Promise.resolve(void recorded.addons.push("removed")),
        bindRole: (binding) => Promise.resolve(void recorded.bound.push(binding)),
        unbindRole: (name) => Promise.resolve(void recorded.unbound.push(name)),
        userKubeconfig: (cluster) =>
            `kubeconfig of ${cluster.name}, entra ${cluster.entra}, admin ${cluster.admin === true}`,
    };
    return { provider: new AzureStandIn({ statePath, effects, version: "3.28.0" }), statePath, recorded, effects };
}

/** Check then Create, as the engine does for a new resource; the outputs without the checkpoint. */
export async function make(provider: AzureStandIn, type: string, name: string, inputs: JsonObject) {
    const checked = await provider.check(urn(type, name), {}, inputs);
    if (checked.failures?.length) throw new Error(`Check failed: ${JSON.stringify(checked.failures)}`);
    const created = await provider.create(urn(type, name), checked.inputs);
    return {
        id: created.id,
        outs: unwrapSecrets(created.outs) as JsonObject,
        inputs: checked.inputs as JsonObject,
        state: created.outs as JsonObject,
    };
}

/** The dev stack's network and identity, as the program declares them, through the stand-in. */
export async function network(provider: AzureStandIn, options: { grantRouteTable: boolean }) {
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

/** The dev stack's cluster inputs, as azure-native's SDK sends them. */
export const clusterInputs = (subnetId: string, identityId: string): JsonObject => ({
    resourceGroupName: "NetworkLab",
    resourceName: "kubenet-cluster",
    location: "eastus",
    dnsPrefix: "kubenet-cluster",
    enableRBAC: true,
    identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
    aadProfile: { managed: true, enableAzureRBAC: true, tenantID: "t" },
    disableLocalAccounts: true,
    networkProfile: { ...TUTORIAL_KUBENET_NETWORK_PROFILE },
    agentPoolProfiles: [
        { name: "system", mode: "System", count: 3, vmSize: "Standard_D2s_v5", maxPods: 110, vnetSubnetID: subnetId },
    ],
});

/** A network profile changed (the dev cluster's inputs with `changes` over its networkProfile). */
export const withNetwork = (inputs: JsonObject, changes: JsonObject): JsonObject => ({
    ...inputs,
    networkProfile: { ...(inputs.networkProfile as JsonObject), ...changes },
});

/** The inline pool changed. */
export const withPool = (inputs: JsonObject, changes: JsonObject): JsonObject => ({
    ...inputs,
    agentPoolProfiles: [{ ...(inputs.agentPoolProfiles as JsonObject[])[0], ...changes }],
});
