import { expect } from 'chai';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDeliveries } from './event-path-helpers.js';

const SLOW_ANSWER_MS = 4_000;
/** Maximum time from a change to its delivery that counts as prompt. */
const PROMPT_MS = 1_500;
const UPDATE_COUNT = 3;

describe('slow receiver', () => {
  let service: TestService;
  let slowReceiver: HttpsReceiver;
  let fastReceiver: HttpsReceiver;
  let slowHookId: string;
  let fastHookId: string;
  const entityId = nextEntityId();
  const latenciesMs: number[] = [];
  let slowAttemptsDuringUpdates = -1;

  before(async () => {
    service = await startTestService({ HOOKMILL_DELIVERY_TIMEOUT_MS: String(SLOW_ANSWER_MS * 3) });
    slowReceiver = await startHttpsReceiver();
    slowReceiver.respondWith(() => ({ status: 200, delayMs: SLOW_ANSWER_MS }));
    fastReceiver = await startHttpsReceiver();

    const { apiKey } = await createHookOwner();
    slowHookId = await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${slowReceiver.url}/slow` });
    fastHookId = await createHook(service.graphqlUrl, apiKey, { hook: 'account.update', url: `${fastReceiver.url}/fast` });

    const accounts = service.db.collection('accounts');
    await accounts.insertOne({ id: entityId, name: 'Slow Oy', revision: 0 });
    await slowReceiver.waitForRequests(1);

    for (let revision = 1; revision <= UPDATE_COUNT; revision++) {
      const changedAt = Date.now();
      await accounts.updateOne({ id: entityId }, { $set: { revision } });
      const [latest] = (await waitForDeliveries(fastReceiver, '/fast', entityId, revision)).slice(-1);
      latenciesMs.push(latest!.receivedAt.getTime() - changedAt);
    }
    slowAttemptsDuringUpdates = await AttemptModel.countDocuments({ hookId: slowHookId });
  });

  after(async () => {
    await slowReceiver?.close();
    await fastReceiver?.close();
    await service?.stop();
  });

  context('when a receiver takes seconds to answer', () => {
    it('delivers later changes to another hook promptly', () => {
      for (const [index, latencyMs] of latenciesMs.entries()) {
        expect(latencyMs, `update ${index + 1}`).to.be.below(PROMPT_MS);
      }
    });

    it('delivers them while the slow attempt is open', () => {
      expect(slowAttemptsDuringUpdates).to.equal(0);
    });

    it('records a delivery for every later change', async () => {
      const records = await DeliveryModel.find({ hookId: fastHookId }).lean();

      expect(records.map((record) => record.entityId)).to.deep.equal(Array(UPDATE_COUNT).fill(entityId));
    });
  });
});
