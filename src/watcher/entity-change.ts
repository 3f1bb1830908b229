import type { ItemType } from '../events/catalogue.js';

export type EntityOperation = 'insert' | 'update' | 'delete';

export type EntityDocument = Record<string, unknown>;

/** A change to one entity document, in the form the rest of the pipeline uses, whatever the server sent. */
export interface EntityChange {
  /** Resume token data of the change; unique per change and stable across repeats. */
  changeId: string;
  /** The raw resume token, stored once the change's deliveries are recorded. */
  resumeToken: unknown;
  collectionName: string;
  itemType: ItemType;
  operation: EntityOperation;
  /** The document's `_id`, as a string, for keys and logs. */
  documentKey: string;
  /** Current document (post-image); null for a delete, or for an update whose document is already gone. */
  document: EntityDocument | null;
  /** Document before the change (pre-image), where the database provides one. */
  previous: EntityDocument | null;
  /** Fields set by an update, where the database reports them. */
  updatedFields: EntityDocument | null;
  /** Time of the change. */
  at: Date;
}
