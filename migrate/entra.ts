/**
 * Moving a deployed stack from local accounts to Microsoft Entra ID, and why the move ends with a
 * certificate rotation. On a local-accounts cluster the credential listClusterUserCredential
 * returns is a client certificate with cluster-admin rights ("On clusters that don't use Microsoft
 * Entra ID, the clusterUser role has same effect of clusterAdmin role", control-kubeconfig-access),
 * and the stack's checkpoints from before the move keep it: `pulumi stack export --version N
 * --show-secrets` reads it with Stack Read. Turning local accounts off does not revoke it; only
 * rotating the cluster's certificates does, which AKS does by "Rotate all certificates, CAs, and
 * SAs on your cluster" (learn.microsoft.com/azure/aks/certificate-rotation). Pure text; `migrate
 * -- entra` prints the runbook, the guard and verify name the same command and cost.
 */
import { StackConfig } from "../config";
import { RunbookStep } from "./runbook";

export const CERTIFICATE_ROTATION = Object.freeze({
    command: (resourceGroup: string, clusterName: string) =>
        `az aks rotate-certs -g ${resourceGroup} -n ${clusterName}`,
    cost: "it recreates every node, virtual machine scale set and disk, and can cause up to 30 minutes of downtime of the cluster (API server included)",
    why: "the stack's earlier checkpoints keep the local-accounts cluster's user certificate (cluster-admin there), readable with Stack Read through `pulumi stack export --version N --show-secrets`, and valid until the cluster's certificates are rotated",
    source: "learn.microsoft.com/azure/aks/certificate-rotation",
});

/** One line for a stack that moves (or moved) to Entra ID: what to run after `pulumi up`, and what it costs. */
export function rotationAdvice(resourceGroup: string, clusterName: string): string {
    return `run \`${CERTIFICATE_ROTATION.command(resourceGroup, clusterName)}\` after the move: ${CERTIFICATE_ROTATION.why}; ${CERTIFICATE_ROTATION.cost} (${CERTIFICATE_ROTATION.source})`;
}

/** The runbook from clusterAccess=localAccounts to entra, with the stack's names. */
export function entraRunbook(stack: string, config: StackConfig): RunbookStep[] {
    const s = `--stack ${stack}`;
    const rotate = CERTIFICATE_ROTATION.command(config.resourceGroupName, config.clusterName);
    return [
        {
            title: "Name the admins (optional: by default, whoever deploys)",
            commands: [`pulumi config set ${s} --path 'clusterAdmins[0]' <Entra object id>`],
            notes: [
                "Each admin gets Azure Kubernetes Service RBAC Cluster Admin on the cluster; the grants take up to 5 minutes to apply, and the program waits.",
            ],
            evidence: "proven",
        },
        {
            title: "Move the cluster to Entra ID in place",
            commands: [
                `pulumi config rm ${s} clusterAccess`,
                `pulumi preview ${s} --json > preview.json`,
                "npm run --silent preview-guard -- preview.json",
                `pulumi up ${s}`,
            ],
            notes: [
                "An update of the cluster and its provider, no replacement; the workloads stay. One-way: AKS cannot turn Entra ID off again.",
                "From here the stack's state holds no credential, but its earlier checkpoints still hold the cluster-user certificate.",
            ],
            evidence: "proven",
        },
        {
            title: "Rotate the cluster's certificates (outside Pulumi)",
            commands: [rotate],
            notes: [
                `Why: ${CERTIFICATE_ROTATION.why}.`,
                `Cost: ${CERTIFICATE_ROTATION.cost} (${CERTIFICATE_ROTATION.source}). Plan a maintenance window.`,
                "If it fails half-way, `az aks show` reports the state Certificate Rotating; run it again.",
            ],
            evidence: "documented",
        },
        {
            title: "Bring the stack's outputs up to date, and check",
            commands: [`pulumi up ${s}`, `npm run --silent verify -- ${s}`],
            notes: [
                "The up records the new CA in the kubeconfig output and updates the Kubernetes provider in place (its clusterIdentifier keeps the workloads); nothing is replaced.",
                "verify compares the newest certificate in the stack's checkpoints with the cluster's CA: it passes once that certificate is no longer signed by it, fails naming the rotation while it still is, and says when it cannot tell.",
            ],
            evidence: "partly",
        },
    ];
}
