import type { DerivedEvent } from '../events/derive-events.js';
import type { ItemType } from '../events/catalogue.js';
import type { EntityChange, EntityDocument } from '../watcher/entity-change.js';

/** Payload exclusion configuration, as administrators set it. */
export interface PayloadExclusion {
  /** Send only hook, url, Id and the filter fields. */
  excludeAll: boolean;
  /** Item type to field paths (dot-separated for nested fields, applied to each element of an array) left out of the resource. */
  fields: Readonly<Partial<Record<ItemType, readonly string[]>>>;
}

export const NO_EXCLUSION: PayloadExclusion = { excludeAll: false, fields: {} };

/** JSON body POSTed to a receiver. */
export interface HookPayload {
  hook: string;
  url: string;
  Id: number | null;
  eventUser?: number | null;
  eventProject?: number | null;
  subject?: string;
  resource?: Record<string, unknown> | null;
  timestamp?: string;
  /** Per-hook sequence number: consecutive for the deliveries of one hook, so a gap shows a missed one. */
  sequence?: number;
}

/** Converts BSON values (ObjectId, Date, Decimal128, Long) to what JSON.stringify would show a receiver. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;

  const bson = value as { _bsontype?: string; toHexString?: () => string; toString(): string; toNumber?: () => number };
  if (bson._bsontype === 'ObjectId' && bson.toHexString) return bson.toHexString();
  if (bson._bsontype === 'Long' && bson.toNumber) return bson.toNumber();
  if (bson._bsontype !== undefined) return bson.toString();

  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) result[key] = toJsonValue(inner);
  return result;
}

function removePath(target: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) {
    delete target[head];
    return;
  }
  const child = target[head];
  const children = Array.isArray(child) ? child : [child];
  for (const item of children) {
    if (item && typeof item === 'object' && !Array.isArray(item)) removePath(item as Record<string, unknown>, rest);
  }
}

/** Copies an entity document as a payload resource: JSON values, no `_id`, excluded fields removed. */
export function buildResource(
  document: EntityDocument,
  itemType: ItemType,
  exclusion: PayloadExclusion,
): Record<string, unknown> {
  const resource = toJsonValue(document) as Record<string, unknown>;
  delete resource._id;
  for (const field of exclusion.fields[itemType] ?? []) removePath(resource, field.split('.'));
  return resource;
}

/** Display name of an entity: `name`, else first and last name, else `subject` or `title`, else type and id. */
export function subjectOf(resource: Record<string, unknown>, itemType: ItemType, entityId: number | null): string {
  for (const field of ['name', 'subject', 'title']) {
    const value = resource[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  const fullName = [resource.firstName, resource.lastName].filter((part) => typeof part === 'string' && part !== '');
  if (fullName.length > 0) return fullName.join(' ');
  return entityId === null ? itemType : `${itemType} ${entityId}`;
}

function entityIdOf(document: EntityDocument | null): number | null {
  const id = document?.id;
  return typeof id === 'number' && Number.isFinite(id) ? id : null;
}

/**
 * Builds the payload of one event for one hook. A delete carries the pre-image as its resource when the
 * database provides one; without it only the Id is known, from the last seen state.
 */
export function buildPayload(
  change: EntityChange,
  event: DerivedEvent,
  hookUrl: string,
  exclusion: PayloadExclusion,
  knownEntityId: number | null,
): HookPayload {
  const source = change.operation === 'delete' ? change.previous : change.document;
  const entityId = entityIdOf(source) ?? entityIdOf(change.previous) ?? knownEntityId;

  const payload: HookPayload = { hook: event.definition.name, url: hookUrl, Id: entityId };
  if (event.definition.supportsEventUser) payload.eventUser = event.eventUser;
  if (event.definition.supportsEventProject) payload.eventProject = event.eventProject;
  if (exclusion.excludeAll) return payload;

  const resource = source ? buildResource(source, change.itemType, exclusion) : null;
  payload.subject = subjectOf(resource ?? {}, change.itemType, entityId);
  payload.resource = resource;
  payload.timestamp = change.at.toISOString();
  return payload;
}
