import { expect } from 'chai';

import {
  MAX_RETRY_AFTER_SECONDS,
  MIN_WAIT_AFTER_OVERLOAD_SECONDS,
  decideAfterAttempt,
  parseRetryAfter,
  type AttemptResult,
  type RetryPolicy,
} from '../../../src/delivery/retry-policy.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;
const POLICY: RetryPolicy = { retryDelaysSeconds: [0, 5, 300], disableAfterFailingMs: 120 * HOUR_MS };
const NO_JITTER = () => 0.5;

function failure(fields: Partial<AttemptResult> = {}): AttemptResult {
  return { ok: false, statusCode: 500, error: 'receiver answered HTTP 500', timedOut: false, retryAfter: null, ...fields };
}

function decide(result: AttemptResult, attemptsMade = 1, failingSince: Date | null = null) {
  return decideAfterAttempt({ result, attemptsMade, policy: POLICY, failingSince, now: NOW, random: NO_JITTER });
}

function retryDelaySeconds(result: AttemptResult, attemptsMade = 1): number {
  const { delivery } = decide(result, attemptsMade);
  if (delivery.state !== 'pending') throw new Error(`expected a retry, got ${delivery.state}`);
  return (delivery.nextAttemptAt.getTime() - NOW.getTime()) / 1000;
}

describe('parseRetryAfter', () => {
  it('reads delay seconds', () => {
    expect(parseRetryAfter('120', NOW)).to.equal(120);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:10:00 GMT', NOW)).to.equal(600);
  });

  it('treats a past date as no wait', () => {
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', NOW)).to.equal(0);
  });

  it('ignores a missing or invalid value', () => {
    expect(parseRetryAfter(null, NOW)).to.equal(undefined);
    expect(parseRetryAfter('soon', NOW)).to.equal(undefined);
    expect(parseRetryAfter('-5', NOW)).to.equal(undefined);
  });
});

describe('decideAfterAttempt', () => {
  context('when the attempt succeeds', () => {
    it('marks the delivery succeeded', () => {
      const decision = decide({ ok: true, statusCode: 204, error: null, timedOut: false, retryAfter: null });

      expect(decision.delivery.state).to.equal('succeeded');
      expect(decision.disableHook).to.equal(null);
    });
  });

  context('when the attempt fails', () => {
    it('retries on the schedule', () => {
      expect(retryDelaySeconds(failure(), 1)).to.equal(5);
      expect(retryDelaySeconds(failure(), 2)).to.equal(300);
    });

    it('fails after the last attempt', () => {
      const { delivery } = decide(failure(), 3);

      expect(delivery).to.deep.equal({ state: 'failed', reason: 'gave up after 3 attempts: receiver answered HTTP 500' });
    });
  });

  context('when the receiver asks for a pause', () => {
    it('honours Retry-After on 503', () => {
      expect(retryDelaySeconds(failure({ statusCode: 503, retryAfter: '120' }))).to.equal(120);
    });

    it('honours Retry-After on 429', () => {
      expect(retryDelaySeconds(failure({ statusCode: 429, retryAfter: '90' }))).to.equal(90);
    });

    it('caps Retry-After', () => {
      expect(retryDelaySeconds(failure({ statusCode: 503, retryAfter: String(30 * 24 * 3600) }))).to.equal(MAX_RETRY_AFTER_SECONDS);
    });

    it('keeps a later scheduled retry', () => {
      expect(retryDelaySeconds(failure({ statusCode: 503, retryAfter: '10' }), 2)).to.equal(300);
    });

    it('ignores Retry-After on other statuses', () => {
      expect(retryDelaySeconds(failure({ statusCode: 500, retryAfter: '120' }))).to.equal(5);
    });
  });

  context('when the receiver is overloaded', () => {
    it('waits a minute after a timeout', () => {
      expect(retryDelaySeconds(failure({ statusCode: null, timedOut: true }))).to.equal(MIN_WAIT_AFTER_OVERLOAD_SECONDS);
    });

    it('waits a minute after a 429', () => {
      expect(retryDelaySeconds(failure({ statusCode: 429, retryAfter: '1' }))).to.equal(MIN_WAIT_AFTER_OVERLOAD_SECONDS);
    });
  });

  context('when the receiver answers 410 Gone', () => {
    it('fails the delivery at once', () => {
      expect(decide(failure({ statusCode: 410 }), 1).delivery.state).to.equal('failed');
    });

    it('disables the hook', () => {
      expect(decide(failure({ statusCode: 410 }), 1).disableHook).to.include('410 Gone');
    });
  });

  context('when the hook keeps failing', () => {
    it('keeps the hook before the limit', () => {
      const failingSince = new Date(NOW.getTime() - 119 * HOUR_MS);

      expect(decide(failure(), 1, failingSince).disableHook).to.equal(null);
    });

    it('disables the hook at the limit', () => {
      const failingSince = new Date(NOW.getTime() - 120 * HOUR_MS);

      expect(decide(failure(), 1, failingSince).disableHook).to.equal(
        'the hook failed for 120 hours without a success, so it was disabled',
      );
    });
  });
});
