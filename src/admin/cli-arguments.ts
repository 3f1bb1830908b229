import { InvalidArgumentError } from 'commander';

import { itemTypeHookRight } from '../auth/rights.js';
import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';
import { AdminError, parseFieldList, parseItemType } from './admin.service.js';

// Commander calls these parsers with each option value and prefixes their messages with
// "option '<flags>' argument '<value>' is invalid.", so the messages state only the expected form.

/** Largest id: PlanMill ids and GraphQL's Int are 32-bit signed integers. */
export const MAX_ID = 2_147_483_647;

/** Parses a positive whole number such as a user id; rejects signs, decimals, exponents, 0 and ids above MAX_ID. */
export function parsePositiveId(value: string): number {
  const trimmed = value.trim();
  const parsed = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || parsed <= 0 || parsed > MAX_ID) {
    throw new InvalidArgumentError(`Expected a whole number from 1 to ${MAX_ID}, such as 42.`);
  }
  return parsed;
}

/** Parses an API key prefix: 12 hexadecimal characters, with or without the leading "hm_". */
export function parseKeyPrefix(value: string): string {
  const prefix = value.trim().replace(/^hm_/, '');
  if (!/^[0-9a-f]{12}$/.test(prefix)) throw new InvalidArgumentError('Expected the 12 hexadecimal characters after "hm_" in the key.');
  return prefix;
}

export function parseName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('Expected a non-empty name.');
  return value.trim();
}

const ITEM_TYPE_RIGHT_PREFIX = 'System.Hooks.Definitions.';

/** Parses a right; an item type hook right must name a known item type, in lower case. */
export function parseRight(value: string): string {
  const right = value.trim();
  if (right === '') throw new InvalidArgumentError('Expected a non-empty right name.');

  if (right.toLowerCase().startsWith(ITEM_TYPE_RIGHT_PREFIX.toLowerCase())) {
    const valid = ITEM_TYPES.map(itemTypeHookRight);
    if (!valid.includes(right)) {
      throw new InvalidArgumentError(`Expected one of the item type hook rights: ${valid.join(', ')}.`);
    }
  }
  return right;
}

/** Maximum key lifetime, in days (100 years). */
export const MAX_KEY_LIFETIME_DAYS = 36_500;

/** Parses a key lifetime in days: a whole number from 1 to MAX_KEY_LIFETIME_DAYS. */
export function parseDays(value: string): number {
  const trimmed = value.trim();
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < 1 || days > MAX_KEY_LIFETIME_DAYS) {
    throw new InvalidArgumentError(`Expected a whole number of days from 1 to ${MAX_KEY_LIFETIME_DAYS}.`);
  }
  return days;
}

/** Collects every `--right` of a command line into one list. */
export function collectRight(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseRight(value)];
}

export function parseItemTypeOption(value: string): ItemType {
  return rethrowAsInvalidArgument(() => parseItemType(value));
}

export function parseFieldListOption(value: string): string[] {
  return rethrowAsInvalidArgument(() => parseFieldList(value));
}

/** Turns an AdminError from a service parser into a usage error, so Commander reports it with the option. */
function rethrowAsInvalidArgument<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AdminError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}
