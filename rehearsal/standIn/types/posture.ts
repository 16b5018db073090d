/**
 * The posture's types: the Log Analytics workspace, data collection rules and their associations,
 * diagnostic settings, policy assignments and management locks. None of them does anything in the
 * stand-in beyond being recorded; what Azure refuses of them, beyond their contract, is here with
 * its source.
 */
import { isObject, text } from "../../azureModel";
import type { Json } from "../../azureModel";
import type { AzureResource } from "../azureState";
import { propertiesOf, type StandInContext, type StandInType } from "../azureTypes";
import type { ArmError } from "../errors";
import { AKS_RESOURCE_LOG_CATEGORIES } from "../aksRules";

const DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting";
export const LOCK_TYPES = [
    "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    "azure-native:authorization:ManagementLockByScope",
] as const;

const stringsOf = (values: readonly Json[]): string[] =>
    values.filter((value): value is string => typeof value === "string");

export const WORKSPACE: StandInType = {
    filledIn: (request, context, id) => ({
        ...request,
        properties: {
            ...propertiesOf(request),
            customerId: context.guid(`workspace:${id.toLowerCase()}`),
            provisioningState: "Succeeded",
        },
    }),
};

export const DATA_COLLECTION_RULE_ASSOCIATION: StandInType = {
    references: (request) => stringsOf([propertiesOf(request).dataCollectionRuleId ?? null]),
};

/** The destinations a diagnostic setting can send to (the 2021-05-01-preview properties). */
const DESTINATIONS = [
    "workspaceId",
    "storageAccountId",
    "eventHubAuthorizationRuleId",
    "marketplacePartnerId",
] as const;

export const DIAGNOSTIC_SETTING_TYPE: StandInType = {
    references: (request) => stringsOf(DESTINATIONS.map((name) => propertiesOf(request)[name] ?? null)),
    refusals: (request, context, before, id): ArmError[] => {
        const properties = propertiesOf(request);
        const errors: ArmError[] = [];
        // "Each diagnostic setting can define one or more destinations" and needs at least one
        // (learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings, Destinations).
        if (!DESTINATIONS.some((name) => typeof properties[name] === "string"))
            errors.push({
                code: "BadRequest",
                message:
                    "A diagnostic setting needs at least one destination (a Log Analytics workspace, storage account, event hub or partner solution).",
                target: "properties",
            });
        // "You can create up to five diagnostic settings per resource" (same page, Limits).
        const scope = id.split("/providers/Microsoft.Insights/diagnosticSettings/")[0].toLowerCase();
        // On a cluster, each log category is one AKS sends (aksRules.ts AKS_RESOURCE_LOG_CATEGORIES).
        if (scope.includes("/providers/microsoft.containerservice/managedclusters/")) {
            const logs = Array.isArray(properties.logs) ? properties.logs : [];
            logs.forEach((log, index) => {
                const category = isObject(log) ? log.category : undefined;
                if (typeof category === "string" && !AKS_RESOURCE_LOG_CATEGORIES.includes(category))
                    errors.push({
                        code: "BadRequest",
                        message: `Category '${category}' is not a resource log of an AKS cluster; its categories are ${AKS_RESOURCE_LOG_CATEGORIES.join(", ")}.`,
                        target: `properties.logs[${index}].category`,
                    });
            });
        }
        const others = context
            .ofType(DIAGNOSTIC_SETTING)
            .filter(
                (setting) =>
                    setting.id !== id &&
                    setting.id.toLowerCase().startsWith(`${scope}/providers/microsoft.insights/diagnosticsettings/`),
            );
        if (!before && others.length >= 5)
            errors.push({
                code: "BadRequest",
                message: `The resource ${scope} already has five diagnostic settings, the most it may have.`,
            });
        return errors;
    },
};

/**
 * The levels a lock may have: "CanNotDelete" or "ReadOnly"
 * (learn.microsoft.com/azure/azure-resource-manager/management/lock-resources); the spec's third
 * value, NotSpecified, is not a lock.
 */
export const LOCK_LEVELS = ["CanNotDelete", "ReadOnly"] as const;

const LOCK: StandInType = {
    refusals: (request): ArmError[] => {
        const level = propertiesOf(request).level;
        return typeof level === "string" && LOCK_LEVELS.some((allowed) => allowed.toLowerCase() === level.toLowerCase())
            ? []
            : [
                  {
                      code: "LockLevelInvalid",
                      message: `The lock level ${JSON.stringify(level)} is not valid: a lock is CanNotDelete or ReadOnly.`,
                      target: "properties.level",
                  },
              ];
    },
};

/**
 * The locks that stop an operation on `id`: any on the resource or a scope above it. A CanNotDelete
 * lock refuses deletes; a ReadOnly lock refuses deletes and writes ("The scope ... cannot perform
 * delete operation because following scope(s) are locked", ARM's ScopeLocked; lock-resources above).
 * A lock itself is never stopped by its own scope's locks.
 */
export function locksStopping(context: StandInContext, id: string, operation: "delete" | "write"): AzureResource[] {
    if (LOCK_TYPES.some((type) => context.state.resources[id]?.type === type)) return [];
    const target = id.toLowerCase();
    return LOCK_TYPES.flatMap((type) => context.ofType(type)).filter((lock) => {
        const scope = lock.id.split(/\/providers\/Microsoft\.Authorization\/locks\//i)[0].toLowerCase();
        const level = text(propertiesOf(lock.body).level);
        const applies = operation === "delete" || level === "ReadOnly";
        return applies && (target === scope || target.startsWith(`${scope}/`));
    });
}

export function scopeLocked(id: string, operation: "delete" | "write", locks: readonly AzureResource[]): ArmError {
    const scopes = locks.map((lock) => lock.id.split(/\/providers\/Microsoft\.Authorization\/locks\//i)[0]);
    return {
        code: "ScopeLocked",
        message: `The scope '${id}' cannot perform ${operation} operation because following scope(s) are locked: '${scopes.join("', '")}'. Please remove the lock and try again.`,
    };
}

export const POSTURE_TYPES = {
    "azure-native:operationalinsights:Workspace": WORKSPACE,
    "azure-native:monitor:DataCollectionRule": {} as StandInType,
    "azure-native:monitor:DataCollectionRuleAssociation": DATA_COLLECTION_RULE_ASSOCIATION,
    [DIAGNOSTIC_SETTING]: DIAGNOSTIC_SETTING_TYPE,
    "azure-native:authorization:PolicyAssignment": {} as StandInType,
    [LOCK_TYPES[0]]: LOCK,
    [LOCK_TYPES[1]]: LOCK,
} as const;
