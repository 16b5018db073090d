/**
 * Every type the stand-in serves, with its behaviour (one module per family). A type missing here
 * is refused naming it; each has its contract in azureFacts/contract (a test keeps the two lists equal).
 */
import type { StandInType } from "../azureTypes";
import { AKS_TYPES } from "./aks";
import { IDENTITY_TYPES } from "./identity";
import { NETWORK_TYPES } from "./network";
import { POSTURE_TYPES } from "./posture";

export const STAND_IN_TYPES: Readonly<Record<string, StandInType>> = Object.freeze({
    ...NETWORK_TYPES,
    ...IDENTITY_TYPES,
    ...AKS_TYPES,
    ...POSTURE_TYPES,
});
