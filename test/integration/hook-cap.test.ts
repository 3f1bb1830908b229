import { expect } from 'chai';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId } from './event-path-helpers.js';

describe('per-change hook cap', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  /** Registers one hook per event name, in order, each at its own path, and returns their ids. */
  async function createHooks(events: readonly string[], label: string): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, hook] of events.entries()) {
      ids.push(await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${label}/${index}` }));
    }
    return ids;
  }

  /** Loads the delivery records of one entity, one per hook, in the order of `hookIds`. */
  async function recordsByHook(entityId: number, hookIds: readonly string[]) {
    const records = await DeliveryModel.find({ entityId }).lean();
    return hookIds.map((hookId) => records.find((record) => record.hookId.toHexString() === hookId));
  }

  function waitForSettled(entityId: number, count: number) {
    return eventually(
      async () => {
        const settled = await DeliveryModel.countDocuments({ entityId, state: { $in: ['succeeded', 'skipped'] } });
        return settled >= count ? settled : undefined;
      },
      10_000,
      `${count} settled deliveries of entity ${entityId}`,
    );
  }

  before(async () => {
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  context('when 12 hooks match one change', () => {
    const entityId = nextEntityId();
    let hookIds: string[];

    before(async () => {
      service = await startTestService();
      ({ apiKey } = await createHookOwner());
      hookIds = await createHooks(Array(12).fill('account.add'), 'default-cap');
      await service.db.collection('accounts').insertOne({ id: entityId, name: 'Capped Oy' });
      await waitForSettled(entityId, 12);
    });

    after(() => service?.stop());

    it('delivers to the 10 oldest hooks', async () => {
      const paths = receiver.requests.filter((request) => request.path.startsWith('/default-cap/')).map((request) => request.path);

      expect([...paths].sort()).to.deep.equal([...Array(10).keys()].map((index) => `/default-cap/${index}`).sort());
    });

    it('records the 10 oldest as succeeded', async () => {
      const records = await recordsByHook(entityId, hookIds);

      expect(records.slice(0, 10).map((record) => record?.state)).to.deep.equal(Array(10).fill('succeeded'));
    });

    it('records the 2 newest as skipped', async () => {
      const records = await recordsByHook(entityId, hookIds);

      expect(records.slice(10).map((record) => record?.state)).to.deep.equal(['skipped', 'skipped']);
    });

    it('gives the skipped records a reason', async () => {
      const records = await recordsByHook(entityId, hookIds);

      for (const record of records.slice(10)) {
        expect(record?.reason).to.equal('more than 10 hooks matched this change; older hooks go first');
      }
    });

    it('never attempts the skipped hooks', async () => {
      const records = await recordsByHook(entityId, hookIds);

      expect(records.slice(10).map((record) => record?.attemptCount)).to.deep.equal([0, 0]);
    });
  });

  context('when HOOKMILL_MAX_HOOKS_PER_CHANGE is 3', () => {
    before(async () => {
      service = await startTestService({ HOOKMILL_MAX_HOOKS_PER_CHANGE: '3' });
      ({ apiKey } = await createHookOwner());
    });

    after(() => service?.stop());

    it('delivers to the 3 oldest of 5 hooks', async () => {
      const entityId = nextEntityId();
      const hookIds = await createHooks(Array(5).fill('account.add'), 'cap-3');
      await service.db.collection('accounts').insertOne({ id: entityId, name: 'Capped Ab' });
      await waitForSettled(entityId, 5);

      const records = await recordsByHook(entityId, hookIds);
      expect(records.map((record) => record?.state)).to.deep.equal(['succeeded', 'succeeded', 'succeeded', 'skipped', 'skipped']);
      expect(records[4]?.reason).to.equal('more than 3 hooks matched this change; older hooks go first');
    });

    it('counts hooks of every event of the change', async () => {
      const entityId = nextEntityId();
      const events = ['timereport.readyforacceptance', 'timereport.add', 'timereport.readyforacceptance', 'timereport.add'];
      const hookIds = await createHooks(events, 'cap-3-events');
      await service.db.collection('timereports').insertOne({ id: entityId, person: 7, project: 3, status: 0 });
      await waitForSettled(entityId, 4);

      const records = await recordsByHook(entityId, hookIds);
      expect(records.map((record) => record?.state)).to.deep.equal(['succeeded', 'succeeded', 'succeeded', 'skipped']);
    });
  });
});
