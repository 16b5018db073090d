/**
 * The rules an address plan must satisfy before anything is created, one named function per rule.
 * config/ runs them on the stack config; the policy pack and migrate run them on what a cluster
 * declares or reports (which may be partial, so every input is optional and a rule whose inputs
 * are missing finds nothing).
 */
import { CAPACITY_RULES } from "./capacityRules";
import {
    Cidr,
    cidr,
    cidrLast,
    cidrSize,
    containsCidr,
    containsIp,
    formatIp,
    hostAt,
    overlaps,
    parseCidr,
    parseIpv4,
} from "./cidr";
import {
    CIDR_KEYS,
    CidrKey,
    error,
    Finding,
    Problem,
    Rule,
    RuleContext,
    RuleFindings,
    SUBNET_KEYS,
    warning,
} from "./findings";
import {
    CONVENTIONAL_DNS_SERVICE_IP_OFFSET,
    DOCKER_BRIDGE_CIDR,
    LARGEST_SERVICE_CIDR_PREFIX,
    RANGES_AKS_FORBIDS,
    SMALLEST_AZURE_SUBNET_PREFIX,
} from "./limits";
import { AddressPlanInput } from "./plan";
import { NETWORK_PLUGINS } from "./plugins";

export type { Problem, RuleFindings };

const forbiddenRanges = RANGES_AKS_FORBIDS.map(cidr);
const dockerBridge = cidr(DOCKER_BRIDGE_CIDR);
const show = (context: RuleContext, key: CidrKey) => `${key} ${context.ranges.get(key)!.text}`;

/** Every range parses as an IPv4 network address (no host bits, no IPv6). */
function rangesParse({ input }: RuleContext): Finding[] {
    return CIDR_KEYS.flatMap((key) => {
        const text = input[key];
        if (text === undefined) return [];
        const parsed = parseCidr(text);
        return parsed.ok ? [] : [error("rangesParse", key, { [key]: text }, parsed.reason)];
    });
}

/** No range overlaps one AKS reserves for itself. */
function rangesAvoidAksReserved(context: RuleContext): Finding[] {
    return [...context.ranges].flatMap(([key, range]) => {
        const clash = forbiddenRanges.find((forbidden) => overlaps(range, forbidden));
        return clash
            ? [
                  error(
                      "rangesAvoidAksReserved",
                      key,
                      { [key]: range.text, reserved: clash.text },
                      `${range.text} overlaps ${clash.text}, which AKS reserves (${RANGES_AKS_FORBIDS.join(", ")}); choose a range outside them`,
                  ),
              ]
            : [];
    });
}

/** Every subnet lies inside the VNet. */
function subnetsInsideVnet(context: RuleContext): Finding[] {
    const vnet = context.ranges.get("vnetCidr");
    if (!vnet) return [];
    return SUBNET_KEYS.filter((key) => context.ranges.has(key) && !containsCidr(vnet, context.ranges.get(key)!)).map(
        (key) =>
            error(
                "subnetsInsideVnet",
                key,
                { [key]: context.ranges.get(key)!.text, vnetCidr: vnet.text },
                `${context.ranges.get(key)!.text} is not inside vnetCidr ${vnet.text}; choose a subnet within the VNet`,
            ),
    );
}

/** Every subnet is at least the smallest Azure accepts (/29). */
function subnetsLargeEnough(context: RuleContext): Finding[] {
    return SUBNET_KEYS.filter((key) => (context.ranges.get(key)?.prefix ?? 0) > SMALLEST_AZURE_SUBNET_PREFIX).map(
        (key) =>
            error(
                "subnetsLargeEnough",
                key,
                { [key]: context.ranges.get(key)!.text, smallestPrefix: SMALLEST_AZURE_SUBNET_PREFIX },
                `${context.ranges.get(key)!.text} is smaller than /${SMALLEST_AZURE_SUBNET_PREFIX}, the smallest subnet Azure accepts`,
            ),
    );
}

/** The subnets of one VNet do not overlap. */
function subnetsDisjoint(context: RuleContext): Finding[] {
    const subnets = SUBNET_KEYS.filter((key) => context.ranges.has(key));
    return subnets.flatMap((key, index) =>
        subnets
            .slice(index + 1)
            .filter((other) => overlaps(context.ranges.get(key)!, context.ranges.get(other)!))
            .map((other) =>
                error(
                    "subnetsDisjoint",
                    other,
                    { [other]: context.ranges.get(other)!.text, [key]: context.ranges.get(key)!.text },
                    `${show(context, other)} overlaps ${show(context, key)}; subnets of one VNet must not overlap`,
                ),
            ),
    );
}

/** The pod and service ranges lie outside the VNet and its subnets. */
function overlayRangesOutsideVnet(context: RuleContext): Finding[] {
    return (["podCidr", "serviceCidr"] as const).flatMap((overlay) => {
        const range = context.ranges.get(overlay);
        if (!range) return [];
        const clashes = (["vnetCidr", ...SUBNET_KEYS] as const).filter(
            (key) => context.ranges.has(key) && overlaps(range, context.ranges.get(key)!),
        );
        if (clashes.length === 0) return [];
        return [
            error(
                "overlayRangesOutsideVnet",
                overlay,
                { [overlay]: range.text, overlaps: clashes.join(",") },
                `${range.text} overlaps ${clashes.map((key) => show(context, key)).join(", ")}; the ${overlay === "podCidr" ? "pod" : "service"} range must lie outside the VNet and its subnets`,
            ),
        ];
    });
}

/** Overlapping docker0 (172.17.0.0/16) is legal but confusing on older nodes: a warning. */
function overlayRangesAvoidDockerBridge(context: RuleContext): Finding[] {
    return (["podCidr", "serviceCidr"] as const)
        .filter((key) => context.ranges.has(key) && overlaps(context.ranges.get(key)!, dockerBridge))
        .map((key) =>
            warning(
                "overlayRangesAvoidDockerBridge",
                key,
                { [key]: context.ranges.get(key)!.text, dockerBridge: DOCKER_BRIDGE_CIDR },
                `${context.ranges.get(key)!.text} overlaps ${DOCKER_BRIDGE_CIDR}, the docker0 bridge on older AKS nodes; legal, but node routing tables become confusing`,
            ),
        );
}

/** Pod and service ranges are disjoint. */
function podAndServiceRangesDisjoint(context: RuleContext): Finding[] {
    const [pods, services] = [context.ranges.get("podCidr"), context.ranges.get("serviceCidr")];
    if (!pods || !services || !overlaps(pods, services)) return [];
    return [
        error(
            "podAndServiceRangesDisjoint",
            "serviceCidr",
            { serviceCidr: services.text, podCidr: pods.text },
            `${services.text} overlaps podCidr ${pods.text}; pod and service ranges must be disjoint`,
        ),
    ];
}

/** The service CIDR is smaller than /12. */
function serviceCidrSmallEnough(context: RuleContext): Finding[] {
    const services = context.ranges.get("serviceCidr");
    if (!services || services.prefix > LARGEST_SERVICE_CIDR_PREFIX) return [];
    return [
        error(
            "serviceCidrSmallEnough",
            "serviceCidr",
            { serviceCidr: services.text, largestPrefix: LARGEST_SERVICE_CIDR_PREFIX },
            `${services.text} is too large; AKS needs a service CIDR smaller than /${LARGEST_SERVICE_CIDR_PREFIX} (for example /16)`,
        ),
    ];
}

/** The DNS service IP lies in the service CIDR, off its network, broadcast and first address; .10 by convention. */
function dnsServiceIpUsable(context: RuleContext): Finding[] {
    const text = context.input.dnsServiceIp;
    if (text === undefined) return [];
    const dns = parseIpv4(text);
    if (!dns.ok) return [error("dnsServiceIpUsable", "dnsServiceIp", { dnsServiceIp: text }, dns.reason)];
    const services = context.ranges.get("serviceCidr");
    if (!services) return [];
    const conventional = formatIp(
        hostAt(services, Math.min(CONVENTIONAL_DNS_SERVICE_IP_OFFSET, cidrSize(services) - 2)),
    );
    const values = { dnsServiceIp: text, serviceCidr: services.text, conventional };
    const refuse = (why: string) => [
        error("dnsServiceIpUsable", "dnsServiceIp", values, `${text} ${why}; use ${conventional}`),
    ];
    if (!containsIp(services, dns.value)) return refuse(`is not inside serviceCidr ${services.text}`);
    if (dns.value === services.network || dns.value === cidrLast(services))
        return refuse(`is the network or broadcast address of serviceCidr ${services.text}`);
    if (dns.value === services.network + 1)
        return refuse(
            `is the first address of serviceCidr ${services.text}, which Kubernetes gives to kubernetes.default.svc`,
        );
    if (formatIp(dns.value) !== conventional)
        return [
            warning(
                "dnsServiceIpUsable",
                "dnsServiceIp",
                values,
                `${text} works, but AKS recommends the .10 address of the service CIDR (${conventional})`,
            ),
        ];
    return [];
}

/** Every rule, in the order their problems are reported. */
export const ADDRESS_PLAN_RULES: readonly Rule[] = [
    rangesParse,
    rangesAvoidAksReserved,
    subnetsInsideVnet,
    subnetsLargeEnough,
    subnetsDisjoint,
    overlayRangesOutsideVnet,
    overlayRangesAvoidDockerBridge,
    podAndServiceRangesDisjoint,
    serviceCidrSmallEnough,
    dnsServiceIpUsable,
    ...CAPACITY_RULES,
];

/** What every rule sees for `input`: the ranges that parse (the others are left out) and the plugin. */
export function ruleContextFor(input: Partial<AddressPlanInput>): RuleContext {
    const ranges = new Map<CidrKey, Cidr>();
    for (const key of CIDR_KEYS) {
        const parsed = input[key] === undefined ? undefined : parseCidr(input[key]);
        if (parsed?.ok) ranges.set(key, parsed.value);
    }
    return { input, ranges, plugin: NETWORK_PLUGINS[input.networkPlugin ?? "kubenet"] };
}

/** Runs every rule over `input`; the ranges that do not parse are left out of the others. */
export function checkAddressPlan(input: Partial<AddressPlanInput>): RuleFindings {
    const context = ruleContextFor(input);
    const findings = ADDRESS_PLAN_RULES.flatMap((rule) => rule(context));
    const strip = ({ severity: _severity, ...problem }: Finding): Problem => problem;
    return {
        errors: findings.filter((found) => found.severity === "error").map(strip),
        warnings: findings.filter((found) => found.severity === "warning").map(strip),
    };
}
