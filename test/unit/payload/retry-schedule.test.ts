import { expect } from 'chai';

import { RETRY_JITTER_RATIO, nextAttemptAt } from '../../../src/delivery/retry-schedule.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const DELAYS = [0, 5, 300];

function delayMs(at: Date | null): number {
  expect(at).to.be.instanceOf(Date);
  return at!.getTime() - NOW.getTime();
}

describe('nextAttemptAt', () => {
  it('uses the delay at the index of the attempts made', () => {
    expect(delayMs(nextAttemptAt(1, DELAYS, NOW, () => 0.5))).to.equal(5_000);
    expect(delayMs(nextAttemptAt(2, DELAYS, NOW, () => 0.5))).to.equal(300_000);
  });

  it('schedules a zero delay for now', () => {
    expect(delayMs(nextAttemptAt(0, DELAYS, NOW, () => 0.9))).to.equal(0);
  });

  it('shortens the delay by 20 % at most', () => {
    expect(delayMs(nextAttemptAt(2, DELAYS, NOW, () => 0))).to.equal(240_000);
  });

  it('lengthens the delay by 20 % at most', () => {
    const nearlyOne = 1 - Number.EPSILON;

    expect(delayMs(nextAttemptAt(2, DELAYS, NOW, () => nearlyOne))).to.be.within(359_999, 360_000);
  });

  it('keeps every random delay within the jitter', () => {
    for (let i = 0; i < 1_000; i++) {
      const delay = delayMs(nextAttemptAt(2, DELAYS, NOW));

      expect(delay).to.be.within(300_000 * (1 - RETRY_JITTER_RATIO), 300_000 * (1 + RETRY_JITTER_RATIO));
    }
  });

  it('spreads random delays over the jitter range', () => {
    const delays = Array.from({ length: 1_000 }, () => delayMs(nextAttemptAt(1, DELAYS, NOW)));

    expect(Math.min(...delays)).to.be.below(4_500);
    expect(Math.max(...delays)).to.be.above(5_500);
  });

  it('returns null once the schedule is used up', () => {
    expect(nextAttemptAt(3, DELAYS, NOW)).to.equal(null);
    expect(nextAttemptAt(10, DELAYS, NOW)).to.equal(null);
    expect(nextAttemptAt(0, [], NOW)).to.equal(null);
  });
});
