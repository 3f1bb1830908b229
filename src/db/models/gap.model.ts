import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A span of changes the watcher could not read because the change stream's history no longer reached
 * back to the stored resume token. Changes of `collectionName` between `lostSince` and `detectedAt`
 * were not delivered.
 */
const gapSchema = new Schema(
  {
    collectionName: { type: String, required: true },
    /** When the last stored resume token was written: the last change known to be recorded. */
    lostSince: { type: Date, default: null },
    detectedAt: { type: Date, required: true },
    error: { type: String, required: true },
  },
  { collection: 'hookmill_gaps', versionKey: false },
);

export type GapRecord = InferSchemaType<typeof gapSchema>;
export const GapModel = model('HookmillGap', gapSchema);
