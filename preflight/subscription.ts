/**
 * The subscription itself: is it the one the stack deploys to and usable, is the stack's location
 * a region it lists VM sizes in, and are the resource providers the stack's resources need
 * registered. Pure.
 */
import type { Account, ProviderRegistration, VmSku } from "./documents";
import type { StackNeeds } from "./needs";
import { SOURCES } from "./sources";
import { cannotTell, CheckResult, Evidence, fail, pass, sameName } from "./verdicts";

export function subscriptionCheck(account: Evidence<Account>, needs: StackNeeds): CheckResult {
    const check = "subscription";
    if (!account.ok)
        return cannotTell(
            check,
            account.reason,
            "run `az login`, then `az account set -s SUBSCRIPTION`",
            SOURCES.azLogin,
        );
    const { subscriptionId, subscriptionName, state } = account.value;
    const named = `${subscriptionName} (${subscriptionId})`;
    // azure-native deploys to the subscription the stack pins, whatever az's default is; live mode asks
    // az about that one (--subscription), so another here means files saved for another subscription.
    if (needs.subscriptionId && !sameName(needs.subscriptionId, subscriptionId))
        return fail(
            check,
            `the answers are for ${named}, and stack ${needs.stack} deploys to ${needs.subscriptionId} (azure-native:subscriptionId)`,
            `save the files with --subscription ${needs.subscriptionId} (or az account set -s ${needs.subscriptionId} first)`,
            SOURCES.azLogin,
        );
    // Only an Enabled subscription can create resources; Warned, PastDue and Disabled ones cannot, or not for long.
    if (state !== "Enabled")
        return fail(
            check,
            `${named} is ${state}`,
            "a subscription must be Enabled to create resources: see the subscription's state in the Azure portal (Cost Management + Billing), or `az account set -s` another",
            SOURCES.subscriptionStates,
        );
    return pass(check, `${named}, Enabled`, SOURCES.subscriptionStates);
}

/** The location is a region the subscription can place VMs in: skus.json lists sizes there. */
export function locationCheck(skus: Evidence<readonly VmSku[]>, needs: StackNeeds): CheckResult {
    const check = `location ${needs.location}`;
    if (!skus.ok)
        return cannotTell(
            check,
            skus.reason,
            `az vm list-skus -l ${needs.location} --resource-type virtualMachines --all -o json`,
            SOURCES.aksRegions,
        );
    const here = skus.value.filter(
        (sku) =>
            sku.locations.some((location) => sameName(location, needs.location)) ||
            sku.zones[needs.location.toLowerCase()] !== undefined,
    );
    if (here.length === 0)
        return fail(
            check,
            `no VM size is listed in ${needs.location}${skus.value.length > 0 ? ` (the list names ${[...new Set(skus.value.flatMap((sku) => sku.locations))].slice(0, 3).join(", ")})` : ""}`,
            `check the region's name (az account list-locations -o table) and \`pulumi config set azure-native:location NAME\`; or save skus.json with -l ${needs.location}`,
            SOURCES.aksRegions,
        );
    return pass(check, `${here.length} VM sizes listed for the subscription`, SOURCES.aksRegions);
}

export function providersCheck(providers: Evidence<readonly ProviderRegistration[]>, needs: StackNeeds): CheckResult {
    const check = "resource providers registered";
    const wanted = needs.providers.map((provider) => provider.namespace);
    if (!providers.ok)
        return cannotTell(
            check,
            providers.reason,
            `az provider show -n NAMESPACE for ${wanted.join(", ")}`,
            SOURCES.providerRegistration,
        );
    const stateOf = (namespace: string) =>
        providers.value.find((provider) => sameName(provider.namespace, namespace))?.registrationState ?? "not listed";
    const missing = needs.providers.filter((provider) => stateOf(provider.namespace) !== "Registered");
    if (missing.length === 0) return pass(check, `${wanted.join(", ")}: Registered`, SOURCES.providerRegistration);
    return fail(
        check,
        missing.map((provider) => `${provider.namespace} ${stateOf(provider.namespace)} (${provider.why})`).join("; "),
        `${missing.map((provider) => `az provider register --namespace ${provider.namespace}`).join("; ")} (needs the right to register providers, e.g. Contributor on the subscription; "Registering" takes a few minutes: run preflight again)`,
        needs.providers.some((provider) => provider.namespace === "Microsoft.PolicyInsights")
            ? `${SOURCES.providerRegistration}; ${SOURCES.policyAddon}`
            : SOURCES.providerRegistration,
    );
}
