/**
 * How the stand-in fails: every message starts by saying it is the rehearsal's stand-in, and a
 * refusal Azure would answer carries ARM's error shape, the specs' common ErrorResponse
 * (common-types/resource-management/v5/types.json: `{"error": {"code", "message", "target",
 * "details"}}`): a code such as InvalidRequestContent or InvalidParameter, a message, and the
 * target, the JSON path in the request body.
 */

/** A failure the engine shows on the resource, prefixed so nobody mistakes it for Azure's. */
export class StandInError extends Error {
    constructor(message: string) {
        super(`Azure stand-in (rehearsal, not Azure): ${message}`);
    }
}

export interface ArmError {
    readonly code: string;
    readonly message: string;
    /** The JSON path in the request body (properties.networkProfile.serviceCidr), where there is one. */
    readonly target?: string;
}

/**
 * ARM refused the request: the HTTP status and ARM's error body, as azure-native prints them. (Its
 * resource is `resourceId`, never `id`: the provider SDK takes an error with an `id` for a resource
 * that was created and failed to initialize.)
 */
export class ArmRefusal extends StandInError {
    constructor(
        readonly method: "PUT" | "DELETE" | "POST",
        readonly resourceId: string,
        readonly status: number,
        readonly errors: readonly ArmError[],
    ) {
        const [first, ...more] = errors;
        const body = JSON.stringify({
            error: { ...first, ...(more.length > 0 ? { details: more } : {}) },
        });
        super(
            `${method} ${resourceId}: ${status} ${first.code}: ${first.message}${first.target ? ` (target ${first.target})` : ""}${more.length > 0 ? ` and ${more.length} more` : ""}; response ${body}`,
        );
    }
}

/**
 * A write that Azure accepted and then failed (AKS's provisioning went wrong after the PUT): the
 * resource exists, in state Failed. The engine records it from `id` and `properties` (Pulumi's
 * ErrorResourceInitFailed, which the Node.js provider SDK sends for an error carrying them:
 * @pulumi/pulumi provider/server.js grpcResponseFromError), so that the next `up` updates it and
 * `destroy` removes it, as azure-native's HandleErrorWithCheckpoint does.
 */
export class FailedProvisioning extends StandInError {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: object,
        readonly reasons: readonly string[] = [message],
    ) {
        super(message);
    }
}
