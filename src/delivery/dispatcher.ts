import { DeliveryModel, type DeliveryRecord } from '../db/models/delivery.model.js';
import type { Logger } from '../log/logger.js';
import { attemptDelivery } from './attempt-delivery.js';
import { receiverHostOf } from './enqueue-deliveries.js';
import type { HttpSender } from './http-sender.js';
import type { RetryPolicy } from './retry-policy.js';

export interface DispatcherOptions {
  sender: HttpSender;
  concurrency: number;
  /** Attempts in flight to one receiver host at once, so a slow receiver cannot take every slot. */
  concurrencyPerHost: number;
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
  readonly #inFlightByHost = new Map<string, number>();
  /** Ids of handed-over deliveries whose host was at its cap, to retry when one of its attempts ends. */
  readonly #parkedByHost = new Map<string, string[]>();
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
    this.#parkedByHost.clear();
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

          const host = delivery.receiverHost ?? receiverHostOf(delivery.url);
          this.#inFlightByHost.set(host, (this.#inFlightByHost.get(host) ?? 0) + 1);
          const attempt = this.#attempt(delivery).finally(() => {
            this.#inFlight.delete(attempt);
            this.#releaseHost(host);
            this.#wake?.();
          });
          this.#inFlight.add(attempt);
        }
      } catch (error) {
        logger.error({ err: error }, 'claiming deliveries failed; retrying at the next poll');
        this.#lastEmptyScanAt = Date.now();
      }

      await this.#waitForWork(pollIntervalMs, signal);
    }
  }

  /** Waits for the poll interval, a hand-over or a stop, whichever comes first, with one timer. */
  #waitForWork(pollIntervalMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, pollIntervalMs);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
      if (signal.aborted) done();
    });
  }

  /**
   * Claims the next delivery: a handed-over one first, else a due one found by a scan, at most one
   * empty scan per poll interval. Returns null when a handed-over delivery was already claimed
   * elsewhere, and undefined when there is nothing to do now.
   */
  async #next(): Promise<DeliveryRecord | null | undefined> {
    const id = this.#ready.shift();
    if (id !== undefined) {
      const delivery = await this.#claim({ _id: id });
      if (!delivery) return null;

      const host = delivery.receiverHost ?? receiverHostOf(delivery.url);
      if (!this.#hostSaturated(host)) return delivery;
      await DeliveryModel.updateOne({ _id: delivery._id }, { $set: { leaseUntil: null } });
      this.#parkedByHost.set(host, [...(this.#parkedByHost.get(host) ?? []), id]);
      return null;
    }

    if (Date.now() - this.#lastEmptyScanAt < this.#options.pollIntervalMs) return undefined;
    const saturated = [...this.#inFlightByHost.keys()].filter((host) => this.#hostSaturated(host));
    const delivery = await this.#claim({
      nextAttemptAt: { $lte: new Date() },
      ...(saturated.length > 0 ? { receiverHost: { $nin: saturated } } : {}),
    });
    if (!delivery) this.#lastEmptyScanAt = Date.now();
    return delivery ?? undefined;
  }

  #hostSaturated(host: string): boolean {
    return (this.#inFlightByHost.get(host) ?? 0) >= this.#options.concurrencyPerHost;
  }

  /** Frees a host's slot and hands its next parked delivery back to the ready queue. */
  #releaseHost(host: string): void {
    const remaining = (this.#inFlightByHost.get(host) ?? 1) - 1;
    if (remaining > 0) this.#inFlightByHost.set(host, remaining);
    else this.#inFlightByHost.delete(host);

    const parked = this.#parkedByHost.get(host);
    const next = parked?.shift();
    if (parked && parked.length === 0) this.#parkedByHost.delete(host);
    if (next !== undefined) this.#ready.push(next);
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
