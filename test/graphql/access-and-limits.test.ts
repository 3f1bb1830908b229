import { expect } from 'chai';

import { ADMIN_RIGHT, HOOKS_RIGHT, itemTypeHookRight } from '../../src/auth/rights.js';
import { ALL_HOOK_RIGHTS, createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) { createHook(input: $input) { id ownerId } }`;
const HOOKS = '{ hooks { id ownerId } }';

describe('access control and request limits', () => {
  let service: TestService;

  afterEach(async () => {
    await service?.stop();
  });

  async function createHook(apiKey: string, hook: string, path: string) {
    return graphql<{ createHook: { id: string; ownerId: number } }>(service.graphqlUrl, CREATE_HOOK, {
      apiKey,
      variables: { input: { hook, url: `https://127.0.0.1:9/${path}` } },
    });
  }

  context('when the caller lacks the item type right', () => {
    it('answers FORBIDDEN naming the right', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey([HOOKS_RIGHT, itemTypeHookRight('Task')]);

      const response = await createHook(apiKey, 'account.update', 'forbidden');

      expect(response.errors?.[0]?.extensions?.code).to.equal('FORBIDDEN');
      expect(response.errors?.[0]?.message).to.include('"System.Hooks.Definitions.account"');
    });
  });

  context('when a user reaches the hook maximum', () => {
    it('rejects the next hook', async () => {
      service = await startTestService({ HOOKMILL_MAX_HOOKS_PER_USER: '2' });
      const { apiKey, userId } = await createUserWithKey();
      await createHook(apiKey, 'task.add', 'one');
      await createHook(apiKey, 'task.add', 'two');

      const third = await createHook(apiKey, 'task.add', 'three');

      expect(third.errors?.[0]?.extensions?.code).to.equal('BAD_USER_INPUT');
      expect(third.errors?.[0]?.message).to.equal(`User ${userId} already has 2 hooks, the maximum; delete one before creating another.`);
    });
  });

  context('when the same hook is created twice', () => {
    it('names the existing hook', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey();
      const first = await createHook(apiKey, 'team.add', 'twice');

      const second = await createHook(apiKey, 'team.add', 'twice');

      expect(second.errors?.[0]?.message).to.include(`An identical hook already exists with id ${first.data!.createHook.id}`);
    });
  });

  context('when an administrator lists hooks', () => {
    it('sees every user\'s hooks', async () => {
      service = await startTestService();
      const owner = await createUserWithKey();
      const admin = await createUserWithKey([...ALL_HOOK_RIGHTS, ADMIN_RIGHT]);
      const created = await createHook(owner.apiKey, 'project.add', 'admin-sees');

      const asAdmin = await graphql<{ hooks: { id: string }[] }>(service.graphqlUrl, HOOKS, { apiKey: admin.apiKey });
      const asOther = await graphql<{ hooks: { id: string }[] }>(service.graphqlUrl, HOOKS, { apiKey: (await createUserWithKey()).apiKey });

      expect(asAdmin.data!.hooks.map((hook) => hook.id)).to.include(created.data!.createHook.id);
      expect(asOther.data!.hooks).to.deep.equal([]);
    });
  });

  context('when the payload exclusion is changed through the API', () => {
    const SET = `mutation Set($input: SetPayloadExclusionInput!) {
      setPayloadExclusion(input: $input) { excludeAll excludedFields { itemType fields } }
    }`;

    it('needs the administration right', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey();

      const response = await graphql(service.graphqlUrl, SET, { apiKey, variables: { input: { excludeAll: true } } });

      expect(response.errors?.[0]?.extensions?.code).to.equal('FORBIDDEN');
      expect(response.errors?.[0]?.message).to.include(`"${ADMIN_RIGHT}"`);
    });

    it('lets an administrator set fields', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey([...ALL_HOOK_RIGHTS, ADMIN_RIGHT]);

      const response = await graphql<{ setPayloadExclusion: { excludedFields: { itemType: string; fields: string[] }[] } }>(
        service.graphqlUrl,
        SET,
        { apiKey, variables: { input: { itemType: 'account', fields: ['phone', 'address.street'] } } },
      );

      expect(response.data!.setPayloadExclusion.excludedFields).to.deep.equal([{ itemType: 'Account', fields: ['phone', 'address.street'] }]);
    });

    it('rejects an unknown item type', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey([...ALL_HOOK_RIGHTS, ADMIN_RIGHT]);

      const response = await graphql(service.graphqlUrl, SET, { apiKey, variables: { input: { itemType: 'Invoice', fields: ['x'] } } });

      expect(response.errors?.[0]?.extensions?.code).to.equal('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).to.include('Unknown item type "Invoice"');
    });
  });

  context('when an API key exceeds the rate limit', () => {
    it('answers 429 with Retry-After', async () => {
      service = await startTestService({ HOOKMILL_RATE_LIMIT_PER_MINUTE: '3' });
      const { apiKey } = await createUserWithKey();
      for (let index = 0; index < 3; index++) await graphql(service.graphqlUrl, HOOKS, { apiKey });

      const response = await fetch(service.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: HOOKS }),
      });
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };

      expect(response.status).to.equal(429);
      expect(Number(response.headers.get('retry-after'))).to.be.within(1, 60);
      expect(body.errors[0]!.extensions.code).to.equal('RATE_LIMITED');
    });
  });

  context('when a query is too large', () => {
    let apiKey: string;

    async function firstError(query: string) {
      const response = await graphql(service.graphqlUrl, query, { apiKey });
      return response.errors?.[0]?.message ?? '';
    }

    it('rejects many aliases, many root fields and many tokens', async () => {
      service = await startTestService();
      ({ apiKey } = await createUserWithKey());
      const aliases = `{ hookDefinitions { ${Array.from({ length: 21 }, (_, index) => `a${index}: name`).join(' ')} } }`;
      const rootFields = `{ ${Array.from({ length: 11 }, () => 'hookDefinitions { name }').join(' ')} }`;
      const tokens = `{ hookDefinitions { ${'name '.repeat(5_001)} } }`;

      expect(await firstError('{ hooks { lastAttempt { at } } }')).to.equal('');
      expect(await firstError(aliases)).to.include('uses 21 aliases; the maximum is 20');
      expect(await firstError(rootFields)).to.include('selects 11 root fields; the maximum is 10');
      expect(await firstError(tokens)).to.include('5000 tokens');
      expect(await firstError(`{ hookDefinitions { ${'__typename '.repeat(3_000)} } }`)).to.include('selects 3001 fields; the maximum is 500');
    });

    it('rejects nesting deeper than 8 through fragments', async () => {
      service = await startTestService();
      ({ apiKey } = await createUserWithKey());
      const nested = `query { ${'__schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }'} }`;

      expect(await firstError(nested)).to.include('nests fields 9 deep; the maximum is 8');
    });
  });

  context('when NODE_ENV is production', () => {
    it('turns introspection and suggestions off', async () => {
      service = await startTestService({ NODE_ENV: 'production' });
      const { apiKey } = await createUserWithKey();

      const introspection = await graphql(service.graphqlUrl, '{ __schema { queryType { name } } }', { apiKey });
      const typo = await graphql(service.graphqlUrl, '{ hoks { id } }', { apiKey });

      expect(introspection.errors?.[0]?.message).to.include('introspection');
      expect(typo.errors?.[0]?.message).to.not.include('Did you mean');
    });

    it('keeps introspection when enabled', async () => {
      service = await startTestService({ NODE_ENV: 'production', HOOKMILL_INTROSPECTION: 'true' });
      const { apiKey } = await createUserWithKey();

      const introspection = await graphql<{ __schema: { queryType: { name: string } } }>(service.graphqlUrl, '{ __schema { queryType { name } } }', { apiKey });

      expect(introspection.data?.__schema.queryType.name).to.equal('Query');
    });
  });

  context('when a subscription is sent', () => {
    it('says subscriptions are not supported', async () => {
      service = await startTestService();
      const { apiKey } = await createUserWithKey();

      const response = await graphql(service.graphqlUrl, 'subscription { hooks { id } }', { apiKey });

      expect(response.errors?.[0]?.message).to.satisfy((message: string) => /subscription/i.test(message));
      expect(response.errors?.[0]?.extensions?.code).to.not.equal('INTERNAL_SERVER_ERROR');
    });
  });
});
