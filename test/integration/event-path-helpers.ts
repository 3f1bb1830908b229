import { expect } from 'chai';

import { HOOKS_RIGHT, itemTypeHookRight } from '../../src/auth/rights.js';
import { ITEM_TYPES } from '../../src/events/catalogue.js';
import { createUserWithKey, eventually } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import type { HttpsReceiver, ReceivedRequest } from '../support/https-receiver.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) {
  createHook(input: $input) { id }
}`;

export interface NewHook {
  hook: string;
  url: string;
  eventUser?: number;
  eventProject?: number;
}

/** Creates a user with the hooks right and the hook right of every item type, and an API key for it. */
export function createHookOwner(): Promise<{ userId: number; apiKey: string }> {
  return createUserWithKey([HOOKS_RIGHT, ...ITEM_TYPES.map(itemTypeHookRight)]);
}

/** Registers a hook through the GraphQL API and returns its id. */
export async function createHook(graphqlUrl: string, apiKey: string, input: NewHook): Promise<string> {
  const response = await graphql<{ createHook: { id: string } }>(graphqlUrl, CREATE_HOOK, { apiKey, variables: { input } });
  expect(response.errors, `createHook ${input.hook} errors`).to.equal(undefined);
  return response.data!.createHook.id;
}

let lastEntityId = 100;

/** Returns an entity id that no other test in this run used, so each test finds its own deliveries. */
export function nextEntityId(): number {
  lastEntityId++;
  return lastEntityId;
}

/** Waits for a request on `path` whose payload `Id` is `entityId`, and returns it. */
export function waitForDelivery(receiver: HttpsReceiver, path: string, entityId: number | null, timeoutMs = 10_000): Promise<ReceivedRequest> {
  return eventually(
    async () => receiver.requestsTo(path).find((request) => request.body.Id === entityId),
    timeoutMs,
    `a request to ${path} with Id ${entityId}`,
  );
}

/** Waits until `count` requests on `path` carry payload `Id` `entityId`, and returns them. */
export function waitForDeliveries(
  receiver: HttpsReceiver,
  path: string,
  entityId: number | null,
  count: number,
  timeoutMs = 10_000,
): Promise<ReceivedRequest[]> {
  return eventually(
    async () => {
      const requests = deliveriesTo(receiver, path, entityId);
      return requests.length >= count ? requests : undefined;
    },
    timeoutMs,
    `${count} requests to ${path} with Id ${entityId}`,
  );
}

/** Requests on `path` whose payload `Id` is `entityId`. */
export function deliveriesTo(receiver: HttpsReceiver, path: string, entityId: number | null): ReceivedRequest[] {
  return receiver.requestsTo(path).filter((request) => request.body.Id === entityId);
}
