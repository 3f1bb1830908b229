import { Types } from 'mongoose';

import { DeliveryModel, type DeliveryRecord } from '../db/models/delivery.model.js';
import { nextSequence, receiverHostOf } from './enqueue-deliveries.js';

/** Event name of the test delivery that pingHook sends. */
export const PING_EVENT = 'hookmill.ping';

/** JSON body of a ping. It has the fields of an event payload, with no entity. */
export interface PingPayload {
  hook: typeof PING_EVENT;
  url: string;
  Id: null;
  sequence: number;
  timestamp: string;
  message: string;
}

export function buildPingPayload(url: string, sequence: number, now: Date): PingPayload {
  return {
    hook: PING_EVENT,
    url,
    Id: null,
    sequence,
    timestamp: now.toISOString(),
    message: 'Test event sent by pingHook. It does not describe a change.',
  };
}

/**
 * Copies a stored delivery body with `sequence` set to a new number. The other fields keep their
 * values and their order.
 */
export function withSequence(body: string, sequence: number): string {
  const payload: unknown = JSON.parse(body);
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError(`Stored delivery body is not a JSON object: ${body.slice(0, 80)}`);
  }
  return JSON.stringify({ ...payload, sequence });
}

/** The hook a manual delivery goes to. */
export interface DeliveryTarget {
  id: string;
  ownerId: number;
  url: string;
}

export interface ManualDelivery {
  kind: 'redelivery' | 'ping';
  event: string;
  entityId: number | null;
  /** Collection of the entity the event is about, or the hooks collection for a ping. */
  collectionName: string;
  /** Builds the exact JSON body from the delivery's sequence number. */
  buildBody(sequence: number): string;
}

/**
 * Records a pending delivery that a user requested rather than a change caused: a redelivery or a ping.
 * It takes the hook's next sequence number. Its entity key is its own, so it waits for no earlier
 * delivery of the same entity, and it can arrive after newer changes of that entity.
 */
export async function recordManualDelivery(hook: DeliveryTarget, delivery: ManualDelivery, now = new Date()): Promise<DeliveryRecord> {
  const id = new Types.ObjectId();
  const key = `${delivery.kind}:${id.toHexString()}`;
  const sequence = await nextSequence(hook.id);

  const record = await DeliveryModel.create({
    _id: id,
    // The unique (changeId, hookId) index needs a change id, and a manual delivery has none, so it uses its own key.
    changeId: key,
    hookId: new Types.ObjectId(hook.id),
    ownerId: hook.ownerId,
    event: delivery.event,
    collectionName: delivery.collectionName,
    entityId: delivery.entityId,
    entityKey: key,
    sequence,
    url: hook.url,
    receiverHost: receiverHostOf(hook.url),
    body: delivery.buildBody(sequence),
    state: 'pending',
    reason: null,
    nextAttemptAt: now,
    createdAt: now,
    completedAt: null,
    expiresAt: null,
  });
  return record.toObject() as DeliveryRecord;
}
