import { nextAttemptAt } from './retry-schedule.js';

/** Shortest wait after a timeout or a 429, in seconds: a receiver that is overloaded needs time. */
export const MIN_WAIT_AFTER_OVERLOAD_SECONDS = 60;

/** Longest Retry-After honoured, in seconds; a longer one is cut to this. */
export const MAX_RETRY_AFTER_SECONDS = 6 * 3600;

/** Outcome of one attempt, in the fields the policy reads. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  timedOut: boolean;
  /** Retry-After header of the response, if any. */
  retryAfter: string | null;
}

export interface RetryPolicy {
  retryDelaysSeconds: readonly number[];
  /** A hook failing for this long without a success is disabled. */
  disableAfterFailingMs: number;
}

export type DeliveryDecision =
  | { state: 'succeeded' }
  | { state: 'pending'; nextAttemptAt: Date }
  | { state: 'failed'; reason: string };

export interface Decision {
  delivery: DeliveryDecision;
  /** Reason to disable the hook, or null to keep it. */
  disableHook: string | null;
}

/** Reads Retry-After as delay-seconds or an HTTP date; returns seconds from `now`, or undefined. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);

  // An HTTP date names its weekday and month, such as "Wed, 21 Oct 2015 07:28:00 GMT".
  const at = /^[A-Za-z]{3}, /.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Computes the earliest next attempt the receiver's response allows: Retry-After on 429 and 503, 60 s after overload. */
function earliestRetry(result: AttemptResult, now: Date): Date | undefined {
  const honoursRetryAfter = result.statusCode === 429 || result.statusCode === 503;
  const retryAfterSeconds = honoursRetryAfter ? parseRetryAfter(result.retryAfter, now) : undefined;
  const overloaded = result.timedOut || result.statusCode === 429;

  let seconds = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS);
  if (overloaded) seconds = Math.max(seconds, MIN_WAIT_AFTER_OVERLOAD_SECONDS);
  return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;
}

/**
 * Decides what follows an attempt: success, a retry at the scheduled time (later if the receiver asked
 * for a pause), or failure when the schedule is used up. A 410 Gone fails the delivery and disables the
 * hook. Failing for `disableAfterFailingMs` since the hook's last success disables the hook too.
 */
export function decideAfterAttempt(input: {
  result: AttemptResult;
  attemptsMade: number;
  policy: RetryPolicy;
  failingSince: Date | null;
  now: Date;
  random?: () => number;
}): Decision {
  const { result, attemptsMade, policy, failingSince, now } = input;
  if (result.ok) return { delivery: { state: 'succeeded' }, disableHook: null };

  if (result.statusCode === 410) {
    const reason = 'the receiver answered 410 Gone, so the hook was disabled; enable it again once the URL works';
    return { delivery: { state: 'failed', reason }, disableHook: reason };
  }

  const failingForMs = now.getTime() - (failingSince ?? now).getTime();
  const disableHook =
    failingForMs >= policy.disableAfterFailingMs
      ? `the hook failed for ${Math.round(failingForMs / 3_600_000)} hours without a success, so it was disabled`
      : null;

  const scheduled = nextAttemptAt(attemptsMade, policy.retryDelaysSeconds, now, input.random);
  if (!scheduled) {
    return { delivery: { state: 'failed', reason: `gave up after ${attemptsMade} attempts: ${result.error}` }, disableHook };
  }
  const earliest = earliestRetry(result, now);
  const at = earliest && earliest > scheduled ? earliest : scheduled;
  return { delivery: { state: 'pending', nextAttemptAt: at }, disableHook };
}
