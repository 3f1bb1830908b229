import type { ChangeStream, Db } from 'mongodb';

import type { ItemType } from '../events/catalogue.js';
import type { Logger } from '../log/logger.js';
import { reopenDelayMs, sleep } from './backoff.js';
import type { EntityChange } from './entity-change.js';
import { normalizeChange, type RawChange } from './normalize-change.js';
import { loadResumeToken, recordHistoryGap, saveResumeToken } from './resume-token-store.js';

export type StreamState = 'starting' | 'open' | 'reopening' | 'stopped';

export interface ChangeStreamWatcherOptions {
  db: Db;
  /** Item type to the collection watched for it. */
  collections: Readonly<Record<ItemType, string>>;
  maxAwaitMs: number;
  /** Records one change; the resume token moves past the change only after this resolves. */
  handleChange: (change: EntityChange) => Promise<void>;
  logger: Logger;
}

/** A stream open this long before it failed counts as having worked, in milliseconds. */
const STABLE_STREAM_MS = 30_000;

/** Repeated failures of one stream are logged in full once, then at every tenth. */
const LOG_EVERY_NTH_FAILURE = 10;

/** Server error codes after which the stored token cannot be used again. */
const HISTORY_LOST_CODES = new Set([286, 280, 136]);

function isHistoryLost(error: unknown): boolean {
  const { code, codeName } = error as { code?: unknown; codeName?: unknown };
  return (typeof code === 'number' && HISTORY_LOST_CODES.has(code)) || codeName === 'ChangeStreamHistoryLost';
}

/**
 * Watches each entity collection with its own change stream and hands every change to `handleChange`,
 * one at a time per collection, in commit order. A stream that errors or closes without being asked to
 * is reopened from its stored resume token, with backoff.
 */
export class ChangeStreamWatcher {
  readonly #options: ChangeStreamWatcherOptions;
  readonly #states = new Map<string, StreamState>();
  readonly #streams = new Map<string, ChangeStream>();
  #abort = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(options: ChangeStreamWatcherOptions) {
    this.#options = options;
  }

  /** Opens every stream and resolves once each has been opened once. */
  async start(): Promise<void> {
    this.#abort = new AbortController();
    const opened = Object.entries(this.#options.collections).map(([itemType, collectionName]) => {
      this.#states.set(collectionName, 'starting');
      return new Promise<void>((resolve) => {
        this.#loops.push(this.#run(itemType as ItemType, collectionName, resolve));
      });
    });
    await Promise.all(opened);
    this.#options.logger.info({ collections: Object.values(this.#options.collections) }, 'watcher started');
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#streams.values()].map((stream) => stream.close().catch(() => undefined)));
    await Promise.all(this.#loops);
    this.#loops = [];
    for (const name of this.#states.keys()) this.#states.set(name, 'stopped');
    this.#options.logger.info('watcher stopped');
  }

  /** State of each collection's stream. */
  get states(): Record<string, StreamState> {
    return Object.fromEntries(this.#states);
  }

  /** True while every stream is open. */
  get running(): boolean {
    return this.#states.size > 0 && [...this.#states.values()].every((state) => state === 'open');
  }

  async #run(itemType: ItemType, collectionName: string, opened: () => void): Promise<void> {
    const { logger } = this.#options;
    const signal = this.#abort.signal;
    let failures = 0;

    while (!signal.aborted) {
      let openedAt = 0;
      try {
        await this.#consume(itemType, collectionName, opened, () => (openedAt = Date.now()));
        if (signal.aborted) break;
        failures++;
        logger.warn({ collection: collectionName }, 'change stream closed unexpectedly; reopening from the stored resume token');
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        if (isHistoryLost(error)) {
          const lostSince = await recordHistoryGap(collectionName, error).catch(() => null);
          logger.error(
            { collection: collectionName, err: error, lostSince, lostUntil: new Date() },
            'change stream history lost: changes since the stored resume token cannot be delivered; gap recorded, restarting from now',
          );
        } else if (failures === 1 || failures % LOG_EVERY_NTH_FAILURE === 0) {
          logger.error({ collection: collectionName, err: error, failures }, 'change stream failed; reopening from the stored resume token');
        } else {
          logger.warn({ collection: collectionName, failures, reason: (error as Error)?.message }, 'change stream failed again; reopening');
        }
      } finally {
        this.#streams.delete(collectionName);
      }

      // A stream that stayed open a while was healthy, so the backoff starts over; one the server
      // closes right after opening keeps backing off.
      if (openedAt > 0 && Date.now() - openedAt >= STABLE_STREAM_MS) failures = 1;

      opened();
      this.#states.set(collectionName, 'reopening');
      await sleep(reopenDelayMs(failures), signal);
    }
    this.#states.set(collectionName, 'stopped');
  }

  async #consume(itemType: ItemType, collectionName: string, opened: () => void, onOpen: () => void): Promise<void> {
    const { db, maxAwaitMs, handleChange, logger } = this.#options;
    const storedToken = await loadResumeToken(collectionName);

    // startAfter, not resumeAfter: MongoDB sends an invalidate event and closes the stream when the
    // collection is dropped or renamed, and it rejects that event's token in resumeAfter but accepts it in
    // startAfter (MongoDB 4.2 and newer). mongo-java-server 1.47 returns an invalidate event to resumeAfter
    // with the token of a drop or of any later change, even once the collection exists again.
    const stream = db.collection(collectionName).watch([], {
      fullDocument: 'updateLookup',
      fullDocumentBeforeChange: 'whenAvailable',
      maxAwaitTimeMS: maxAwaitMs,
      ...(storedToken ? { startAfter: storedToken } : {}),
    });
    this.#streams.set(collectionName, stream);
    if (this.#abort.signal.aborted) return stream.close();

    // tryNext sends the aggregate command, so the stream is open once it returns.
    let raw = (await stream.tryNext()) as RawChange | null;
    this.#states.set(collectionName, 'open');
    onOpen();
    opened();
    logger.info({ collection: collectionName, resumed: storedToken !== undefined }, 'change stream opened');
    if (!storedToken && stream.resumeToken) await saveResumeToken(collectionName, stream.resumeToken);

    // The last event before the server closes the stream, such as an invalidate, is handled and its token
    // stored too, so the next reopen starts after it instead of closing at it again.
    // NOTE: mongo-java-server 1.47 sends no invalidate event to a stream opened with startAfter, so no test
    // closes a stream this way. The path follows MongoDB's documentation of invalidate events.
    while (!this.#abort.signal.aborted) {
      if (raw) {
        const change = normalizeChange(raw, collectionName, itemType);
        if (change) await handleChange(change);
        else logger.debug({ collection: collectionName, operationType: raw.operationType }, 'change event ignored');
        await saveResumeToken(collectionName, raw._id);
      }
      if (stream.closed) return;

      const requestedAt = Date.now();
      raw = (await stream.tryNext()) as RawChange | null;
      // mongo-java-server 1.47 returns an empty getMore at once instead of waiting maxAwaitTimeMS, which
      // turned this loop into a busy poll using a whole core, so an empty batch now waits out the rest.
      const waitedMs = Date.now() - requestedAt;
      if (!raw && waitedMs < maxAwaitMs) await sleep(maxAwaitMs - waitedMs, this.#abort.signal);
    }
  }
}
