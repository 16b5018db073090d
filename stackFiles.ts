/**
 * A stack's config read straight from the project files, for code that runs without the Pulumi
 * CLI (the local lab, the tests): Pulumi.yaml's project defaults overlaid with
 * Pulumi.<stack>.yaml, as `<namespace>:<key>` -> string, the form the CLI hands to the program.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { StackConfig, validateConfig } from "./config";
import { UsageError } from "./errors";

export const REPO_ROOT = __dirname;

export interface ProjectConfigEntry {
    type?: string;
    default?: unknown;
    description?: string;
    value?: unknown;
}

export function readYaml<T = unknown>(relativePath: string): T {
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
    const stackPath = `Pulumi.${stack}.yaml`;
    if (!fs.existsSync(path.join(REPO_ROOT, stackPath))) {
        throw new UsageError(
            `stack "${stack}" has no ${stackPath} in ${REPO_ROOT}; create it with pulumi stack init ${stack}`,
        );
    }
    const stackFile = readYaml<{ config?: Record<string, unknown> }>(stackPath);
    for (const [key, value] of Object.entries(stackFile.config ?? {})) {
        result[key] = asConfigString(value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        result[key.includes(":") ? key : `${project}:${key}`] = value;
    }
    return result;
}

/**
 * Only what Pulumi.<stack>.yaml itself sets (`<namespace>:<key>` -> its value as the CLI takes it
 * on the command line): the defaults stay Pulumi.yaml's, for the CLI to apply with their types.
 */
export function stackFileConfig(stack = "dev"): Record<string, string> {
    const stackPath = `Pulumi.${stack}.yaml`;
    if (!fs.existsSync(path.join(REPO_ROOT, stackPath)))
        throw new UsageError(
            `stack "${stack}" has no ${stackPath} in ${REPO_ROOT}; create it with pulumi stack init ${stack}`,
        );
    const stackFile = readYaml<{ config?: Record<string, unknown> }>(stackPath);
    return Object.fromEntries(
        Object.entries(stackFile.config ?? {}).map(([key, value]) => [key, asConfigString(value)]),
    );
}

/** The stack's config in the form config/ validates (project keys without their namespace). */
export function rawStackConfig(stack = "dev", overrides: Record<string, string> = {}): Record<string, string> {
    const project = readYaml<{ name: string }>("Pulumi.yaml").name;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(stackConfig(stack, overrides))) {
        raw[key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key] = value;
    }
    return raw;
}

/**
 * A stack's validated config, for tools that run without the Pulumi CLI (lab, verify, migrate):
 * the same files and the same validation as `pulumi up`. Unusable config is a UsageError naming
 * every problem on one line.
 */
export function validatedStackConfig(stack = "dev", overrides: Record<string, string> = {}): StackConfig {
    const result = validateConfig(rawStackConfig(stack, overrides));
    if (!result.config) {
        const problems = result.errors.map((problem) => `${problem.key}: ${problem.message}`).join("; ");
        throw new UsageError(`stack ${stack}'s config is invalid: ${problems}`);
    }
    return result.config;
}
