import { AttemptModel } from '../db/models/attempt.model.js';
import { DeliveryModel, type DeliveryRecord } from '../db/models/delivery.model.js';
import { HookModel } from '../db/models/hook.model.js';
import type { Logger } from '../log/logger.js';
import { sleep } from '../watcher/backoff.js';
import type { HttpSender, SendResult } from './http-sender.js';
import { nextAttemptAt } from './retry-schedule.js';
import { signatureHeaders } from './signature.js';

/** `webhook-id` of a delivery: the same for every attempt, so receivers can drop repeats. */
export function webhookIdOf(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

export interface DispatcherOptions {
  sender: HttpSender;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  retryDelaysSeconds: readonly number[];
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
    const { sender, logger, retryDelaysSeconds } = this.#options;
    const attempt = delivery.attemptCount + 1;
    const ids = { deliveryId: delivery._id.toHexString(), hookId: delivery.hookId.toHexString(), event: delivery.event, attempt };

    let hook: { secret: string } | null;
    try {
      hook = await HookModel.findById(delivery.hookId, { secret: 1 }).lean();
    } catch (error) {
      logger.error({ ...ids, err: error }, 'loading the hook of a delivery failed; the delivery will be retried after its lease');
      return;
    }
    if (!hook) {
      await DeliveryModel.updateOne(
        { _id: delivery._id },
        { $set: { state: 'skipped', reason: 'the hook was deleted before delivery', leaseUntil: null, completedAt: new Date() } },
      ).catch((error: unknown) => logger.error({ ...ids, err: error }, 'marking a delivery of a deleted hook as skipped failed'));
      logger.info(ids, 'delivery skipped: the hook was deleted');
      return;
    }

    let result: SendResult;
    try {
      const headers = signatureHeaders(hook.secret, webhookIdOf(ids.deliveryId), delivery.body, new Date());
      result = await sender.send(delivery.url, delivery.body, headers);
    } catch (error) {
      result = { ok: false, statusCode: null, error: 'request failed before it was sent', durationMs: 0 };
      logger.error({ ...ids, err: error }, 'delivery attempt crashed');
    }

    const at = new Date();
    const retryAt = result.ok ? null : nextAttemptAt(attempt, retryDelaysSeconds, at);
    const state = result.ok ? 'succeeded' : retryAt ? 'pending' : 'failed';

    try {
      await AttemptModel.create({
        deliveryId: delivery._id,
        hookId: delivery.hookId,
        event: delivery.event,
        entityId: delivery.entityId ?? null,
        attempt,
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        at,
      });
      await DeliveryModel.updateOne(
        { _id: delivery._id },
        {
          $set: {
            state,
            attemptCount: attempt,
            leaseUntil: null,
            nextAttemptAt: retryAt,
            lastStatusCode: result.statusCode,
            lastError: result.error,
            reason: state === 'failed' ? `gave up after ${attempt} attempts: ${result.error}` : null,
            completedAt: state === 'pending' ? null : at,
          },
        },
      );
    } catch (error) {
      // The delivery stays pending, so it is attempted again once its lease runs out.
      logger.error({ ...ids, err: error }, 'recording a delivery attempt failed; the delivery will be retried after its lease');
      return;
    }

    const fields = { ...ids, statusCode: result.statusCode, durationMs: result.durationMs };
    if (result.ok) logger.info(fields, 'delivery succeeded');
    else if (retryAt) logger.warn({ ...fields, reason: result.error, nextAttemptAt: retryAt }, 'delivery attempt failed; retry scheduled');
    else logger.error({ ...fields, reason: result.error }, 'delivery failed; retry schedule used up');
  }
}
