import type { DerivedEvent } from '../events/derive-events.js';

/** The fields of a hook that matching reads. */
export interface MatchableHook {
  id: string;
  hook: string;
  eventUser: number | null;
  eventProject: number | null;
  createdAt: Date;
}

export interface HookMatch<H extends MatchableHook> {
  hook: H;
  event: DerivedEvent;
}

export interface MatchResult<H extends MatchableHook> {
  /** Hooks to deliver to, oldest first, at most the cap. */
  matched: HookMatch<H>[];
  /** Hooks that matched but were left out by the cap. */
  skipped: HookMatch<H>[];
}

/** A hook fires for an event when the names agree and each filter it sets equals the event's value. */
export function hookMatchesEvent(hook: MatchableHook, event: DerivedEvent): boolean {
  if (hook.hook !== event.definition.name) return false;
  if (hook.eventUser !== null && hook.eventUser !== event.eventUser) return false;
  if (hook.eventProject !== null && hook.eventProject !== event.eventProject) return false;
  return true;
}

function olderFirst(left: MatchableHook, right: MatchableHook): number {
  const byTime = left.createdAt.getTime() - right.createdAt.getTime();
  return byTime !== 0 ? byTime : left.id.localeCompare(right.id);
}

/**
 * Matches the events of one change against candidate hooks: by event name, then by the eventUser and
 * eventProject filters. At most `maxHooksPerChange` hooks fire for the whole change, oldest first.
 */
export function matchHooks<H extends MatchableHook>(
  events: readonly DerivedEvent[],
  hooks: readonly H[],
  maxHooksPerChange: number,
): MatchResult<H> {
  const matches: HookMatch<H>[] = [];
  for (const hook of [...hooks].sort(olderFirst)) {
    const event = events.find((candidate) => hookMatchesEvent(hook, candidate));
    if (event) matches.push({ hook, event });
  }

  return { matched: matches.slice(0, maxHooksPerChange), skipped: matches.slice(maxHooksPerChange) };
}
