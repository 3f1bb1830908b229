import { expect } from 'chai';

import { HookModel } from '../../src/db/models/hook.model.js';
import { DELIVERIES, ENABLE_HOOK, REDELIVER, expectData, type DeliveryPage, type DeliveryResult, type HookStateResult } from '../support/delivery-operations.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, deliveriesTo, nextEntityId, waitForDelivery } from './event-path-helpers.js';

const HOOK_STATE = `query Hook($id: ID!) { hook(id: $id) { id enabled disabledReason disabledAt } }`;

const DISABLED_REASON = 'the hook failed for 120 hours without a success, so it was disabled';

describe('enableHook', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createHookOwner());
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  async function disable(hookId: string, disabledAt: Date): Promise<void> {
    await HookModel.updateOne(
      { _id: hookId },
      { $set: { enabled: false, disabledReason: DISABLED_REASON, disabledAt, failingSince: new Date(disabledAt.getTime() - 120 * 3_600_000) } },
    );
  }

  async function skippedDeliveries(hookId: string): Promise<DeliveryResult[]> {
    const data = await expectData<{ deliveries: DeliveryPage }>(service.graphqlUrl, DELIVERIES, apiKey, { hookId, state: 'skipped' });
    return data.deliveries.edges.map((edge) => edge.node);
  }

  context('when the hook is disabled', () => {
    const disabledAt = new Date('2030-02-03T04:05:06.000Z');
    let hookId: string;
    let enabled: HookStateResult;
    let skippedEntityId: number;

    before(async () => {
      hookId = await createHook(service.graphqlUrl, apiKey, { hook: 'team.add', url: `${receiver.url}/enable` });
      await disable(hookId, disabledAt);

      skippedEntityId = nextEntityId();
      await service.db.collection('teams').insertOne({ id: skippedEntityId, name: 'Night shift' });
      await eventually(async () => ((await skippedDeliveries(hookId)).length > 0 ? true : undefined), 10_000, 'a skipped delivery');
    });

    it('shows why and when it was disabled', async () => {
      const { hook } = await expectData<{ hook: HookStateResult }>(service.graphqlUrl, HOOK_STATE, apiKey, { id: hookId });

      expect(hook.enabled).to.equal(false);
      expect(hook.disabledReason).to.equal(DISABLED_REASON);
      expect(hook.disabledAt).to.equal(disabledAt.toISOString());
    });

    it('records its events as skipped', async () => {
      const [skipped] = await skippedDeliveries(hookId);

      expect(skipped!.reason).to.include(DISABLED_REASON);
      expect(deliveriesTo(receiver, '/enable', skippedEntityId)).to.deep.equal([]);
    });

    context('and enableHook runs', () => {
      before(async () => {
        ({ enableHook: enabled } = await expectData<{ enableHook: HookStateResult }>(service.graphqlUrl, ENABLE_HOOK, apiKey, { id: hookId }));
      });

      it('returns the hook enabled', () => {
        expect(enabled.enabled).to.equal(true);
      });

      it('clears disabledReason and disabledAt', () => {
        expect(enabled.disabledReason).to.equal(null);
        expect(enabled.disabledAt).to.equal(null);
      });

      it('returns no secret', () => {
        expect(enabled.secret).to.equal(null);
      });

      it('clears failingSince', async () => {
        const stored = await HookModel.findById(hookId).lean();

        expect(stored?.failingSince).to.equal(null);
      });

      it('delivers the next change', async () => {
        const entityId = nextEntityId();
        await service.db.collection('teams').insertOne({ id: entityId, name: 'Day shift' });

        const request = await waitForDelivery(receiver, '/enable', entityId);

        expect(request.body.hook).to.equal('team.add');
      });

      it('sends a skipped event on redeliver', async () => {
        const [skipped] = await skippedDeliveries(hookId);

        await expectData(service.graphqlUrl, REDELIVER, apiKey, { deliveryId: skipped!.id });

        const request = await waitForDelivery(receiver, '/enable', skippedEntityId);
        expect(request.body.resource).to.deep.equal({ id: skippedEntityId, name: 'Night shift' });
      });
    });
  });

  context('when the hook is enabled already', () => {
    it('returns it unchanged', async () => {
      const hookId = await createHook(service.graphqlUrl, apiKey, { hook: 'team.delete', url: `${receiver.url}/enabled` });

      const { enableHook } = await expectData<{ enableHook: HookStateResult }>(service.graphqlUrl, ENABLE_HOOK, apiKey, { id: hookId });

      expect(enableHook).to.deep.equal({ id: hookId, enabled: true, disabledReason: null, disabledAt: null, secret: null, previousSecretExpiresAt: null });
    });

    it('keeps failingSince of a failing hook', async () => {
      const hookId = await createHook(service.graphqlUrl, apiKey, { hook: 'team.update', url: `${receiver.url}/failing` });
      const failingSince = new Date('2030-02-01T00:00:00.000Z');
      await HookModel.updateOne({ _id: hookId }, { $set: { failingSince } });

      await expectData(service.graphqlUrl, ENABLE_HOOK, apiKey, { id: hookId });

      const stored = await HookModel.findById(hookId).lean();
      expect(stored?.failingSince?.toISOString()).to.equal(failingSince.toISOString());
    });
  });
});
