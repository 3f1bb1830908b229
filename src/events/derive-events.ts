import type { EntityChange, EntityDocument } from '../watcher/entity-change.js';
import { OWNER_FIELDS, findEvent, type EventDefinition } from './catalogue.js';

/** Key fields of an entity as last seen, for changes that arrive without a pre-image. */
export interface KnownEntityState {
  entityId: number | null;
  status: unknown;
}

/** One event raised by a change, with the filter values of events that support filters. */
export interface DerivedEvent {
  definition: EventDefinition;
  eventUser: number | null;
  eventProject: number | null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Returns the user an event is attributed to: `modifiedBy` when the application writes it, else the owner field. */
export function eventUserOf(document: EntityDocument | null, itemType: EntityChange['itemType']): number | null {
  if (!document) return null;
  const modifiedBy = numberOrNull(document.modifiedBy);
  if (modifiedBy !== null) return modifiedBy;

  const ownerField = OWNER_FIELDS[itemType];
  return ownerField ? numberOrNull(document[ownerField]) : null;
}

/**
 * Decides whether a time report became ready for acceptance. An insert qualifies when its status is the
 * ready value. An update qualifies when it set the status to that value, which the update description
 * shows when the database sends one; otherwise the status is compared with the pre-image or the last
 * known state. With no earlier status known at all, a ready report counts as having become ready, so
 * that no transition is missed.
 */
function becameReady(change: EntityChange, known: KnownEntityState | null, readyStatus: number): boolean {
  const status = change.document?.status;
  if (status !== readyStatus) return false;
  if (change.operation === 'insert') return true;

  if (change.updatedFields) return 'status' in change.updatedFields && change.updatedFields.status === readyStatus;

  const previous = change.previous ? change.previous.status : known?.status;
  return previous !== readyStatus;
}

function event(name: string, change: EntityChange): DerivedEvent {
  const definition = findEvent(name);
  if (!definition) throw new Error(`Event ${name} is missing from the catalogue.`);

  const source = change.document ?? change.previous;
  return {
    definition,
    eventUser: definition.supportsEventUser ? eventUserOf(source, change.itemType) : null,
    eventProject: definition.supportsEventProject ? numberOrNull(source?.project) : null,
  };
}

/** Lists the events a change raises, in catalogue order: `.add`/`.update`/`.delete`, plus readyforacceptance. */
export function deriveEvents(change: EntityChange, known: KnownEntityState | null, readyStatus: number): DerivedEvent[] {
  const prefix = change.itemType.toLowerCase();
  const main = event(`${prefix}.${change.operation === 'insert' ? 'add' : change.operation}`, change);

  const isTimereport = change.itemType === 'Timereport' && change.operation !== 'delete';
  if (!isTimereport || !becameReady(change, known, readyStatus)) return [main];

  const ready = event(`${prefix}.readyforacceptance`, change);
  return change.operation === 'insert' ? [main, ready] : [ready, main];
}
