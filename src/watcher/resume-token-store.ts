import { ResumeTokenModel } from '../db/models/watcher-state.model.js';

/** Loads the stored resume token of a collection's change stream, or undefined to start from now. */
export async function loadResumeToken(collectionName: string): Promise<unknown> {
  const record = await ResumeTokenModel.findById(collectionName).lean();
  return record?.token ?? undefined;
}

export async function saveResumeToken(collectionName: string, token: unknown): Promise<void> {
  await ResumeTokenModel.updateOne(
    { _id: collectionName },
    { $set: { token, updatedAt: new Date() } },
    { upsert: true },
  );
}

export async function clearResumeToken(collectionName: string): Promise<void> {
  await ResumeTokenModel.deleteOne({ _id: collectionName });
}
