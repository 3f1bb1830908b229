import { HookModel } from '../db/models/hook.model.js';
import type { MatchableHook } from './match-hooks.js';

export interface CandidateHook extends MatchableHook {
  url: string;
  ownerId: number;
  enabled: boolean;
  disabledReason: string | null;
}

/** Loads the hooks registered for any of the given event names, oldest first. */
export async function findCandidateHooks(eventNames: readonly string[]): Promise<CandidateHook[]> {
  const records = await HookModel.find({ hook: { $in: [...eventNames] } })
    .sort({ createdAt: 1, _id: 1 })
    .lean();

  return records.map((record) => ({
    id: record._id.toHexString(),
    hook: record.hook,
    url: record.url,
    ownerId: record.ownerId,
    eventUser: record.eventUser ?? null,
    eventProject: record.eventProject ?? null,
    createdAt: record.createdAt,
    enabled: record.enabled !== false,
    disabledReason: record.disabledReason ?? null,
  }));
}
