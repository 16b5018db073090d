/**
 * The names `pulumi up` creates: the resource group must be free in the subscription, or already
 * this stack's (its state holds it: a second `up`); each cluster name must be free in the group,
 * or already this stack's. azure-native refuses to create a resource that already exists
 * ("consider importing"), so a name taken by anything else fails the first `up` minutes in. Pure.
 */
import type { NamedResource, ResourceGroup, StateResource } from "./documents";
import { resourceGroupScope, StackNeeds } from "./needs";
import { SOURCES } from "./sources";
import { cannotTell, CheckResult, Evidence, fail, pass, sameName } from "./verdicts";

const RESOURCE_GROUP_TYPE = "azure-native:resources:ResourceGroup";
const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";

const inState = (state: readonly StateResource[], type: string, id: string) =>
    state.some((resource) => resource.type === type && resource.id !== undefined && sameName(resource.id, id));

export interface NameEvidence {
    readonly subscriptionId?: string;
    readonly groups: Evidence<readonly ResourceGroup[]>;
    /** The stack's state (`pulumi stack export`); missing when it could not be read. */
    readonly state: Evidence<readonly StateResource[]>;
    /** The clusters in the resource group (`az aks list -g`), when it exists. */
    readonly clusters: Evidence<readonly NamedResource[]>;
}

/** Whether the resource group exists and the stack's state holds it. */
export function resourceGroupIsTheStacks(needs: StackNeeds, evidence: NameEvidence): boolean {
    if (!evidence.state.ok || !evidence.subscriptionId) return false;
    return inState(
        evidence.state.value,
        RESOURCE_GROUP_TYPE,
        resourceGroupScope(evidence.subscriptionId, needs.resourceGroupName),
    );
}

export function nameChecks(needs: StackNeeds, evidence: NameEvidence): CheckResult[] {
    const source = SOURCES.nameRules;
    const groupName = needs.resourceGroupName;
    const groupCheck = `resource group name ${groupName}`;
    const rename = (key: string) =>
        `choose another name (pulumi config set ${key} NAME), or adopt the existing one with pulumi import`;
    if (!evidence.groups.ok) {
        const { reason } = evidence.groups;
        return [groupCheck, ...needs.clusters.map((cluster) => `cluster name ${cluster.clusterName}`)].map((check) =>
            cannotTell(check, reason, "az group list -o json", source),
        );
    }
    const group = evidence.groups.value.find((candidate) => sameName(candidate.name, groupName));
    const ours = resourceGroupIsTheStacks(needs, evidence);
    const stateNote = evidence.state.ok ? "" : ` (the stack's state could not be read: ${evidence.state.reason})`;
    const groupResult = !group
        ? pass(groupCheck, "free in the subscription", source)
        : ours
          ? pass(groupCheck, `exists, and stack ${needs.stack} holds it in its state`, source)
          : evidence.state.ok
            ? fail(
                  groupCheck,
                  `taken (${group.location || "a group"} ${group.id}), not by stack ${needs.stack}`,
                  rename("resourceGroupName"),
                  source,
              )
            : cannotTell(
                  groupCheck,
                  `exists (${group.id}); whether stack ${needs.stack} made it is unknown${stateNote}`,
                  `if stack ${needs.stack} has not deployed it, ${rename("resourceGroupName")}; give the state (pulumi stack export --stack ${needs.stack} > stack.json) to decide`,
                  source,
              );

    const clusterResults = needs.clusters.map(({ clusterName }) => {
        const check = `cluster name ${clusterName}`;
        if (!group) return pass(check, `free: its resource group ${groupName} does not exist yet`, source);
        const id = `${group.id}/providers/Microsoft.ContainerService/managedClusters/${clusterName}`;
        if (evidence.state.ok && inState(evidence.state.value, CLUSTER_TYPE, id))
            return pass(check, `exists, and stack ${needs.stack} holds it in its state`, source);
        if (!evidence.clusters.ok)
            return cannotTell(
                check,
                `${groupName} exists and its clusters could not be listed: ${evidence.clusters.reason}`,
                `list the group's clusters (az aks list -g ${groupName} -o json > clusters.json with --from) and run again`,
                source,
            );
        const taken = evidence.clusters.value.find((cluster) => sameName(cluster.name, clusterName));
        return taken
            ? fail(
                  check,
                  `taken in ${groupName} (${taken.id})${evidence.state.ok ? `, not by stack ${needs.stack}` : stateNote}`,
                  rename(clusterName === needs.clusters[0].clusterName ? "clusterName" : "azureCniClusterName"),
                  source,
              )
            : pass(check, `free in ${groupName}`, source);
    });
    return [groupResult, ...clusterResults];
}
