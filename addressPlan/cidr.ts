/**
 * IPv4 CIDR primitives. Parsing is delegated to ipaddr.js; what remains here is integer
 * arithmetic on 32-bit addresses. This folder (addressPlan/) is the only place in the
 * project that does address math: config validation, the stack outputs, the policy pack
 * and the local lab all call these functions instead of restating numbers.
 */
import * as ipaddr from "ipaddr.js";

/** An IPv4 network in CIDR notation, with its address as an unsigned 32-bit integer. */
export interface Cidr {
    /** Canonical text, e.g. "10.100.0.0/16". */
    readonly text: string;
    /** Network address as an unsigned 32-bit integer. */
    readonly network: number;
    /** Prefix length, 0..32. */
    readonly prefix: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ADDRESS_SPACE = 2 ** 32;

/** Unsigned 32-bit integer of a dotted-quad IPv4 address. */
export function ipToNumber(address: ipaddr.IPv4): number {
    return address.toByteArray().reduce((acc, octet) => acc * 256 + octet, 0);
}

/** Dotted-quad text of an unsigned 32-bit integer. */
export function formatIp(value: number): string {
    if (!Number.isInteger(value) || value < 0 || value >= ADDRESS_SPACE) {
        throw new RangeError(`not an IPv4 address value: ${value}`);
    }
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export function cidrOf(network: number, prefix: number): Cidr {
    return { text: `${formatIp(network)}/${prefix}`, network, prefix };
}

/** Number of addresses in the network (2^(32-prefix)). */
export function cidrSize(cidr: Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

/** Last (broadcast) address of the network. */
export function cidrLast(cidr: Cidr): number {
    return cidr.network + cidrSize(cidr) - 1;
}

/**
 * Strict IPv4 address parser: four decimal parts only. ipaddr.js alone also accepts
 * shorthands such as "10.1" (= 10.0.0.1) and hex parts, which Azure does not.
 */
export function parseIpv4(text: string): ParseResult<number> {
    const trimmed = text.trim();
    if (ipaddr.IPv6.isValid(trimmed)) {
        return {
            ok: false,
            reason: `"${text}" is an IPv6 address; this program plans an IPv4-only kubenet cluster (kubenet has no IPv6 support here), use an IPv4 address`,
        };
    }
    if (!ipaddr.IPv4.isValidFourPartDecimal(trimmed)) {
        return { ok: false, reason: `"${text}" is not an IPv4 address in dotted-quad form (like 10.200.0.10)` };
    }
    return { ok: true, value: ipToNumber(ipaddr.IPv4.parse(trimmed)) };
}

/**
 * Strict IPv4 CIDR parser: "a.b.c.d/n", no host bits set. A value with host bits is
 * refused with the network address to use instead, since Azure rejects such prefixes.
 */
export function parseCidr(text: string): ParseResult<Cidr> {
    const trimmed = text.trim();
    const slash = trimmed.indexOf("/");
    if (slash < 0) {
        return { ok: false, reason: `"${text}" is not in CIDR notation (address/prefix, like 10.100.0.0/16)` };
    }
    const addressText = trimmed.slice(0, slash);
    const prefixText = trimmed.slice(slash + 1);
    if (ipaddr.IPv6.isValid(addressText)) {
        return {
            ok: false,
            reason: `"${text}" is an IPv6 range; this program plans an IPv4-only kubenet cluster, use an IPv4 CIDR like 10.100.0.0/16`,
        };
    }
    const address = parseIpv4(addressText);
    if (!address.ok) {
        return { ok: false, reason: `"${text}" is not in CIDR notation: ${address.reason}` };
    }
    if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
        return { ok: false, reason: `"${text}" has prefix length "${prefixText}"; use a number from 0 to 32` };
    }
    const prefix = Number(prefixText);
    const network = address.value - (address.value % 2 ** (32 - prefix));
    if (network !== address.value) {
        return { ok: false, reason: `"${text}" has host bits set; use ${formatIp(network)}/${prefix}` };
    }
    return { ok: true, value: cidrOf(network, prefix) };
}

/** Parses a CIDR that is known to be valid (a constant, or a value already validated). */
export function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    if (!parsed.ok) {
        throw new Error(parsed.reason);
    }
    return parsed.value;
}

export function containsIp(range: Cidr, address: number): boolean {
    return address >= range.network && address <= cidrLast(range);
}

/** True when `inner` lies entirely inside `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && containsIp(outer, inner.network);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.network <= cidrLast(b) && b.network <= cidrLast(a);
}

/** The `index`-th subnet of length `prefix` inside `range` (index 0 is the first). */
export function subnetAt(range: Cidr, prefix: number, index: number): Cidr {
    if (prefix < range.prefix) {
        throw new RangeError(`/${prefix} is larger than ${range.text}`);
    }
    if (!Number.isInteger(index) || index < 0 || index >= subnetCount(range, prefix)) {
        throw new RangeError(`${range.text} has no /${prefix} number ${index}`);
    }
    return cidrOf(range.network + index * 2 ** (32 - prefix), prefix);
}

/** How many subnets of length `prefix` fit in `range` (0 when the prefix is shorter). */
export function subnetCount(range: Cidr, prefix: number): number {
    return prefix < range.prefix ? 0 : 2 ** (prefix - range.prefix);
}

/** The address `offset` places after the network address. */
export function hostAt(range: Cidr, offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset >= cidrSize(range)) {
        throw new RangeError(`${range.text} has no address at offset ${offset}`);
    }
    return range.network + offset;
}
