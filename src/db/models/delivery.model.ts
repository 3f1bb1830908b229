import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const DELIVERY_STATES = ['pending', 'succeeded', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One (change, hook) pair: the payload to send and the delivery's state. It is written before the
 * change's resume token is stored, so a crash between the two repeats the change without losing it.
 * The unique (changeId, hookId) index drops the repeat.
 */
const deliverySchema = new Schema(
  {
    changeId: { type: String, required: true },
    hookId: { type: Schema.Types.ObjectId, required: true },
    ownerId: { type: Number, required: true },
    event: { type: String, required: true },
    collectionName: { type: String, required: true },
    entityId: { type: Number, default: null },
    /** Collection and `_id` of the changed document; deliveries of one hook and entity go out in order. */
    entityKey: { type: String, required: true },
    /** Per-hook sequence number, also in the payload, so receivers can detect gaps. */
    sequence: { type: Number, required: true },
    url: { type: String, required: true },
    /** Host and port of the URL, for the per-receiver concurrency cap. */
    receiverHost: { type: String, default: null },
    /** Exact JSON body sent to the receiver. */
    body: { type: String, required: true },
    state: { type: String, enum: DELIVERY_STATES, required: true },
    /** Reason a delivery was skipped or finally failed. */
    reason: { type: String, default: null },
    attemptCount: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    lastStatusCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
    completedAt: { type: Date, default: null },
    /** When the record is removed by the TTL index; null while the delivery is pending. */
    expiresAt: { type: Date, default: null },
  },
  { collection: 'hookmill_deliveries', versionKey: false },
);
deliverySchema.index({ changeId: 1, hookId: 1 }, { unique: true });
deliverySchema.index({ state: 1, nextAttemptAt: 1 });
deliverySchema.index({ state: 1, receiverHost: 1, nextAttemptAt: 1 });
deliverySchema.index({ hookId: 1, createdAt: -1 });
deliverySchema.index({ hookId: 1, entityKey: 1, sequence: 1 });
deliverySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type DeliveryRecord = InferSchemaType<typeof deliverySchema> & { _id: Types.ObjectId };
export const DeliveryModel = model('HookmillDelivery', deliverySchema);
