/**
 * The commands that build a lab topology, as data: phases run one after another, the groups
 * of a phase in parallel. Pure, so the exact wiring is unit-tested without root.
 */
import * as ipaddr from "ipaddr.js";
import {
    AZURE_CNI_POD_GATEWAY,
    KUBENET_SNAT_COMMENT,
    LabAzureCniNode,
    LabNode,
    LabTopology,
    allNetns,
} from "./topology";

/** One `ip -batch` run (inside `netns`, or the root namespace for `netns add`). */
export interface IpBatch {
    readonly kind: "ip";
    readonly netns?: string;
    readonly lines: readonly string[];
}
export interface SysctlGroup {
    readonly kind: "sysctl";
    readonly netns: string;
    readonly settings: Readonly<Record<string, string>>;
    /** Settings the kernel may lack (br_netfilter): a failure is reported, not fatal. */
    readonly optional?: boolean;
}
export interface IptablesRestore {
    readonly kind: "iptables-restore";
    readonly netns: string;
    readonly rules: string;
}
export type CommandGroup = IpBatch | SysctlGroup | IptablesRestore;
export type Phase = readonly CommandGroup[];

/** kube-proxy's statistic split: rule i of n takes 1/(n-i) of what reaches it. */
export function endpointProbabilities(count: number): string[] {
    return Array.from({ length: count - 1 }, (_, i) => (1 / (count - i)).toFixed(11));
}

/** kube-proxy's mark for connections that need SNAT (a pod reaching itself through its service). */
export const KUBE_MASQ_MARK = "0x4000/0x4000";
/** AKS's ip-masq-agent chain on Azure CNI nodes. */
export const IP_MASQ_AGENT_CHAIN = "IP-MASQ-AGENT";

/**
 * An ip-masq-agent chain: traffic to `nonMasquerade` keeps the pod IP, everything else leaves with
 * the node IP. Azure CNI lists the VNet; Overlay the pod CIDR.
 */
function ipMasqAgentRules(nonMasquerade: string): string[] {
    return [
        `-A POSTROUTING -m comment --comment "ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain" -m addrtype ! --dst-type LOCAL -j ${IP_MASQ_AGENT_CHAIN}`,
        `-A ${IP_MASQ_AGENT_CHAIN} -d ${nonMasquerade} -m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN`,
        `-A ${IP_MASQ_AGENT_CHAIN} -m comment --comment "ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE`,
    ];
}

/**
 * The node's nat table, laid out as on an AKS node: kube-proxy's KUBE-POSTROUTING first, then the
 * SNAT rule (kubenet's, or Overlay's ip-masq-agent keeping the pod CIDR), and ClusterIP DNAT chains
 * (KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-*).
 */
export function nodeNatRules(topology: LabTopology): string {
    const { service } = topology;
    const endpoints = service.endpoints;
    const chain = `KUBE-SVC-${service.name.toUpperCase()}`;
    const sep = (i: number) => `KUBE-SEP-${service.name.toUpperCase()}-${i}`;
    const probabilities = endpointProbabilities(endpoints.length);
    return [
        "*nat",
        ":KUBE-SERVICES - [0:0]",
        ":KUBE-POSTROUTING - [0:0]",
        ":KUBE-MARK-MASQ - [0:0]",
        `:${chain} - [0:0]`,
        ...endpoints.map((_, i) => `:${sep(i)} - [0:0]`),
        ...(topology.plugin === "overlay" ? [`:${IP_MASQ_AGENT_CHAIN} - [0:0]`] : []),
        `-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
        `-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
        `-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING`,
        ...(topology.plugin === "overlay"
            ? ipMasqAgentRules(topology.podCidr)
            : [
                  `-A POSTROUTING ! -d ${topology.podCidr} -m addrtype ! --dst-type LOCAL -m comment --comment "${KUBENET_SNAT_COMMENT}" -j MASQUERADE`,
              ]),
        `-A KUBE-SERVICES -d ${service.clusterIp}/32 -p tcp -m tcp --dport ${service.port} -m comment --comment "${service.name}/${service.name}:http cluster IP" -j ${chain}`,
        ...endpoints.map((_, i) =>
            i < probabilities.length
                ? `-A ${chain} -m statistic --mode random --probability ${probabilities[i]} -j ${sep(i)}`
                : `-A ${chain} -j ${sep(i)}`,
        ),
        `-A KUBE-MARK-MASQ -j MARK --set-xmark ${KUBE_MASQ_MARK}`,
        `-A KUBE-POSTROUTING -m mark ! --mark ${KUBE_MASQ_MARK} -j RETURN`,
        `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE`,
        // A pod sent to itself would see its own address as the source and drop the packet
        // (martian): kube-proxy masquerades that hairpin connection to the bridge address.
        ...endpoints.flatMap((endpoint, i) => [
            `-A ${sep(i)} -s ${endpoint}/32 -j KUBE-MARK-MASQ`,
            `-A ${sep(i)} -p tcp -m tcp -j DNAT --to-destination ${endpoint}:${service.targetPort}`,
        ]),
        "COMMIT",
        "",
    ].join("\n");
}

/**
 * An Azure CNI node's nat table, as AKS's ip-masq-agent writes it: traffic to the VNet (its
 * non-masquerade list) keeps the pod IP; everything else leaves with the node IP.
 */
export function azureCniNatRules(topology: LabTopology): string {
    return ["*nat", `:${IP_MASQ_AGENT_CHAIN} - [0:0]`, ...ipMasqAgentRules(topology.vnetCidr), "COMMIT", ""].join("\n");
}

/**
 * The router's filter table: Azure does not route the internet to private addresses (nothing here
 * has a public IP); answers to connections made from inside still return.
 */
export function routerFilterRules(topology: LabTopology): string {
    return [
        "*filter",
        `-A FORWARD -i ${topology.router.externalInterface} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
        `-A FORWARD -i ${topology.router.externalInterface} -m comment --comment "no public IP: the internet cannot open connections into the VNet" -j REJECT --reject-with icmp-net-unreachable`,
        "COMMIT",
        "",
    ].join("\n");
}

const prefixLength = (cidrText: string) => cidrText.split("/")[1];

/**
 * What an interface is to the lab, for its MAC address: a host's eth0 (node, pod, VM, internet),
 * the router's end of a host's link, a node's cbr0, or an Azure CNI node's end of a pod's veth.
 */
export type MacRole = "host" | "router" | "bridge" | "cniVeth";
const MAC_ROLE_BYTE: Record<MacRole, number> = { host: 0x10, router: 0x20, bridge: 0x30, cniVeth: 0x40 };

/**
 * A fixed MAC for an interface: locally administered unicast (02), the role, and the IPv4 address
 * of the host the interface faces (unique within a lab, so no two interfaces on one link share one).
 * Fixed addresses let the lab write its neighbour entries itself, as permanent entries (below).
 */
export function labMac(role: MacRole, ip: string): string {
    const bytes = [0x02, MAC_ROLE_BYTE[role], ...ipaddr.IPv4.parse(ip).toByteArray()];
    return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}

/**
 * A permanent neighbour entry. The kernel's ARP table is one for all namespaces, and dynamic
 * entries beyond net.ipv4.neigh.default.gc_thresh3 (1024 by default) are refused ("neighbor table
 * overflow"): a 100-node lab needs about 2000, and packets to a neighbour that cannot be added
 * are dropped. Permanent entries are exempt from that limit (kernel commit 58956317c8de,
 * "neighbor: Improve garbage collection", Linux 4.20), so the lab writes every neighbour its
 * traffic always uses, and only rare flows resolve ARP on the fly.
 */
const neighbour = (ip: string, mac: string, dev: string) =>
    `neigh replace ${ip} lladdr ${mac} dev ${dev} nud permanent`;

function nodeLinks(node: LabNode): IpBatch {
    return {
        kind: "ip",
        netns: node.netns,
        lines: [
            `link add cbr0 address ${labMac("bridge", node.bridgeIp)} type bridge`,
            ...node.pods.map(
                (pod, i) =>
                    `link add veth${i} type veth peer name eth0 address ${labMac("host", pod.ip)} netns ${pod.netns}`,
            ),
        ],
    };
}

function cniNodeLinks(node: LabAzureCniNode): IpBatch {
    return {
        kind: "ip",
        netns: node.netns,
        lines: node.pods.map(
            (pod) =>
                `link add ${pod.hostInterface} address ${labMac("cniVeth", pod.ip)} type veth peer name eth0 address ${labMac("host", pod.ip)} netns ${pod.netns}`,
        ),
    };
}

function nodeAddresses(topology: LabTopology, node: LabNode): IpBatch {
    return {
        kind: "ip",
        netns: node.netns,
        lines: [
            "link set lo up",
            `addr add ${node.ip}/${prefixLength(topology.subnetCidr)} dev eth0`,
            "link set eth0 up",
            `addr add ${node.bridgeIp}/${prefixLength(node.podCidr)} dev cbr0`,
            "link set cbr0 up",
            ...node.pods.flatMap((_, i) => [
                `link set veth${i} master cbr0`,
                // A pod reaching itself through the ClusterIP needs its bridge port to hairpin.
                `link set veth${i} type bridge_slave hairpin on`,
                `link set veth${i} up`,
            ]),
            `route add default via ${node.gateway} dev eth0`,
            neighbour(node.gateway, labMac("router", node.ip), "eth0"),
            ...node.pods.map((pod) => neighbour(pod.ip, labMac("host", pod.ip), "cbr0")),
        ],
    };
}

/** Azure CNI transparent mode: no bridge; a /32 route per pod to its veth. */
function cniNodeAddresses(topology: LabTopology, node: LabAzureCniNode): IpBatch {
    return {
        kind: "ip",
        netns: node.netns,
        lines: [
            "link set lo up",
            `addr add ${node.ip}/${prefixLength(topology.azureCni!.subnetCidr)} dev eth0`,
            "link set eth0 up",
            ...node.pods.flatMap((pod) => [
                `link set ${pod.hostInterface} up`,
                `route add ${pod.ip}/32 dev ${pod.hostInterface}`,
                neighbour(pod.ip, labMac("host", pod.ip), pod.hostInterface),
            ]),
            `route add default via ${node.gateway} dev eth0`,
            neighbour(node.gateway, labMac("router", node.ip), "eth0"),
        ],
    };
}

/** A host with one link: eth0 in its subnet, default via the gateway, whose MAC is `gatewayMac`. */
function hostAddresses(
    netns: string,
    ip: string,
    prefix: number | string,
    gateway: string,
    gatewayMac: string,
): IpBatch {
    return {
        kind: "ip",
        netns,
        lines: [
            "link set lo up",
            `addr add ${ip}/${prefix} dev eth0`,
            "link set eth0 up",
            `route add default via ${gateway} dev eth0`,
            neighbour(gateway, gatewayMac, "eth0"),
        ],
    };
}

/**
 * The VNet: p2p links with proxy ARP to every host, the kubenet route table scoped to the kubenet subnet,
 * the SDN's routes to Azure CNI pods.
 */
function routerConfiguration(topology: LabTopology): IpBatch {
    const { router, vnetHost, external } = topology;
    const link = (iface: string, gateway: string, hostIp: string) => [
        `addr add ${gateway}/32 dev ${iface}`,
        `link set ${iface} up`,
        `route add ${hostIp}/32 dev ${iface}`,
        neighbour(hostIp, labMac("host", hostIp), iface),
    ];
    return {
        kind: "ip",
        netns: router.netns,
        lines: [
            "link set lo up",
            // Point-to-point links with proxy ARP: like Azure's SDN there is no shared L2,
            // so no ICMP redirect can bypass the route table.
            ...topology.nodes.flatMap((node) => link(node.routerInterface, node.gateway, node.ip)),
            ...(topology.azureCni?.nodes ?? []).flatMap((node) => [
                ...link(node.routerInterface, node.gateway, node.ip),
                // The SDN knows every Azure CNI pod's address and its node: no route table involved.
                ...node.pods.map((pod) => `route add ${pod.ip}/32 via ${node.ip} dev ${node.routerInterface}`),
            ]),
            ...link(vnetHost.routerInterface, vnetHost.gateway, vnetHost.ip),
            `addr add ${router.externalGateway}/${external.prefixLength} dev ${router.externalInterface}`,
            `link set ${router.externalInterface} up`,
            neighbour(external.ip, labMac("host", external.ip), router.externalInterface),
            // The slices (each node's /24 via the node) live in their own table, and only traffic from
            // the cluster's nodes consults it: kubenet's route table acts on its subnet alone, and
            // Overlay's pod addresses are known to the cluster's nodes only (Azure/AKS#4871).
            ...router.routes.map(
                (route) => `route add ${route.prefix} via ${route.via} dev ${route.dev} table ${router.routeTable}`,
            ),
            ...topology.nodes.map(
                (node) => `rule add iif ${node.routerInterface} lookup ${router.routeTable} pref ${router.routeTable}`,
            ),
            // Private ranges without a route go nowhere (Azure drops them; "unreachable" fails fast).
            ...router.unreachable.map((range) => `route add unreachable ${range}`),
        ],
    };
}

function routerInterfaces(topology: LabTopology): string[] {
    return [
        ...topology.nodes.map((node) => node.routerInterface),
        ...(topology.azureCni?.nodes ?? []).map((node) => node.routerInterface),
        topology.vnetHost.routerInterface,
    ];
}

/** The router's link to a host: the router's end, and the host's eth0 in the host's namespace. */
const hostLink = (routerInterface: string, hostIp: string, hostNetns: string) =>
    `link add ${routerInterface} address ${labMac("router", hostIp)} type veth peer name eth0 address ${labMac("host", hostIp)} netns ${hostNetns}`;

/** Everything `up` runs, in order. */
export function buildCommands(topology: LabTopology): Phase[] {
    const { router, external, vnetHost } = topology;
    const cniNodes = topology.azureCni?.nodes ?? [];
    const createNamespaces: Phase = [{ kind: "ip", lines: allNetns(topology).map((netns) => `netns add ${netns}`) }];

    // Links are created from inside the namespaces, peer ends straight into their own
    // namespace: nothing is ever created in (or moved through) the root namespace.
    const createLinks: Phase = [
        {
            kind: "ip",
            netns: router.netns,
            lines: [
                ...[...topology.nodes, ...cniNodes, vnetHost].map((host) =>
                    hostLink(host.routerInterface, host.ip, host.netns),
                ),
                hostLink(router.externalInterface, external.ip, external.netns),
            ],
        },
        ...topology.nodes.map(nodeLinks),
        ...cniNodes.map(cniNodeLinks),
    ];

    const configure: Phase = [
        routerConfiguration(topology),
        {
            kind: "sysctl",
            netns: router.netns,
            settings: {
                "net.ipv4.ip_forward": "1",
                "net.ipv4.conf.all.send_redirects": "0",
                ...Object.fromEntries(
                    routerInterfaces(topology).flatMap((iface) => [
                        [`net.ipv4.conf.${iface}.proxy_arp`, "1"],
                        [`net.ipv4.neigh.${iface}.proxy_delay`, "0"],
                    ]),
                ),
            },
        },
        { kind: "iptables-restore", netns: router.netns, rules: routerFilterRules(topology) },
        ...topology.nodes.map((node) => nodeAddresses(topology, node)),
        ...topology.nodes.map((node): SysctlGroup => ({
            kind: "sysctl",
            netns: node.netns,
            settings: { "net.ipv4.ip_forward": "1", "net.ipv4.conf.all.send_redirects": "0" },
        })),
        // A ClusterIP whose endpoint is on the caller's own node answers over the bridge:
        // conntrack must see bridged packets to undo the DNAT.
        ...topology.nodes.map((node): SysctlGroup => ({
            kind: "sysctl",
            netns: node.netns,
            settings: { "net.bridge.bridge-nf-call-iptables": "1" },
            optional: true,
        })),
        ...topology.nodes.map((node): IptablesRestore => ({
            kind: "iptables-restore",
            netns: node.netns,
            rules: nodeNatRules(topology),
        })),
        ...topology.nodes.flatMap((node) =>
            node.pods.map((pod) =>
                hostAddresses(
                    pod.netns,
                    pod.ip,
                    prefixLength(node.podCidr),
                    node.bridgeIp,
                    labMac("bridge", node.bridgeIp),
                ),
            ),
        ),
        ...cniNodes.map((node) => cniNodeAddresses(topology, node)),
        // The node answers its pods' ARP for the link-local gateway (proxy ARP on each pod's veth).
        ...cniNodes.map((node): SysctlGroup => ({
            kind: "sysctl",
            netns: node.netns,
            settings: {
                "net.ipv4.ip_forward": "1",
                "net.ipv4.conf.all.send_redirects": "0",
                ...Object.fromEntries(
                    node.pods.flatMap((pod) => [
                        [`net.ipv4.conf.${pod.hostInterface}.proxy_arp`, "1"],
                        [`net.ipv4.neigh.${pod.hostInterface}.proxy_delay`, "0"],
                    ]),
                ),
            },
        })),
        ...cniNodes.map((node): IptablesRestore => ({
            kind: "iptables-restore",
            netns: node.netns,
            rules: azureCniNatRules(topology),
        })),
        ...cniNodes.flatMap((node) =>
            node.pods.map((pod): IpBatch => ({
                kind: "ip",
                netns: pod.netns,
                lines: [
                    "link set lo up",
                    `addr add ${pod.ip}/32 dev eth0`,
                    "link set eth0 up",
                    `route add ${AZURE_CNI_POD_GATEWAY} dev eth0 scope link`,
                    `route add default via ${AZURE_CNI_POD_GATEWAY} dev eth0`,
                    neighbour(AZURE_CNI_POD_GATEWAY, labMac("cniVeth", pod.ip), "eth0"),
                ],
            })),
        ),
        hostAddresses(
            vnetHost.netns,
            vnetHost.ip,
            vnetHost.prefixLength,
            vnetHost.gateway,
            labMac("router", vnetHost.ip),
        ),
        hostAddresses(
            external.netns,
            external.ip,
            external.prefixLength,
            router.externalGateway,
            labMac("router", external.ip),
        ),
    ];
    return [createNamespaces, createLinks, configure];
}
