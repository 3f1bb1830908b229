import { Types } from 'mongoose';

import { isOnlyDuplicateKeyErrors } from '../db/duplicate-key.js';
import { DeliveryModel, type DeliveryState } from '../db/models/delivery.model.js';
import { HookModel } from '../db/models/hook.model.js';
import type { HookMatch } from '../matching/match-hooks.js';
import type { CandidateHook } from '../matching/hook-candidates.js';
import type { EntityChange } from '../watcher/entity-change.js';
import type { HookPayload } from './payload.js';

/** Host and port of a receiver URL, the unit of the per-receiver concurrency cap. */
export function receiverHostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export interface NewDelivery {
  match: HookMatch<CandidateHook>;
  payload: HookPayload;
  state: Extract<DeliveryState, 'pending' | 'skipped'>;
  reason: string | null;
}

/**
 * Takes the next number of a hook's delivery sequence. A change that is handled again after a crash
 * takes new numbers before its duplicate records are dropped, so receivers can see a gap there too.
 */
export async function nextSequence(hookId: string): Promise<number> {
  const hook = await HookModel.findOneAndUpdate({ _id: hookId }, { $inc: { sequence: 1 } }, { new: true, projection: { sequence: 1 } }).lean();
  return hook?.sequence ?? 0;
}

/**
 * Writes the delivery records of one change. A change seen again after a restart finds its records
 * already there: the unique (changeId, hookId) index rejects the repeats and they are ignored, so each
 * hook gets one delivery per change. Returns the ids of the pending records written, when known.
 */
export async function enqueueDeliveries(
  change: EntityChange,
  deliveries: readonly NewDelivery[],
  times: { now: Date; skippedExpiresAt: Date },
): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const { now } = times;

  const sequences: number[] = [];
  for (const { match } of deliveries) sequences.push(await nextSequence(match.hook.id));

  const documents = deliveries.map(({ match, payload, state, reason }, index) => ({
    _id: new Types.ObjectId(),
    entityKey: `${change.collectionName}:${change.documentKey}`,
    sequence: sequences[index]!,
    changeId: change.changeId,
    hookId: new Types.ObjectId(match.hook.id),
    ownerId: match.hook.ownerId,
    event: match.event.definition.name,
    collectionName: change.collectionName,
    entityId: payload.Id,
    url: match.hook.url,
    receiverHost: receiverHostOf(match.hook.url),
    body: JSON.stringify({ ...payload, sequence: sequences[index] }),
    state,
    reason,
    nextAttemptAt: state === 'pending' ? now : null,
    createdAt: now,
    completedAt: state === 'pending' ? null : now,
    expiresAt: state === 'pending' ? null : times.skippedExpiresAt,
  }));

  const pendingIds = documents.filter((document) => document.state === 'pending').map((document) => document._id.toHexString());
  try {
    await DeliveryModel.insertMany(documents, { ordered: false });
    return pendingIds;
  } catch (error) {
    if (!isOnlyDuplicateKeyErrors(error)) throw error;
    // NOTE: an ordered-false batch that hits a duplicate may stop early on some servers, so the
    // remaining records are written one by one, each duplicate ignored.
    for (const document of documents) {
      try {
        await DeliveryModel.create(document);
      } catch (inner) {
        if (!isOnlyDuplicateKeyErrors(inner)) throw inner;
      }
    }
    // Which records were new is unknown here; the dispatcher's scan finds the pending ones.
    return [];
  }
}
