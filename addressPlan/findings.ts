/**
 * What the address plan's rules share: a finding's shape, the context every rule sees, and the
 * helpers that make findings. rules.ts (ranges) and capacityRules.ts (node and pod counts) use it.
 */
import { Cidr } from "./cidr";
import { AddressPlanInput } from "./plan";
import { NetworkPluginSpec } from "./plugins";

/**
 * One finding: the rule that found it, the setting to change as the user types it, the values
 * that decided it (what tests assert), and the sentence for people.
 */
export interface Problem {
    readonly rule: string;
    readonly key: string;
    readonly values: Readonly<Record<string, string | number | boolean | readonly string[]>>;
    readonly message: string;
}

export interface RuleFindings {
    readonly errors: readonly Problem[];
    readonly warnings: readonly Problem[];
}

export type CidrKey =
    "vnetCidr" | "kubenetSubnetCidr" | "azureCniSubnetCidr" | "servicesSubnetCidr" | "podCidr" | "serviceCidr";
export const SUBNET_KEYS: readonly CidrKey[] = ["kubenetSubnetCidr", "azureCniSubnetCidr", "servicesSubnetCidr"];
export const CIDR_KEYS: readonly CidrKey[] = ["vnetCidr", ...SUBNET_KEYS, "podCidr", "serviceCidr"];

/** What every rule sees: the input, the ranges that parsed, and the main cluster's plugin. */
export interface RuleContext {
    readonly input: Partial<AddressPlanInput>;
    readonly ranges: ReadonlyMap<CidrKey, Cidr>;
    readonly plugin: NetworkPluginSpec;
}

export interface Finding extends Problem {
    readonly severity: "error" | "warning";
}
export type Rule = (context: RuleContext) => Finding[];

const finding =
    (severity: Finding["severity"]) =>
    (rule: string, key: string, values: Problem["values"], message: string): Finding => ({
        severity,
        rule,
        key,
        values,
        message,
    });
export const error = finding("error");
export const warning = finding("warning");
