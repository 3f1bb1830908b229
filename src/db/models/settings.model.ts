import { Schema, model } from 'mongoose';

/** Payload exclusion: either everything but the identifying fields, or named fields per item type. */
const payloadExclusionSchema = new Schema(
  {
    _id: { type: String, required: true },
    excludeAll: { type: Boolean, required: true, default: false },
    /** Item type (as in the catalogue, such as `Account`) to the field names left out of its payloads. */
    fields: { type: Map, of: [String], default: () => new Map() },
    updatedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'hookmill_settings', versionKey: false },
);

export const PAYLOAD_EXCLUSION_ID = 'payloadExclusion';
export const PayloadExclusionModel = model('HookmillPayloadExclusion', payloadExclusionSchema);
