import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { testCertificates } from './test-ca.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body bytes as text. */
  rawBody: string;
  /** Parsed JSON body. */
  body: Record<string, unknown>;
  receivedAt: Date;
}

/** Reply of the receiver to a request: a status, after an optional delay. */
export type Responder = (request: ReceivedRequest) => { status: number; delayMs?: number; headers?: Record<string, string> };

export interface HttpsReceiver {
  /** Base URL, such as https://127.0.0.1:43210. */
  url: string;
  requests: ReceivedRequest[];
  respondWith(responder: Responder): void;
  /** Resolves once `count` requests arrived (on `path` when given), or rejects after `timeoutMs`. */
  waitForRequests(count: number, options?: { path?: string; timeoutMs?: number }): Promise<ReceivedRequest[]>;
  /** Requests that arrived on one path. */
  requestsTo(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a real HTTPS server on 127.0.0.1 with a certificate from the test CA (or an untrusted
 * self-signed one), recording every request.
 */
export async function startHttpsReceiver(options: { untrusted?: boolean } = {}): Promise<HttpsReceiver> {
  const certificates = testCertificates();
  const requests: ReceivedRequest[] = [];
  let responder: Responder = () => ({ status: 200 });
  const waiters = new Set<() => void>();
  const pending = new Set<NodeJS.Timeout>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawBody,
        body,
        receivedAt: new Date(),
      };
      requests.push(received);
      for (const waiter of waiters) waiter();

      const { status, delayMs = 0, headers = {} } = responder(received);
      const timer = setTimeout(() => {
        pending.delete(timer);
        response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`status ${status}`);
      }, delayMs);
      pending.add(timer);
    });
  };

  const server: Server = createServer(
    {
      cert: options.untrusted ? certificates.untrustedCertPem : certificates.serverCertPem,
      key: options.untrusted ? certificates.untrustedKeyPem : certificates.serverKeyPem,
    },
    handle,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const requestsTo = (path: string) => requests.filter((request) => request.path === path);

  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    requestsTo,
    respondWith(next) {
      responder = next;
    },
    waitForRequests(count, { path, timeoutMs = 10_000 } = {}) {
      const matching = () => (path === undefined ? requests : requestsTo(path));
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length < count) return;
          cleanup();
          resolve(matching());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} requests${path ? ` to ${path}` : ''} within ${timeoutMs} ms, got ${matching().length}`));
        }, timeoutMs);
        function cleanup() {
          clearTimeout(timer);
          waiters.delete(check);
        }
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
