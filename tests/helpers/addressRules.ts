/**
 * The address rules' findings as users get them, for the rule-by-rule tests
 * (tests/addressPlan.rules.*.mutation.test.ts): checkAddressPlan takes partial input (the policy
 * pack and migrate hand it what a cluster reports), so each case gives only the keys its rule reads.
 */
import { checkAddressPlan, Problem } from "../../addressPlan";
import { AddressPlanInput } from "../../addressPlan/plan";

export const check = (input: Partial<AddressPlanInput>) => checkAddressPlan(input);
export const errorsOf = (input: Partial<AddressPlanInput>) => check(input).errors;
export const problem = (rule: string, key: string, values: Problem["values"], message: string): Problem => ({
    rule,
    key,
    values,
    message,
});
