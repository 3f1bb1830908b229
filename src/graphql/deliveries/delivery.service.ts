import { Types } from 'mongoose';

import type { Caller } from '../../auth/authenticate.js';
import { AttemptModel } from '../../db/models/attempt.model.js';
import { DeliveryModel, type DeliveryRecord } from '../../db/models/delivery.model.js';
import { HookModel, type HookRecord } from '../../db/models/hook.model.js';
import { webhookIdOf } from '../../delivery/attempt-delivery.js';
import { PING_EVENT, buildPingPayload, recordManualDelivery, withSequence } from '../../delivery/manual-delivery.js';
import { badUserInput, notFound } from '../errors.js';
import type { DeliveryAttempt } from '../hooks/delivery-attempt.type.js';
import { validateHookId } from '../hooks/hook-input.validation.js';
import { hookNotFound } from '../hooks/hook.service.js';
import { decodeDeliveryCursor, encodeDeliveryCursor } from './delivery-cursor.js';
import { validateDeliveryId, validatePageSize } from './delivery-input.validation.js';
import type { Delivery, DeliveryConnection, DeliveryState } from './delivery.type.js';

export interface DeliveryPageRequest {
  hookId: string;
  state: DeliveryState | null | undefined;
  first: number | null | undefined;
  after: string | null | undefined;
}

type OwnedHook = Pick<HookRecord, '_id' | 'ownerId' | 'url' | 'enabled' | 'disabledReason'>;

function toDelivery(record: DeliveryRecord): Delivery {
  const id = record._id.toHexString();
  return {
    id,
    hookId: record.hookId.toHexString(),
    webhookId: webhookIdOf(id),
    event: record.event,
    entityId: record.entityId ?? null,
    sequence: record.sequence,
    state: record.state as DeliveryState,
    reason: record.reason ?? null,
    attemptCount: record.attemptCount,
    nextAttemptAt: record.nextAttemptAt ?? null,
    createdAt: record.createdAt,
    completedAt: record.completedAt ?? null,
  };
}

function deliveryNotFound(id: string) {
  return notFound(
    `Delivery ${id} not found: it does not exist, belongs to another user's hook, or was removed after its retention period. ` +
      'List the deliveries of a hook with the deliveries query.',
  );
}

async function findOwnedHook(caller: Caller, id: string): Promise<OwnedHook> {
  const hook = await HookModel.findOne({ _id: new Types.ObjectId(id), ownerId: caller.userId }).lean<OwnedHook>();
  if (!hook) throw hookNotFound(id);
  return hook;
}

/** Rejects a delivery to a disabled hook, which the dispatcher would only mark as skipped. */
function rejectDisabled(hook: OwnedHook, deliveryLabel: string, argument: string): void {
  if (hook.enabled !== false) return;

  const hookId = hook._id.toHexString();
  throw badUserInput(
    `Hook ${hookId} is disabled, so ${deliveryLabel} would be skipped. Run enableHook(id: "${hookId}") first. ` +
      `Reason it was disabled: ${hook.disabledReason ?? 'not recorded'}.`,
    argument,
  );
}

/** Lists a hook's deliveries, and records redeliveries and pings, for the hook's owner only. */
export class DeliveryService {
  /** Returns one page of a hook's deliveries, newest first, optionally in one state. */
  async list(caller: Caller, request: DeliveryPageRequest): Promise<DeliveryConnection> {
    validateHookId(request.hookId, 'hookId');
    const first = validatePageSize(request.first);
    const cursor = request.after == null ? undefined : decodeDeliveryCursor(request.after);
    if (request.after != null && !cursor) {
      throw badUserInput(
        `Cursor ${JSON.stringify(request.after)} is malformed: pass pageInfo.endCursor of an earlier deliveries page unchanged, ` +
          'or omit after to start with the newest delivery.',
        'after',
      );
    }
    const hook = await findOwnedHook(caller, request.hookId);

    const filter: Record<string, unknown> = { hookId: hook._id };
    if (request.state) filter.state = request.state;
    if (cursor) {
      filter.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.id } }];
    }
    // One more than the page, to learn whether another page follows.
    const records = await DeliveryModel.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(first + 1)
      .lean<DeliveryRecord[]>();

    const page = records.slice(0, first);
    const edges = page.map((record) => ({ cursor: encodeDeliveryCursor({ createdAt: record.createdAt, id: record._id }), node: toDelivery(record) }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: { hasNextPage: records.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /**
   * Records a new pending delivery of a stored delivery's body to the same hook, with a new webhook-id
   * and the hook's next sequence number. The caller hands it to the dispatcher.
   */
  async redeliver(caller: Caller, deliveryId: string): Promise<{ source: Delivery; delivery: Delivery }> {
    validateDeliveryId(deliveryId);
    const source = await DeliveryModel.findOne({ _id: new Types.ObjectId(deliveryId), ownerId: caller.userId }).lean<DeliveryRecord>();
    if (!source) throw deliveryNotFound(deliveryId);

    const hookId = source.hookId.toHexString();
    const hook = await HookModel.findOne({ _id: source.hookId, ownerId: caller.userId }).lean<OwnedHook>();
    if (!hook) {
      throw notFound(`Hook ${hookId} of delivery ${deliveryId} was deleted, so the delivery cannot be sent again. Create a new hook instead.`);
    }
    rejectDisabled(hook, `a redelivery of ${deliveryId}`, 'deliveryId');

    const record = await recordManualDelivery(
      { id: hookId, ownerId: hook.ownerId, url: hook.url },
      {
        kind: 'redelivery',
        event: source.event,
        entityId: source.entityId ?? null,
        collectionName: source.collectionName,
        buildBody: (sequence) => withSequence(source.body, sequence),
      },
    );
    return { source: toDelivery(source), delivery: toDelivery(record) };
  }

  /** Records a pending hookmill.ping delivery to a hook. The caller hands it to the dispatcher. */
  async ping(caller: Caller, hookId: string): Promise<Delivery> {
    validateHookId(hookId);
    const hook = await findOwnedHook(caller, hookId);
    rejectDisabled(hook, 'a ping', 'id');

    const now = new Date();
    const record = await recordManualDelivery(
      { id: hookId, ownerId: hook.ownerId, url: hook.url },
      {
        kind: 'ping',
        event: PING_EVENT,
        entityId: null,
        collectionName: HookModel.collection.collectionName,
        buildBody: (sequence) => JSON.stringify(buildPingPayload(hook.url, sequence, now)),
      },
      now,
    );
    return toDelivery(record);
  }
}

/** Loads the attempts of each delivery, oldest first, in one query per batch, for the DataLoader in the context. */
export async function loadAttempts(deliveryIds: readonly string[]): Promise<DeliveryAttempt[][]> {
  const attempts = await AttemptModel.find({ deliveryId: { $in: deliveryIds.map((id) => new Types.ObjectId(id)) } })
    .sort({ at: 1, attempt: 1 })
    .lean<(DeliveryAttempt & { deliveryId: Types.ObjectId })[]>();

  const byDelivery = new Map<string, DeliveryAttempt[]>(deliveryIds.map((id) => [id, []]));
  for (const attempt of attempts) byDelivery.get(attempt.deliveryId.toHexString())?.push(attempt);
  return deliveryIds.map((id) => byDelivery.get(id)!);
}
