import { isDuplicateKeyError } from '../db/duplicate-key.js';
import { LeaseModel } from '../db/models/lease.model.js';
import type { Logger } from '../log/logger.js';
import { sleep } from '../watcher/backoff.js';

export interface LeaderLeaseOptions {
  name: string;
  /** This instance's id, unique per process. */
  holder: string;
  /** How long a taken lease lasts without renewal; another instance takes over after it. */
  leaseMs: number;
  /** Runs when this instance becomes the leader. */
  onElected: () => Promise<void>;
  /** Runs when this instance stops being the leader, or stops. */
  onDeposed: () => Promise<void>;
  logger: Logger;
}

/**
 * Keeps one instance of several in charge of a task through a lease document: the holder renews it
 * every third of its length, and any instance takes it once it has expired.
 */
export class LeaderLease {
  readonly #options: LeaderLeaseOptions;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #leader = false;

  constructor(options: LeaderLeaseOptions) {
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts campaigning; resolves after the first try, with the task started if this instance won. */
  start(): Promise<void> {
    if (this.#loop) return Promise.resolve();
    this.#abort = new AbortController();
    return new Promise((resolve) => {
      this.#loop = this.#run(resolve);
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#loop = undefined;
    if (this.#leader) {
      await this.#options.onDeposed();
      this.#leader = false;
      await LeaseModel.deleteOne({ _id: this.#options.name, holder: this.#options.holder }).catch(() => undefined);
    }
  }

  /** Takes or renews the lease; returns whether this instance has it now. */
  async #tryAcquire(): Promise<boolean> {
    const { name, holder, leaseMs } = this.#options;
    const now = new Date();
    try {
      await LeaseModel.findOneAndUpdate(
        { _id: name, $or: [{ holder }, { expiresAt: { $lte: now } }] },
        { $set: { holder, expiresAt: new Date(now.getTime() + leaseMs) } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      // Another holder's unexpired lease made the upsert insert a second document with the same _id.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async #becomeLeader(): Promise<void> {
    const { logger, name, holder } = this.#options;
    this.#leader = true;
    logger.info({ lease: name, holder }, 'leader lease taken: this instance runs the watcher');
    try {
      await this.#options.onElected();
    } catch (error) {
      // Giving the lease back lets this or another instance try again, instead of holding it idle.
      logger.error({ err: error, lease: name }, 'starting as leader failed; releasing the lease');
      this.#leader = false;
      await LeaseModel.deleteOne({ _id: name, holder }).catch(() => undefined);
    }
  }

  async #run(firstRoundDone: () => void): Promise<void> {
    const { logger, leaseMs, name } = this.#options;
    const signal = this.#abort.signal;

    while (!signal.aborted) {
      let holdsLease: boolean;
      try {
        holdsLease = await this.#tryAcquire();
      } catch (error) {
        // Without the database the lease cannot be renewed, so the leader steps down before it expires.
        logger.error({ err: error, lease: name }, 'renewing the leader lease failed');
        holdsLease = false;
      }

      if (holdsLease && !this.#leader) await this.#becomeLeader();
      else if (!holdsLease && this.#leader) {
        this.#leader = false;
        logger.warn({ lease: name }, 'leader lease lost: this instance stops the watcher');
        await this.#options.onDeposed().catch((error: unknown) => logger.error({ err: error }, 'stopping as leader failed'));
      }
      firstRoundDone();
      await sleep(Math.max(100, Math.floor(leaseMs / 3)), signal);
    }
  }
}
