import { GapModel } from '../db/models/gap.model.js';
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

/**
 * Records that the changes since the stored token are lost, then deletes the token so the stream
 * restarts from now. Returns the start of the lost span.
 */
export async function recordHistoryGap(collectionName: string, error: unknown): Promise<Date | null> {
  const stored = await ResumeTokenModel.findById(collectionName).lean();
  const lostSince = stored?.updatedAt ?? null;
  await GapModel.create({
    collectionName,
    lostSince,
    detectedAt: new Date(),
    error: error instanceof Error ? error.message : String(error),
  });
  await clearResumeToken(collectionName);
  return lostSince;
}
