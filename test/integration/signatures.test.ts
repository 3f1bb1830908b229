import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';

import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) { createHook(input: $input) { id secret } }`;

describe('delivery signatures', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  before(async () => {
    service = await startTestService({ HOOKMILL_RETRY_DELAYS_SECONDS: '0,1' });
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createUserWithKey());
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  async function createHook(path: string): Promise<{ id: string; secret: string }> {
    const response = await graphql<{ createHook: { id: string; secret: string } }>(service.graphqlUrl, CREATE_HOOK, {
      apiKey,
      variables: { input: { hook: 'project.add', url: `${receiver.url}${path}` } },
    });
    return response.data!.createHook;
  }

  context('when a hook is created', () => {
    it('returns a whsec_ secret once', async () => {
      const hook = await createHook('/once');
      const listed = await graphql<{ hook: { secret: string | null } }>(service.graphqlUrl, `query($id: ID!) { hook(id: $id) { secret } }`, {
        apiKey,
        variables: { id: hook.id },
      });
      expect(hook.secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(listed.data?.hook.secret).to.equal(null);
    });
  });

  context('when a delivery is sent', () => {
    it('verifies with the standardwebhooks library', async () => {
      const hook = await createHook('/signed');
      await service.db.collection('projects').insertOne({ id: 501, name: 'Näin – "quoted" \u0001 ✓' });

      const [request] = await receiver.waitForRequests(1, { path: '/signed' });
      const payload = new Webhook(hook.secret).verify(request!.rawBody, {
        'webhook-id': String(request!.headers['webhook-id']),
        'webhook-timestamp': String(request!.headers['webhook-timestamp']),
        'webhook-signature': String(request!.headers['webhook-signature']),
      }) as { Id: number; subject: string };
      expect(payload.Id).to.equal(501);
      expect(payload.subject).to.equal('Näin – "quoted" \u0001 ✓');
    });

    it('rejects a signature made with another secret', async () => {
      await createHook('/other');
      const other = await createHook('/unused');
      await service.db.collection('projects').insertOne({ id: 502, name: 'Other' });

      const [request] = await receiver.waitForRequests(1, { path: '/other' });
      const verify = () =>
        new Webhook(other.secret).verify(request!.rawBody, {
          'webhook-id': String(request!.headers['webhook-id']),
          'webhook-timestamp': String(request!.headers['webhook-timestamp']),
          'webhook-signature': String(request!.headers['webhook-signature']),
        });
      expect(verify).to.throw();
    });
  });

  context('when the receiver fails once', () => {
    it('keeps webhook-id across attempts', async () => {
      let calls = 0;
      receiver.respondWith((request) => (request.path === '/retry' && ++calls === 1 ? { status: 500 } : { status: 200 }));
      const hook = await createHook('/retry');
      await service.db.collection('projects').insertOne({ id: 503, name: 'Retried' });

      const [first, second] = await receiver.waitForRequests(2, { path: '/retry', timeoutMs: 15_000 });
      expect(first!.headers['webhook-id']).to.match(/^msg_[0-9a-f]{24}$/);
      expect(second!.headers['webhook-id']).to.equal(first!.headers['webhook-id']);
      expect(() =>
        new Webhook(hook.secret).verify(second!.rawBody, {
          'webhook-id': String(second!.headers['webhook-id']),
          'webhook-timestamp': String(second!.headers['webhook-timestamp']),
          'webhook-signature': String(second!.headers['webhook-signature']),
        }),
      ).to.not.throw();
    });
  });
});
