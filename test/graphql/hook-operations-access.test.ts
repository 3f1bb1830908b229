import { expect } from 'chai';
import { Types } from 'mongoose';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import { DELIVERIES, ENABLE_HOOK, PING_HOOK, REDELIVER, ROTATE_HOOK_SECRET } from '../support/delivery-operations.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { CREATE_HOOK, expectBadUserInput, onlyError, type HookResult } from './helpers.js';

/** No delivery reaches a receiver in these tests; the URL still points at this machine only. */
const RECEIVER = 'https://127.0.0.1:9/hooks';

/** An operation that takes one id, and the name of its id variable. */
const OPERATIONS = [
  { name: 'deliveries', query: DELIVERIES, argument: 'hookId', kind: 'hook' },
  { name: 'pingHook', query: PING_HOOK, argument: 'id', kind: 'hook' },
  { name: 'enableHook', query: ENABLE_HOOK, argument: 'id', kind: 'hook' },
  { name: 'rotateHookSecret', query: ROTATE_HOOK_SECRET, argument: 'id', kind: 'hook' },
  { name: 'redeliver', query: REDELIVER, argument: 'deliveryId', kind: 'delivery' },
] as const;

/** Replaces the id in an error, so that the errors for two different ids can be compared. */
function withoutId(error: { message: string; extensions?: Record<string, unknown> }, id: string) {
  return { message: error.message.replaceAll(id, '<id>'), extensions: error.extensions };
}

describe('hook operations access', () => {
  let service: TestService;
  let owner: { userId: number; apiKey: string };
  let foreignHook: HookResult;
  let foreignDeliveryId: string;

  before(async () => {
    service = await startTestService();
    owner = await createUserWithKey();
    const other = await createUserWithKey();

    const created = await graphql<{ createHook: HookResult }>(service.graphqlUrl, CREATE_HOOK, {
      apiKey: other.apiKey,
      variables: { input: { hook: 'account.update', url: `${RECEIVER}/foreign` } },
    });
    foreignHook = created.data!.createHook;
    await HookModel.updateOne(
      { _id: foreignHook.id },
      { $set: { enabled: false, disabledReason: 'the receiver answered 410 Gone', disabledAt: new Date() } },
    );

    const deliveryId = new Types.ObjectId();
    await DeliveryModel.create({
      _id: deliveryId,
      changeId: `test:${deliveryId.toHexString()}`,
      hookId: new Types.ObjectId(foreignHook.id),
      ownerId: other.userId,
      event: 'account.update',
      collectionName: 'accounts',
      entityId: 7,
      entityKey: 'accounts:7',
      sequence: 1,
      url: foreignHook.url,
      body: JSON.stringify({ hook: 'account.update', Id: 7, sequence: 1 }),
      state: 'failed',
      reason: 'gave up after 1 attempts',
      completedAt: new Date(),
    });
    foreignDeliveryId = deliveryId.toHexString();
  });

  after(async () => {
    await service?.stop();
  });

  for (const operation of OPERATIONS) {
    context(`when ${operation.name} gets another user's ${operation.kind}`, () => {
      it('answers like a missing id', async () => {
        const foreignId = operation.kind === 'hook' ? foreignHook.id : foreignDeliveryId;
        const missingId = new Types.ObjectId().toHexString();
        const ask = (id: string) => graphql(service.graphqlUrl, operation.query, { apiKey: owner.apiKey, variables: { [operation.argument]: id } });

        const foreignAnswer = await ask(foreignId);
        const missingAnswer = await ask(missingId);

        expect(onlyError(foreignAnswer).extensions?.code).to.equal('NOT_FOUND');
        expect(foreignAnswer.status).to.equal(missingAnswer.status);
        expect(foreignAnswer.data).to.deep.equal(missingAnswer.data);
        expect(withoutId(onlyError(foreignAnswer), foreignId)).to.deep.equal(withoutId(onlyError(missingAnswer), missingId));
      });
    });

    context(`when ${operation.name} gets a malformed id`, () => {
      it('returns BAD_USER_INPUT naming the argument', async () => {
        const response = await graphql(service.graphqlUrl, operation.query, {
          apiKey: owner.apiKey,
          variables: { [operation.argument]: '12345' },
        });

        const message = expectBadUserInput(response);
        expect(onlyError(response).extensions?.argument).to.equal(operation.argument);
        expect(message).to.include('"12345"');
        expect(message).to.include('24-character hexadecimal id');
      });
    });
  }

  context("when another user's hook was targeted", () => {
    it('is still disabled and keeps its secret', async () => {
      const stored = await HookModel.findById(foreignHook.id).lean();

      expect(stored?.enabled).to.equal(false);
      expect(stored?.previousSecret).to.equal(null);
    });

    it('has no new deliveries', async () => {
      const count = await DeliveryModel.countDocuments({ hookId: new Types.ObjectId(foreignHook.id) });

      expect(count).to.equal(1);
    });
  });
});
