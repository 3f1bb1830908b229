import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';

import { graphql, type GraphQLResponse } from './graphql-client.js';
import type { ReceivedRequest } from './https-receiver.js';

export const ATTEMPT_FIELDS = 'at statusCode ok durationMs error responseBody';

export const DELIVERY_FIELDS = `id hookId webhookId event entityId sequence state reason attemptCount nextAttemptAt createdAt completedAt
  attempts { ${ATTEMPT_FIELDS} }`;

export const DELIVERIES = `query Deliveries($hookId: ID!, $state: DeliveryState, $first: Int, $after: String) {
  deliveries(hookId: $hookId, state: $state, first: $first, after: $after) {
    edges { cursor node { ${DELIVERY_FIELDS} } }
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const REDELIVER = `mutation Redeliver($deliveryId: ID!) { redeliver(deliveryId: $deliveryId) { ${DELIVERY_FIELDS} } }`;

export const PING_HOOK = `mutation Ping($id: ID!) { pingHook(id: $id) { ${DELIVERY_FIELDS} } }`;

export const HOOK_STATE_FIELDS = 'id enabled disabledReason disabledAt secret previousSecretExpiresAt';

export const ENABLE_HOOK = `mutation Enable($id: ID!) { enableHook(id: $id) { ${HOOK_STATE_FIELDS} } }`;

export const ROTATE_HOOK_SECRET = `mutation Rotate($id: ID!) { rotateHookSecret(id: $id) { ${HOOK_STATE_FIELDS} } }`;

export interface AttemptResult {
  at: string;
  statusCode: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}

export interface DeliveryResult {
  id: string;
  hookId: string;
  webhookId: string;
  event: string;
  entityId: number | null;
  sequence: number;
  state: 'pending' | 'succeeded' | 'failed' | 'skipped';
  reason: string | null;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
  attempts: AttemptResult[];
}

export interface DeliveryPage {
  edges: { cursor: string; node: DeliveryResult }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface HookStateResult {
  id: string;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  secret: string | null;
  previousSecretExpiresAt: string | null;
}

/** Runs an operation that must succeed and returns its data. */
export async function expectData<T>(url: string, query: string, apiKey: string, variables: Record<string, unknown>): Promise<T> {
  const response: GraphQLResponse<T> = await graphql<T>(url, query, { apiKey, variables });
  expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
  return response.data!;
}

/** Verifies a received request with the standardwebhooks package, and throws when no signature matches the secret. */
export function verifyWithSecret(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.rawBody, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}
