/**
 * Where the Azure stand-in departs from azure-native and from Azure, in one place. `npm run
 * rehearse -- --help` prints it and docs/engine.md shows it (a test keeps the two in step).
 */
export const STAND_IN_DEPARTURES: readonly string[] = Object.freeze([
    "It is not Azure: resources are entries in a JSON file per rehearsal (ARM bodies), created at once, with no quotas, regions, SKUs, capacity or billing; what it judges comes from Azure's published contract (azureFacts/contract, the REST API specs at the API versions azure-native 3.28.0 uses) and AKS's documented rules (aksRules.ts), not from Azure's own code.",
    "Only these types are served: resource group, VNet, subnet, route table, user-assigned identity, role assignment, managed cluster, agent pool, maintenance configuration, Log Analytics workspace, data collection rule and its association, diagnostic setting, policy assignment, management locks (at a resource group, or on a scope); and three invokes (getClientConfig, listManagedClusterUserCredentials, listManagedClusterAdminCredentials). Anything else fails with a line naming the type.",
    "Check is stricter than azure-native's: a property the type does not have, or one Azure sets (read-only), is refused naming its path; azure-native's Check ignores both and leaves them out of the request.",
    "Diff follows azureFacts/replacements.ts' force-new facts and path parameters (rehearsal/azureModel.ts), as azure-native does from its generated metadata; create-only fields azure-native may add from the specs beyond those are not known. Pulumi's Node.js provider SDK carries no detailedDiff: previews show replaceReasons where azure-native would also show a per-property diff.",
    "ARM's refusals carry ARM's error shape; the code and wording are Azure's where a source quotes them (aksRules.ts, arm.ts say which), otherwise the stand-in's own. Extensible enums are judged for AKS's types only; Kubernetes versions are not checked against AKS's supported list, nor VM sizes against a region's.",
    "Random names (autonaming) use fresh randomness, not the per-resource randomness the engine hands azure-native, so a second preview of a new resource proposes another name; keyed arrays (x-ms-identifiers) are diffed by position.",
    "Responses carry what Microsoft's example responses and real captures show Azure filling in (tests/standIn.responses.test.ts), with made-up ids, GUIDs and etags; systemData is never filled.",
    "Its AKS is one local control plane (kube-apiserver, controller-manager, scheduler, kwok nodes): one cluster per rehearsal. A second ManagedCluster (azureCniCluster=true) is refused.",
    "Nodes are kwok nodes labelled as AKS labels its pools; no VM, disk, NIC or kubelet exists. AKS's routes are the stand-in's own arithmetic (node i: the pod CIDR's i-th /24 to the subnet's address .4+i), not read from the nodes' allocated pod CIDRs.",
    "The cluster's service range is served by the local API server as a second ServiceCIDR (networking.k8s.io/v1) beside the range it was started with; Services without a fixed address may take theirs from either.",
    "Azure RBAC for Kubernetes is emulated with RBAC bindings on the local API server for the role assignments on the cluster (RBAC Cluster Admin, RBAC Reader), applied at once, without the minutes Azure takes to propagate.",
    "Entra ID is emulated: the deployer and the preview identity are fixed stand-in object ids with static tokens on the local API server, and the rehearsal's kubelogin is a stand-in that prints such a token.",
    "listManagedClusterUserCredentials returns a kubeconfig for the local control plane: the kubelogin exec form for an Entra ID cluster (with --login devicecode, as AKS writes it), the local admin certificate for a local-accounts cluster; the admin credentials are that certificate.",
    "Of AKS's add-ons only the kube-dns Service exists, at the DNS service IP, with no CoreDNS pods behind it.",
    "The internal load balancer's address comes from the engine's load balancer stand-in, not from Azure's cloud controller: from the subnet the Service names, as this stand-in holds it (the nodes' subnet without the annotation); no load balancer or frontend resource exists.",
]);

/**
 * Keys Microsoft's example responses carry, Azure sets, and the stand-in's GET bodies leave out
 * (tests/standIn.responses.test.ts keeps this list to what is really missing).
 */
export const RESPONSE_DEPARTURES: Readonly<
    Record<string, ReadonlyArray<{ readonly key: string; readonly why: string }>>
> = Object.freeze({});
