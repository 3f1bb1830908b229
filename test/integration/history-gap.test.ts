import { expect } from 'chai';

import { listGaps } from '../../src/admin/admin.service.js';
import { ResumeTokenModel } from '../../src/db/models/watcher-state.model.js';
import { recordHistoryGap } from '../../src/watcher/resume-token-store.js';
import { startTestService, type TestService } from '../support/test-service.js';

describe('history gap', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service?.stop();
  });

  context('when the stored token is lost', () => {
    const tokenTime = new Date('2030-01-02T03:04:05Z');

    before(async () => {
      await ResumeTokenModel.updateOne(
        { _id: 'lost_collection' },
        { $set: { token: { _data: 'stale' }, updatedAt: tokenTime } },
        { upsert: true },
      );
      const error = Object.assign(new Error('Resume of change stream was not possible'), { code: 286 });
      await recordHistoryGap('lost_collection', error);
    });

    it('records the lost span', async () => {
      const [gap] = (await listGaps()).filter((candidate) => candidate.collectionName === 'lost_collection');

      expect(gap!.lostSince!.toISOString()).to.equal(tokenTime.toISOString());
      expect(gap!.error).to.equal('Resume of change stream was not possible');
    });

    it('forgets the token so the stream restarts from now', async () => {
      expect(await ResumeTokenModel.findById('lost_collection').lean()).to.equal(null);
    });
  });
});
