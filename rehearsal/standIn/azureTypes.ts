/**
 * What the stand-in knows of each resource type, beyond its contract (azureFacts/contract): one
 * entry per type, each kept with its type in rehearsal/standIn/types/ (what must exist first, which
 * properties are sub-resources, what Azure fills in, what the service refuses beyond the spec, and
 * what its AKS does on the local control plane). The provider (provider.ts) drives them all the
 * same way; replacement is not here: Diff follows the one force-new table, azureFacts/replacements.ts.
 */
import { createHash } from "crypto";
import { isObject, type Json, type JsonObject } from "../azureModel";
import type { AzureResource, AzureState } from "./azureState";
import type { ArmError } from "./errors";

/** What the stand-in's AKS does on the local control plane (effects.ts; a recording fake in tests). */
export interface ClusterEffects {
    /** Brings the cluster's pools to their node counts, labelled and tainted as AKS does. */
    reconcileNodes(cluster: import("../../engine/controlPlane").ClusterNodes): Promise<void>;
    /** Removes every node of the cluster. */
    removeNodes(clusterName: string): Promise<void>;
    /**
     * The add-ons AKS runs in kube-system; the one verify looks at is kube-dns at the DNS service
     * IP. The service CIDR is the cluster's: the local API server is told to serve it.
     */
    ensureAddons(addons: { dnsServiceIp: string; serviceCidr?: string }): Promise<void>;
    removeAddons(): Promise<void>;
    /** Azure RBAC for Kubernetes: the binding a role assignment on the cluster stands for. */
    bindRole(binding: RoleBinding): Promise<void>;
    unbindRole(name: string): Promise<void>;
    /** The kubeconfig listManagedClusterUserCredentials (or Admin) returns. */
    userKubeconfig(cluster: { name: string; entra: boolean; tenantId: string; admin?: boolean }): string;
}

export interface RoleBinding {
    /** The role assignment's name: one binding per assignment. */
    readonly name: string;
    /** The Entra object id: the user name the local API server knows the principal by. */
    readonly principalId: string;
    readonly role: "cluster-admin" | "reader";
}

/** What a type's code gets to work with. */
export interface StandInContext {
    readonly state: AzureState;
    readonly effects: ClusterEffects;
    /** A stable GUID derived from a basis: the same resource gets the same principalId every run. */
    guid(basis: string): string;
    /** The SDK outputs of a resource (its ARM body, converted as azure-native converts it). */
    outputsOf(resource: AzureResource): JsonObject;
    /** Every resource of a type token. */
    ofType(token: string): AzureResource[];
    /** Writes the state file now (effects may take a while). */
    save(): void;
}

export interface StandInType {
    /** How azure-native names a resource whose name the program leaves out: a random suffix, or a GUID. */
    readonly autoName?: "random" | "uuid";
    /**
     * Properties (ARM names inside `properties`) that are sub-resources managed apart (a route
     * table's routes, a VNet's subnets): a PUT without them keeps Azure's, and Read never copies
     * them into the inputs (azure-native's removeUnsetSubResourceProperties).
     */
    readonly subResources?: readonly string[];
    /** Ids the request refers to that must exist (a subnet's route table, an association's rule). */
    references?(request: JsonObject, context: StandInContext): string[];
    /** What the service refuses beyond the contract, on a PUT (`before`: the existing resource, if any). */
    refusals?(request: JsonObject, context: StandInContext, before: AzureResource | undefined, id: string): ArmError[];
    /** What Azure adds to the request in its GET body (`before`: the body it reported before). */
    filledIn?(request: JsonObject, context: StandInContext, id: string, before?: JsonObject): JsonObject;
    /** What happens after the write: AKS's nodes, RBAC bindings. A throw leaves the resource Failed. */
    afterWrite?(resource: AzureResource, context: StandInContext): Promise<void>;
    /** A DELETE the service refuses (a route table still attached). */
    deleteRefusal?(resource: AzureResource, context: StandInContext): ArmError | undefined;
    afterDelete?(resource: AzureResource, context: StandInContext): Promise<void>;
}

export const stableGuid = (basis: string): string => {
    const hex = createHash("sha256").update(basis).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export { isObject };

/** The `properties` of an ARM body (an empty object when there are none). */
export const propertiesOf = (body: Json | undefined): JsonObject =>
    isObject(body) && isObject(body.properties) ? body.properties : {};

/** A body with `properties` merged over (one level). */
export const withProperties = (body: JsonObject, properties: JsonObject): JsonObject => ({
    ...body,
    properties: { ...propertiesOf(body), ...properties },
});

/** The fields every network resource reports: a weak etag and a GUID of its own, kept across writes. */
export const networkFilled = (id: string, before?: JsonObject): JsonObject => ({
    etag: `W/"${stableGuid(`${id}:${Date.now()}`)}"`,
    properties: { resourceGuid: propertiesOf(before).resourceGuid ?? stableGuid(id) },
});
