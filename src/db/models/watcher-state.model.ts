import { Schema, model } from 'mongoose';

/** Resume token of one watched collection's change stream, stored after the change's deliveries. */
const resumeTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    token: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'hookmill_resume_tokens', versionKey: false },
);
export const ResumeTokenModel = model('HookmillResumeToken', resumeTokenSchema);

/**
 * Last seen key fields of an entity, by collection and `_id`. Databases without pre-images send a
 * delete with only `_id` and an update without the previous status; these records fill both gaps.
 */
const entityStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    entityId: { type: Number, default: null },
    status: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'hookmill_entity_states', versionKey: false },
);
export const EntityStateModel = model('HookmillEntityState', entityStateSchema);
