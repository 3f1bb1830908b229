import { Schema, model } from 'mongoose';

/** A PlanMill authentication nonce already used by a user; each is accepted once. */
const nonceSchema = new Schema(
  {
    userId: { type: Number, required: true },
    nonce: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { collection: 'hookmill_auth_nonces', versionKey: false },
);
nonceSchema.index({ userId: 1, nonce: 1 }, { unique: true });
// Nonces outside the timestamp window cannot be replayed anyway, so they expire after ten minutes.
nonceSchema.index({ usedAt: 1 }, { expireAfterSeconds: 600 });

export const NonceModel = model('HookmillAuthNonce', nonceSchema);
