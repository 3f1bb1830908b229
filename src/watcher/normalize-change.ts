import type { ItemType } from '../events/catalogue.js';
import type { EntityChange, EntityDocument, EntityOperation } from './entity-change.js';

const OPERATIONS: Readonly<Record<string, EntityOperation>> = {
  insert: 'insert',
  update: 'update',
  replace: 'update',
  delete: 'delete',
};

/** Raw change event fields Hookmill reads; MongoDB, PoppyDB and mongo-java-server each fill a different subset. */
export interface RawChange {
  _id?: unknown;
  operationType?: string;
  documentKey?: unknown;
  fullDocument?: unknown;
  fullDocumentBeforeChange?: unknown;
  updateDescription?: { updatedFields?: unknown } | null;
  clusterTime?: unknown;
  wallTime?: unknown;
}

function asDocument(value: unknown): EntityDocument | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as EntityDocument) : null;
}

/** Resume token `_data` as a string; tokens are `{ _data: string }` on every server Hookmill supports. */
export function changeIdOf(token: unknown): string | undefined {
  const data = asDocument(token)?._data;
  return typeof data === 'string' && data !== '' ? data : undefined;
}

/**
 * Reads the time of a change. MongoDB sends `wallTime` (a Date) and a BSON Timestamp whose high 32
 * bits are seconds; PoppyDB sends `clusterTime` as epoch milliseconds. Falls back to `now`.
 */
export function changeTimeOf(raw: RawChange, now: Date): Date {
  if (raw.wallTime instanceof Date) return raw.wallTime;

  const clusterTime = raw.clusterTime as { high?: unknown; getHighBits?: () => number } | number | undefined;
  if (typeof clusterTime === 'number' && clusterTime > 1e11) return new Date(clusterTime);
  if (clusterTime && typeof clusterTime === 'object') {
    const seconds = typeof clusterTime.getHighBits === 'function' ? clusterTime.getHighBits() : clusterTime.high;
    if (typeof seconds === 'number' && seconds > 0) return new Date(seconds * 1000);
  }
  return now;
}

function keyToString(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'object' && typeof (id as { toHexString?: unknown }).toHexString === 'function') {
    return (id as { toHexString(): string }).toHexString();
  }
  return typeof id === 'object' ? JSON.stringify(id) : String(id);
}

/**
 * Turns a raw change event into an EntityChange, or returns undefined for events that are not entity
 * changes (drop, rename, invalidate) or carry no resume token.
 */
export function normalizeChange(
  raw: RawChange,
  collectionName: string,
  itemType: ItemType,
  now: Date = new Date(),
): EntityChange | undefined {
  const operation = raw.operationType ? OPERATIONS[raw.operationType] : undefined;
  const changeId = changeIdOf(raw._id);
  if (!operation || !changeId) return undefined;

  // A stored document always has an _id. For an update whose document is gone, MongoDB sends a null
  // fullDocument, but mongo-java-server 1.47 sends the fields the update set, without _id.
  const fullDocument = asDocument(raw.fullDocument);
  const document = operation === 'delete' || fullDocument?._id === undefined ? null : fullDocument;
  // Delete events on PoppyDB carry the deleted document as fullDocument; treat it as the pre-image.
  const previous =
    asDocument(raw.fullDocumentBeforeChange) ?? (operation === 'delete' ? asDocument(raw.fullDocument) : null);

  // mongo-java-server 1.47 sends the update operators as documentKey of an update, so the
  // post-image's _id comes first and documentKey only when it contains an _id. An update whose
  // document is gone has no _id there at all, and is keyed by its change instead.
  const documentKey =
    keyToString(document?._id ?? asDocument(raw.documentKey)?._id ?? previous?._id) ?? `change:${changeId}`;

  return {
    changeId,
    resumeToken: raw._id,
    collectionName,
    itemType,
    operation,
    documentKey,
    document,
    previous,
    updatedFields: asDocument(raw.updateDescription?.updatedFields),
    at: changeTimeOf(raw, now),
  };
}
