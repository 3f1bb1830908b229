import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import { revokeApiKey } from '../../src/admin/admin.service.js';
import { planMillSignature } from '../../src/auth/planmill-auth.js';
import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const QUERY = '{ hooks { id } }';

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function newNonce(): string {
  return randomBytes(4).toString('hex').slice(0, 6);
}

/** Builds the header as a PlanMill client does. */
function planMillHeader(apiKey: string, userId: number, fields: { nonce?: string; timestamp?: number; signature?: string } = {}): string {
  const nonce = fields.nonce ?? newNonce();
  const timestamp = fields.timestamp ?? nowSeconds();
  const signature = fields.signature ?? planMillSignature(apiKey, userId, nonce, timestamp);
  return `user:${userId};nonce:${nonce};timestamp:${timestamp};signature:${signature}`;
}

describe('PlanMill authentication', () => {
  let service: TestService;
  let userId: number;
  let apiKey: string;

  before(async () => {
    service = await startTestService();
    ({ userId, apiKey } = await createUserWithKey());
  });

  after(async () => {
    await service?.stop();
  });

  async function request(header: string) {
    return graphql(service.graphqlUrl, QUERY, { headers: { 'x-PlanMill-Auth': header } });
  }

  async function rejection(header: string): Promise<{ status: number; code: string | undefined; message: string }> {
    const response = await request(header);
    return { status: response.status, code: response.errors?.[0]?.extensions?.code, message: response.errors?.[0]?.message ?? '' };
  }

  context('when the header is signed with the API key', () => {
    it('authenticates the user', async () => {
      const response = await request(planMillHeader(apiKey, userId));

      expect(response.status).to.equal(200);
      expect(response.errors).to.equal(undefined);
    });
  });

  context('when the header is wrong', () => {
    const cases: [string, () => string, string][] = [
      ['a part is missing', () => `user:${userId};nonce:abcd;timestamp:${nowSeconds()}`, 'signature missing'],
      ['the user is not a number', () => planMillHeader(apiKey, userId).replace(`user:${userId}`, 'user:bob'), 'Invalid x-PlanMill-Auth user "bob"'],
      ['the nonce is too short', () => planMillHeader(apiKey, userId, { nonce: 'abc' }), 'Invalid x-PlanMill-Auth nonce "abc"'],
      ['the nonce is too long', () => planMillHeader(apiKey, userId, { nonce: 'abcdefghi' }), 'Invalid x-PlanMill-Auth nonce "abcdefghi"'],
      ['the timestamp is not a number', () => planMillHeader(apiKey, userId).replace(/timestamp:\d+/, 'timestamp:soon'), 'Invalid x-PlanMill-Auth timestamp "soon"'],
      ['the timestamp is too old', () => planMillHeader(apiKey, userId, { timestamp: nowSeconds() - 120 }), 'it must be within 60 s'],
      ['the timestamp is in the future', () => planMillHeader(apiKey, userId, { timestamp: nowSeconds() + 120 }), 'it must be within 60 s'],
      ['the signature is not base64', () => planMillHeader(apiKey, userId, { signature: 'not-a-signature' }), 'Invalid x-PlanMill-Auth signature'],
      ['another key signed it', () => planMillHeader(`${apiKey}x`, userId), 'does not match any active API key'],
      ['another user is named', () => planMillHeader(apiKey, userId + 100_000), 'does not match any active API key'],
    ];

    for (const [name, header, message] of cases) {
      it(`rejects it when ${name}`, async () => {
        const result = await rejection(header());

        expect(result.status).to.equal(401);
        expect(result.code).to.equal('UNAUTHENTICATED');
        expect(result.message).to.include(message);
      });
    }
  });

  context('when a nonce is sent twice', () => {
    it('rejects the second request', async () => {
      const nonce = newNonce();
      const first = await request(planMillHeader(apiKey, userId, { nonce }));
      const second = await rejection(planMillHeader(apiKey, userId, { nonce }));

      expect(first.status).to.equal(200);
      expect(second.status).to.equal(401);
      expect(second.message).to.equal(`x-PlanMill-Auth nonce "${nonce}" was already used; send a new nonce with each request.`);
    });
  });

  context('when the key was revoked', () => {
    it('rejects the signature', async () => {
      const other = await createUserWithKey();
      await revokeApiKey(other.apiKey.slice(3, 15));

      const result = await rejection(planMillHeader(other.apiKey, other.userId));

      expect(result.status).to.equal(401);
      expect(result.message).to.include('does not match any active API key');
    });
  });
});
