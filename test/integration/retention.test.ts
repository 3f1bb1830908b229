import { expect } from 'chai';
import { Types } from 'mongoose';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { sweepExpiredRecords } from '../../src/delivery/retention-sweeper.js';
import { startTestService, type TestService } from '../support/test-service.js';

describe('retention sweep', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service?.stop();
  });

  function delivery(state: string, expiresAt: Date | null) {
    return {
      changeId: new Types.ObjectId().toHexString(),
      hookId: new Types.ObjectId(),
      ownerId: 1,
      event: 'account.add',
      collectionName: 'accounts',
      entityKey: 'accounts:1',
      sequence: 1,
      url: 'https://127.0.0.1:9/',
      body: '{}',
      state,
      expiresAt,
    };
  }

  context('when records have expired', () => {
    it('removes them and keeps the rest', async () => {
      const past = new Date(Date.now() - 1000);
      const future = new Date(Date.now() + 3_600_000);
      const [expired, kept, pending] = await DeliveryModel.create([delivery('succeeded', past), delivery('failed', future), delivery('pending', null)]);
      await AttemptModel.create({ deliveryId: expired!._id, hookId: expired!.hookId, event: 'account.add', attempt: 1, ok: true, durationMs: 5, at: past, expiresAt: past });

      const removed = await sweepExpiredRecords();

      expect(removed.deliveries).to.equal(1);
      expect(removed.attempts).to.equal(1);
      expect(await DeliveryModel.exists({ _id: expired!._id })).to.equal(null);
      expect(await DeliveryModel.exists({ _id: kept!._id })).to.not.equal(null);
      expect(await DeliveryModel.exists({ _id: pending!._id })).to.not.equal(null);
    });
  });
});
