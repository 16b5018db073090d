/**
 * deleteLock: CanNotDelete management locks on the resource group and on each cluster, as the Azure
 * Verified Modules' `lock` parameter puts them. What `protect` does for Pulumi's state, a lock does
 * in Azure: nobody deletes the locked resources (or anything in the group) from the portal, the
 * CLI or Pulumi, until the lock goes (docs/configuration.md, Delete locks).
 *
 * The component is declared last and depends on every Azure component of the stack: the locks are
 * created after everything else, and `pulumi destroy` (with protect off) removes them first, so it
 * is not refused by them. With protect on they are protected too, and destroy stops before them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { COMPONENT_TYPES } from "./names";
import { DELETE_LOCK_NAME, DELETE_LOCK_NOTES } from "./posture";

export interface DeleteLocksArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    /** Each cluster to lock, by a short name for its lock's Pulumi name. */
    readonly clusters: ReadonlyArray<{ readonly name: string; readonly id: pulumi.Input<string> }>;
    readonly protect: boolean;
}

export class DeleteLocks extends pulumi.ComponentResource {
    public readonly resourceGroupLock: authorization.ManagementLockAtResourceGroupLevel;
    public readonly clusterLocks: authorization.ManagementLockByScope[];

    constructor(name: string, args: DeleteLocksArgs, opts?: pulumi.ComponentResourceOptions) {
        super(COMPONENT_TYPES.deleteLocks, name, {}, opts);
        const childOpts = { parent: this, protect: args.protect };
        const lock = {
            lockName: DELETE_LOCK_NAME,
            level: authorization.LockLevel.CanNotDelete,
            notes: DELETE_LOCK_NOTES,
        };
        this.resourceGroupLock = new authorization.ManagementLockAtResourceGroupLevel(
            `${name}-resource-group`,
            { ...lock, resourceGroupName: args.resourceGroupName },
            childOpts,
        );
        // The group's lock covers the clusters already; a cluster's own lock stays if the group's goes.
        this.clusterLocks = args.clusters.map(
            (cluster) =>
                new authorization.ManagementLockByScope(
                    `${name}-${cluster.name}`,
                    { ...lock, scope: cluster.id },
                    childOpts,
                ),
        );
        this.registerOutputs({});
    }
}
