/**
 * Every check preflight makes, in the order a newcomer meets them, from what was gathered (live or
 * saved); the exit code they add up to; and the report. Pure.
 *
 * Exit code: 0 when every check passes; 1 when one fails, and also when one CANNOT TELL (the
 * promise is a first `pulumi up` that works, and an unknown does not keep it); --accept-unknown
 * turns CANNOT TELL alone into 0 for a user who has checked those by hand.
 */
import { EXIT_CHECK_FAILED, EXIT_OK, formatTable } from "../cli/shell";
import { quotaChecks, vmSizeChecks } from "./capacity";
import type {
    Account,
    NamedResource,
    ProviderRegistration,
    ResourceGroup,
    StateResource,
    Usage,
    VmSku,
} from "./documents";
import type { StackNeeds } from "./needs";
import { AssignmentListing, clusterAdminCheck, rightsChecks } from "./rights";
import { locationCheck, providersCheck, subscriptionCheck } from "./subscription";
import { nameChecks, resourceGroupIsTheStacks } from "./taken";
import { CheckResult, Evidence, Verdict } from "./verdicts";
import { Workstation, workstationChecks } from "./workstation";

export interface Gathered {
    readonly account: Evidence<Account>;
    readonly roleAssignments: Evidence<AssignmentListing>;
    readonly usage: Evidence<readonly Usage[]>;
    readonly skus: Evidence<readonly VmSku[]>;
    readonly providers: Evidence<readonly ProviderRegistration[]>;
    readonly groups: Evidence<readonly ResourceGroup[]>;
    readonly state: Evidence<readonly StateResource[]>;
    readonly clusters: Evidence<readonly NamedResource[]>;
    /** Live mode only: saved output says nothing of the machine that reads it. */
    readonly workstation?: Workstation;
}

export function preflightChecks(needs: StackNeeds, gathered: Gathered): CheckResult[] {
    const subscriptionId = gathered.account.ok ? gathered.account.value.subscriptionId : undefined;
    const names = { subscriptionId, groups: gathered.groups, state: gathered.state, clusters: gathered.clusters };
    return [
        ...(gathered.workstation ? workstationChecks(gathered.workstation, gathered.account, needs.entra) : []),
        subscriptionCheck(gathered.account, needs),
        locationCheck(gathered.skus, needs),
        ...rightsChecks(
            gathered.roleAssignments,
            subscriptionId,
            needs.resourceGroupName,
            resourceGroupIsTheStacks(needs, names),
        ),
        ...(needs.entra ? [clusterAdminCheck(gathered.roleAssignments, needs.clusterAdmins)] : []),
        providersCheck(gathered.providers, needs),
        ...quotaChecks(gathered.skus, gathered.usage, needs),
        ...vmSizeChecks(gathered.skus, needs),
        ...nameChecks(needs, names),
    ];
}

export function countVerdicts(results: readonly CheckResult[]): Record<Verdict, number> {
    const count = (verdict: Verdict) => results.filter((result) => result.verdict === verdict).length;
    return { PASS: count("PASS"), FAIL: count("FAIL"), "CANNOT TELL": count("CANNOT TELL") };
}

export function exitCodeOf(results: readonly CheckResult[], acceptUnknown: boolean): number {
    const counts = countVerdicts(results);
    if (counts.FAIL > 0) return EXIT_CHECK_FAILED;
    return counts["CANNOT TELL"] > 0 && !acceptUnknown ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** The table, then each check that did not pass with its fix and source, then the counts. */
export function formatReport(heading: string, results: readonly CheckResult[], acceptUnknown: boolean): string {
    const counts = countVerdicts(results);
    const open = results.filter((result) => result.verdict !== "PASS");
    const lines = [
        heading,
        formatTable(
            ["result", "check", "found"],
            results.map((result) => [result.verdict, result.check, result.detail]),
        ),
    ];
    if (open.length > 0) {
        lines.push("", "To do:");
        for (const result of open)
            lines.push(`- ${result.verdict} ${result.check}: ${result.fix ?? ""}`, `  why: ${result.source}`);
    }
    const unknownNote =
        counts["CANNOT TELL"] > 0
            ? acceptUnknown
                ? " (accepted: --accept-unknown)"
                : " (exit 1: check them by hand, then --accept-unknown)"
            : "";
    lines.push("", `${counts.PASS} passed, ${counts.FAIL} failed, ${counts["CANNOT TELL"]} cannot tell${unknownNote}`);
    return lines.join("\n");
}
