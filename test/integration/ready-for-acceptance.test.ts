import { expect } from 'chai';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDeliveries, waitForDelivery } from './event-path-helpers.js';

const READY = 'timereport.readyforacceptance';

/**
 * Counts the readyforacceptance delivery records of one time report. A change's records are written
 * together, so once any delivery of the change arrives, this count is final for it.
 */
function readyRecordCount(entityId: number): Promise<number> {
  return DeliveryModel.countDocuments({ event: READY, entityId });
}

describe('timereport.readyforacceptance', () => {
  let service: TestService;
  let receiver: HttpsReceiver;

  async function startWithHooks(env: Record<string, string>): Promise<void> {
    service = await startTestService(env);
    const { apiKey } = await createHookOwner();
    for (const hook of ['timereport.add', READY, 'timereport.update']) {
      await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${hook}` });
    }
  }

  function insertTimereport(id: number, status: number) {
    return service.db.collection('timereports').insertOne({ id, person: 7, project: 3, status, amount: 7.5 });
  }

  function updateTimereport(id: number, fields: Record<string, unknown>) {
    return service.db.collection('timereports').updateOne({ id }, { $set: fields });
  }

  before(async () => {
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  context('when the ready status is the default 0', () => {
    before(() => startWithHooks({}));
    after(() => service?.stop());

    it('fires on insert with status 0', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);

      const request = await waitForDelivery(receiver, `/${READY}`, id);
      expect(request.body.hook).to.equal(READY);
      expect(request.body.url).to.equal(`${receiver.url}/${READY}`);
      expect(request.body.resource).to.deep.equal({ id, person: 7, project: 3, status: 0, amount: 7.5 });
    });

    it('fires besides timereport.add', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);

      const added = await waitForDelivery(receiver, '/timereport.add', id);
      expect(added.body.hook).to.equal('timereport.add');
      await waitForDelivery(receiver, `/${READY}`, id);
    });

    it('fires on an update that sets status 0', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 1);
      await waitForDelivery(receiver, '/timereport.add', id);
      await updateTimereport(id, { status: 0 });

      const request = await waitForDelivery(receiver, `/${READY}`, id);
      expect(request.body.resource).to.include({ status: 0 });
      const updated = await waitForDelivery(receiver, '/timereport.update', id);
      expect(updated.body.hook).to.equal('timereport.update');
      expect(await readyRecordCount(id)).to.equal(1);
    });

    it('does not fire when status stays 0', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);
      await waitForDelivery(receiver, `/${READY}`, id);
      await updateTimereport(id, { amount: 8 });

      await waitForDelivery(receiver, '/timereport.update', id);
      expect(await readyRecordCount(id)).to.equal(1);
    });

    it('fires again when status returns to 0', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);
      await waitForDelivery(receiver, `/${READY}`, id);
      await updateTimereport(id, { status: 1 });
      await waitForDelivery(receiver, '/timereport.update', id);
      expect(await readyRecordCount(id), 'after status 1').to.equal(1);

      await updateTimereport(id, { status: 0 });
      await waitForDeliveries(receiver, `/${READY}`, id, 2);
      expect(await readyRecordCount(id), 'after status 0').to.equal(2);
    });

    it('does not fire on insert with status 1', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 1);

      await waitForDelivery(receiver, '/timereport.add', id);
      expect(await readyRecordCount(id)).to.equal(0);
    });

    it('does not fire on an update to status 2', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 1);
      await updateTimereport(id, { status: 2 });

      await waitForDelivery(receiver, '/timereport.update', id);
      expect(await readyRecordCount(id)).to.equal(0);
    });
  });

  context('when HOOKMILL_READY_FOR_ACCEPTANCE_STATUS is 2', () => {
    before(() => startWithHooks({ HOOKMILL_READY_FOR_ACCEPTANCE_STATUS: '2' }));
    after(() => service?.stop());

    it('does not fire on insert with status 0', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);

      await waitForDelivery(receiver, '/timereport.add', id);
      expect(await readyRecordCount(id)).to.equal(0);
    });

    it('fires on an update that sets status 2', async () => {
      const id = nextEntityId();
      await insertTimereport(id, 0);
      await updateTimereport(id, { status: 2 });

      const request = await waitForDelivery(receiver, `/${READY}`, id);
      expect(request.body.resource).to.include({ status: 2 });
    });
  });
});
