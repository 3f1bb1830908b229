import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { AttemptModel, type AttemptRecord } from '../../src/db/models/attempt.model.js';
import { DeliveryModel, type DeliveryRecord } from '../../src/db/models/delivery.model.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import { HttpSender, type SendResult } from '../../src/delivery/http-sender.js';
import { parseCidr, type Cidr } from '../../src/delivery/receiver-cidr.js';
import { ReceiverGuard, type HostResolver } from '../../src/delivery/receiver-guard.js';
import { generateSigningSecret } from '../../src/delivery/signature.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { testCertificates } from '../support/test-ca.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery } from './event-path-helpers.js';

const LOOPBACK_ONLY: readonly Cidr[] = ['127.0.0.1/32'].map((text) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
});

/** Creates a resolver that returns the next address list on each call (the last one repeats) and counts calls. */
function scriptedResolver(...answers: LookupAddress[][]): HostResolver & { calls: number } {
  const resolver = Object.assign(
    async () => {
      const answer = answers[Math.min(resolver.calls, answers.length - 1)]!;
      resolver.calls++;
      return answer;
    },
    { calls: 0 },
  );
  return resolver;
}

function senderWith(receiverGuard: ReceiverGuard): HttpSender {
  return new HttpSender({ timeoutMs: 3_000, caFile: testCertificates().caFile, userAgent: 'hookmill-test', receiverGuard });
}

/** Starts a plain HTTP server on 127.0.0.1 that records every request, as a redirect target. */
async function startRecordingServer(): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    response.end('metadata');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

describe('HttpSender receiver checks', () => {
  let receiver: HttpsReceiver;
  let localhostUrl: string;
  const senders: HttpSender[] = [];

  function send(receiverGuard: ReceiverGuard, url: string): Promise<SendResult> {
    const sender = senderWith(receiverGuard);
    senders.push(sender);
    return sender.send(url, '{}');
  }

  before(async () => {
    receiver = await startHttpsReceiver();
    localhostUrl = receiver.url.replace('127.0.0.1', 'localhost');
  });

  after(async () => {
    for (const sender of senders) await sender.close();
    await receiver?.close();
  });

  context('when 127.0.0.1 is not allowed', () => {
    const guard = new ReceiverGuard({ allowedCidrs: [] });

    it('fails an attempt to 127.0.0.1', async () => {
      const result = await send(guard, `${receiver.url}/denied-address`);

      expect(result.ok).to.equal(false);
      expect(result.error).to.include('receiver address 127.0.0.1 is a loopback address');
    });

    it('fails an attempt to localhost', async () => {
      const result = await send(guard, `${localhostUrl}/denied-name`);

      expect(result.error).to.include('receiver host localhost resolves to 127.0.0.1, a loopback address');
    });

    it('names the variable that allows it', async () => {
      const result = await send(guard, `${receiver.url}/denied-address`);

      expect(result.error).to.include('add 127.0.0.1/32 to HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });

    it('stores no status code', async () => {
      expect((await send(guard, `${receiver.url}/denied-address`)).statusCode).to.equal(null);
    });

    it('sends nothing to the receiver', () => {
      expect(receiver.requestsTo('/denied-address')).to.have.length(0);
      expect(receiver.requestsTo('/denied-name')).to.have.length(0);
    });
  });

  context('when 127.0.0.1/32 is allowed', () => {
    const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY });

    it('delivers to 127.0.0.1', async () => {
      const result = await send(guard, `${receiver.url}/allowed-address`);

      expect(result.error).to.equal(null);
      expect(receiver.requestsTo('/allowed-address')).to.have.length(1);
    });

    it('delivers to localhost with its name as Host', async () => {
      await send(guard, `${localhostUrl}/allowed-name`);

      const [request] = receiver.requestsTo('/allowed-name');
      expect(request?.headers.host).to.equal(new URL(localhostUrl).host);
    });
  });

  context('when a name resolves to 169.254.169.254', () => {
    it('fails the attempt without connecting', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: [], resolve: scriptedResolver([{ address: '169.254.169.254', family: 4 }]) });

      const result = await send(guard, 'https://metadata.test/latest/meta-data');

      expect(result.error).to.include('receiver host metadata.test resolves to 169.254.169.254, a link-local address');
    });
  });

  context('when the name resolves once', () => {
    it('connects to the checked address without a second lookup', async () => {
      const resolver = scriptedResolver([{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.5', family: 4 }]);
      const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve: resolver });

      const result = await send(guard, `${localhostUrl}/resolved-once`);

      expect(result.error).to.equal(null);
      expect(resolver.calls).to.equal(1);
      expect(receiver.requestsTo('/resolved-once')).to.have.length(1);
    });
  });

  context('when a later DNS answer changes to a private address', () => {
    it('fails the next connection', async () => {
      const resolver = scriptedResolver([{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.5', family: 4 }]);
      const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve: resolver });
      await send(guard, `${localhostUrl}/rebinding`);

      const second = await send(guard, `${localhostUrl}/rebinding`);

      expect(second.error).to.include('receiver host localhost resolves to 10.0.0.5, a private address');
      expect(receiver.requestsTo('/rebinding')).to.have.length(1);
    });
  });

  context('when one of the answers is a private address', () => {
    it('fails the attempt', async () => {
      const resolver = scriptedResolver([
        { address: '127.0.0.1', family: 4 },
        { address: '192.168.0.10', family: 4 },
      ]);
      const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve: resolver });

      const result = await send(guard, `${localhostUrl}/mixed`);

      expect(result.error).to.include('resolves to 192.168.0.10, a private address');
      expect(receiver.requestsTo('/mixed')).to.have.length(0);
    });
  });

  context('when the receiver redirects to http://127.0.0.1', () => {
    let target: Awaited<ReturnType<typeof startRecordingServer>>;
    let result: SendResult;

    before(async () => {
      target = await startRecordingServer();
      receiver.respondWith((request) =>
        request.path === '/redirect-to-metadata' ? { status: 302, headers: { location: `${target.url}/latest/meta-data` } } : { status: 200 },
      );
      result = await send(new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY }), `${receiver.url}/redirect-to-metadata`);
    });

    after(async () => {
      receiver.respondWith(() => ({ status: 200 }));
      await new Promise<void>((resolve) => target?.server.close(() => resolve()));
    });

    it('does not follow it', () => {
      expect(target.requests).to.have.length(0);
    });

    it('fails the attempt with the redirect status', () => {
      expect(result.statusCode).to.equal(302);
    });

    it('says redirects are not followed', () => {
      expect(result.error).to.equal(
        `receiver answered 302 redirect to ${target.url}/latest/meta-data; redirects are not followed, register the final URL`,
      );
    });
  });
});

describe('delivery receiver checks', () => {
  let receiver: HttpsReceiver;

  before(async () => {
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  context('when the receiver address is not allowed', () => {
    let service: TestService;
    const outcomes = new Map<string, { delivery: DeliveryRecord; attempts: AttemptRecord[] }>();

    /**
     * Stores the hooks directly, because createHook would reject them; a service with another
     * HOOKMILL_ALLOWED_RECEIVER_CIDRS could have stored them. One insert then triggers both, and each
     * delivery uses up its retry schedule.
     */
    before(async () => {
      service = await startTestService({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: '', HOOKMILL_RETRY_DELAYS_SECONDS: '0,1' });
      const { userId } = await createHookOwner();
      const urls: Record<string, string> = {
        address: `${receiver.url}/stored-address`,
        name: `${receiver.url.replace('127.0.0.1', 'localhost')}/stored-name`,
      };
      const hookIds = new Map<string, string>();
      for (const [name, url] of Object.entries(urls)) {
        const hook = await HookModel.create({ hook: 'account.add', url, ownerId: userId, secret: generateSigningSecret() });
        hookIds.set(name, hook._id.toHexString());
      }

      await service.db.collection('accounts').insertOne({ id: nextEntityId(), name: 'Internal Oy' });

      for (const [name, hookId] of hookIds) {
        const delivery = await eventually(
          async () => (await DeliveryModel.findOne({ hookId, state: { $in: ['succeeded', 'failed'] } }).lean<DeliveryRecord>()) ?? undefined,
          10_000,
          `final state of the ${name} delivery`,
        );
        const attempts = await AttemptModel.find({ hookId }).sort({ attempt: 1 }).lean<AttemptRecord[]>();
        outcomes.set(name, { delivery, attempts });
      }
    });

    after(async () => {
      await service?.stop();
    });

    function outcome(name: string) {
      const found = outcomes.get(name);
      if (!found) throw new Error(`No outcome recorded for ${name}`);
      return found;
    }

    it('stores a failed attempt per scheduled attempt', () => {
      expect(outcome('address').attempts.map((attempt) => [attempt.attempt, attempt.ok])).to.deep.equal([
        [1, false],
        [2, false],
      ]);
    });

    it('marks the delivery failed after the schedule', () => {
      expect(outcome('address').delivery.state).to.equal('failed');
    });

    it('stores why an IP-address host was rejected', () => {
      expect(outcome('address').attempts[0]!.error).to.include('receiver address 127.0.0.1 is a loopback address');
    });

    it('stores why a host name was rejected', () => {
      expect(outcome('name').attempts[0]!.error).to.include('receiver host localhost resolves to 127.0.0.1, a loopback address');
    });

    it('names the variable in the stored error', () => {
      expect(outcome('address').attempts[0]!.error).to.include('HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });

    it('sends nothing to the receiver', () => {
      expect(receiver.requestsTo('/stored-address')).to.have.length(0);
      expect(receiver.requestsTo('/stored-name')).to.have.length(0);
    });
  });

  context('when 127.0.0.1/32 is allowed', () => {
    let service: TestService;

    before(async () => {
      service = await startTestService({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: '127.0.0.1/32' });
    });

    after(async () => {
      await service?.stop();
    });

    it('delivers to 127.0.0.1 and localhost', async () => {
      const { apiKey } = await createHookOwner();
      await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${receiver.url}/allowed-address` });
      await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url: `${receiver.url.replace('127.0.0.1', 'localhost')}/allowed-name` });
      const entityId = nextEntityId();

      await service.db.collection('accounts').insertOne({ id: entityId, name: 'Allowed Oy' });

      expect((await waitForDelivery(receiver, '/allowed-address', entityId)).body.Id).to.equal(entityId);
      expect((await waitForDelivery(receiver, '/allowed-name', entityId)).body.Id).to.equal(entityId);
    });
  });
});
