/**
 * Counts operations per key in fixed one-minute windows, in this process. Several service instances
 * each allow the limit, so the effective limit grows with the instance count.
 */
export class RateLimiter {
  readonly #limitPerMinute: number;
  readonly #windows = new Map<string, { startedAt: number; count: number }>();

  constructor(limitPerMinute: number) {
    this.#limitPerMinute = limitPerMinute;
  }

  /** Counts one operation; returns the seconds until the window resets when the limit is exceeded, else 0. */
  take(key: string, now: number = Date.now()): number {
    const windowMs = 60_000;
    let window = this.#windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 10_000) this.#forgetOld(now);
    }

    window.count++;
    if (window.count <= this.#limitPerMinute) return 0;
    return Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
  }

  #forgetOld(now: number): void {
    for (const [key, window] of this.#windows) if (now - window.startedAt >= 60_000) this.#windows.delete(key);
  }
}
