import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

import ky, { TimeoutError } from 'ky';
import { Agent } from 'undici';

import { parseIpAddress } from './receiver-cidr.js';
import { ReceiverAddressError, type ReceiverGuard } from './receiver-guard.js';

/** Outcome of one POST to a receiver. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Reason the attempt failed, in words an integrator can act on; null on success. */
  error: string | null;
  durationMs: number;
  timedOut: boolean;
  retryAfter: string | null;
  /** First RESPONSE_SNIPPET_BYTES of the answer's body, as text. */
  responseBody: string | null;
}

/** Bytes of a receiver's response kept with the attempt. */
export const RESPONSE_SNIPPET_BYTES = 1024;

async function readSnippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < RESPONSE_SNIPPET_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES);
  // A cut inside a multi-byte character decodes to U+FFFD, which is fine for a log excerpt.
  return bytes.toString('utf8');
}

export interface HttpSenderOptions {
  timeoutMs: number;
  /** PEM file whose certificate authorities are trusted besides the system ones. */
  caFile?: string | undefined;
  userAgent: string;
  /** Guard that checks every address a receiver resolves to before a connection is made. */
  receiverGuard: ReceiverGuard;
}

/** Network error codes and the explanation stored with the failed attempt. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused by the receiver',
  ECONNRESET: 'connection reset by the receiver',
  ENOTFOUND: 'receiver host name not found in DNS',
  EAI_AGAIN: 'DNS lookup of the receiver host timed out',
  EHOSTUNREACH: 'receiver host unreachable',
  ENETUNREACH: 'receiver network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connecting to the receiver timed out',
  UND_ERR_SOCKET: 'the receiver closed the connection',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain ends in an untrusted self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate is not signed by a trusted authority',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name the receiver host',
};

function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof ReceiverAddressError) return current.message;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return `${NETWORK_ERRORS[code] ?? 'request failed'} (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? `request failed: ${error.message}` : 'request failed';
}

function describeStatus(statusCode: number, location: string | null): string {
  if (statusCode >= 300 && statusCode < 400) {
    return `receiver answered ${statusCode} redirect${location ? ` to ${location}` : ''}; redirects are not followed, register the final URL`;
  }
  return `receiver answered HTTP ${statusCode}; a 2xx status is needed`;
}

/**
 * POSTs payloads to receivers with ky: only to allowed addresses, TLS verified, redirects not followed,
 * a timeout per attempt and no retries here, because the dispatcher owns the retry schedule.
 */
export class HttpSender {
  readonly #agent: Agent;
  readonly #options: HttpSenderOptions;

  constructor(options: HttpSenderOptions) {
    this.#options = options;
    const extraCa = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
    this.#agent = new Agent({
      connect: {
        rejectUnauthorized: true,
        // Resolves and checks receiver host names. The socket connects to the checked address, while TLS
        // and the Host header keep the name.
        lookup: options.receiverGuard.connectLookup,
        ...(extraCa ? { ca: [...rootCertificates, extraCa] } : {}),
      },
      connections: 16,
    });
  }

  async send(url: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);

    try {
      const { hostname } = new URL(url);
      // An IP-address host never reaches the connect lookup, so it is checked here.
      if (parseIpAddress(hostname)) await this.#options.receiverGuard.checkHost(hostname);

      const response = await ky.post(url, {
        body,
        headers: { 'content-type': 'application/json', 'user-agent': this.#options.userAgent, ...headers },
        timeout: this.#options.timeoutMs,
        retry: 0,
        throwHttpErrors: false,
        redirect: 'manual',
        dispatcher: this.#agent,
      } as Parameters<typeof ky.post>[1]);
      const responseBody = await readSnippet(response).catch(() => null);

      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        statusCode: response.status,
        error: ok ? null : describeStatus(response.status, response.headers.get('location')),
        durationMs: elapsed(),
        timedOut: false,
        retryAfter: response.headers.get('retry-after'),
        responseBody,
      };
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      const message = timedOut
        ? `receiver did not answer within ${this.#options.timeoutMs} ms (timed out)`
        : describeNetworkError(error);
      return { ok: false, statusCode: null, error: message, durationMs: elapsed(), timedOut, retryAfter: null, responseBody: null };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
