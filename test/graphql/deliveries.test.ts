import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { DELIVERIES, expectData, type DeliveryPage } from '../support/delivery-operations.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { CREATE_HOOK, expectBadUserInput, onlyError, type HookResult } from './helpers.js';

/** No delivery is attempted in these tests; the URL still points at this machine only. */
const RECEIVER = 'https://127.0.0.1:9/hooks';

/** Far enough ahead that the dispatcher never claims the pending records written here. */
const NEVER = new Date('2099-01-01T00:00:00Z');

const STATES = ['succeeded', 'failed', 'skipped', 'pending'] as const;

interface StoredDelivery {
  id: string;
  createdAt: Date;
  state: (typeof STATES)[number];
}

describe('deliveries query', () => {
  let service: TestService;
  let owner: { userId: number; apiKey: string };

  async function createHook(apiKey: string, path: string): Promise<HookResult> {
    const response = await graphql<{ createHook: HookResult }>(service.graphqlUrl, CREATE_HOOK, {
      apiKey,
      variables: { input: { hook: 'account.update', url: `${RECEIVER}${path}` } },
    });
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data!.createHook;
  }

  /**
   * Writes `count` delivery records for a hook. Every three share a creation time, so that pages must
   * break ties by id. States cycle through STATES.
   */
  async function storeDeliveries(hook: HookResult, count: number): Promise<StoredDelivery[]> {
    const base = Date.parse('2030-03-01T12:00:00Z');
    const stored: StoredDelivery[] = [];
    for (let index = 0; index < count; index++) {
      const id = new Types.ObjectId();
      const createdAt = new Date(base + Math.floor(index / 3) * 1_000);
      const state = STATES[index % STATES.length]!;
      await DeliveryModel.create({
        _id: id,
        changeId: `test:${id.toHexString()}`,
        hookId: new Types.ObjectId(hook.id),
        ownerId: hook.ownerId,
        event: 'account.update',
        collectionName: 'accounts',
        entityId: 1_000 + index,
        entityKey: `accounts:${index}`,
        sequence: index + 1,
        url: hook.url,
        body: JSON.stringify({ hook: 'account.update', Id: 1_000 + index, sequence: index + 1 }),
        state,
        reason: state === 'failed' ? 'gave up after 2 attempts: receiver answered HTTP 500; a 2xx status is needed' : null,
        attemptCount: state === 'skipped' ? 0 : 1,
        nextAttemptAt: state === 'pending' ? NEVER : null,
        createdAt,
        completedAt: state === 'pending' ? null : new Date(createdAt.getTime() + 500),
      });
      stored.push({ id: id.toHexString(), createdAt, state });
    }
    return stored;
  }

  /** Newest first; the later id first among equal times. */
  function newestFirst(deliveries: StoredDelivery[]): string[] {
    return [...deliveries]
      .sort((left, right) => right.createdAt.getTime() - left.createdAt.getTime() || right.id.localeCompare(left.id))
      .map((delivery) => delivery.id);
  }

  function page(variables: Record<string, unknown>): Promise<{ deliveries: DeliveryPage }> {
    return expectData(service.graphqlUrl, DELIVERIES, owner.apiKey, variables);
  }

  before(async () => {
    service = await startTestService();
    owner = await createUserWithKey();
  });

  after(async () => {
    await service?.stop();
  });

  context('when the hook has no deliveries', () => {
    it('returns an empty page', async () => {
      const hook = await createHook(owner.apiKey, '/empty');

      const { deliveries } = await page({ hookId: hook.id });

      expect(deliveries.edges).to.deep.equal([]);
      expect(deliveries.pageInfo).to.deep.equal({ hasNextPage: false, endCursor: null });
    });
  });

  context('when the hook has 25 deliveries', () => {
    let hook: HookResult;
    let stored: StoredDelivery[];

    before(async () => {
      hook = await createHook(owner.apiKey, '/many');
      stored = await storeDeliveries(hook, 25);
      const sibling = await createHook(owner.apiKey, '/sibling');
      await storeDeliveries(sibling, 2);
    });

    it('returns the newest 20 by default', async () => {
      const { deliveries } = await page({ hookId: hook.id });

      expect(deliveries.edges.map((edge) => edge.node.id)).to.deep.equal(newestFirst(stored).slice(0, 20));
    });

    it('sets hasNextPage on a full page', async () => {
      const { deliveries } = await page({ hookId: hook.id });

      expect(deliveries.pageInfo.hasNextPage).to.equal(true);
    });

    it('lists the same deliveries in nodes', async () => {
      const { deliveries } = await page({ hookId: hook.id, first: 5 });

      expect(deliveries.nodes.map((node) => node.id)).to.deep.equal(deliveries.edges.map((edge) => edge.node.id));
    });

    it('sets endCursor to the last edge', async () => {
      const { deliveries } = await page({ hookId: hook.id, first: 5 });

      expect(deliveries.pageInfo.endCursor).to.equal(deliveries.edges[4]!.cursor);
    });

    it('pages through every delivery once', async () => {
      const seen: string[] = [];
      const hasNextPage: boolean[] = [];
      let after: string | null = null;
      do {
        const { deliveries }: { deliveries: DeliveryPage } = await page({ hookId: hook.id, first: 7, after });
        seen.push(...deliveries.edges.map((edge) => edge.node.id));
        hasNextPage.push(deliveries.pageInfo.hasNextPage);
        after = deliveries.pageInfo.hasNextPage ? deliveries.pageInfo.endCursor : null;
      } while (after !== null && seen.length < 100);

      expect(seen).to.deep.equal(newestFirst(stored));
      expect(hasNextPage).to.deep.equal([true, true, true, false]);
    });

    it('returns an empty page after the oldest', async () => {
      const { deliveries: all } = await page({ hookId: hook.id, first: 100 });

      const { deliveries } = await page({ hookId: hook.id, after: all.pageInfo.endCursor });

      expect(deliveries.edges).to.deep.equal([]);
      expect(deliveries.pageInfo.hasNextPage).to.equal(false);
    });

    for (const state of STATES) {
      it(`filters by state ${state}`, async () => {
        const { deliveries } = await page({ hookId: hook.id, state, first: 100 });

        const expected = newestFirst(stored.filter((delivery) => delivery.state === state));
        expect(deliveries.edges.map((edge) => edge.node.id)).to.deep.equal(expected);
      });
    }
  });

  context('when a delivery has attempts', () => {
    let hook: HookResult;
    let deliveryId: Types.ObjectId;

    before(async () => {
      hook = await createHook(owner.apiKey, '/attempts');
      const [first, second] = await storeDeliveries(hook, 2);
      deliveryId = new Types.ObjectId(first!.id);
      const hookId = new Types.ObjectId(hook.id);
      const base = { hookId, event: 'account.update', entityId: 1_000 };
      await AttemptModel.create([
        { ...base, deliveryId, attempt: 2, ok: true, statusCode: 204, error: null, durationMs: 8, responseBody: '', at: new Date('2030-03-01T12:00:07Z') },
        {
          ...base,
          deliveryId,
          attempt: 1,
          ok: false,
          statusCode: 500,
          error: 'receiver answered HTTP 500; a 2xx status is needed',
          durationMs: 12,
          responseBody: 'database down',
          at: new Date('2030-03-01T12:00:02Z'),
        },
        { ...base, deliveryId: new Types.ObjectId(second!.id), attempt: 1, ok: true, statusCode: 200, error: null, durationMs: 5, responseBody: 'ok', at: new Date('2030-03-01T12:00:03Z') },
      ]);
    });

    it('returns every field of the delivery', async () => {
      const { deliveries } = await page({ hookId: hook.id });
      const node = deliveries.edges.find((edge) => edge.node.id === deliveryId.toHexString())!.node;

      expect(node).to.deep.include({
        id: deliveryId.toHexString(),
        hookId: hook.id,
        webhookId: `msg_${deliveryId.toHexString()}`,
        event: 'account.update',
        entityId: 1_000,
        sequence: 1,
        state: 'succeeded',
        reason: null,
        attemptCount: 1,
        nextAttemptAt: null,
        createdAt: '2030-03-01T12:00:00.000Z',
        completedAt: '2030-03-01T12:00:00.500Z',
      });
    });

    it('returns its attempts oldest first', async () => {
      const { deliveries } = await page({ hookId: hook.id });
      const node = deliveries.edges.find((edge) => edge.node.id === deliveryId.toHexString())!.node;

      expect(node.attempts).to.deep.equal([
        { at: '2030-03-01T12:00:02.000Z', statusCode: 500, ok: false, durationMs: 12, error: 'receiver answered HTTP 500; a 2xx status is needed', responseBody: 'database down' },
        { at: '2030-03-01T12:00:07.000Z', statusCode: 204, ok: true, durationMs: 8, error: null, responseBody: '' },
      ]);
    });

    it('loads the attempts of a page in one query', async () => {
      const attemptQueries: string[] = [];
      mongoose.set('debug', (collectionName: string, method: string) => {
        if (collectionName === AttemptModel.collection.collectionName) attemptQueries.push(method);
      });
      try {
        const { deliveries } = await page({ hookId: hook.id });
        expect(deliveries.edges).to.have.lengthOf(2);
      } finally {
        mongoose.set('debug', false);
      }

      expect(attemptQueries).to.deep.equal(['find']);
    });
  });

  context('when first is out of range', () => {
    let hook: HookResult;

    before(async () => {
      hook = await createHook(owner.apiKey, '/range');
    });

    for (const first of [0, -1, 101, null]) {
      it(`rejects first ${first}`, async () => {
        const response = await graphql(service.graphqlUrl, DELIVERIES, { apiKey: owner.apiKey, variables: { hookId: hook.id, first } });

        const message = expectBadUserInput(response);
        expect(onlyError(response).extensions?.argument).to.equal('first');
        expect(message).to.include(`got ${first}`);
        expect(message).to.include('from 1 to 100');
      });
    }

    it('accepts first 100', async () => {
      const { deliveries } = await page({ hookId: hook.id, first: 100 });

      expect(deliveries.edges).to.deep.equal([]);
    });
  });

  context('when the cursor is malformed', () => {
    for (const [index, after] of ['not a cursor', Buffer.from('1700000000000:nothex').toString('base64url'), ''].entries()) {
      it(`rejects ${JSON.stringify(after)}`, async () => {
        const hook = await createHook(owner.apiKey, `/cursor-${index}`);

        const response = await graphql(service.graphqlUrl, DELIVERIES, { apiKey: owner.apiKey, variables: { hookId: hook.id, after } });

        const message = expectBadUserInput(response);
        expect(onlyError(response).extensions?.argument).to.equal('after');
        expect(message).to.include(JSON.stringify(after));
        expect(message).to.include('pageInfo.endCursor');
      });
    }
  });

  context('when the hook id is malformed', () => {
    it('rejects it as hookId', async () => {
      const response = await graphql(service.graphqlUrl, DELIVERIES, { apiKey: owner.apiKey, variables: { hookId: 'abc' } });

      const message = expectBadUserInput(response);
      expect(onlyError(response).extensions?.argument).to.equal('hookId');
      expect(message).to.include('"abc"');
    });
  });

  context('when the hook is missing', () => {
    it('returns NOT_FOUND', async () => {
      const missing = new Types.ObjectId().toHexString();

      const response = await graphql(service.graphqlUrl, DELIVERIES, { apiKey: owner.apiKey, variables: { hookId: missing } });

      const error = onlyError(response);
      expect(error.extensions?.code).to.equal('NOT_FOUND');
      expect(error.message).to.include(missing);
    });
  });
});
