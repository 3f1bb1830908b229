import { expect } from 'chai';

import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery } from './event-path-helpers.js';

const SLOW_ANSWER_MS = 6_000;
const SLOW_HOOKS = 10;

describe('receiver fairness', () => {
  let service: TestService;
  let slow: HttpsReceiver;
  let fastB: HttpsReceiver;
  let fastC: HttpsReceiver;

  before(async () => {
    service = await startTestService({
      HOOKMILL_DELIVERY_CONCURRENCY: '8',
      HOOKMILL_DELIVERY_CONCURRENCY_PER_HOST: '2',
      HOOKMILL_MAX_HOOKS_PER_CHANGE: '20',
      HOOKMILL_DELIVERY_TIMEOUT_MS: String(SLOW_ANSWER_MS * 2),
    });
    [slow, fastB, fastC] = await Promise.all([startHttpsReceiver(), startHttpsReceiver(), startHttpsReceiver()]);
    slow.respondWith(() => ({ status: 200, delayMs: SLOW_ANSWER_MS }));
  });

  after(async () => {
    await Promise.all([slow?.close(), fastB?.close(), fastC?.close()]);
    await service?.stop();
  });

  context('when one receiver is slow and has many deliveries', () => {
    // Without the per-host cap the slow receiver's older hooks take every slot, so the others wait
    // SLOW_ANSWER_MS; with it they go out at once (about 200-500 ms here), well inside half that.
    it('delivers to the others before the slow one answers', async () => {
      const { apiKey } = await createHookOwner();
      for (let index = 0; index < SLOW_HOOKS; index++) {
        await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${slow.url}/slow-${index}` });
      }
      await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${fastB.url}/b` });
      await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${fastC.url}/c` });

      const entityId = nextEntityId();
      const changedAt = Date.now();
      await service.db.collection('accounts').insertOne({ id: entityId, name: 'Fair Oy' });
      const [b, c] = await Promise.all([waitForDelivery(fastB, '/b', entityId), waitForDelivery(fastC, '/c', entityId)]);

      expect(b.receivedAt.getTime() - changedAt).to.be.lessThan(SLOW_ANSWER_MS / 2);
      expect(c.receivedAt.getTime() - changedAt).to.be.lessThan(SLOW_ANSWER_MS / 2);
    });

    it('keeps at most the per-host number of requests open', () => {
      const firstWave = slow.requests.filter((request) => request.receivedAt.getTime() - slow.requests[0]!.receivedAt.getTime() < SLOW_ANSWER_MS / 2);

      expect(firstWave).to.have.length(2);
    });
  });
});
