import { expect } from 'chai';

import { revokeRight } from '../../src/admin/admin.service.js';
import { HOOKS_RIGHT, itemTypeHookRight } from '../../src/auth/rights.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { eventually } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
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
      let owner: { userId: number; apiKey: string };

      before(async () => {
        owner = await createHookOwner();
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

      it('skips a ping too', async () => {
        const response = await graphql<{ pingHook: { id: string } }>(service.graphqlUrl, `mutation($id: ID!) { pingHook(id: $id) { id } }`, {
          apiKey: owner.apiKey,
          variables: { id: hookId },
        });
        if (right === HOOKS_RIGHT) {
          expect(response.errors?.[0]?.extensions?.code).to.equal('UNAUTHENTICATED');
          return;
        }

        const pingId = response.data!.pingHook.id;
        const ping = await eventually(async () => (await DeliveryModel.findOne({ _id: pingId, state: { $ne: 'pending' } }).lean()) ?? undefined);
        expect(ping.state).to.equal('skipped');
      });

      it('sends nothing', () => {
        expect(receiver.requestsTo(`/rights-${userId}`)).to.have.length(0);
      });
    });
  }
});
