/** Delay before reopening a change stream after `failures` consecutive failures: 0.5 s doubling to 30 s. */
export function reopenDelayMs(failures: number): number {
  const baseMs = 500;
  const maxMs = 30_000;
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
