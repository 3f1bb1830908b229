import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes in network order: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** An address block such as `10.0.0.0/8`, with `text` as it was written. */
export interface Cidr extends IpAddress {
  prefixLength: number;
  text: string;
}

export type CidrParseResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/** Expands a valid IPv6 address, `::` and a dotted IPv4 tail included, to its 16 bytes. */
function ipv6Bytes(text: string): Uint8Array {
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = ipv4Bytes(group) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });

  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeroGroups = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  const groups = [...headGroups, ...zeroGroups, ...tailGroups];

  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/**
 * Parses an IPv4 address in dotted decimal or an IPv6 address in any standard form, with or without
 * URL brackets and a zone id (`fe80::1%eth0`). Returns undefined for anything else, host names included.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const withoutZone = unbracketed.split('%')[0]!;

  if (isIPv4(withoutZone)) return { version: 4, bytes: Uint8Array.from(ipv4Bytes(withoutZone)) };
  if (isIPv6(withoutZone)) return { version: 6, bytes: ipv6Bytes(withoutZone) };
  return undefined;
}

/** Formats an address as dotted decimal (IPv4) or in the compressed form of RFC 5952 (IPv6). */
export function formatIpAddress(address: IpAddress): string {
  if (address.version === 4) return Array.from(address.bytes).join('.');

  const groups = Array.from({ length: 8 }, (_, index) => ((address.bytes[index * 2]! << 8) | address.bytes[index * 2 + 1]!).toString(16));
  // The WHATWG URL serializer writes IPv6 hosts in the RFC 5952 form: lower case, longest zero run as `::`.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Checks whether the first `prefixLength` bits of two byte arrays are equal. */
function samePrefix(left: Uint8Array, right: Uint8Array, prefixLength: number): boolean {
  const wholeBytes = Math.floor(prefixLength / 8);
  for (let index = 0; index < wholeBytes; index++) {
    if (left[index] !== right[index]) return false;
  }
  const remainingBits = prefixLength % 8;
  if (remainingBits === 0) return true;

  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (left[wholeBytes]! & mask) === (right[wholeBytes]! & mask);
}

/** Checks whether `address` lies inside `cidr`. An IPv4 address never lies inside an IPv6 block, nor the reverse. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return cidr.version === address.version && samePrefix(cidr.bytes, address.bytes, cidr.prefixLength);
}

/**
 * Parses `address/prefix`, such as `10.0.0.0/8` or `fd00::/8`. The prefix is required, and bits after
 * it must be zero, so that `10.0.0.5/8` is reported instead of silently meaning `10.0.0.0/8`.
 */
export function parseCidr(text: string): CidrParseResult {
  const [addressText, prefixText, extra] = text.split('/');
  if (prefixText === undefined || extra !== undefined) {
    return { ok: false, reason: 'expected an address and a prefix length, such as 10.0.0.0/8 or fd00::/8' };
  }

  const address = parseIpAddress(addressText!);
  if (!address || addressText!.includes('%') || addressText!.startsWith('[')) {
    return { ok: false, reason: `"${addressText}" is not an IPv4 or IPv6 address` };
  }

  const maxPrefixLength = address.version === 4 ? 32 : 128;
  const prefixLength = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefixLength > maxPrefixLength) {
    return { ok: false, reason: `the prefix length must be a whole number from 0 to ${maxPrefixLength}` };
  }

  const cidr: Cidr = { ...address, prefixLength, text };
  const network = new Uint8Array(address.bytes.length);
  network.set(address.bytes.subarray(0, Math.floor(prefixLength / 8)));
  const partialBits = prefixLength % 8;
  if (partialBits > 0) {
    const index = Math.floor(prefixLength / 8);
    network[index] = address.bytes[index]! & ((0xff << (8 - partialBits)) & 0xff);
  }
  if (!samePrefix(network, address.bytes, maxPrefixLength)) {
    const networkText = formatIpAddress({ version: address.version, bytes: network });
    return { ok: false, reason: `it has bits set after the /${prefixLength} prefix; write ${networkText}/${prefixLength}` };
  }
  return { ok: true, cidr };
}
