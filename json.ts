/**
 * JSON values as the tools read them (Azure's documents, the stand-in's bodies, the contract's
 * facts, workflow files): one home for the type and its two small readers, below every room
 * (it imports nothing), so azureFacts/, cli/, rehearsal/ and deployment/ share it.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is JsonObject =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** A value as one line of text: strings as they are, anything else as JSON. */
export const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));
