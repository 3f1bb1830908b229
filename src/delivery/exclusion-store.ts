import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';
import { PAYLOAD_EXCLUSION_ID, PayloadExclusionModel } from '../db/models/settings.model.js';
import { NO_EXCLUSION, type PayloadExclusion } from './payload.js';

/** How long a read configuration is reused before the database is asked again. */
const CACHE_MS = 2_000;

/** Reads and writes the payload exclusion configuration, with a short cache for the watcher's hot path. */
export class ExclusionStore {
  #cached: { value: PayloadExclusion; readAt: number } | undefined;

  async get(): Promise<PayloadExclusion> {
    if (this.#cached && Date.now() - this.#cached.readAt < CACHE_MS) return this.#cached.value;

    const record = await PayloadExclusionModel.findById(PAYLOAD_EXCLUSION_ID).lean();
    const value = record ? toExclusion(record.excludeAll, record.fields) : NO_EXCLUSION;
    this.#cached = { value, readAt: Date.now() };
    return value;
  }

  /** Sets whether payloads are fully excluded. */
  async setExcludeAll(excludeAll: boolean): Promise<PayloadExclusion> {
    await PayloadExclusionModel.updateOne(
      { _id: PAYLOAD_EXCLUSION_ID },
      { $set: { excludeAll, updatedAt: new Date() } },
      { upsert: true },
    );
    this.#cached = undefined;
    return this.get();
  }

  /** Replaces the excluded fields of one item type; an empty list excludes nothing. */
  async setFields(itemType: ItemType, fields: readonly string[]): Promise<PayloadExclusion> {
    await PayloadExclusionModel.updateOne(
      { _id: PAYLOAD_EXCLUSION_ID },
      { $set: { [`fields.${itemType}`]: [...fields], updatedAt: new Date() } },
      { upsert: true },
    );
    this.#cached = undefined;
    return this.get();
  }
}

function toExclusion(excludeAll: boolean, fields: unknown): PayloadExclusion {
  const entries = fields instanceof Map ? [...fields.entries()] : Object.entries((fields as object | null) ?? {});
  const byType: Partial<Record<ItemType, string[]>> = {};
  for (const [itemType, list] of entries) {
    if ((ITEM_TYPES as readonly string[]).includes(itemType) && Array.isArray(list) && list.length > 0) {
      byType[itemType as ItemType] = list.map(String);
    }
  }
  return { excludeAll, fields: byType };
}
