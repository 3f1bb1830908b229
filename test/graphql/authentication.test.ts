import { expect } from 'chai';

import { generateApiKey } from '../../src/auth/api-keys.js';
import { ApiKeyModel } from '../../src/db/models/api-key.model.js';
import { UserModel } from '../../src/db/models/user.model.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql, type GraphQLResponse } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { onlyError } from './helpers.js';

const QUERY = '{ hookDefinitions { name } }';

describe('GraphQL authentication', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service?.stop();
  });

  function send(authorization?: string): Promise<GraphQLResponse> {
    return graphql(service.graphqlUrl, QUERY, { headers: authorization === undefined ? {} : { authorization } });
  }

  /** Checks the 401 response and returns its message. */
  function expectUnauthenticated(response: GraphQLResponse): string {
    expect(response.status).to.equal(401);
    expect(response.data ?? null).to.equal(null);
    const error = onlyError(response);
    expect(error.extensions?.code).to.equal('UNAUTHENTICATED');
    return error.message;
  }

  it('accepts a valid key', async () => {
    const { apiKey } = await createUserWithKey();

    const response = await send(`Bearer ${apiKey}`);

    expect(response.status).to.equal(200);
    expect(response.errors).to.equal(undefined);
  });

  it('rejects a request without Authorization header', async () => {
    const message = expectUnauthenticated(await send());

    expect(message).to.include('Missing API key');
    expect(message).to.include('Authorization: Bearer <key>');
  });

  it('rejects a non-Bearer header', async () => {
    const { apiKey } = await createUserWithKey();

    const message = expectUnauthenticated(await send(`Basic ${apiKey}`));

    expect(message).to.include('Invalid Authorization header');
    expect(message).to.include('"Bearer <key>"');
  });

  it('rejects the IDE placeholder key', async () => {
    const message = expectUnauthenticated(await send('Bearer <your API key>'));

    expect(message).to.include('placeholder "<your API key>"');
  });

  it('rejects an unknown key', async () => {
    const message = expectUnauthenticated(await send(`Bearer ${generateApiKey().key}`));

    expect(message).to.include('Unknown API key');
  });

  it('rejects a malformed key', async () => {
    const message = expectUnauthenticated(await send('Bearer not-a-hookmill-key'));

    expect(message).to.include('Malformed API key');
    expect(message).not.to.include('not-a-hookmill-key');
  });

  it('rejects a well-formed key whose secret part is wrong', async () => {
    const { apiKey } = await createUserWithKey();
    const tampered = apiKey.slice(0, -1) + (apiKey.endsWith('A') ? 'B' : 'A');

    const message = expectUnauthenticated(await send(`Bearer ${tampered}`));

    expect(message).to.include('Unknown API key');
  });

  it('rejects a revoked key', async () => {
    const { apiKey } = await createUserWithKey();
    const prefix = apiKey.split('_')[1]!;
    await ApiKeyModel.updateOne({ prefix }, { $set: { revokedAt: new Date() } });

    const message = expectUnauthenticated(await send(`Bearer ${apiKey}`));

    expect(message).to.include(`API key ${prefix} was revoked`);
  });

  it('rejects a user without the hooks right', async () => {
    const { apiKey, userId } = await createUserWithKey(['System.Hooks.Definitions.account']);

    const message = expectUnauthenticated(await send(`Bearer ${apiKey}`));

    expect(message).to.include(`User ${userId} lacks the right "Employeedirectory.Users view api key"`);
  });

  it('rejects the key of a deleted user', async () => {
    const { apiKey, userId } = await createUserWithKey();
    await UserModel.deleteOne({ userId });

    const message = expectUnauthenticated(await send(`Bearer ${apiKey}`));

    expect(message).to.include(`user ${userId}, who no longer exists`);
  });

  it('gives each reason its own message', async () => {
    const revoked = await createUserWithKey();
    await ApiKeyModel.updateOne({ prefix: revoked.apiKey.split('_')[1] }, { $set: { revokedAt: new Date() } });
    const withoutRight = await createUserWithKey([]);

    const messages = [
      expectUnauthenticated(await send()),
      expectUnauthenticated(await send('Basic abc')),
      expectUnauthenticated(await send(`Bearer ${generateApiKey().key}`)),
      expectUnauthenticated(await send('Bearer not-a-hookmill-key')),
      expectUnauthenticated(await send(`Bearer ${revoked.apiKey}`)),
      expectUnauthenticated(await send(`Bearer ${withoutRight.apiKey}`)),
    ];

    expect(new Set(messages).size).to.equal(messages.length);
  });
});
