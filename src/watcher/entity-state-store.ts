import { EntityStateModel } from '../db/models/watcher-state.model.js';
import type { KnownEntityState } from '../events/derive-events.js';
import type { EntityChange } from './entity-change.js';

function stateKey(change: EntityChange): string {
  return `${change.collectionName}:${change.documentKey}`;
}

/** Loads the last seen key fields of the changed entity, or null when it was never seen. */
export async function loadEntityState(change: EntityChange): Promise<KnownEntityState | null> {
  const record = await EntityStateModel.findById(stateKey(change)).lean();
  return record ? { entityId: record.entityId ?? null, status: record.status ?? null } : null;
}

/** Records the entity's key fields after a change, or deletes them after a delete. */
export async function saveEntityState(change: EntityChange): Promise<void> {
  if (change.operation === 'delete') {
    await EntityStateModel.deleteOne({ _id: stateKey(change) });
    return;
  }
  if (!change.document) return;

  const id = change.document.id;
  await EntityStateModel.updateOne(
    { _id: stateKey(change) },
    {
      $set: {
        entityId: typeof id === 'number' ? id : null,
        status: change.document.status ?? null,
        updatedAt: new Date(),
      },
    },
    { upsert: true },
  );
}
