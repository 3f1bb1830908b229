import { expect } from 'chai';

import { revokeRight } from '../../src/admin/admin.service.js';
import { HOOKS_RIGHT, itemTypeHookRight } from '../../src/auth/rights.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId } from './event-path-helpers.js';

describe('owner rights at delivery', () => {
  let service: TestService;
  let receiver: HttpsReceiver;

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  for (const right of [HOOKS_RIGHT, itemTypeHookRight('Team')]) {
    context(`when the owner loses "${right}"`, () => {
      let hookId: string;
      let userId: number;
      let entityId: number;

      before(async () => {
        const owner = await createHookOwner();
        userId = owner.userId;
        hookId = await createHook(service.graphqlUrl, owner.apiKey, { hook: 'team.add', url: `${receiver.url}/rights-${userId}` });
        await revokeRight(userId, right);

        entityId = nextEntityId();
        await service.db.collection('teams').insertOne({ id: entityId, name: 'After the revoke' });
      });

      it('records the delivery as skipped with the reason', async () => {
        const delivery = await eventually(async () => (await DeliveryModel.findOne({ hookId, entityId, state: 'skipped' }).lean()) ?? undefined);

        expect(delivery.reason).to.equal(`the hook's owner, user ${userId}, lacks the right "${right}"`);
      });

      it('sends nothing', () => {
        expect(receiver.requestsTo(`/rights-${userId}`)).to.have.length(0);
      });
    });
  }
});
