/**
 * A stack's config as the Pulumi CLI would hand it to the program: Pulumi.yaml's project
 * defaults overlaid with Pulumi.<stack>.yaml, as `<namespace>:<key>` -> string.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface ProjectConfigEntry {
    type?: string;
    default?: unknown;
    description?: string;
    value?: unknown;
}

export function readYaml<T = any>(relativePath: string): T {
    return parse(fs.readFileSync(path.join(REPO_ROOT, relativePath), "utf8")) as T;
}

export function projectConfig(): Record<string, ProjectConfigEntry> {
    return readYaml<{ config: Record<string, ProjectConfigEntry> }>("Pulumi.yaml").config;
}

const asConfigString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Config for `stack` (Pulumi.<stack>.yaml over Pulumi.yaml defaults), plus `overrides` (short keys allowed). */
export function stackConfig(stack = "dev", overrides: Record<string, string> = {}): Record<string, string> {
    const project = readYaml<{ name: string }>("Pulumi.yaml").name;
    const result: Record<string, string> = {};
    for (const [key, entry] of Object.entries(projectConfig())) {
        if (key.includes(":")) continue; // other namespaces (pulumi:...) are engine settings
        if (entry.default !== undefined) result[`${project}:${key}`] = asConfigString(entry.default);
    }
    const stackFile = readYaml<{ config?: Record<string, unknown> }>(`Pulumi.${stack}.yaml`);
    for (const [key, value] of Object.entries(stackFile.config ?? {})) {
        result[key] = asConfigString(value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        result[key.includes(":") ? key : `${project}:${key}`] = value;
    }
    return result;
}
