import { expect } from 'chai';
import mongoose from 'mongoose';

import { MAX_BODY_BYTES } from '../../src/http/app.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { HOOKS, onlyError } from './helpers.js';

interface ErrorBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const CREATE_BY_GET = 'mutation { createHook(input: { hook: "account.update", url: "https://127.0.0.1:9/by-get" }) { id } }';

describe('GraphQL over HTTP', () => {
  let service: TestService;
  let apiKey: string;

  before(async () => {
    service = await startTestService();
    ({ apiKey } = await createUserWithKey());
  });

  after(async () => {
    await service?.stop();
  });

  describe('GraphiQL page', () => {
    async function page(): Promise<Response> {
      return fetch(service.graphqlUrl, { headers: { accept: 'text/html,application/xhtml+xml' } });
    }

    it('is served to a browser on GET /graphql', async () => {
      const response = await page();

      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/html/);
      expect(await response.text()).to.include('<div id="graphiql">');
    });

    it('loads scripts and styles only from /graphiql/', async () => {
      const html = await (await page()).text();

      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      expect(references).not.to.be.empty;
      for (const reference of references) expect(reference, reference).to.match(/^\/graphiql\//);
    });

    it('names no URL on another host', async () => {
      const html = await (await page()).text();
      const ownHost = new URL(service.url).host;

      const foreign = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/gi)].map((match) => match[0]).filter((url) => new URL(url).host !== ownHost);
      expect(foreign).to.deep.equal([]);
    });

    it('serves every asset it references', async () => {
      const html = await (await page()).text();
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

      for (const reference of references) {
        const response = await fetch(`${service.url}${reference}`);
        expect(response.status, reference).to.equal(200);
        expect((await response.arrayBuffer()).byteLength, reference).to.be.above(0);
      }
    });

    it('forbids scripts from other origins', async () => {
      const policy = (await page()).headers.get('content-security-policy');

      expect(policy).to.include("default-src 'self'");
    });
  });

  describe('GET requests', () => {
    async function hookCount(): Promise<number> {
      const response = await graphql<{ hooks: unknown[] }>(service.graphqlUrl, HOOKS, { apiKey });
      return response.data!.hooks.length;
    }

    it('run a query', async () => {
      const url = `${service.graphqlUrl}?query=${encodeURIComponent('{ hookDefinitions { name } }')}`;

      const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': 'true' } });

      expect(response.status).to.equal(200);
      const body = (await response.json()) as { data: { hookDefinitions: unknown[] } };
      expect(body.data.hookDefinitions).to.have.lengthOf(25);
    });

    it('without a preflight header are blocked as possible CSRF', async () => {
      const url = `${service.graphqlUrl}?query=${encodeURIComponent(CREATE_BY_GET)}`;

      const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });

      expect(response.status).to.equal(400);
      expect(await response.text()).to.include('Cross-Site Request Forgery');
      expect(await hookCount()).to.equal(0);
    });

    it('cannot run a mutation', async () => {
      const url = `${service.graphqlUrl}?query=${encodeURIComponent(CREATE_BY_GET)}`;

      const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': 'true' } });

      expect(response.status).to.equal(405);
      const body = (await response.json()) as ErrorBody;
      expect(body.errors?.[0]?.message).to.include('mutation');
      expect(await hookCount()).to.equal(0);
    });
  });

  describe('request bodies', () => {
    it(`rejects a body over ${MAX_BODY_BYTES / 1024} KB with a JSON error`, async () => {
      const body = JSON.stringify({ query: '{ hookDefinitions { name } }', variables: { padding: 'x'.repeat(MAX_BODY_BYTES) } });

      const response = await fetch(service.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body,
      });

      expect(response.status).to.equal(413);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      const json = (await response.json()) as ErrorBody;
      expect(json.errors?.[0]?.message).to.include(`larger than ${MAX_BODY_BYTES} bytes`);
      expect(json.errors?.[0]?.extensions?.code).to.equal('BAD_REQUEST');
    });

    it('rejects invalid JSON with a JSON error', async () => {
      const response = await fetch(service.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: '{"query": "{ hookDefinitions { name } }"',
      });

      expect(response.status).to.equal(400);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      const json = (await response.json()) as ErrorBody;
      expect(json.errors?.[0]?.message).to.include('not valid JSON');
      expect(json.errors?.[0]?.extensions?.code).to.equal('BAD_REQUEST');
    });
  });

  describe('internal errors', () => {
    /** Text that would show a stack trace or a database or JavaScript error message. */
    const LEAKS = [/\bat .+:\d+:\d+/, /toHexString/, /TypeError/, /buffering timed out/i, /mongo/i, /hookmill_/];

    function expectNoLeak(text: string): void {
      for (const leak of LEAKS) expect(text, `response contains ${leak}`).not.to.match(leak);
    }

    it('masks an error thrown while resolving', async () => {
      const { apiKey: ownKey, userId } = await createUserWithKey();
      // A hook whose _id is not an ObjectId cannot be turned into a GraphQL Hook, so the resolver throws a TypeError.
      await service.db.collection('hookmill_hooks').insertOne({
        _id: 'not-an-object-id' as never,
        hook: 'account.update',
        url: 'https://127.0.0.1:9/corrupt',
        ownerId: userId,
        createdAt: new Date(),
      });

      const response = await fetch(service.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ownKey}` },
        body: JSON.stringify({ query: '{ hooks { id } }' }),
      });
      const text = await response.text();
      const error = onlyError({ status: response.status, ...(JSON.parse(text) as ErrorBody) } as never);

      expect(error.extensions?.code).to.equal('INTERNAL_SERVER_ERROR');
      expect(error.extensions?.requestId).to.equal(response.headers.get('x-request-id'));
      expect(error.message).to.include(String(error.extensions?.requestId));
      expect(error.extensions).not.to.have.property('stacktrace');
      expectNoLeak(text);
    });

    it('masks a database failure during authentication', async function () {
      this.timeout(15_000);
      // Stops everything that uses the connection, then closes it; mongoose then waits bufferTimeoutMS for a reconnection.
      await service.watcher.stop();
      await service.dispatcher.stop();
      const bufferTimeoutMS = mongoose.get('bufferTimeoutMS');
      mongoose.set('bufferTimeoutMS', 500);
      await mongoose.disconnect();

      try {
        const response = await fetch(service.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ query: '{ hookDefinitions { name } }' }),
        });
        const text = await response.text();
        const error = onlyError({ status: response.status, ...(JSON.parse(text) as ErrorBody) } as never);

        expect(response.status).to.equal(503);
        expect(error.extensions?.code).to.equal('INTERNAL_SERVER_ERROR');
        expect(error.extensions?.requestId).to.equal(response.headers.get('x-request-id'));
        expect(error.message).to.include(String(error.extensions?.requestId));
        expectNoLeak(text);
      } finally {
        mongoose.set('bufferTimeoutMS', bufferTimeoutMS);
      }
    });
  });
});
