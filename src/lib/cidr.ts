/**
 * IPv4 and CIDR arithmetic, shared by node IPAM (pod CIDRs from the cluster CIDR), the registry
 * (clusterIPs from the service CIDR) and the agent (its bridge's addresses). Addresses are held as
 * unsigned 32-bit numbers so that "the nth address" and "the nth subnet" are plain sums.
 * Parsers return `undefined` for malformed input, so callers can turn it into a field error.
 */

/** A network: its first address (host bits zero) and prefix length. */
export interface Cidr {
  base: number;
  prefix: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** `"10.244.1.7"` → 0x0af40107; `undefined` unless four decimal octets 0–255 (no leading zeros). */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** The netmask of a prefix length as a number: /24 → 0xffffff00. */
function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * `"10.244.0.0/16"` → `{ base, prefix: 16 }`. Like Go's `net.ParseCIDR`, host bits may be set in
 * the text (`10.244.3.1/16`); they are cleared in the result.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]?)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { base: (address & maskOf(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

/** How many addresses the network spans (a /24 has 256). */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The address at offset `n` in the network (0 is the network address); `undefined` past its end. */
export function nthAddress(cidr: Cidr, n: number): number | undefined {
  if (!Number.isInteger(n) || n < 0 || n >= cidrSize(cidr)) return undefined;
  return cidr.base + n;
}

/** The offset of `address` in the network, or `undefined` if it lies outside. */
export function offsetOf(cidr: Cidr, address: number): number | undefined {
  return containsAddress(cidr, address) ? address - cidr.base : undefined;
}

export function containsAddress(cidr: Cidr, address: number): boolean {
  return ((address & maskOf(cidr.prefix)) >>> 0) === cidr.base;
}

/** Whether `inner` lies wholly inside `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && containsAddress(outer, inner.base);
}

/** How many /`prefix` subnets the network holds: 10.244.0.0/16 has 256 /24s. */
export function subnetCount(cidr: Cidr, prefix: number): number {
  return prefix < cidr.prefix || prefix > 32 ? 0 : 2 ** (prefix - cidr.prefix);
}

/** The `index`th /`prefix` subnet of the network: (10.244.0.0/16, 24, 3) → 10.244.3.0/24. */
export function subnetAt(cidr: Cidr, prefix: number, index: number): Cidr | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= subnetCount(cidr, prefix)) return undefined;
  return { base: cidr.base + index * 2 ** (32 - prefix), prefix };
}

/** The index of `subnet` among the network's /`subnet.prefix` subnets, or `undefined` if outside. */
export function subnetIndex(cidr: Cidr, subnet: Cidr): number | undefined {
  if (!containsCidr(cidr, subnet)) return undefined;
  return (subnet.base - cidr.base) / 2 ** (32 - subnet.prefix);
}

/** Every /`prefix` subnet of the network, in address order. */
export function* subnets(cidr: Cidr, prefix: number): Generator<Cidr> {
  const count = subnetCount(cidr, prefix);
  for (let index = 0; index < count; index++) yield subnetAt(cidr, prefix, index)!;
}
