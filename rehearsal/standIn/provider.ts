/**
 * The Azure stand-in: a resource provider the real Pulumi engine starts as
 * `pulumi-resource-azure-native` in a rehearsal (and only there). It plays two parts, each from
 * sources of its own:
 * - azure-native: Check (checks.ts, provider.go's validation against the contract), Diff (the
 *   shared model of azure-native's diff in rehearsal/azureModel.ts over the force-new table),
 *   Read (sdkOutputsToSdkInputs over the contract), the SDK <-> ARM conversions (sdkShape.ts);
 * - Azure: every PUT is judged against the contract (arm.ts) and, for AKS, its service-side rules
 *   (aksRules.ts, written from Microsoft's docs); what a type's service fills in, refuses beyond
 *   that and does afterwards is its own (types/). "Azure" is a JSON file of ARM bodies (azureState.ts);
 *   its AKS is the rehearsal's local control plane (effects.ts).
 * Where it departs from azure-native and Azure: departures.ts.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { contractOf, type ResourceContract } from "../../azureFacts/contract";
import { REPLACEMENT_FACTS } from "../../azureFacts/replacements";
import { isObject, Json, JsonObject, providerDiff, refreshedInputs, withoutNulls } from "../azureModel";
import { bodyRefusals, createOnlyChanges } from "./arm";
import { AzureResource, AzureState, readAzureState, writeAzureState } from "./azureState";
import { propertiesOf, stableGuid, type ClusterEffects, type StandInContext, type StandInType } from "./azureTypes";
import { checkFailures } from "./checks";
import { ArmError, ArmRefusal, FailedProvisioning, StandInError } from "./errors";
import { invoke } from "./invokes";
import {
    armIdOf,
    CREATE_BEFORE_DELETE,
    filledBody,
    keepSubResources,
    outputsOf,
    parentIdOf,
    withCheckDefaults,
    withoutUnsetSubResources,
} from "./resources";
import { inputProjection, requestBody, sdkProperties, sdkShapeOf } from "./sdkShape";
import { STAND_IN_TYPES } from "./types";
import { locksStopping, scopeLocked } from "./types/posture";

export type { ClusterEffects, RoleBinding } from "./azureTypes";
export { StandInError } from "./errors";

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
const nameOfUrn = (urn: string): string => urn.split("::").pop()!;

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

/** A served type: its behaviour and its contract, or a StandInError naming it. */
function served(type: string): { kind: StandInType; contract: ResourceContract } {
    const kind = STAND_IN_TYPES[type];
    const contract = contractOf(type);
    if (!kind || !contract)
        throw new StandInError(`${type} is not served by the rehearsal's stand-in (rehearsal/standIn/types)`);
    return { kind, contract };
}

/**
 * Force-new facts the stand-in's copy of the table leaves out, from AKS_KUBENET_STAND_IN_WITHOUT_FORCE_NEW
 * ("TYPE#path,TYPE#path"): the engine tier's control case, showing that AKS itself (the Update)
 * refuses what the table would otherwise have replaced.
 */
export function forceNewDropped(env: NodeJS.ProcessEnv = process.env): Set<string> {
    return new Set(
        (env.AKS_KUBENET_STAND_IN_WITHOUT_FORCE_NEW ?? "")
            .split(",")
            .map((entry) => entry.trim())
            .filter(Boolean),
    );
}

export interface StandInOptions {
    readonly statePath: string;
    readonly effects: ClusterEffects;
    readonly version: string;
    /** The provider's configuration (azure-native:location), as Configure passed it. */
    readonly config?: Readonly<Record<string, string>>;
}

export class AzureStandIn implements provider.Provider {
    readonly version: string;
    private readonly statePath: string;
    private readonly effects: ClusterEffects;
    private config: Readonly<Record<string, string>>;

    constructor(options: StandInOptions) {
        this.version = options.version;
        this.statePath = options.statePath;
        this.effects = options.effects;
        this.config = options.config ?? {};
    }

    /** The provider configuration the engine sends with Configure. */
    configure(variables: Readonly<Record<string, string>>): void {
        this.config = { ...variables };
    }

    private context(state: AzureState): StandInContext {
        return {
            state,
            effects: this.effects,
            guid: stableGuid,
            outputsOf: (resource) => outputsOf(contractOf(resource.type)!, resource),
            ofType: (token) => Object.values(state.resources).filter((resource) => resource.type === token),
            save: () => writeAzureState(this.statePath, state),
        };
    }

    /** azure-native's Check: its defaults, then its validation against the contract. */
    check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const type = typeOfUrn(urn);
        const { kind, contract } = served(type);
        const previous = unwrapSecrets(olds);
        const inputs = withCheckDefaults({
            contract,
            kind,
            urnName: nameOfUrn(urn),
            inputs: unwrapSecrets(news) as JsonObject,
            previous: isObject(previous) ? previous : {},
            config: this.config,
            state: readAzureState(this.statePath),
        });
        // Inputs the SDK module has and this spec version does not pass unjudged (AgentPool.localDNSProfile).
        const known = new Set(sdkProperties(contract, contract.body, true).map((property) => property.sdkName));
        const sdkOnly = new Set([...sdkShapeOf(type).inputs].filter((name) => !known.has(name)));
        const failures = checkFailures(contract, inputs, sdkOnly);
        return Promise.resolve({ inputs, failures: failures.map((failure) => ({ ...failure })) });
    }

    /** provider.go Diff over the recorded inputs and the program's, with the force-new table. */
    diff(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const type = typeOfUrn(urn);
        const { contract } = served(type);
        const state = olds as JsonObject;
        const recorded = recordedInputsOf(state);
        const dropped = forceNewDropped();
        const facts = REPLACEMENT_FACTS[type];
        // Every path parameter replaces (diff.go); the contract knows them for a type the table lacks.
        const pathParameters = contract.pathParameters.map((parameter) => parameter.name);
        const replaceKeys = [...pathParameters, ...(facts?.pathParameters ?? []), ...(facts?.forceNew ?? [])].filter(
            (key) => !dropped.has(`${type}#${key}`),
        );
        const result = providerDiff(
            type,
            recorded,
            unwrapSecrets(news) as JsonObject,
            withoutCheckpoint(unwrapSecrets(state) as JsonObject),
            new Set(replaceKeys),
        );
        // provider.go: `deleteBeforeReplace := len(replaces) > 0`, unless the name was random.
        const randomlyNamed = recorded[CREATE_BEFORE_DELETE] === true;
        return Promise.resolve({
            changes: Object.keys(result.detailed).length > 0,
            replaces: result.replaces,
            deleteBeforeReplace: result.replaces.length > 0 && !randomlyNamed,
        });
    }

    /** The refusals a PUT meets: the contract's, the type's service's, a missing reference, a ReadOnly lock. */
    private refusalsOf(
        kind: StandInType,
        contract: ResourceContract,
        request: JsonObject,
        context: StandInContext,
        id: string,
        before?: AzureResource,
    ): ArmError[] {
        const missing = (kind.references?.(request, context) ?? [])
            .filter((reference) => !context.state.resources[reference])
            .map((reference) => ({
                code: "ResourceNotFound",
                message: `The referenced resource '${reference}' was not found.`,
            }));
        const locks = locksStopping(context, id, "write");
        return [
            ...bodyRefusals(contract, request),
            ...(before ? createOnlyChanges(contract, id, before.body, request) : []),
            ...missing,
            ...(missing.length === 0 ? (kind.refusals?.(request, context, before, id) ?? []) : []),
            ...(locks.length > 0 ? [scopeLocked(id, "write", locks)] : []),
        ];
    }

    /** What follows an accepted write; a failure leaves the resource Failed and says so, with its state. */
    private async afterWrite(
        kind: StandInType,
        resource: AzureResource,
        context: StandInContext,
        contract: ResourceContract,
    ) {
        try {
            await kind.afterWrite?.(resource, context);
            context.save();
        } catch (error) {
            resource.body = {
                ...resource.body,
                properties: { ...propertiesOf(resource.body), provisioningState: "Failed" },
            };
            context.save();
            throw new FailedProvisioning(
                `${resource.id} was accepted and then failed (provisioningState Failed): ${(error as Error).message.split("\n")[0]}; it exists, so the next up updates it and destroy removes it`,
                resource.id,
                checkpoint(outputsOf(contract, resource), resource.inputs),
            );
        }
    }

    async create(urn: string, news: unknown): Promise<provider.CreateResult> {
        const type = typeOfUrn(urn);
        const { kind, contract } = served(type);
        const inputs = unwrapSecrets(news) as JsonObject;
        const state = readAzureState(this.statePath);
        const context = this.context(state);
        const id = armIdOf(contract, inputs, state.subscriptionId);
        if (state.resources[id])
            throw new StandInError(`cannot create already existing resource "${id}" (import it, or delete it)`);
        const parent = parentIdOf(id);
        if (parent && !state.resources[parent]) {
            const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(parent)?.[1];
            throw new ArmRefusal("PUT", id, 404, [
                group
                    ? { code: "ResourceGroupNotFound", message: `Resource group '${group}' could not be found.` }
                    : {
                          code: "ParentResourceNotFound",
                          message: `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`,
                      },
            ]);
        }
        const request = requestBody(contract, inputs);
        const refusals = this.refusalsOf(kind, contract, request, context, id);
        if (refusals.length > 0) throw new ArmRefusal("PUT", id, 400, refusals);
        const resource: AzureResource = { type, id, inputs, body: filledBody(kind, contract, request, context, id) };
        state.resources[id] = resource;
        context.save();
        await this.afterWrite(kind, resource, context, contract);
        return { id, outs: checkpoint(outputsOf(contract, resource), inputs) };
    }

    read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        const { kind, contract } = served(typeOfUrn(urn));
        const current = readAzureState(this.statePath).resources[id];
        if (!current) return Promise.resolve({ id: "", props: {} }); // gone from Azure: the engine drops it
        const old = unwrapSecrets(props ?? {}) as JsonObject;
        const recorded = recordedInputsOf(old);
        const outputs = outputsOf(contract, current);
        // provider.go Read: the diff between the old and new input-shaped outputs, applied to the inputs.
        const projection = (values: JsonObject) =>
            inputProjection(contract, withoutUnsetSubResources(kind, withoutNulls(values) as JsonObject, recorded));
        const inputs = refreshedInputs(recorded, projection(withoutCheckpoint(old)), projection(outputs));
        return Promise.resolve({ id, props: checkpoint(outputs, inputs), inputs });
    }

    async update(id: string, urn: string, _olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        const { kind, contract } = served(typeOfUrn(urn));
        const state = readAzureState(this.statePath);
        const context = this.context(state);
        const current = state.resources[id];
        if (!current) throw new StandInError(`${id} does not exist (ResourceNotFound); run pulumi refresh`);
        const inputs = unwrapSecrets(news) as JsonObject;
        const request = keepSubResources(kind, requestBody(contract, inputs), current.body);
        const refusals = this.refusalsOf(kind, contract, request, context, id, current);
        if (refusals.length > 0) throw new ArmRefusal("PUT", id, 400, refusals);
        current.inputs = inputs;
        current.body = filledBody(kind, contract, request, context, id, current.body);
        context.save();
        await this.afterWrite(kind, current, context, contract);
        return { outs: checkpoint(outputsOf(contract, current), inputs) };
    }

    async delete(id: string, urn: string, _props?: unknown): Promise<void> {
        const { kind } = served(typeOfUrn(urn));
        const state = readAzureState(this.statePath);
        const context = this.context(state);
        const resource = state.resources[id];
        if (!resource) return; // already gone: azure-native treats 404 on delete as success
        const refusal = kind.deleteRefusal?.(resource, context);
        const locks = locksStopping(context, id, "delete");
        if (refusal || locks.length > 0)
            throw new ArmRefusal("DELETE", id, locks.length > 0 ? 409 : 400, [
                refusal ?? scopeLocked(id, "delete", locks),
            ]);
        // Azure deletes what lies under a resource with it (a group's resources, a cluster's pools,
        // the role assignments on it), children first.
        const gone = Object.values(state.resources)
            .filter((other) => other.id === id || other.id.toLowerCase().startsWith(`${id.toLowerCase()}/`))
            .sort((a, b) => b.id.length - a.id.length);
        for (const other of gone) delete state.resources[other.id];
        context.save();
        for (const other of gone) await STAND_IN_TYPES[other.type]?.afterDelete?.(other, context);
        context.save();
    }

    invoke(token: string, inputs: unknown): Promise<provider.InvokeResult> {
        try {
            const outputs = invoke(
                this.context(readAzureState(this.statePath)),
                token,
                unwrapSecrets(inputs) as JsonObject,
            );
            return Promise.resolve({ outputs });
        } catch (error) {
            return Promise.reject(error instanceof Error ? error : new StandInError(String(error)));
        }
    }
}
