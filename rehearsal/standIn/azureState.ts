/**
 * The stand-in's "Azure": one JSON file per rehearsal, holding every resource as Azure would report
 * it. Only the stand-in provider and `npm run rehearse -- azure CHANGE` (a change made outside
 * Pulumi, as `az` would make it) write it. It is test equipment, not Azure: its first key says so.
 */
import * as fs from "fs";
import { randomUUID } from "crypto";
import type { Json, JsonObject } from "../azureModel";

export const STAND_IN_BANNER = "Azure stand-in of the aks-kubenet rehearsal: test equipment, not Azure";

export interface AzureResource {
    /** The Pulumi type token (azure-native:containerservice:ManagedCluster). */
    readonly type: string;
    /** The ARM resource id. */
    readonly id: string;
    /** What the last create or update sent, in the SDK's shape (the program's inputs after Check). */
    inputs: JsonObject;
    /** What Azure reports: the ARM GET body (`properties` nested), as the REST API returns it. */
    body: JsonObject;
}

export interface Principal {
    readonly type: "User" | "ServicePrincipal";
    readonly name: string;
}

/** The state's layout: 2 keeps ARM bodies (1, before issue #29, kept SDK outputs). */
export const STATE_VERSION = 2;

export interface AzureState {
    readonly standIn: typeof STAND_IN_BANNER;
    readonly version: typeof STATE_VERSION;
    readonly subscriptionId: string;
    readonly tenantId: string;
    /** Who runs the deployment (getClientConfig's objectId): the rehearsal's deployer. */
    readonly deployer: string;
    /** Entra principals the stand-in knows: the deployer, a reader, every identity it created. */
    principals: Record<string, Principal>;
    resources: Record<string, AzureResource>;
}

/** Stand-in ids: recognisable as such (no real tenant has them), fixed per rehearsal. */
export function newAzureState(ids: { deployer: string; reader: string }): AzureState {
    return {
        standIn: STAND_IN_BANNER,
        version: STATE_VERSION,
        subscriptionId: "5ca1ab1e-0000-4000-8000-000000000001",
        tenantId: "5ca1ab1e-0000-4000-8000-0000000000aa",
        deployer: ids.deployer,
        principals: {
            [ids.deployer]: { type: "User", name: "rehearsal deployer (stand-in)" },
            [ids.reader]: { type: "ServicePrincipal", name: "rehearsal preview identity (stand-in)" },
        },
        resources: {},
    };
}

export function readAzureState(file: string): AzureState {
    let state: AzureState;
    try {
        state = JSON.parse(fs.readFileSync(file, "utf8")) as AzureState;
    } catch (error) {
        throw new Error(
            `the Azure stand-in's state ${file} cannot be read (${(error as Error).message.split("\n")[0]})`,
            { cause: error },
        );
    }
    if (state.standIn !== STAND_IN_BANNER) throw new Error(`${file} is not an Azure stand-in state file`);
    if (state.version !== STATE_VERSION)
        throw new Error(
            `${file} was written by an older stand-in (layout ${JSON.stringify((state as { version?: number }).version ?? 1)}, not 2); remove the rehearsal with \`npm run engine -- down --name NAME\` and start again`,
        );
    return state;
}

/** Written whole, then renamed: a crash never leaves half a file. */
export function writeAzureState(file: string, state: AzureState): void {
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temporary, file);
}

/** Deep copy of JSON data (the state is plain JSON). */
export const copy = <T extends Json>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
