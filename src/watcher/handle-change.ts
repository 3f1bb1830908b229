import { deriveEvents } from '../events/derive-events.js';
import { enqueueDeliveries, type NewDelivery } from '../delivery/enqueue-deliveries.js';
import type { ExclusionStore } from '../delivery/exclusion-store.js';
import { buildPayload } from '../delivery/payload.js';
import type { Logger } from '../log/logger.js';
import { findCandidateHooks } from '../matching/hook-candidates.js';
import { matchHooks } from '../matching/match-hooks.js';
import type { EntityChange } from './entity-change.js';
import { loadEntityState, saveEntityState } from './entity-state-store.js';

export interface ChangeHandlerOptions {
  maxHooksPerChange: number;
  readyForAcceptanceStatus: number;
  /** Days a skipped delivery record is kept. */
  failedRetentionDays: number;
  exclusions: ExclusionStore;
  logger: Logger;
}

export interface HandledChange {
  events: string[];
  /** Ids of the pending deliveries written, for the dispatcher to send at once. */
  pendingDeliveryIds: string[];
  skipped: number;
}

/**
 * Turns one entity change into delivery records: derives its events, matches hooks, builds each payload
 * and writes the records. The caller stores the resume token only after this returns.
 */
export async function handleChange(change: EntityChange, options: ChangeHandlerOptions): Promise<HandledChange> {
  const known = await loadEntityState(change);
  const events = deriveEvents(change, known, options.readyForAcceptanceStatus);
  const eventNames = events.map((event) => event.definition.name);

  const candidates = await findCandidateHooks(eventNames);
  const { matched, skipped } = matchHooks(events, candidates.filter((hook) => hook.enabled), options.maxHooksPerChange);
  const disabled = matchHooks(events, candidates.filter((hook) => !hook.enabled), candidates.length).matched;
  if (skipped.length > 0) {
    options.logger.warn(
      {
        changeId: change.changeId,
        events: eventNames,
        maxHooksPerChange: options.maxHooksPerChange,
        skippedHookIds: skipped.map(({ hook }) => hook.id),
      },
      'hooks skipped: more hooks matched than the per-change maximum',
    );
  }

  const exclusion = await options.exclusions.get();
  const knownId = known?.entityId ?? null;
  const skipReason = `more than ${options.maxHooksPerChange} hooks matched this change; older hooks go first`;
  const deliveries: NewDelivery[] = [
    ...matched.map((match) => ({ match, state: 'pending' as const, reason: null })),
    ...skipped.map((match) => ({ match, state: 'skipped' as const, reason: skipReason })),
    ...disabled.map((match) => ({ match, state: 'skipped' as const, reason: `the hook is disabled: ${match.hook.disabledReason ?? 'no reason given'}` })),
  ].map((entry) => ({ ...entry, payload: buildPayload(change, entry.match.event, entry.match.hook.url, exclusion, knownId) }));

  const now = new Date();
  const skippedExpiresAt = new Date(now.getTime() + options.failedRetentionDays * 24 * 3600_000);
  const pendingDeliveryIds = await enqueueDeliveries(change, deliveries, { now, skippedExpiresAt });
  await saveEntityState(change);
  return { events: eventNames, pendingDeliveryIds, skipped: skipped.length };
}
