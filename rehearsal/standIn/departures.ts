/**
 * Where the Azure stand-in departs from azure-native and from Azure, in one place. `npm run
 * rehearse -- --help` prints it and docs/engine.md shows it (a test keeps the two in step).
 */
export const STAND_IN_DEPARTURES: readonly string[] = Object.freeze([
    "It is not Azure: resources are entries in a JSON file per rehearsal, created at once, with no quotas, regions, SKUs, capacity or billing, and no Azure API version behind them.",
    "Only the types the program uses are served (resource group, VNet, subnet, route table, user-assigned identity, role assignment, managed cluster, agent pool, maintenance configuration, Log Analytics workspace, data collection rule and its association, policy assignment; none of the last four does anything in the stand-in) and two invokes (getClientConfig, listManagedClusterUserCredentials); anything else fails with a line naming the type.",
    "Replacement follows guard/replacements.ts (force-new properties and path parameters) through rehearsal/azureModel.ts; the create-only fields of each API spec that azure-native's generated metadata adds are not known, except those in IRREVERSIBLE_CHANGES, which its AKS refuses as AKS does.",
    "Pulumi's Node.js provider SDK carries no detailedDiff: previews show replaceReasons (the force-new keys) where azure-native would also show a per-property diff.",
    "Defaults and keyed arrays (x-ms-identifiers) are not modelled; positional arrays are.",
    "Its AKS is one local control plane (kube-apiserver, controller-manager, scheduler, kwok nodes): one cluster per rehearsal. A second ManagedCluster (azureCniCluster=true) is refused.",
    "Nodes are kwok nodes labelled as AKS labels its pools; no VM, disk, NIC or kubelet exists. AKS's routes are written from the address plan's slices, not from the nodes' allocated pod CIDRs.",
    "Azure RBAC for Kubernetes is emulated with RBAC bindings on the local API server for the role assignments on the cluster (RBAC Cluster Admin, RBAC Reader), applied at once, without the minutes Azure takes to propagate.",
    "Entra ID is emulated: the deployer and the preview identity are fixed stand-in object ids with static tokens on the local API server, and the rehearsal's kubelogin is a stand-in that prints such a token.",
    "listManagedClusterUserCredentials returns a kubeconfig for the local control plane: the kubelogin exec form for an Entra ID cluster (with --login devicecode, as AKS writes it), the local admin certificate for a local-accounts cluster.",
    "Of AKS's add-ons only the kube-dns Service exists, at the DNS service IP, with no CoreDNS pods behind it.",
    "The internal load balancer's address comes from the engine's load balancer stand-in (the services subnet of the stack's address plan), not from Azure's cloud controller.",
]);
