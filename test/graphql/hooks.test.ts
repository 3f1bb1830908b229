import { expect } from 'chai';
import { Types } from 'mongoose';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { CREATE_HOOK, DELETE_HOOK, HOOK, HOOKS, onlyError, type HookResult } from './helpers.js';

/** No delivery happens in these tests; the URL still points at this machine only. */
const RECEIVER = 'https://127.0.0.1:9/hooks';

describe('GraphQL hooks API', () => {
  let service: TestService;
  let owner: { userId: number; apiKey: string };
  let other: { userId: number; apiKey: string };

  async function createHook(apiKey: string, input: Record<string, unknown>): Promise<HookResult> {
    const response = await graphql<{ createHook: HookResult }>(service.graphqlUrl, CREATE_HOOK, { apiKey, variables: { input } });
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data!.createHook;
  }

  async function listHooks(apiKey: string, filter?: Record<string, unknown>): Promise<HookResult[]> {
    const response = await graphql<{ hooks: HookResult[] }>(service.graphqlUrl, HOOKS, { apiKey, variables: { filter } });
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data!.hooks;
  }

  before(async () => {
    service = await startTestService();
    owner = await createUserWithKey();
    other = await createUserWithKey();
  });

  after(async () => {
    await service?.stop();
  });

  describe('createHook', () => {
    it('returns the id and every field', async () => {
      const before = Date.now();
      const hook = await createHook(owner.apiKey, { hook: 'request.update', url: `${RECEIVER}/r1`, eventUser: 7, eventProject: 9 });

      expect(hook.id).to.match(/^[0-9a-f]{24}$/);
      expect(hook.hook).to.equal('request.update');
      expect(hook.url).to.equal(`${RECEIVER}/r1`);
      expect(hook.eventUser).to.equal(7);
      expect(hook.eventProject).to.equal(9);
      expect(hook.ownerId).to.equal(owner.userId);
      expect(Date.parse(hook.createdAt)).to.be.within(before - 1_000, Date.now() + 1_000);
    });

    it('stores absent filters as null', async () => {
      const hook = await createHook(owner.apiKey, { hook: 'account.add', url: `${RECEIVER}/a1` });

      expect(hook.eventUser).to.equal(null);
      expect(hook.eventProject).to.equal(null);
    });
  });

  describe('hooks', () => {
    let listing: { owner: { userId: number; apiKey: string }; created: HookResult[] };

    before(async () => {
      const lister = await createUserWithKey();
      const created = [
        await createHook(lister.apiKey, { hook: 'account.update', url: `${RECEIVER}/l1` }),
        await createHook(lister.apiKey, { hook: 'request.update', url: `${RECEIVER}/l2`, eventUser: 7, eventProject: 9 }),
        await createHook(lister.apiKey, { hook: 'timereport.update', url: `${RECEIVER}/l3`, eventUser: 7 }),
        await createHook(lister.apiKey, { hook: 'request.update', url: `${RECEIVER}/l4`, eventProject: 3 }),
      ];
      await createHook(other.apiKey, { hook: 'account.update', url: `${RECEIVER}/not-mine` });
      listing = { owner: lister, created };
    });

    it("lists only the caller's hooks, oldest first", async () => {
      const hooks = await listHooks(listing.owner.apiKey);

      expect(hooks.map((hook) => hook.id)).to.deep.equal(listing.created.map((hook) => hook.id));
      expect(hooks.every((hook) => hook.ownerId === listing.owner.userId)).to.equal(true);
    });

    it('filters by hook name', async () => {
      const hooks = await listHooks(listing.owner.apiKey, { hook: 'request.update' });

      expect(hooks.map((hook) => hook.url)).to.deep.equal([`${RECEIVER}/l2`, `${RECEIVER}/l4`]);
    });

    it('filters by eventUser', async () => {
      const hooks = await listHooks(listing.owner.apiKey, { eventUser: 7 });

      expect(hooks.map((hook) => hook.url)).to.deep.equal([`${RECEIVER}/l2`, `${RECEIVER}/l3`]);
    });

    it('filters by eventProject', async () => {
      const hooks = await listHooks(listing.owner.apiKey, { eventProject: 3 });

      expect(hooks.map((hook) => hook.url)).to.deep.equal([`${RECEIVER}/l4`]);
    });

    it('combines filters', async () => {
      const hooks = await listHooks(listing.owner.apiKey, { hook: 'request.update', eventUser: 7, eventProject: 9 });

      expect(hooks.map((hook) => hook.url)).to.deep.equal([`${RECEIVER}/l2`]);
    });

    it('returns an empty list when nothing matches', async () => {
      const hooks = await listHooks(listing.owner.apiKey, { hook: 'team.delete' });

      expect(hooks).to.deep.equal([]);
    });
  });

  describe('hook', () => {
    it('returns one hook by id', async () => {
      const created = await createHook(owner.apiKey, { hook: 'task.delete', url: `${RECEIVER}/t1` });

      const response = await graphql<{ hook: HookResult }>(service.graphqlUrl, HOOK, { apiKey: owner.apiKey, variables: { id: created.id } });

      expect(response.errors).to.equal(undefined);
      expect(response.data!.hook).to.deep.equal(created);
    });

    it('returns NOT_FOUND for a missing id', async () => {
      const missing = new Types.ObjectId().toHexString();

      const response = await graphql(service.graphqlUrl, HOOK, { apiKey: owner.apiKey, variables: { id: missing } });

      const error = onlyError(response);
      expect(error.extensions?.code).to.equal('NOT_FOUND');
      expect(error.message).to.include(missing);
    });
  });

  describe('deleteHook', () => {
    it('returns the deleted hook, then NOT_FOUND', async () => {
      const created = await createHook(owner.apiKey, { hook: 'team.update', url: `${RECEIVER}/d1` });

      const deleted = await graphql<{ deleteHook: HookResult }>(service.graphqlUrl, DELETE_HOOK, {
        apiKey: owner.apiKey,
        variables: { id: created.id },
      });
      expect(deleted.errors).to.equal(undefined);
      expect(deleted.data!.deleteHook).to.deep.equal(created);

      const again = await graphql(service.graphqlUrl, DELETE_HOOK, { apiKey: owner.apiKey, variables: { id: created.id } });
      expect(onlyError(again).extensions?.code).to.equal('NOT_FOUND');

      const read = await graphql(service.graphqlUrl, HOOK, { apiKey: owner.apiKey, variables: { id: created.id } });
      expect(onlyError(read).extensions?.code).to.equal('NOT_FOUND');
    });
  });

  describe("another user's hook", () => {
    let foreign: HookResult;
    const missing = new Types.ObjectId().toHexString();

    before(async () => {
      foreign = await createHook(other.apiKey, { hook: 'user.add', url: `${RECEIVER}/foreign` });
    });

    /** Replaces the id in an error, so that the errors for two different ids can be compared. */
    function withoutId(error: { message: string; extensions?: Record<string, unknown> }, id: string) {
      return { message: error.message.replaceAll(id, '<id>'), extensions: error.extensions };
    }

    for (const [name, operation] of [
      ['hook', HOOK],
      ['deleteHook', DELETE_HOOK],
    ] as const) {
      it(`${name} treats it like a missing id`, async () => {
        const foreignAnswer = await graphql(service.graphqlUrl, operation, { apiKey: owner.apiKey, variables: { id: foreign.id } });
        const missingAnswer = await graphql(service.graphqlUrl, operation, { apiKey: owner.apiKey, variables: { id: missing } });

        expect(foreignAnswer.status).to.equal(missingAnswer.status);
        expect(foreignAnswer.data).to.deep.equal(missingAnswer.data);
        expect(onlyError(foreignAnswer).extensions?.code).to.equal('NOT_FOUND');
        expect(withoutId(onlyError(foreignAnswer), foreign.id)).to.deep.equal(withoutId(onlyError(missingAnswer), missing));
      });
    }

    it('stays in place after the other user tries to delete it', async () => {
      const hooks = await listHooks(other.apiKey);

      expect(hooks.map((hook) => hook.id)).to.include(foreign.id);
    });
  });

  describe('lastAttempt', () => {
    const LAST_ATTEMPT = `query Hook($id: ID!) {
      hook(id: $id) { id lastAttempt { event entityId ok statusCode error durationMs at } }
    }`;

    it('is null without attempts', async () => {
      const created = await createHook(owner.apiKey, { hook: 'project.add', url: `${RECEIVER}/p1` });

      const response = await graphql<{ hook: { lastAttempt: unknown } }>(service.graphqlUrl, LAST_ATTEMPT, {
        apiKey: owner.apiKey,
        variables: { id: created.id },
      });

      expect(response.errors).to.equal(undefined);
      expect(response.data!.hook.lastAttempt).to.equal(null);
    });

    it('is the latest attempt when there are several', async () => {
      const created = await createHook(owner.apiKey, { hook: 'project.update', url: `${RECEIVER}/p2` });
      const hookId = new Types.ObjectId(created.id);
      const deliveryId = new Types.ObjectId();
      await AttemptModel.create([
        { deliveryId, hookId, event: 'project.update', entityId: 5, attempt: 1, ok: false, statusCode: 503, error: 'HTTP 503', durationMs: 12, at: new Date('2030-01-01T00:00:00Z') },
        { deliveryId, hookId, event: 'project.update', entityId: 5, attempt: 2, ok: true, statusCode: 204, error: null, durationMs: 8, at: new Date('2030-01-01T00:00:05Z') },
      ]);

      const response = await graphql<{ hook: { lastAttempt: Record<string, unknown> } }>(service.graphqlUrl, LAST_ATTEMPT, {
        apiKey: owner.apiKey,
        variables: { id: created.id },
      });

      expect(response.errors).to.equal(undefined);
      expect(response.data!.hook.lastAttempt).to.deep.equal({
        event: 'project.update',
        entityId: 5,
        ok: true,
        statusCode: 204,
        error: null,
        durationMs: 8,
        at: '2030-01-01T00:00:05.000Z',
      });
    });
  });
});
