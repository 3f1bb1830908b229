/** Largest share by which a retry delay is moved up or down, so receivers are not hit in lockstep. */
export const RETRY_JITTER_RATIO = 0.2;

/**
 * Time of the next attempt after `attemptsMade` attempts, or null when the schedule is used up.
 * `retryDelaysSeconds[n]` is the delay before attempt n+1; each delay gets ±20 % jitter.
 */
export function nextAttemptAt(
  attemptsMade: number,
  retryDelaysSeconds: readonly number[],
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const delaySeconds = retryDelaysSeconds[attemptsMade];
  if (delaySeconds === undefined) return null;

  const jitter = 1 + (random() * 2 - 1) * RETRY_JITTER_RATIO;
  return new Date(now.getTime() + Math.round(delaySeconds * 1000 * jitter));
}
