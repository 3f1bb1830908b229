import { AttemptModel } from '../db/models/attempt.model.js';
import { DeliveryModel } from '../db/models/delivery.model.js';
import { NonceModel } from '../db/models/nonce.model.js';
import type { Logger } from '../log/logger.js';
import { sleep } from '../watcher/backoff.js';

/** Time between sweeps. */
export const SWEEP_INTERVAL_MS = 10 * 60_000;

/** Age after which a used PlanMill nonce can go: far outside the 60 s timestamp window. */
const NONCE_KEEP_MS = 10 * 60_000;

/**
 * Deletes delivery records, attempts and nonces past their expiry. TTL indexes do this on MongoDB; the
 * sweep does the same on servers that accept TTL indexes without enforcing them, such as the embedded
 * mongo-java-server, so storage stays bounded on every database.
 */
export async function sweepExpiredRecords(now: Date = new Date()): Promise<{ deliveries: number; attempts: number; nonces: number }> {
  const expired = { expiresAt: { $ne: null, $lte: now } };
  const [deliveries, attempts, nonces] = await Promise.all([
    DeliveryModel.deleteMany(expired),
    AttemptModel.deleteMany(expired),
    NonceModel.deleteMany({ usedAt: { $lte: new Date(now.getTime() - NONCE_KEEP_MS) } }),
  ]);
  return { deliveries: deliveries.deletedCount, attempts: attempts.deletedCount, nonces: nonces.deletedCount };
}

/** Runs sweepExpiredRecords every SWEEP_INTERVAL_MS until stopped. */
export class RetentionSweeper {
  readonly #logger: Logger;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        const removed = await sweepExpiredRecords();
        if (removed.deliveries + removed.attempts + removed.nonces > 0) this.#logger.info(removed, 'expired records removed');
      } catch (error) {
        this.#logger.error({ err: error }, 'removing expired records failed; retrying at the next sweep');
      }
      await sleep(SWEEP_INTERVAL_MS, signal);
    }
  }
}
