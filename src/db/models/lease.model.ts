import { Schema, model } from 'mongoose';

/** A named lease that one service instance holds at a time, such as the right to run the watcher. */
const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'hookmill_leases', versionKey: false },
);

export const LeaseModel = model('HookmillLease', leaseSchema);
