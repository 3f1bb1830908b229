import { Schema, model, type InferSchemaType } from 'mongoose';

/** An API user: an integrator or administrator, with PlanMill-style numeric id and rights. */
const userSchema = new Schema(
  {
    userId: { type: Number, required: true, unique: true },
    name: { type: String, required: true },
    rights: { type: [String], default: [] },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'hookmill_users', versionKey: false },
);

export type UserRecord = InferSchemaType<typeof userSchema>;
export const UserModel = model('HookmillUser', userSchema);
