import { DeliveryModel, type DeliveryRecord } from '../db/models/delivery.model.js';
import type { Logger } from '../log/logger.js';
import { sleep } from '../watcher/backoff.js';
import { attemptDelivery } from './attempt-delivery.js';
import type { HttpSender } from './http-sender.js';
import type { RetryPolicy } from './retry-policy.js';

export interface DispatcherOptions {
  sender: HttpSender;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  policy: RetryPolicy;
  retentionDays: number;
  failedRetentionDays: number;
  logger: Logger;
}

/**
 * Sends pending deliveries. Deliveries recorded by this process are handed over by id and go out at
 * once. A scan every poll interval finds due retries and deliveries left by other processes. A delivery
 * is claimed with a lease, so one held by a crashed process is sent again once the lease runs out.
 * Every attempt is stored, and a failure gets the next retry time from the schedule, or the failed
 * state when the schedule is used up.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;
  #abort = new AbortController();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Ids of deliveries recorded by this process and not yet claimed. */
  readonly #ready: string[] = [];
  #lastEmptyScanAt = 0;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#run();
    this.#options.logger.info({ concurrency: this.#options.concurrency }, 'dispatcher started');
  }

  /** Stops claiming new deliveries and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.#loop;
    await Promise.all(this.#inFlight);
    this.#loop = undefined;
    this.#ready.length = 0;
    this.#options.logger.info('dispatcher stopped');
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#abort.signal.aborted;
  }

  /** Hands over newly recorded deliveries, so they are sent now instead of at the next scan. */
  enqueue(deliveryIds: readonly string[]): void {
    this.#ready.push(...deliveryIds);
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const { logger, concurrency, pollIntervalMs } = this.#options;
    const signal = this.#abort.signal;

    while (!signal.aborted) {
      try {
        while (this.#inFlight.size < concurrency && !signal.aborted) {
          const delivery = await this.#next();
          if (delivery === undefined) break;
          if (delivery === null) continue;

          const attempt = this.#attempt(delivery).finally(() => {
            this.#inFlight.delete(attempt);
            this.#wake?.();
          });
          this.#inFlight.add(attempt);
        }
      } catch (error) {
        logger.error({ err: error }, 'claiming deliveries failed; retrying at the next poll');
        this.#lastEmptyScanAt = Date.now();
      }

      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(pollIntervalMs, signal).then(resolve);
      });
      this.#wake = undefined;
    }
  }

  /**
   * Claims the next delivery: a handed-over one first, else a due one found by a scan, at most one
   * empty scan per poll interval. Returns null when a handed-over delivery was already claimed
   * elsewhere, and undefined when there is nothing to do now.
   */
  async #next(): Promise<DeliveryRecord | null | undefined> {
    const id = this.#ready.shift();
    if (id !== undefined) return this.#claim({ _id: id });

    if (Date.now() - this.#lastEmptyScanAt < this.#options.pollIntervalMs) return undefined;
    const delivery = await this.#claim({ nextAttemptAt: { $lte: new Date() } });
    if (!delivery) this.#lastEmptyScanAt = Date.now();
    return delivery ?? undefined;
  }

  async #claim(filter: Record<string, unknown>): Promise<DeliveryRecord | null> {
    const now = new Date();
    return DeliveryModel.findOneAndUpdate(
      {
        ...filter,
        state: 'pending',
        nextAttemptAt: { $lte: now },
        $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }],
      },
      { $set: { leaseUntil: new Date(now.getTime() + this.#options.leaseMs) } },
      { sort: { nextAttemptAt: 1, _id: 1 }, new: true },
    ).lean<DeliveryRecord>();
  }

  async #attempt(delivery: DeliveryRecord): Promise<void> {
    const { logger, ...dependencies } = this.#options;
    try {
      const nextId = await attemptDelivery(delivery, { ...dependencies, logger });
      if (nextId) this.enqueue([nextId]);
    } catch (error) {
      // The delivery stays pending, so it is attempted again once its lease runs out.
      logger.error(
        { deliveryId: delivery._id.toHexString(), hookId: delivery.hookId.toHexString(), err: error },
        'recording a delivery attempt failed; the delivery will be retried after its lease',
      );
    }
  }
}
