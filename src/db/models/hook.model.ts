import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** A registered hook: deliver events named `hook` to `url`, optionally filtered by user and project. */
const hookSchema = new Schema(
  {
    hook: { type: String, required: true },
    url: { type: String, required: true },
    eventUser: { type: Number, default: null },
    eventProject: { type: Number, default: null },
    ownerId: { type: Number, required: true },
    /** Standard Webhooks signing secret; returned to the owner only by createHook and rotateHookSecret. */
    secret: { type: String, required: true },
    /** Secret before the last rotation; deliveries carry a signature with it too until it expires. */
    previousSecret: { type: String, default: null },
    previousSecretExpiresAt: { type: Date, default: null },
    /** Disabled hooks get no deliveries; matching changes are recorded as skipped. */
    enabled: { type: Boolean, required: true, default: true },
    disabledReason: { type: String, default: null },
    disabledAt: { type: Date, default: null },
    /** Time of the first failed attempt since the last success; null while the hook is healthy. */
    failingSince: { type: Date, default: null },
    /** Last sequence number given to a delivery of this hook. */
    sequence: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'hookmill_hooks', versionKey: false },
);
hookSchema.index({ hook: 1, createdAt: 1 });
hookSchema.index({ ownerId: 1, createdAt: 1 });

export type HookRecord = InferSchemaType<typeof hookSchema> & { _id: Types.ObjectId };
export const HookModel = model('HookmillHook', hookSchema);
