import { Schema, model, type InferSchemaType } from 'mongoose';

/** One HTTP POST of a delivery: its outcome and timing. */
const attemptSchema = new Schema(
  {
    deliveryId: { type: Schema.Types.ObjectId, required: true, index: true },
    hookId: { type: Schema.Types.ObjectId, required: true, index: true },
    event: { type: String, required: true },
    entityId: { type: Number, default: null },
    attempt: { type: Number, required: true },
    ok: { type: Boolean, required: true },
    statusCode: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, required: true },
    /** First kilobyte of the receiver's response. */
    responseBody: { type: String, default: null },
    at: { type: Date, required: true },
    /** When the record is removed by the TTL index; set when its delivery completes. */
    expiresAt: { type: Date, default: null },
  },
  { collection: 'hookmill_attempts', versionKey: false },
);

attemptSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type AttemptRecord = InferSchemaType<typeof attemptSchema>;
export const AttemptModel = model('HookmillAttempt', attemptSchema);
