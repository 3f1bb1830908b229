import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';

import { checkReceiverAddress, describeRejectedAddress } from './receiver-address.js';
import { formatIpAddress, parseIpAddress, type Cidr } from './receiver-cidr.js';

/** Function that resolves a host name to all its addresses. The default is Node's dns.lookup, and tests pass a fake. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** Maximum time a receiver host name may take to resolve, in milliseconds. */
export const DNS_LOOKUP_TIMEOUT_MS = 5_000;

const resolveWithDns: HostResolver = (hostname) => lookup(hostname, { all: true });

/** Error for a receiver host that resolves to a rejected address or does not resolve. The message names the cause and the fix. */
export class ReceiverAddressError extends Error {
  override name = 'ReceiverAddressError';
}

export interface ReceiverGuardOptions {
  /** Non-global blocks that receivers may use, from HOOKMILL_ALLOWED_RECEIVER_CIDRS. */
  allowedCidrs: readonly Cidr[];
  resolve?: HostResolver;
  lookupTimeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Converts the `family` of lookup options, a number or 'IPv4'/'IPv6', to 4, 6 or 0 for either. */
function familyNumber(family: LookupOptions['family']): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  return family ?? 0;
}

function describeLookupFailure(host: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    return `receiver host ${host} was not found in DNS (${code}); check the host name`;
  }
  let reason = String(error);
  if (typeof code === 'string') reason = code;
  else if (error instanceof Error) reason = error.message;
  return `DNS lookup of receiver host ${host} failed (${reason}); check the host name, or try again later`;
}

/**
 * Keeps deliveries away from non-global addresses: checks URL hosts when a hook is created and, as the
 * delivery agent's `connect.lookup`, the addresses a connection is about to use.
 */
export class ReceiverGuard {
  readonly #allowedCidrs: readonly Cidr[];
  readonly #resolve: HostResolver;
  readonly #lookupTimeoutMs: number;

  constructor(options: ReceiverGuardOptions) {
    this.#allowedCidrs = options.allowedCidrs;
    this.#resolve = options.resolve ?? resolveWithDns;
    this.#lookupTimeoutMs = options.lookupTimeoutMs ?? DNS_LOOKUP_TIMEOUT_MS;
  }

  /**
   * Checks a URL's host name (`URL.hostname`: an IPv4 address, a bracketed IPv6 address or a name) and
   * returns the addresses deliveries may connect to. A name is resolved, and every address it resolves
   * to must be allowed. Throws ReceiverAddressError otherwise.
   */
  async checkHost(hostname: string): Promise<LookupAddress[]> {
    const literal = parseIpAddress(hostname);
    if (literal) {
      const address = formatIpAddress(literal);
      this.#checkAddress(undefined, address);
      return [{ address, family: literal.version }];
    }

    let addresses: LookupAddress[];
    try {
      addresses = await withTimeout(
        this.#resolve(hostname),
        this.#lookupTimeoutMs,
        () => new ReceiverAddressError(`DNS lookup of receiver host ${hostname} timed out after ${this.#lookupTimeoutMs} ms; check the host name, or try again later`),
      );
    } catch (error) {
      if (error instanceof ReceiverAddressError) throw error;
      throw new ReceiverAddressError(describeLookupFailure(hostname, error), { cause: error });
    }
    if (addresses.length === 0) {
      throw new ReceiverAddressError(`receiver host ${hostname} was not found in DNS (no addresses); check the host name`);
    }

    for (const { address } of addresses) this.#checkAddress(hostname, address);
    return addresses;
  }

  #checkAddress(host: string | undefined, address: string): void {
    const verdict = checkReceiverAddress(address, this.#allowedCidrs);
    if (!verdict.allowed) throw new ReceiverAddressError(describeRejectedAddress(host, address, verdict));
  }

  /**
   * Lookup function for net and tls connection options. It resolves the host once, checks every address
   * and passes only checked ones to the socket, so a later DNS answer cannot change where the connection
   * goes. Sockets never call it for IP-address hosts, so callers check those with checkHost first.
   */
  readonly connectLookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
    this.checkHost(hostname).then(
      (addresses) => {
        const family = familyNumber(options.family);
        const usable = family === 0 ? addresses : addresses.filter((entry) => entry.family === family);
        const first = usable[0];
        if (!first) {
          const error = new ReceiverAddressError(`receiver host ${hostname} has no IPv${family} address`);
          callback(Object.assign(error, { code: 'ENOTFOUND' }), '');
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
}
