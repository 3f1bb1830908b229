import { AttemptModel } from '../db/models/attempt.model.js';
import { DeliveryModel, type DeliveryRecord } from '../db/models/delivery.model.js';
import { HOOKS_RIGHT, itemTypeHookRight } from '../auth/rights.js';
import { HookModel } from '../db/models/hook.model.js';
import { UserModel } from '../db/models/user.model.js';
import { findEvent } from '../events/catalogue.js';
import type { Logger } from '../log/logger.js';
import type { HttpSender, SendResult } from './http-sender.js';
import { decideAfterAttempt, type RetryPolicy } from './retry-policy.js';
import { signatureHeaders } from './signature.js';

const DAY_MS = 24 * 3600_000;

/**
 * Pause before a delivery that waits for an earlier one is looked at again. The earlier one hands it
 * over as soon as it completes, so this only bounds the polling while it is in flight.
 */
const ORDER_WAIT_MS = 1_000;

export interface AttemptDependencies {
  sender: HttpSender;
  policy: RetryPolicy;
  retentionDays: number;
  failedRetentionDays: number;
  logger: Logger;
}

/** `webhook-id` of a delivery: the same for every attempt, so receivers can drop repeats. */
export function webhookIdOf(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

type HookForDelivery = {
  /** The hook's event; its item type decides the right needed, also for pings and redeliveries. */
  hook: string;
  secret: string;
  previousSecret?: string | null;
  previousSecretExpiresAt?: Date | null;
  enabled: boolean;
  disabledReason?: string | null;
  failingSince?: Date | null;
};

/** Both signatures during a secret rotation's overlap, so receivers holding either secret can verify. */
function headersFor(hook: HookForDelivery, webhookId: string, body: string, now: Date): Record<string, string> {
  const headers = signatureHeaders(hook.secret, webhookId, body, now);
  if (hook.previousSecret && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt > now) {
    const previous = signatureHeaders(hook.previousSecret, webhookId, body, now);
    headers['webhook-signature'] = `${headers['webhook-signature']} ${previous['webhook-signature']}`;
  }
  return headers;
}

/**
 * Checks that the hook's owner still has the rights to receive the event: the hooks right and the
 * item type's hook right. Returns why not, or null.
 */
async function missingOwnerRight(ownerId: number, event: string): Promise<string | null> {
  const owner = await UserModel.findOne({ userId: ownerId }, { rights: 1 }).lean();
  if (!owner) return `the hook's owner, user ${ownerId}, no longer exists`;

  const itemType = findEvent(event)?.itemType;
  const needed = [HOOKS_RIGHT, ...(itemType ? [itemTypeHookRight(itemType)] : [])];
  const missing = needed.find((right) => !owner.rights.includes(right));
  return missing ? `the hook's owner, user ${ownerId}, lacks the right "${missing}"` : null;
}

/** Marks a delivery as completed without an attempt, such as when its hook is gone or disabled. */
async function skip(delivery: DeliveryRecord, reason: string, retentionDays: number): Promise<void> {
  const now = new Date();
  await DeliveryModel.updateOne(
    { _id: delivery._id },
    { $set: { state: 'skipped', reason, leaseUntil: null, completedAt: now, expiresAt: new Date(now.getTime() + retentionDays * DAY_MS) } },
  );
}

/**
 * Finds an earlier pending delivery of the same hook and entity. A delivery waits for it, so that one
 * receiver gets the changes of one entity in change order.
 */
async function findEarlierPending(delivery: DeliveryRecord) {
  return DeliveryModel.findOne(
    { hookId: delivery.hookId, entityKey: delivery.entityKey, sequence: { $lt: delivery.sequence }, state: 'pending' },
    { _id: 1, nextAttemptAt: 1 },
  )
    .sort({ sequence: 1 })
    .lean();
}

/** Next pending delivery of the same hook and entity, to send once this one completes. */
async function findNextInOrder(delivery: DeliveryRecord): Promise<string | undefined> {
  const next = await DeliveryModel.findOne(
    { hookId: delivery.hookId, entityKey: delivery.entityKey, sequence: { $gt: delivery.sequence }, state: 'pending' },
    { _id: 1 },
  )
    .sort({ sequence: 1 })
    .lean();
  return next?._id.toHexString();
}

async function send(deps: AttemptDependencies, delivery: DeliveryRecord, hook: HookForDelivery, ids: object): Promise<SendResult> {
  try {
    const headers = headersFor(hook, webhookIdOf(delivery._id.toHexString()), delivery.body, new Date());
    return await deps.sender.send(delivery.url, delivery.body, headers);
  } catch (error) {
    deps.logger.error({ ...ids, err: error }, 'delivery attempt crashed');
    return {
      ok: false,
      statusCode: null,
      error: 'request failed before it was sent',
      durationMs: 0,
      timedOut: false,
      retryAfter: null,
      responseBody: null,
    };
  }
}

/**
 * Makes one attempt of a claimed delivery and records it: the attempt, the delivery's new state and the
 * hook's health. Returns the id of a delivery that was waiting for this one, to be sent next.
 */
export async function attemptDelivery(delivery: DeliveryRecord, deps: AttemptDependencies): Promise<string | undefined> {
  const { logger, policy } = deps;
  const attempt = delivery.attemptCount + 1;
  const ids = { deliveryId: delivery._id.toHexString(), hookId: delivery.hookId.toHexString(), event: delivery.event, attempt };

  const hook = await HookModel.findById(delivery.hookId).lean<HookForDelivery>();
  const reason = !hook
    ? 'the hook was deleted before delivery'
    : !hook.enabled
      ? `the hook is disabled: ${hook.disabledReason ?? 'no reason given'}`
      : await missingOwnerRight(delivery.ownerId, hook.hook);
  if (!hook || reason) {
    await skip(delivery, reason ?? 'the hook was deleted before delivery', deps.failedRetentionDays);
    logger.info({ ...ids, reason }, 'delivery skipped');
    return findNextInOrder(delivery);
  }

  const earlier = await findEarlierPending(delivery);
  if (earlier) {
    const waitUntil = new Date(Math.max(Date.now() + ORDER_WAIT_MS, earlier.nextAttemptAt?.getTime() ?? 0));
    await DeliveryModel.updateOne({ _id: delivery._id }, { $set: { leaseUntil: null, nextAttemptAt: waitUntil } });
    logger.debug({ ...ids, waitingFor: earlier._id.toHexString() }, 'delivery waits for an earlier one of the same entity');
    return undefined;
  }

  const result = await send(deps, delivery, hook, ids);
  const at = new Date();
  const decision = decideAfterAttempt({ result, attemptsMade: attempt, policy, failingSince: hook.failingSince ?? null, now: at });
  const state = decision.delivery.state;
  const retentionDays = state === 'succeeded' ? deps.retentionDays : deps.failedRetentionDays;
  const expiresAt = state === 'pending' ? null : new Date(at.getTime() + retentionDays * DAY_MS);

  await AttemptModel.create({
    deliveryId: delivery._id,
    hookId: delivery.hookId,
    event: delivery.event,
    entityId: delivery.entityId ?? null,
    attempt,
    ok: result.ok,
    statusCode: result.statusCode,
    error: result.error,
    durationMs: result.durationMs,
    responseBody: result.responseBody,
    at,
    expiresAt,
  });
  await DeliveryModel.updateOne(
    { _id: delivery._id },
    {
      $set: {
        state,
        attemptCount: attempt,
        leaseUntil: null,
        nextAttemptAt: decision.delivery.state === 'pending' ? decision.delivery.nextAttemptAt : null,
        lastStatusCode: result.statusCode,
        lastError: result.error,
        reason: decision.delivery.state === 'failed' ? decision.delivery.reason : null,
        completedAt: state === 'pending' ? null : at,
        expiresAt,
      },
    },
  );
  // The attempt just stored already carries expiresAt, so only earlier attempts need it set.
  if (expiresAt && attempt > 1) await AttemptModel.updateMany({ deliveryId: delivery._id }, { $set: { expiresAt } });
  await recordHookHealth(delivery, result.ok, at, decision.disableHook, logger, ids);

  const fields = { ...ids, statusCode: result.statusCode, durationMs: result.durationMs };
  if (decision.delivery.state === 'succeeded') logger.info(fields, 'delivery succeeded');
  else if (decision.delivery.state === 'pending') {
    logger.warn({ ...fields, reason: result.error, nextAttemptAt: decision.delivery.nextAttemptAt }, 'delivery attempt failed; retry scheduled');
  } else logger.error({ ...fields, reason: decision.delivery.reason }, 'delivery failed');

  return state === 'pending' ? undefined : findNextInOrder(delivery);
}

async function recordHookHealth(
  delivery: DeliveryRecord,
  ok: boolean,
  at: Date,
  disableReason: string | null,
  logger: Logger,
  ids: object,
): Promise<void> {
  if (ok) {
    await HookModel.updateOne({ _id: delivery.hookId, failingSince: { $ne: null } }, { $set: { failingSince: null } });
    return;
  }

  await HookModel.updateOne({ _id: delivery.hookId, failingSince: null }, { $set: { failingSince: at } });
  if (!disableReason) return;

  await HookModel.updateOne({ _id: delivery.hookId, enabled: true }, { $set: { enabled: false, disabledReason: disableReason, disabledAt: at } });
  logger.warn({ ...ids, reason: disableReason }, 'hook disabled');
}
