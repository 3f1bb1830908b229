import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import { Types } from 'mongoose';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import {
  DELIVERIES,
  PING_HOOK,
  REDELIVER,
  expectData,
  verifyWithSecret,
  type DeliveryPage,
  type DeliveryResult,
} from '../support/delivery-operations.js';
import { eventually } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { testCertificates } from '../support/test-ca.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { expectBadUserInput, onlyError } from '../graphql/helpers.js';
import { createHookOwner, nextEntityId, waitForDelivery } from './event-path-helpers.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) { createHook(input: $input) { id secret } }`;

/** Bytes of the long response body, more than the 1,024 bytes an attempt keeps. */
const LONG_RESPONSE_BYTES = 3_000;

describe('redeliver and pingHook', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  before(async () => {
    service = await startTestService({ HOOKMILL_RETRY_DELAYS_SECONDS: '0,1' });
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createHookOwner());
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  async function createHook(hook: string, url: string): Promise<{ id: string; secret: string }> {
    const data = await expectData<{ createHook: { id: string; secret: string } }>(service.graphqlUrl, CREATE_HOOK, apiKey, {
      input: { hook, url },
    });
    return data.createHook;
  }

  async function listDeliveries(hookId: string): Promise<DeliveryResult[]> {
    const data = await expectData<{ deliveries: DeliveryPage }>(service.graphqlUrl, DELIVERIES, apiKey, { hookId });
    return data.deliveries.edges.map((edge) => edge.node);
  }

  /** Waits until a delivery of the hook is completed, and returns it. */
  function waitForCompleted(hookId: string, deliveryId: string): Promise<DeliveryResult> {
    return eventually(
      async () => (await listDeliveries(hookId)).find((delivery) => delivery.id === deliveryId && delivery.completedAt !== null),
      10_000,
      `delivery ${deliveryId} completed`,
    );
  }

  function waitForWebhookId(webhookId: string): Promise<ReceivedRequest> {
    return eventually(async () => receiver.requests.find((request) => request.headers['webhook-id'] === webhookId), 10_000, `a request with ${webhookId}`);
  }

  async function disable(hookId: string): Promise<void> {
    await HookModel.updateOne({ _id: hookId }, { $set: { enabled: false, disabledReason: 'the receiver answered 410 Gone', disabledAt: new Date() } });
  }

  describe('redeliver', () => {
    let hook: { id: string; secret: string };
    let original: DeliveryResult;
    let originalRequest: ReceivedRequest;
    let redelivery: DeliveryResult;
    let redeliveredRequest: ReceivedRequest;

    before(async () => {
      hook = await createHook('project.add', `${receiver.url}/redeliver`);
      const entityId = nextEntityId();
      await service.db.collection('projects').insertOne({ id: entityId, name: 'Harbour crane' });
      originalRequest = await waitForDelivery(receiver, '/redeliver', entityId);
      const [recorded] = await listDeliveries(hook.id);
      original = await waitForCompleted(hook.id, recorded!.id);

      const data = await expectData<{ redeliver: DeliveryResult }>(service.graphqlUrl, REDELIVER, apiKey, { deliveryId: original.id });
      redelivery = data.redeliver;
      redeliveredRequest = await waitForWebhookId(redelivery.webhookId);
    });

    context('when the hook is enabled', () => {
      it('returns a new pending delivery', () => {
        expect(redelivery.id).to.not.equal(original.id);
        expect(redelivery.state).to.equal('pending');
        expect(redelivery.attemptCount).to.equal(0);
        expect(redelivery.attempts).to.deep.equal([]);
      });

      it('keeps the event and entity', () => {
        expect(redelivery.event).to.equal('project.add');
        expect(redelivery.entityId).to.equal(original.entityId);
        expect(redelivery.hookId).to.equal(hook.id);
      });

      it("takes the hook's next sequence", () => {
        expect(redelivery.sequence).to.equal(original.sequence + 1);
      });

      it('sends a new webhook-id', () => {
        expect(redeliveredRequest.headers['webhook-id']).to.equal(`msg_${redelivery.id}`);
        expect(redeliveredRequest.headers['webhook-id']).to.not.equal(originalRequest.headers['webhook-id']);
      });

      it('sends the new sequence in the body', () => {
        expect(redeliveredRequest.body.sequence).to.equal(redelivery.sequence);
      });

      it('sends the rest of the body unchanged', () => {
        const { sequence: _originalSequence, ...originalRest } = originalRequest.body;
        const { sequence: _newSequence, ...newRest } = redeliveredRequest.body;

        expect(newRest).to.deep.equal(originalRest);
      });

      it('signs it with the hook secret', () => {
        expect(() => verifyWithSecret(hook.secret, redeliveredRequest)).to.not.throw();
      });

      it('records its attempt', async () => {
        const completed = await waitForCompleted(hook.id, redelivery.id);

        expect(completed.state).to.equal('succeeded');
        expect(completed.attempts.map((attempt) => attempt.statusCode)).to.deep.equal([200]);
      });

      it('leaves the original delivery as it was', async () => {
        const stored = (await listDeliveries(hook.id)).find((delivery) => delivery.id === original.id);

        expect(stored).to.deep.equal(original);
      });
    });

    context('when the hook is disabled', () => {
      it('returns BAD_USER_INPUT naming enableHook', async () => {
        const disabled = await createHook('project.add', `${receiver.url}/redeliver-disabled`);
        const entityId = nextEntityId();
        await service.db.collection('projects').insertOne({ id: entityId, name: 'Dry dock' });
        await waitForDelivery(receiver, '/redeliver-disabled', entityId);
        const [delivery] = await listDeliveries(disabled.id);
        await disable(disabled.id);

        const response = await graphql(service.graphqlUrl, REDELIVER, { apiKey, variables: { deliveryId: delivery!.id } });

        const message = expectBadUserInput(response);
        expect(onlyError(response).extensions?.argument).to.equal('deliveryId');
        expect(message).to.include(`enableHook(id: "${disabled.id}")`);
        expect(message).to.include('410 Gone');
        expect(await DeliveryModel.countDocuments({ hookId: new Types.ObjectId(disabled.id) })).to.equal(1);
      });
    });

    context('when the hook was deleted', () => {
      it('returns NOT_FOUND saying so', async () => {
        const doomed = await createHook('project.add', `${receiver.url}/redeliver-deleted`);
        const entityId = nextEntityId();
        await service.db.collection('projects').insertOne({ id: entityId, name: 'Slipway' });
        await waitForDelivery(receiver, '/redeliver-deleted', entityId);
        const [delivery] = await listDeliveries(doomed.id);
        await graphql(service.graphqlUrl, `mutation($id: ID!) { deleteHook(id: $id) { id } }`, { apiKey, variables: { id: doomed.id } });

        const response = await graphql(service.graphqlUrl, REDELIVER, { apiKey, variables: { deliveryId: delivery!.id } });

        const error = onlyError(response);
        expect(error.extensions?.code).to.equal('NOT_FOUND');
        expect(error.message).to.include('was deleted');
      });
    });
  });

  describe('pingHook', () => {
    context('when the receiver responds 200', () => {
      let hook: { id: string; secret: string };
      let ping: DeliveryResult;
      let request: ReceivedRequest;

      before(async () => {
        hook = await createHook('account.update', `${receiver.url}/ping`);
        const data = await expectData<{ pingHook: DeliveryResult }>(service.graphqlUrl, PING_HOOK, apiKey, { id: hook.id });
        ping = data.pingHook;
        request = await waitForWebhookId(ping.webhookId);
      });

      it('returns a pending hookmill.ping delivery', () => {
        expect(ping.event).to.equal('hookmill.ping');
        expect(ping.entityId).to.equal(null);
        expect(ping.state).to.equal('pending');
      });

      it('sends the ping body', () => {
        expect(Object.keys(request.body)).to.deep.equal(['hook', 'url', 'Id', 'sequence', 'timestamp', 'message']);
        expect(request.body.hook).to.equal('hookmill.ping');
        expect(request.body.url).to.equal(`${receiver.url}/ping`);
        expect(request.body.Id).to.equal(null);
        expect(request.body.sequence).to.equal(ping.sequence);
        expect(request.body.message).to.be.a('string');
      });

      it('sends the time of the ping', () => {
        expect(request.body.timestamp).to.equal(ping.createdAt);
      });

      it('signs it with the hook secret', () => {
        expect(() => verifyWithSecret(hook.secret, request)).to.not.throw();
      });

      it('records the delivery as succeeded', async () => {
        const completed = await waitForCompleted(hook.id, ping.id);

        expect(completed.state).to.equal('succeeded');
        expect(completed.attempts).to.have.lengthOf(1);
        expect(completed.attempts[0]!.responseBody).to.equal('status 200');
      });

      it('takes the next sequence on a second ping', async () => {
        const data = await expectData<{ pingHook: DeliveryResult }>(service.graphqlUrl, PING_HOOK, apiKey, { id: hook.id });

        expect(data.pingHook.sequence).to.equal(ping.sequence + 1);
      });
    });

    context('when the receiver fails once', () => {
      let hook: { id: string; secret: string };
      let completed: DeliveryResult;
      let requests: ReceivedRequest[];

      before(async () => {
        let calls = 0;
        receiver.respondWith((request) => (request.path === '/ping-retry' && ++calls === 1 ? { status: 503 } : { status: 200 }));
        hook = await createHook('account.update', `${receiver.url}/ping-retry`);
        const { pingHook } = await expectData<{ pingHook: DeliveryResult }>(service.graphqlUrl, PING_HOOK, apiKey, { id: hook.id });
        requests = await receiver.waitForRequests(2, { path: '/ping-retry', timeoutMs: 15_000 });
        completed = await waitForCompleted(hook.id, pingHook.id);
      });

      after(() => {
        receiver.respondWith(() => ({ status: 200 }));
      });

      it('retries it with the same webhook-id', () => {
        expect(requests[1]!.headers['webhook-id']).to.equal(requests[0]!.headers['webhook-id']);
      });

      it('records both attempts', () => {
        expect(completed.state).to.equal('succeeded');
        expect(completed.attempts.map((attempt) => attempt.statusCode)).to.deep.equal([503, 200]);
      });

      it('records the failed response', () => {
        const [failed] = completed.attempts;

        expect(failed!.ok).to.equal(false);
        expect(failed!.error).to.include('HTTP 503');
        expect(failed!.responseBody).to.equal('status 503');
      });
    });

    context('when the response body is long', () => {
      let server: Server;

      before(async () => {
        const certificates = testCertificates();
        server = createServer({ cert: certificates.serverCertPem, key: certificates.serverKeyPem }, (request, response) => {
          request.resume();
          // "ä" is two bytes in UTF-8, so byte 1,024 falls inside a character.
          request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('a' + 'ä'.repeat(LONG_RESPONSE_BYTES / 2)));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      });

      after(async () => {
        server?.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      });

      it('keeps the first 1,024 response bytes', async () => {
        const { port } = server.address() as AddressInfo;
        const hook = await createHook('account.update', `https://127.0.0.1:${port}/long`);
        const { pingHook } = await expectData<{ pingHook: DeliveryResult }>(service.graphqlUrl, PING_HOOK, apiKey, { id: hook.id });

        const completed = await waitForCompleted(hook.id, pingHook.id);

        // 1 + 511 × 2 = 1,023 bytes, then the first byte of the next "ä", which decodes to U+FFFD.
        expect(completed.attempts[0]!.responseBody).to.equal('a' + 'ä'.repeat(511) + '\uFFFD');
      });
    });

    context('when the hook is disabled', () => {
      it('returns BAD_USER_INPUT naming enableHook', async () => {
        const hook = await createHook('account.update', `${receiver.url}/ping-disabled`);
        await disable(hook.id);

        const response = await graphql(service.graphqlUrl, PING_HOOK, { apiKey, variables: { id: hook.id } });

        const message = expectBadUserInput(response);
        expect(onlyError(response).extensions?.argument).to.equal('id');
        expect(message).to.include(`enableHook(id: "${hook.id}")`);
        expect(await DeliveryModel.countDocuments({ hookId: new Types.ObjectId(hook.id) })).to.equal(0);
      });
    });
  });
});
