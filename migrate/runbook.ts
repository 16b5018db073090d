/**
 * The ordered runbook from kubenet to Azure CNI Overlay, with the stack's real names. Pure text
 * from the stack's config; `npm run migrate -- plan` prints it. Which steps are proven here and
 * which follow AKS's documentation is part of each step.
 */
import { StackConfig } from "../config";
import { COMPONENT_TYPES, routeTableNameFor, SUBNET_NAMES } from "../names";

export interface RunbookStep {
    readonly title: string;
    readonly commands: readonly string[];
    /** What to expect, and why the step is there. */
    readonly notes: readonly string[];
    /**
     * "proven": exercised by this project's tests; "partly": the program's side is tested (mocks,
     * fixtures), the engine's or Azure's side follows docs; "documented": follows AKS/Pulumi docs only.
     */
    readonly evidence: "proven" | "partly" | "documented";
}

/** Logical names the migration touches (index.ts names the components "network" and "cluster"). */
export const MIGRATION_RESOURCES = Object.freeze({
    routeTable: {
        parentType: COMPONENT_TYPES.network,
        type: "azure-native:network:RouteTable",
        name: "network-routes",
    },
    routeTableGrant: {
        parentType: COMPONENT_TYPES.cluster,
        type: "azure-native:authorization:RoleAssignment",
        name: "cluster-network-contributor-route-table",
    },
    kubenetSubnet: {
        parentType: COMPONENT_TYPES.network,
        type: "azure-native:network:Subnet",
        name: `network-${SUBNET_NAMES.kubenet}`,
    },
    cluster: {
        parentType: COMPONENT_TYPES.cluster,
        type: "azure-native:containerservice:ManagedCluster",
        name: "cluster-aks",
    },
});

export function urnOf(
    stack: string,
    project: string,
    resource: { parentType: string; type: string; name: string },
): string {
    return `urn:pulumi:${stack}::${project}::${resource.parentType}$${resource.type}::${resource.name}`;
}

export function migrationRunbook(stack: string, project: string, config: StackConfig): RunbookStep[] {
    const rg = config.resourceGroupName;
    const name = config.clusterName;
    const s = `--stack ${stack}`;
    const unprotect = [MIGRATION_RESOURCES.routeTable, MIGRATION_RESOURCES.routeTableGrant].map(
        (resource) => `pulumi state unprotect ${s} --yes '${urnOf(stack, project, resource)}'`,
    );
    return [
        {
            title: "Check AKS's prerequisites",
            commands: [
                `az aks show -g ${rg} -n ${name} -o json > cluster.json`,
                `az network vnet subnet list -g ${rg} --vnet-name ${config.vnetName} -o json > subnets.json`,
                "kubectl get configmaps -n kube-system -o json > configmaps.json",
                "npm run --silent migrate -- check --cluster cluster.json --subnets subnets.json --configmaps configmaps.json",
            ],
            notes: ["Every line must PASS (or `migrate -- check --stack` gathers the same documents live)."],
            evidence: "proven",
        },
        {
            title: "Protect everything, so a mistake fails instead of deleting",
            commands: [`pulumi config set ${s} protect true`, `pulumi up ${s}`],
            notes: ["Only protect flags change: the preview shows no create, replace or delete."],
            evidence: "partly",
        },
        {
            title: "Move the cluster to Overlay in place (outside Pulumi)",
            commands: [
                `az aks update -g ${rg} -n ${name} --network-plugin azure --network-plugin-mode overlay --pod-cidr ${config.podCidr}`,
            ],
            notes: [
                "The pod CIDR is kept: every node keeps its /24.",
                "All node pools are reimaged at once, like a node-image upgrade: expect a disruption of every pod. The move is one-way.",
                `AKS deletes its routes from ${routeTableNameFor(config.vnetName)}, a table this program owns; it deletes a route table only when AKS created it (learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane). The table stays attached to the ${SUBNET_NAMES.kubenet} subnet: Pulumi's subnet update detaches it (step 8).`,
                "Afterwards other subnets can no longer reach pod IPs directly (Azure/AKS#4871).",
            ],
            evidence: "documented",
        },
        {
            title: "Bring Pulumi's state up to date",
            commands: [`pulumi refresh ${s} --yes`],
            notes: [
                "The refresh writes the changed, input-shaped properties of the outputs into the recorded inputs (azure-native provider.go Read): networkPlugin azure, networkPluginMode overlay, networkDataplane azure and, on recent API versions, networkPolicy none.",
                "The last two are fields AKS sets by itself; the program ignores them (ignoreChanges), so they cannot force a replacement (tests/overlayRefresh.test.ts).",
            ],
            evidence: "partly",
        },
        {
            title: "Tell the program",
            commands: [`pulumi config set ${s} networkPlugin overlay`],
            notes: ["The program stops declaring the route table and its grant; the cluster keeps its names."],
            evidence: "proven",
        },
        {
            title: "Unprotect the route table and its grant",
            commands: unprotect,
            notes: [
                "They were protected in step 2, and Pulumi refuses to plan the deletion of a protected resource: unprotect exactly those two. Everything else stays protected.",
            ],
            evidence: "partly",
        },
        {
            title: "Preview, and let the guard read it",
            commands: [
                `pulumi preview ${s} --json > preview.json`,
                `npm run --silent preview-guard -- preview.json --allow ${MIGRATION_RESOURCES.routeTable.name}`,
            ],
            notes: [
                `Expect: an update of ${MIGRATION_RESOURCES.kubenetSubnet.name} (the table detached), the deletion of ${MIGRATION_RESOURCES.routeTable.name} and ${MIGRATION_RESOURCES.routeTableGrant.name}, the grant wait replaced (one fewer grant), and no replacement of ${MIGRATION_RESOURCES.cluster.name}.`,
                `The guard allows exactly the table's deletion. If a force-new difference remains on ${MIGRATION_RESOURCES.cluster.name}, it exits 1 and names each field that forces it (networkProfile.podCidr, say) with the fix: stop there, apply the fix, refresh, and preview again. Never --allow ${MIGRATION_RESOURCES.cluster.name}: that deletes the cluster.`,
            ],
            evidence: "partly",
        },
        {
            title: "Apply",
            commands: [`pulumi up ${s}`],
            notes: [
                `Pulumi updates ${MIGRATION_RESOURCES.kubenetSubnet.name} first, which detaches the table, and deletes the table and its grant last (deletions run last), so Azure never sees an attached table deleted.`,
            ],
            evidence: "documented",
        },
        {
            title: "Verify",
            commands: [`npm run --silent verify -- ${s}`],
            notes: [
                'The node and pod checks hold (every node keeps its /24); the route-table check becomes "the kubenet subnet carries no route table".',
            ],
            evidence: "partly",
        },
        {
            title: "Optionally, unprotect",
            commands: [`pulumi config set ${s} protect false`, `pulumi up ${s}`],
            notes: ["protect=false takes effect only with this pulumi up."],
            evidence: "partly",
        },
    ];
}

export const EVIDENCE_LABELS: Readonly<Record<RunbookStep["evidence"], string>> = {
    proven: "proven here (tests)",
    partly: "the program's side proven here; Pulumi's and Azure's side from their docs",
    documented: "from AKS/Pulumi docs, not tested here",
};

export function formatRunbook(steps: readonly RunbookStep[]): string {
    return steps
        .map((step, index) =>
            [
                `${index + 1}. ${step.title}   [${EVIDENCE_LABELS[step.evidence]}]`,
                ...step.commands.map((command) => `     $ ${command}`),
                ...step.notes.map((note) => `     - ${note}`),
            ].join("\n"),
        )
        .join("\n\n");
}
