import { EVENT_NAMES, findEvent, type EventDefinition } from '../../events/catalogue.js';
import { ReceiverAddressError, type ReceiverGuard } from '../../delivery/receiver-guard.js';
import { ReceiverUrlError, parseReceiverUrl, quoteReceiverUrl } from '../../delivery/receiver-url.js';
import { badUserInput } from '../errors.js';
import type { CreateHookInput } from './hook.input.js';

/** Hook ids are MongoDB ObjectIds: 24 hexadecimal characters. */
const HOOK_ID_PATTERN = /^[0-9a-fA-F]{24}$/;

function editDistance(left: string, right: string): number {
  const row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= right.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (left[i - 1] === right[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[right.length]!;
}

/** Finds the catalogue event closest to a mistyped name, when one is close enough to be a likely typo. */
export function suggestEvent(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of EVENT_NAMES) {
    const distance = editDistance(lower, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= 3 ? best.name : undefined;
}

export function validateEventName(name: string, argument = 'hook'): EventDefinition {
  const definition = findEvent(name);
  if (definition) return definition;

  const suggestion = suggestEvent(name);
  throw badUserInput(
    `Unknown event ${JSON.stringify(name)}.${suggestion ? ` Did you mean "${suggestion}"?` : ''} ` +
      `Valid events: ${EVENT_NAMES.join(', ')}.`,
    argument,
  );
}

export function validatePositiveId(value: number | null | undefined, argument: string): void {
  if (value === null || value === undefined || value > 0) return;
  throw badUserInput(`${argument} must be a positive id; got ${value}. Omit it to match every ${argument === 'eventUser' ? 'user' : 'project'}.`, argument);
}

export function validateHookId(id: string, argument = 'id'): void {
  if (HOOK_ID_PATTERN.test(id)) return;
  throw badUserInput(
    `Hook id ${JSON.stringify(id)} is malformed: expected the 24-character hexadecimal id that createHook returned.`,
    argument,
  );
}

/**
 * Resolves the host of a receiver URL that validateCreateHookInput accepted and checks every address it
 * resolves to. Throws BAD_USER_INPUT naming the URL, the address and the fix.
 */
export async function validateReceiverHost(url: string, receiverGuard: ReceiverGuard): Promise<void> {
  try {
    await receiverGuard.checkHost(parseReceiverUrl(url).hostname);
  } catch (error) {
    if (error instanceof ReceiverAddressError) {
      throw badUserInput(`Receiver URL ${quoteReceiverUrl(url)} is rejected: ${error.message}.`, 'url');
    }
    throw error;
  }
}

/** Checks a new hook; throws BAD_USER_INPUT naming the first bad value and the fix. */
export function validateCreateHookInput(input: CreateHookInput): EventDefinition {
  const definition = validateEventName(input.hook);

  try {
    parseReceiverUrl(input.url);
  } catch (error) {
    if (error instanceof ReceiverUrlError) throw badUserInput(error.message, 'url');
    throw error;
  }

  validatePositiveId(input.eventUser, 'eventUser');
  validatePositiveId(input.eventProject, 'eventProject');

  const filterable = EVENT_NAMES.filter((name) => findEvent(name)!.supportsEventUser);
  if (input.eventUser != null && !definition.supportsEventUser) {
    throw badUserInput(
      `eventUser is not supported for ${definition.name}; only ${filterable.join(' and ')} accept it. Remove eventUser.`,
      'eventUser',
    );
  }
  if (input.eventProject != null && !definition.supportsEventProject) {
    throw badUserInput(
      `eventProject is not supported for ${definition.name}; only ${filterable.join(' and ')} accept it. Remove eventProject.`,
      'eventProject',
    );
  }
  return definition;
}
