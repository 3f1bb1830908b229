import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** A registered hook: deliver events named `hook` to `url`, optionally filtered by user and project. */
const hookSchema = new Schema(
  {
    hook: { type: String, required: true },
    url: { type: String, required: true },
    eventUser: { type: Number, default: null },
    eventProject: { type: Number, default: null },
    ownerId: { type: Number, required: true },
    /** Standard Webhooks signing secret; returned to the owner only by createHook. */
    secret: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'hookmill_hooks', versionKey: false },
);
hookSchema.index({ hook: 1, createdAt: 1 });
hookSchema.index({ ownerId: 1, createdAt: 1 });

export type HookRecord = InferSchemaType<typeof hookSchema> & { _id: Types.ObjectId };
export const HookModel = model('HookmillHook', hookSchema);
