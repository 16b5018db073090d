/**
 * The Azure stand-in: a resource provider the real Pulumi engine starts as
 * `pulumi-resource-azure-native` in a rehearsal (and only there). It answers Check, Diff, Create,
 * Read, Update, Delete and the two invokes the program uses the way azure-native does as the
 * project knows it from the provider's source (rehearsal/azureModel.ts, guard/replacements.ts),
 * keeping "Azure" in a JSON file (azureState.ts). Its AKS is the rehearsal's local control plane:
 * effects.ts brings up the nodes, binds Azure RBAC roles and writes the kubeconfig. Where it departs
 * from azure-native: departures.ts.
 */
import { randomUUID } from "crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { cidr, planNode, pluginOfProfile, routeFor } from "../../addressPlan";
import type { ClusterNodes, PoolNodes } from "../../engine/controlPlane";
import { irreversibleChangesBetween, REPLACEMENT_FACTS } from "../../guard/replacements";
import { AZURE_ROLES } from "../../names";
import { isObject, Json, JsonObject, providerDiff, refreshedInputs, text, withoutNulls } from "../azureModel";
import { AzureResource, AzureState, copy, readAzureState, writeAzureState } from "./azureState";
import { stableGuid, STAND_IN_TYPES, StandInType, TypeContext } from "./azureTypes";
import { sdkShapeOf } from "./sdkShapes";

/** What the stand-in's AKS does on the local control plane (effects.ts; a recording fake in tests). */
export interface ClusterEffects {
    /** Brings the cluster's pools to their node counts, labelled and tainted as AKS does. */
    reconcileNodes(cluster: ClusterNodes): Promise<void>;
    /** Removes every node of the cluster. */
    removeNodes(clusterName: string): Promise<void>;
    /** The add-ons AKS runs in kube-system; the one verify looks at is kube-dns at the DNS service IP. */
    ensureAddons(addons: { dnsServiceIp: string }): Promise<void>;
    removeAddons(): Promise<void>;
    /** Azure RBAC for Kubernetes: the binding a role assignment on the cluster stands for. */
    bindRole(binding: RoleBinding): Promise<void>;
    unbindRole(name: string): Promise<void>;
    /** The kubeconfig listManagedClusterUserCredentials returns. */
    userKubeconfig(cluster: { name: string; entra: boolean; tenantId: string }): string;
}

export interface RoleBinding {
    /** The role assignment's name: one binding per assignment. */
    readonly name: string;
    /** The Entra object id: the user name the local API server knows the principal by. */
    readonly principalId: string;
    readonly role: "cluster-admin" | "reader";
}

/** The token of the secret the SDK's struct carries (sdk/nodejs/runtime/rpc.ts specialSigKey). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Plain JSON from the engine's values: secrets unwrapped. */
export function unwrapSecrets(value: unknown): Json {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (isObject(value)) {
        if (value[SECRET_SIGNATURE] === SECRET_VALUE) return unwrapSecrets(value.value);
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
    }
    return value as Json;
}
const asSecret = (value: Json): JsonObject => ({ [SECRET_SIGNATURE]: SECRET_VALUE, value });

const typeOfUrn = (urn: string): string => urn.split("::")[2].split("$").pop()!;

/** A failure the engine shows on the resource, prefixed so nobody mistakes it for Azure's. */
export class StandInError extends Error {
    constructor(message: string) {
        super(`Azure stand-in (rehearsal, not Azure): ${message}`);
    }
}

function standInTypeOf(type: string): StandInType {
    const known = STAND_IN_TYPES[type];
    if (!known)
        throw new StandInError(`${type} is not served by the rehearsal's stand-in (rehearsal/standIn/azureTypes.ts)`);
    return known;
}

/**
 * The checkpoint azure-native keeps in every state: the inputs under `__inputs`, as a secret
 * (provider.go `checkpointObject`). Diff and Read take the recorded inputs from it.
 */
export const checkpoint = (outputs: JsonObject, inputs: JsonObject): JsonObject => ({
    ...outputs,
    __inputs: asSecret(inputs),
});
const recordedInputsOf = (state: JsonObject): JsonObject => {
    const inputs = unwrapSecrets(state.__inputs);
    return isObject(inputs) ? inputs : {};
};
const withoutCheckpoint = (state: JsonObject): JsonObject => {
    const { __inputs: _checkpoint, ...outputs } = state;
    return outputs;
};

/**
 * The input-shaped projection of what Azure reports, as azure-native's Read computes it before it
 * diffs old and new outputs: top-level input properties only (sdkShapes.ts), path parameters and
 * sub-resources left out ("sub-resources are reset").
 */
export function inputShaped(type: string, outputs: JsonObject): JsonObject {
    const shape = sdkShapeOf(type);
    const facts = REPLACEMENT_FACTS[type];
    const skip = new Set([...(facts?.pathParameters ?? []), ...standInTypeOf(type).subResources]);
    return Object.fromEntries(
        Object.entries(withoutNulls(outputs) as JsonObject).filter(([key]) => shape.inputs.has(key) && !skip.has(key)),
    );
}

export interface StandInOptions {
    readonly statePath: string;
    readonly effects: ClusterEffects;
    readonly version: string;
}

export class AzureStandIn implements provider.Provider {
    readonly version: string;
    private readonly statePath: string;
    private readonly effects: ClusterEffects;

    constructor(options: StandInOptions) {
        this.version = options.version;
        this.statePath = options.statePath;
        this.effects = options.effects;
    }

    private load(): AzureState {
        return readAzureState(this.statePath);
    }

    private context(state: AzureState): TypeContext {
        return { subscriptionId: state.subscriptionId, tenantId: state.tenantId, guid: stableGuid };
    }

    /** azure-native's Check: autonaming of the one input it names at random (a role assignment's GUID). */
    check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const type = typeOfUrn(urn);
        standInTypeOf(type);
        const inputs = unwrapSecrets(news) as JsonObject;
        const previous = unwrapSecrets(olds) as JsonObject;
        if (type === "azure-native:authorization:RoleAssignment" && inputs.roleAssignmentName === undefined)
            inputs.roleAssignmentName = previous?.roleAssignmentName ?? randomUUID();
        return Promise.resolve({ inputs });
    }

    /** provider.go Diff over the recorded inputs and the program's, with the force-new table. */
    diff(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const type = typeOfUrn(urn);
        const state = olds as JsonObject;
        const result = providerDiff(
            type,
            recordedInputsOf(state),
            unwrapSecrets(news) as JsonObject,
            withoutCheckpoint(unwrapSecrets(state) as JsonObject),
        );
        const replaces = result.replaces;
        return Promise.resolve({
            changes: Object.keys(result.detailed).length > 0,
            replaces,
            // provider.go: `deleteBeforeReplace := len(replaces) > 0` unless the name was random.
            deleteBeforeReplace: replaces.length > 0 && REPLACEMENT_FACTS[type].deleteFirst,
        });
    }

    async create(urn: string, news: unknown): Promise<provider.CreateResult> {
        const type = typeOfUrn(urn);
        const kind = standInTypeOf(type);
        const inputs = unwrapSecrets(news) as JsonObject;
        const state = this.load();
        const context = this.context(state);
        const id = kind.idOf(inputs, context);
        if (state.resources[id])
            throw new StandInError(
                `${id} already exists; azure-native refuses to create over it (import it, or delete it)`,
            );
        for (const parent of kind.parentsOf(inputs, context))
            if (!state.resources[parent])
                throw new StandInError(`${parent} does not exist (ResourceNotFound), needed by ${id}`);
        if (type === "azure-native:containerservice:ManagedCluster") {
            const other = Object.values(state.resources).find((resource) => resource.type === type);
            if (other)
                throw new StandInError(
                    `the rehearsal has one local control plane, already AKS cluster ${other.id}; a second cluster (azureCniCluster=true) cannot be rehearsed`,
                );
            this.requireNetworkGrants(state, inputs);
        }
        const outputs = { ...copy(inputs), ...kind.filledIn(inputs, context) };
        const resource: AzureResource = { type, id, inputs, outputs };
        state.resources[id] = resource;
        if (type === "azure-native:managedidentity:UserAssignedIdentity")
            state.principals[text(outputs.principalId)] = { type: "ServicePrincipal", name: text(inputs.resourceName) };
        if (type === "azure-native:authorization:RoleAssignment") {
            const principal = state.principals[text(inputs.principalId)];
            if (!principal)
                throw new StandInError(
                    `principal ${text(inputs.principalId)} does not exist in the tenant (PrincipalNotFound)`,
                );
            if (inputs.principalType !== undefined && inputs.principalType !== principal.type)
                throw new StandInError(
                    `principalType ${text(inputs.principalType)} does not match principal ${text(inputs.principalId)}, a ${principal.type} (UnmatchedPrincipalType)`,
                );
            outputs.principalType = principal.type;
        }
        writeAzureState(this.statePath, state);
        await this.afterChange(state, resource);
        return { id, outs: checkpoint(outputs, inputs) };
    }

    read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        const type = typeOfUrn(urn);
        const current = this.load().resources[id];
        if (!current) return Promise.resolve({ id: "", props: {} }); // gone from Azure: the engine drops it
        const old = unwrapSecrets(props ?? {}) as JsonObject;
        const recorded = recordedInputsOf(old);
        // provider.go Read: the diff between the old and new input-shaped outputs, applied to the inputs.
        const inputs = refreshedInputs(
            recorded,
            inputShaped(type, withoutCheckpoint(old)),
            inputShaped(type, current.outputs),
        );
        return Promise.resolve({ id, props: checkpoint(current.outputs, inputs), inputs });
    }

    async update(id: string, urn: string, _olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        const type = typeOfUrn(urn);
        const kind = standInTypeOf(type);
        const state = this.load();
        const current = state.resources[id];
        if (!current) throw new StandInError(`${id} does not exist (ResourceNotFound); run pulumi refresh`);
        const inputs = unwrapSecrets(news) as JsonObject;
        for (const refused of irreversibleChangesBetween(type, current.inputs, inputs, current.outputs))
            throw new StandInError(`AKS refuses to change ${refused.path} (${refused.kind}): ${refused.why}`);
        // A PUT without a sub-resource keeps Azure's (azure-native reads them back before it writes).
        const kept = Object.fromEntries(
            kind.subResources
                .filter((key) => inputs[key] === undefined && current.outputs[key] !== undefined)
                .map((key) => [key, current.outputs[key]]),
        );
        const outputs = { ...copy(inputs), ...kept, ...kind.filledIn(inputs, this.context(state), current.outputs) };
        for (const stable of ["principalId", "clientId", "principalType", "createdOn"])
            if (current.outputs[stable] !== undefined) outputs[stable] = current.outputs[stable];
        current.inputs = inputs;
        current.outputs = outputs;
        writeAzureState(this.statePath, state);
        await this.afterChange(state, current);
        return { outs: checkpoint(outputs, inputs) };
    }

    async delete(id: string, urn: string, _props?: unknown): Promise<void> {
        const type = typeOfUrn(urn);
        const state = this.load();
        const resource = state.resources[id];
        if (!resource) return; // already gone: azure-native treats 404 on delete as success
        if (type === "azure-native:network:RouteTable") {
            const attached = Object.values(state.resources).find(
                (other) =>
                    other.type === "azure-native:network:Subnet" &&
                    isObject(other.outputs.routeTable) &&
                    other.outputs.routeTable.id === id,
            );
            if (attached)
                throw new StandInError(
                    `route table ${id} is attached to subnet ${attached.id} (InUseRouteTableCannotBeDeleted)`,
                );
        }
        if (type === "azure-native:network:Subnet") {
            const user = Object.values(state.resources).find(
                (other) =>
                    other.type === "azure-native:containerservice:ManagedCluster" &&
                    JSON.stringify(other.inputs.agentPoolProfiles ?? []).includes(`"${id}"`),
            );
            if (user) throw new StandInError(`subnet ${id} is in use by ${user.id} (InUseSubnetCannotBeDeleted)`);
        }
        // Azure deletes what lies under a resource with it (a resource group's resources, a cluster's pools).
        const under = Object.keys(state.resources).filter(
            (other) => other === id || other.toLowerCase().startsWith(`${id.toLowerCase()}/`),
        );
        const gone = under.map((other) => state.resources[other]);
        for (const other of under) delete state.resources[other];
        writeAzureState(this.statePath, state);
        // Role assignments scoped to it go with it (a cluster's admin grants, which the program
        // marks deletedWith the cluster: Pulumi never deletes them itself), and so do their bindings.
        for (const assignment of gone.filter(
            (other) => other.id !== id && other.type === "azure-native:authorization:RoleAssignment",
        ))
            await this.effects.unbindRole(text(assignment.inputs.roleAssignmentName));
        if (type === "azure-native:containerservice:ManagedCluster") {
            await this.effects.removeNodes(text(resource.inputs.resourceName));
            await this.effects.removeAddons();
            this.writeRoutes(state, resource, 0);
            writeAzureState(this.statePath, state);
        }
        if (type === "azure-native:authorization:RoleAssignment")
            await this.effects.unbindRole(text(resource.inputs.roleAssignmentName));
        if (type === "azure-native:containerservice:AgentPool") {
            const cluster = this.clusterOf(state, resource);
            if (cluster) await this.effects.reconcileNodes(this.nodesOf(state, cluster));
        }
    }

    invoke(token: string, inputs: unknown): Promise<provider.InvokeResult> {
        const state = this.load();
        const args = unwrapSecrets(inputs) as JsonObject;
        if (token === "azure-native:authorization:getClientConfig")
            return Promise.resolve({
                outputs: {
                    clientId: stableGuid(`client:${state.deployer}`),
                    objectId: state.deployer,
                    subscriptionId: state.subscriptionId,
                    tenantId: state.tenantId,
                },
            });
        if (token === "azure-native:containerservice:listManagedClusterUserCredentials") {
            const cluster = Object.values(state.resources).find(
                (resource) =>
                    resource.type === "azure-native:containerservice:ManagedCluster" &&
                    resource.inputs.resourceName === args.resourceName &&
                    resource.inputs.resourceGroupName === args.resourceGroupName,
            );
            if (!cluster)
                throw new StandInError(
                    `managed cluster ${text(args.resourceGroupName)}/${text(args.resourceName)} not found (ResourceNotFound)`,
                );
            const aad = isObject(cluster.outputs.aadProfile) ? cluster.outputs.aadProfile : undefined;
            const kubeconfig = this.effects.userKubeconfig({
                name: text(cluster.inputs.resourceName),
                entra: aad?.managed === true,
                tenantId: text(aad?.tenantID ?? state.tenantId),
            });
            return Promise.resolve({
                outputs: { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] },
            });
        }
        return Promise.reject(new StandInError(`invoke ${token} is not served by the rehearsal's stand-in`));
    }

    /**
     * AKS pre-checks its identity's rights on a bring-your-own route table and fails the create with
     * CustomRouteTableMissingPermission without Network Contributor there (Azure/AKS#1557).
     */
    private requireNetworkGrants(state: AzureState, cluster: JsonObject): void {
        const subnetId = this.subnetIdOf(cluster);
        const subnet = subnetId ? state.resources[subnetId] : undefined;
        const routeTable =
            subnet && isObject(subnet.outputs.routeTable) ? text(subnet.outputs.routeTable.id) : undefined;
        if (!routeTable) return;
        const identities =
            isObject(cluster.identity) && Array.isArray(cluster.identity.userAssignedIdentities)
                ? cluster.identity.userAssignedIdentities.map(text)
                : [];
        const principals = identities.map((identity) => text(state.resources[identity]?.outputs.principalId));
        const granted = Object.values(state.resources).some(
            (resource) =>
                resource.type === "azure-native:authorization:RoleAssignment" &&
                resource.inputs.scope === routeTable &&
                principals.includes(text(resource.inputs.principalId)) &&
                text(resource.inputs.roleDefinitionId).endsWith(AZURE_ROLES.networkContributor.id),
        );
        if (!granted)
            throw new StandInError(
                `CustomRouteTableMissingPermission: the cluster identity has no Network Contributor on route table ${routeTable}`,
            );
    }

    private subnetIdOf(cluster: JsonObject): string | undefined {
        const pools = Array.isArray(cluster.agentPoolProfiles) ? cluster.agentPoolProfiles : [];
        const first = pools.find(isObject);
        return first && typeof first.vnetSubnetID === "string" ? first.vnetSubnetID : undefined;
    }

    private clusterOf(state: AzureState, resource: AzureResource): AzureResource | undefined {
        const clusterId = resource.id.split(/\/(?:agentPools|maintenanceConfigurations)\//i)[0];
        return state.resources[clusterId];
    }

    /** The nodes AKS runs for a cluster: its inline pools and its AgentPool resources. */
    private nodesOf(state: AzureState, cluster: AzureResource): ClusterNodes {
        const poolOf = (pool: JsonObject): PoolNodes => ({
            name: text(pool.name ?? pool.agentPoolName),
            mode: text(pool.mode ?? "User"),
            count: Number(pool.enableAutoScaling ? (pool.minCount ?? pool.count) : (pool.count ?? 1)),
            vmSize: text(pool.vmSize ?? "Standard_D2s_v5"),
            zones: Array.isArray(pool.availabilityZones) ? pool.availabilityZones.map(text) : [],
            taints: Array.isArray(pool.nodeTaints) ? pool.nodeTaints.map(text) : [],
            labels: isObject(pool.nodeLabels) ? (pool.nodeLabels as Record<string, string>) : {},
        });
        const inline = (Array.isArray(cluster.inputs.agentPoolProfiles) ? cluster.inputs.agentPoolProfiles : [])
            .filter(isObject)
            .map(poolOf);
        const separate = Object.values(state.resources)
            .filter(
                (resource) =>
                    resource.type === "azure-native:containerservice:AgentPool" &&
                    resource.id.startsWith(`${cluster.id}/`),
            )
            .map((resource) => poolOf(resource.inputs));
        const subnetId = this.subnetIdOf(cluster.inputs);
        return {
            clusterName: text(cluster.inputs.resourceName),
            nodeResourceGroup: text(cluster.outputs.nodeResourceGroup),
            location: text(cluster.inputs.location),
            subnetCidr: subnetId ? (state.resources[subnetId]?.outputs.addressPrefix as string | undefined) : undefined,
            podCidr:
                isObject(cluster.outputs.networkProfile) && typeof cluster.outputs.networkProfile.podCidr === "string"
                    ? cluster.outputs.networkProfile.podCidr
                    : undefined,
            pools: [...inline, ...separate],
        };
    }

    /**
     * kubenet: AKS writes one route per node into the subnet's route table, the node's /24 of the
     * pod CIDR to the node's address (the address plan's slices and addresses); it keeps any route
     * it did not write.
     */
    private writeRoutes(state: AzureState, cluster: AzureResource, nodeCount: number): void {
        const subnetId = this.subnetIdOf(cluster.inputs);
        const subnet = subnetId ? state.resources[subnetId] : undefined;
        const routeTableId =
            subnet && isObject(subnet.outputs.routeTable) ? text(subnet.outputs.routeTable.id) : undefined;
        const routeTable = routeTableId ? state.resources[routeTableId] : undefined;
        if (!routeTable || !subnet) return;
        const profile = isObject(cluster.outputs.networkProfile) ? cluster.outputs.networkProfile : {};
        const kubenet = pluginOfProfile(profile)?.routeTable === true;
        const others = (Array.isArray(routeTable.outputs.routes) ? routeTable.outputs.routes : []).filter(
            (route) => !(isObject(route) && text(route.name).startsWith("aks-")),
        );
        const written =
            kubenet && typeof profile.podCidr === "string"
                ? Array.from({ length: nodeCount }, (_, index) => {
                      const route = routeFor(
                          planNode(cidr(text(profile.podCidr)), cidr(text(subnet.outputs.addressPrefix)), index),
                      );
                      return {
                          name: `aks-${text(cluster.inputs.resourceName)}-${index}`,
                          addressPrefix: route.addressPrefix,
                          nextHopType: route.nextHopType,
                          nextHopIpAddress: route.nextHopIpAddress,
                          provisioningState: "Succeeded",
                      };
                  })
                : [];
        routeTable.outputs.routes = [...others, ...written];
    }

    /** What AKS and Azure RBAC do on the local control plane after a change. */
    private async afterChange(state: AzureState, resource: AzureResource): Promise<void> {
        if (
            resource.type === "azure-native:containerservice:ManagedCluster" ||
            resource.type === "azure-native:containerservice:AgentPool"
        ) {
            const cluster =
                resource.type === "azure-native:containerservice:ManagedCluster"
                    ? resource
                    : this.clusterOf(state, resource);
            if (!cluster) return;
            const nodes = this.nodesOf(state, cluster);
            await this.effects.reconcileNodes(nodes);
            const profile = isObject(cluster.outputs.networkProfile) ? cluster.outputs.networkProfile : {};
            if (typeof profile.dnsServiceIP === "string")
                await this.effects.ensureAddons({ dnsServiceIp: profile.dnsServiceIP });
            const systemCount = nodes.pools.reduce((sum, pool) => sum + pool.count, 0);
            this.writeRoutes(state, cluster, systemCount);
            writeAzureState(this.statePath, state);
        }
        if (resource.type === "azure-native:authorization:RoleAssignment") {
            const scope = state.resources[text(resource.inputs.scope)];
            const roleId = text(resource.inputs.roleDefinitionId).split("/").pop();
            const role =
                roleId === AZURE_ROLES.aksRbacClusterAdmin.id
                    ? "cluster-admin"
                    : roleId === AZURE_ROLES.aksRbacReader.id
                      ? "reader"
                      : undefined;
            const azureRbac =
                scope?.type === "azure-native:containerservice:ManagedCluster" &&
                isObject(scope.outputs.aadProfile) &&
                scope.outputs.aadProfile.enableAzureRBAC === true;
            if (role && azureRbac)
                await this.effects.bindRole({
                    name: text(resource.inputs.roleAssignmentName),
                    principalId: text(resource.inputs.principalId),
                    role,
                });
        }
    }
}
