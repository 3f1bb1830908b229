import { expect } from 'chai';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDeliveries, waitForDelivery } from './event-path-helpers.js';

const SLOW_ANSWER_MS = 1_500;

describe('delivery ordering', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  before(async () => {
    service = await startTestService({ HOOKMILL_RETRY_DELAYS_SECONDS: '0,1,1' });
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createHookOwner());
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  context('when one entity changes twice quickly', () => {
    let slowEntity: number;
    let fastEntity: number;
    let arrivals: ReceivedRequest[];
    let otherArrival: ReceivedRequest;

    before(async () => {
      await createHook(service.graphqlUrl, apiKey, { hook: 'task.update', url: `${receiver.url}/ordered` });
      slowEntity = nextEntityId();
      fastEntity = nextEntityId();
      let slowAnswers = 0;
      receiver.respondWith((request) =>
        request.path === '/ordered' && request.body.Id === slowEntity && ++slowAnswers === 1 ? { status: 200, delayMs: SLOW_ANSWER_MS } : { status: 200 },
      );

      const tasks = service.db.collection('tasks');
      await tasks.insertMany([
        { id: slowEntity, name: 'Slow', step: 0 },
        { id: fastEntity, name: 'Fast', step: 0 },
      ]);
      await tasks.updateOne({ id: slowEntity }, { $set: { step: 1 } });
      await tasks.updateOne({ id: slowEntity }, { $set: { step: 2 } });
      await tasks.updateOne({ id: fastEntity }, { $set: { step: 1 } });

      arrivals = await waitForDeliveries(receiver, '/ordered', slowEntity, 2);
      otherArrival = await waitForDelivery(receiver, '/ordered', fastEntity);
    });

    it('sends the changes in sequence order', () => {
      const [first, second] = arrivals.map((request) => request.body.sequence as number);

      expect(second).to.be.greaterThan(first!);
    });

    it('holds the later change until the earlier one is answered', () => {
      const [first, second] = arrivals;

      expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).to.be.at.least(SLOW_ANSWER_MS - 50);
    });

    it('lets another entity go ahead', () => {
      expect(otherArrival.receivedAt.getTime()).to.be.lessThan(arrivals[1]!.receivedAt.getTime());
    });

    it('numbers the deliveries of a hook without gaps', async () => {
      const deliveries = await DeliveryModel.find({ url: `${receiver.url}/ordered` }).sort({ sequence: 1 }).lean();

      expect(deliveries.map((delivery) => delivery.sequence)).to.deep.equal([1, 2, 3]);
    });
  });

  context('when the receiver answers 410 Gone', () => {
    let hookId: string;
    let entityId: number;

    before(async () => {
      hookId = await createHook(service.graphqlUrl, apiKey, { hook: 'team.add', url: `${receiver.url}/gone` });
      receiver.respondWith((request) => (request.path === '/gone' ? { status: 410 } : { status: 200 }));
      await service.db.collection('teams').insertOne({ id: nextEntityId(), name: 'Gone team' });
      await eventually(async () => ((await HookModel.findById(hookId).lean())?.enabled === false ? true : undefined));

      entityId = nextEntityId();
      await service.db.collection('teams').insertOne({ id: entityId, name: 'After the 410' });
    });

    it('disables the hook with the reason', async () => {
      const hook = await HookModel.findById(hookId).lean();

      expect(hook!.disabledReason).to.include('410 Gone');
    });

    it('fails the delivery without retrying', async () => {
      const delivery = await DeliveryModel.findOne({ hookId, attemptCount: 1 }).lean();

      expect(delivery!.state).to.equal('failed');
    });

    it('records later changes as skipped', async () => {
      const skipped = await eventually(async () => (await DeliveryModel.findOne({ hookId, entityId }).lean()) ?? undefined);

      expect(skipped.state).to.equal('skipped');
      expect(skipped.reason).to.match(/^the hook is disabled: the receiver answered 410 Gone/);
    });

    it('sends nothing after the 410', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(receiver.requestsTo('/gone')).to.have.length(1);
    });
  });
});
