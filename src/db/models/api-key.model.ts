import { Schema, model, type InferSchemaType } from 'mongoose';

/** An API key; only its SHA-256 hash is stored, and `prefix` identifies it in listings and logs. */
const apiKeySchema = new Schema(
  {
    prefix: { type: String, required: true, unique: true },
    hash: { type: String, required: true },
    /** The key encrypted with the master key, for verifying PlanMill-style HMAC signatures keyed with it. */
    sealedKey: { type: String, default: null },
    userId: { type: Number, required: true, index: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    /** After this time the key is rejected; null for a key that does not expire. */
    expiresAt: { type: Date, default: null },
  },
  { collection: 'hookmill_api_keys', versionKey: false },
);

export type ApiKeyRecord = InferSchemaType<typeof apiKeySchema>;
export const ApiKeyModel = model('HookmillApiKey', apiKeySchema);
