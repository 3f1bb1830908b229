import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';

import { connectDatabase, disconnectDatabase } from '../../src/db/connect.js';
import { eventually } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import type { HttpsReceiver, ReceivedRequest } from '../support/https-receiver.js';
import { createHookOwner } from '../integration/event-path-helpers.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) { createHook(input: $input) { id secret } }`;

export interface CreatedHook {
  id: string;
  /** The `whsec_` signing secret, returned only by createHook. */
  secret: string;
}

/**
 * Connects this test process to `dbName`, so that users and API keys can be written the way the admin
 * command line writes them. The service under test runs in a child process with its own connection.
 */
export async function connectTestProcess(uri: string, dbName: string): Promise<void> {
  await connectDatabase(uri, dbName);
}

export async function disconnectTestProcess(): Promise<void> {
  await disconnectDatabase();
}

/** Creates a hook owner and registers one hook per entry through the service's API. */
export async function createHooks(graphqlUrl: string, hooks: readonly { hook: string; url: string }[]): Promise<CreatedHook[]> {
  const { apiKey } = await createHookOwner();
  const created: CreatedHook[] = [];
  for (const input of hooks) {
    const response = await graphql<{ createHook: CreatedHook }>(graphqlUrl, CREATE_HOOK, { apiKey, variables: { input } });
    expect(response.errors, `createHook ${input.hook} errors`).to.equal(undefined);
    created.push(response.data!.createHook);
  }
  return created;
}

/** Checks a request's Standard Webhooks signature with the `standardwebhooks` package and throws when it is invalid. */
export function verifySignature(secret: string, request: ReceivedRequest): void {
  new Webhook(secret).verify(request.rawBody, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

/** Payload `Id`s of the requests on `path`, each once. */
export function receivedIds(receiver: HttpsReceiver, path: string): Set<number> {
  return new Set(receiver.requestsTo(path).map((request) => request.body.Id as number));
}

/** Waits until requests on `path` carry every id in `ids`, or fails naming the ids that are missing. */
export async function waitForIds(receiver: HttpsReceiver, path: string, ids: readonly number[], timeoutMs: number): Promise<void> {
  try {
    await eventually(
      async () => {
        const received = receivedIds(receiver, path);
        return ids.every((id) => received.has(id)) ? true : undefined;
      },
      timeoutMs,
    );
  } catch {
    const received = receivedIds(receiver, path);
    const missing = ids.filter((id) => !received.has(id));
    throw new Error(`${missing.length} of ${ids.length} ids never arrived on ${path}, such as ${missing.slice(0, 10).join(', ')}`);
  }
}

/** Groups the requests on `path` by payload `Id`. */
export function requestsById(receiver: HttpsReceiver, path: string): Map<number, ReceivedRequest[]> {
  const groups = new Map<number, ReceivedRequest[]>();
  for (const request of receiver.requestsTo(path)) {
    const id = request.body.Id as number;
    groups.set(id, [...(groups.get(id) ?? []), request]);
  }
  return groups;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
