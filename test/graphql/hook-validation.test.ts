import { expect } from 'chai';

import { EVENT_NAMES } from '../../src/events/catalogue.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { CREATE_HOOK, DELETE_HOOK, HOOK, HOOKS, expectBadUserInput } from './helpers.js';

/** Every URL here is rejected before use; valid ones point at this machine only. */
const VALID_URL = 'https://127.0.0.1:9/hooks';

describe('GraphQL input validation', () => {
  let service: TestService;
  let apiKey: string;

  before(async () => {
    service = await startTestService();
    ({ apiKey } = await createUserWithKey());
  });

  after(async () => {
    await service?.stop();
  });

  function createHook(input: Record<string, unknown>) {
    return graphql(service.graphqlUrl, CREATE_HOOK, { apiKey, variables: { input: { hook: 'account.update', url: VALID_URL, ...input } } });
  }

  async function hookCount(): Promise<number> {
    const response = await graphql<{ hooks: unknown[] }>(service.graphqlUrl, HOOKS, { apiKey });
    return response.data!.hooks.length;
  }

  context('when the event is unknown', () => {
    it('suggests the close event for a typo', async () => {
      const message = expectBadUserInput(await createHook({ hook: 'acount.update' }));

      expect(message).to.include('"acount.update"');
      expect(message).to.include('Did you mean "account.update"?');
    });

    it('lists every valid event', async () => {
      const message = expectBadUserInput(await createHook({ hook: 'acount.update' }));

      for (const name of EVENT_NAMES) expect(message).to.include(name);
    });

    it('suggests nothing for a name far from every event', async () => {
      const message = expectBadUserInput(await createHook({ hook: 'invoice.paid' }));

      expect(message).to.include('"invoice.paid"');
      expect(message).not.to.include('Did you mean');
    });

    it('rejects it in the hooks filter too', async () => {
      const response = await graphql(service.graphqlUrl, HOOKS, { apiKey, variables: { filter: { hook: 'acount.update' } } });

      const message = expectBadUserInput(response);
      expect(message).to.include('Did you mean "account.update"?');
    });
  });

  context('when the receiver URL is invalid', () => {
    const cases: { name: string; url: string; expected: string[] }[] = [
      { name: 'http scheme', url: 'http://127.0.0.1:9/hooks', expected: ['"http://127.0.0.1:9/hooks"', 'only https://'] },
      { name: 'malformed URL', url: 'https//127.0.0.1/hooks', expected: ['"https//127.0.0.1/hooks"', 'not a valid URL', 'https://host/path'] },
      { name: 'credentials', url: 'https://user:secret@127.0.0.1:9/hooks', expected: ['contains credentials', 'remove them'] },
      { name: 'fragment', url: 'https://127.0.0.1:9/hooks#part', expected: ['"https://127.0.0.1:9/hooks#part"', 'fragment', 'remove it'] },
      { name: 'leading whitespace', url: ' https://127.0.0.1:9/hooks', expected: ['" https://127.0.0.1:9/hooks"', 'whitespace', 'remove it'] },
      { name: 'trailing whitespace', url: 'https://127.0.0.1:9/hooks\n', expected: ['whitespace', 'remove it'] },
      { name: 'over 2,048 characters', url: `https://127.0.0.1:9/${'a'.repeat(2_048)}`, expected: ['2068 characters', 'maximum is 2048', 'shorter URL'] },
    ];

    for (const { name, url, expected } of cases) {
      it(`rejects a URL with ${name}`, async () => {
        const message = expectBadUserInput(await createHook({ url }));

        for (const part of expected) expect(message).to.include(part);
      });
    }

    it('accepts a URL of exactly 2,048 characters', async () => {
      const base = 'https://127.0.0.1:9/';
      const response = await createHook({ url: base + 'a'.repeat(2_048 - base.length) });

      expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    });
  });

  context('when a filter is not supported by the event', () => {
    for (const field of ['eventUser', 'eventProject']) {
      it(`rejects ${field} on account.update`, async () => {
        const message = expectBadUserInput(await createHook({ hook: 'account.update', [field]: 5 }));

        expect(message).to.include(`${field} is not supported for account.update`);
        expect(message).to.include('request.update and timereport.update');
        expect(message).to.include(`Remove ${field}`);
      });
    }
  });

  context('when an id is not positive', () => {
    for (const field of ['eventUser', 'eventProject']) {
      for (const value of [0, -3]) {
        it(`rejects ${field} ${value} in createHook`, async () => {
          const message = expectBadUserInput(await createHook({ hook: 'request.update', [field]: value }));

          expect(message).to.include(`${field} must be a positive id; got ${value}`);
          expect(message).to.include(`Omit it`);
        });

        it(`rejects ${field} ${value} in the hooks filter`, async () => {
          const response = await graphql(service.graphqlUrl, HOOKS, { apiKey, variables: { filter: { [field]: value } } });

          expect(expectBadUserInput(response)).to.include(`${field} must be a positive id; got ${value}`);
        });
      }
    }
  });

  context('when a hook id is malformed', () => {
    for (const [name, operation] of [
      ['hook', HOOK],
      ['deleteHook', DELETE_HOOK],
    ] as const) {
      for (const id of ['not-an-id', '123', '0123456789abcdef0123456z']) {
        it(`${name} rejects "${id}"`, async () => {
          const response = await graphql(service.graphqlUrl, operation, { apiKey, variables: { id } });

          const message = expectBadUserInput(response);
          expect(message).to.include(`"${id}"`);
          expect(message).to.include('24-character hexadecimal id');
        });
      }
    }
  });

  it('stores no hook for rejected input', async () => {
    const before = await hookCount();

    await createHook({ hook: 'acount.update' });
    await createHook({ url: 'http://127.0.0.1:9/hooks' });
    await createHook({ eventUser: 5 });

    expect(await hookCount()).to.equal(before);
  });

  it('rejects an id outside the Int range with BAD_USER_INPUT', async () => {
    const response = await createHook({ hook: 'request.update', eventUser: 2 ** 31 });

    expectBadUserInput(response);
  });
});
