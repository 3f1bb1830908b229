import { cidrContains, formatIpAddress, parseCidr, parseIpAddress, type Cidr, type IpAddress } from './receiver-cidr.js';

/** Environment variable that lists the non-global address blocks receivers may use. */
export const ALLOWED_CIDRS_VARIABLE = 'HOOKMILL_ALLOWED_RECEIVER_CIDRS';

/** A block of addresses that is not globally reachable, and how a message describes one of its addresses. */
interface SpecialRange {
  cidr: Cidr;
  description: string;
  /**
   * False for addresses no receiver can listen on (unspecified, multicast, broadcast), which stay
   * rejected even inside an allowed CIDR.
   */
  allowable: boolean;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`Invalid built-in CIDR ${text}: ${parsed.reason}`);
  return parsed.cidr;
}

function range(text: string, description: string, allowable = true): SpecialRange {
  return { cidr: cidr(text), description, allowable };
}

/**
 * IPv4 blocks that are not globally reachable, from the IANA IPv4 Special-Purpose Address Registry
 * (RFC 6890 and its updates), plus multicast (RFC 5771) and the reserved 240.0.0.0/4 (RFC 1112).
 * More specific blocks come first, so that 0.0.0.0 is "unspecified" and not "this network".
 */
const IPV4_RANGES: readonly SpecialRange[] = [
  range('0.0.0.0/32', 'the unspecified address', false),
  range('0.0.0.0/8', 'a "this network" address'),
  range('10.0.0.0/8', 'a private address'),
  range('100.64.0.0/10', 'a carrier-grade NAT address'),
  range('127.0.0.0/8', 'a loopback address'),
  range('169.254.0.0/16', 'a link-local address'),
  range('172.16.0.0/12', 'a private address'),
  range('192.0.0.0/24', 'an IETF protocol assignment address'),
  range('192.0.2.0/24', 'a documentation address'),
  range('192.88.99.0/24', 'a reserved address (the deprecated 6to4 relay anycast block)'),
  range('192.168.0.0/16', 'a private address'),
  range('198.18.0.0/15', 'a benchmarking address'),
  range('198.51.100.0/24', 'a documentation address'),
  range('203.0.113.0/24', 'a documentation address'),
  range('224.0.0.0/4', 'a multicast address', false),
  range('255.255.255.255/32', 'the broadcast address', false),
  range('240.0.0.0/4', 'a reserved address'),
];

/**
 * IPv6 blocks that are not globally reachable, from the IANA IPv6 Special-Purpose Address Registry,
 * within global unicast (2000::/3) or before the catch-all for everything outside it. The forms that
 * embed an IPv4 address (::ffff:0:0/96, 64:ff9b::/96, 2002::/16) are judged by that address instead.
 */
const IPV6_RANGES: readonly SpecialRange[] = [
  range('::/128', 'the unspecified address', false),
  range('::1/128', 'a loopback address'),
  range('64:ff9b:1::/48', 'a local-use NAT64 address'),
  range('100::/64', 'a discard-only address'),
  range('2001:db8::/32', 'a documentation address'),
  // Includes Teredo (2001::/32), whose obfuscated IPv4 addresses cannot be checked.
  range('2001::/23', 'an IETF protocol assignment address'),
  range('3fff::/20', 'a documentation address'),
  range('fc00::/7', 'a unique-local address'),
  range('fe80::/10', 'a link-local address'),
  range('fec0::/10', 'a site-local address'),
  range('ff00::/8', 'a multicast address', false),
];

const GLOBAL_UNICAST = cidr('2000::/3');
const NOT_GLOBAL_UNICAST = { description: 'a reserved address (outside 2000::/3, the global unicast block)', allowable: true };

/** IPv6 forms that carry an IPv4 address: where it sits in the 16 bytes and what the form is called. */
const IPV4_EMBEDDINGS: readonly { cidr: Cidr; offset: number; form: string }[] = [
  { cidr: cidr('::ffff:0:0/96'), offset: 12, form: 'an IPv4-mapped' },
  { cidr: cidr('64:ff9b::/96'), offset: 12, form: 'a NAT64' },
  { cidr: cidr('2002::/16'), offset: 2, form: 'a 6to4' },
];

/** Classification of an IP address for deliveries. */
export interface AddressClass {
  /** True for a globally reachable address, which needs no allowed CIDR. */
  global: boolean;
  /** The address's kind with an article, such as "a loopback address". */
  description: string;
  /** Whether an allowed CIDR can admit the address. False for unspecified, multicast and broadcast. */
  allowable: boolean;
  /** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 address. */
  embeddedIpv4?: IpAddress;
}

/** Classifies an IP address: global, or the special-purpose block it lies in. */
export function classifyAddress(address: IpAddress): AddressClass {
  if (address.version === 6) {
    const embedding = IPV4_EMBEDDINGS.find(({ cidr }) => cidrContains(cidr, address));
    if (embedding) {
      const embeddedIpv4: IpAddress = { version: 4, bytes: address.bytes.slice(embedding.offset, embedding.offset + 4) };
      const inner = classifyAddress(embeddedIpv4);
      const description = `${embedding.form} form of ${formatIpAddress(embeddedIpv4)}${inner.global ? '' : `, ${inner.description}`}`;
      return { global: inner.global, description, allowable: inner.allowable, embeddedIpv4 };
    }
  }

  const ranges = address.version === 4 ? IPV4_RANGES : IPV6_RANGES;
  const special = ranges.find(({ cidr }) => cidrContains(cidr, address));
  if (special) return { global: false, description: special.description, allowable: special.allowable };
  if (address.version === 6 && !cidrContains(GLOBAL_UNICAST, address)) return { global: false, ...NOT_GLOBAL_UNICAST };
  return { global: true, description: 'a global address', allowable: true };
}

/** Outcome of checking one address a receiver resolves to. */
export type AddressVerdict =
  | { allowed: true; addressClass: AddressClass }
  | {
      allowed: false;
      addressClass: AddressClass;
      /** The CIDR an operator would add to admit exactly this address, or undefined when none can. */
      suggestedCidr: string | undefined;
    };

/**
 * Decides whether deliveries may go to `address`. A global address always may. A non-global one may
 * only when it, or the IPv4 address it embeds, lies inside one of `allowedCidrs`, unless it is
 * unspecified, multicast or broadcast. Anything that is not an IP address is rejected.
 */
export function checkReceiverAddress(address: string | IpAddress, allowedCidrs: readonly Cidr[]): AddressVerdict {
  const parsed = typeof address === 'string' ? parseIpAddress(address) : address;
  if (!parsed) {
    return { allowed: false, addressClass: { global: false, description: 'not an IP address', allowable: false }, suggestedCidr: undefined };
  }

  const addressClass = classifyAddress(parsed);
  if (addressClass.global) return { allowed: true, addressClass };

  const candidates = addressClass.embeddedIpv4 ? [parsed, addressClass.embeddedIpv4] : [parsed];
  const inAllowedCidr = allowedCidrs.some((cidr) => candidates.some((candidate) => cidrContains(cidr, candidate)));
  if (addressClass.allowable && inAllowedCidr) return { allowed: true, addressClass };

  const hostAddress = addressClass.embeddedIpv4 ?? parsed;
  const suggestedCidr = addressClass.allowable ? `${formatIpAddress(hostAddress)}/${hostAddress.version === 4 ? 32 : 128}` : undefined;
  return { allowed: false, addressClass, suggestedCidr };
}

/**
 * Explains a rejected address and the fix, in the lower-case style of stored attempt errors:
 * "receiver host hooks.internal resolves to 10.0.0.5, a private address; use …". `host` is the URL's
 * host name, or undefined when the URL names the address itself.
 */
export function describeRejectedAddress(
  host: string | undefined,
  address: string,
  verdict: Extract<AddressVerdict, { allowed: false }>,
): string {
  const { description } = verdict.addressClass;
  const problem = host === undefined ? `receiver address ${address} is ${description}` : `receiver host ${host} resolves to ${address}, ${description}`;

  if (verdict.suggestedCidr === undefined) {
    return `${problem}; no receiver can listen there, so register the receiver's own unicast address`;
  }
  return `${problem}; use a receiver on a public address, or ask the operator to add ${verdict.suggestedCidr} to ${ALLOWED_CIDRS_VARIABLE}`;
}
