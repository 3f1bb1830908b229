import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { AttemptModel, type AttemptRecord } from '../../src/db/models/attempt.model.js';
import { DeliveryModel, type DeliveryRecord } from '../../src/db/models/delivery.model.js';
import { MIN_WAIT_AFTER_OVERLOAD_SECONDS } from '../../src/delivery/retry-policy.js';
import { RETRY_JITTER_RATIO } from '../../src/delivery/retry-schedule.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver, type Responder } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId } from './event-path-helpers.js';

const TIMEOUT_MS = 1_000;
const RETRY_DELAY_MS = 1_000;
const MIN_RETRY_DELAY_MS = RETRY_DELAY_MS * (1 - RETRY_JITTER_RATIO);

/** Returns a URL on a 127.0.0.1 port that was free a moment ago and is closed again, so connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${port}/refused`;
}

interface Outcome {
  delivery: DeliveryRecord;
  attempts: AttemptRecord[];
}

describe('delivery failures', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let untrustedReceiver: HttpsReceiver;
  const outcomes = new Map<string, Outcome>();
  let failOnceCount = 0;

  const responders: Record<string, Responder> = {
    '/status-500': () => ({ status: 500 }),
    '/slow': () => ({ status: 200, delayMs: TIMEOUT_MS * 3 }),
    '/redirect': () => ({ status: 302, headers: { location: `${receiver.url}/final` } }),
    '/fail-once': () => {
      failOnceCount++;
      return { status: failOnceCount === 1 ? 500 : 200 };
    },
  };

  function outcome(name: string): Outcome {
    const found = outcomes.get(name);
    if (!found) throw new Error(`No outcome recorded for ${name}`);
    return found;
  }

  /**
   * Registers one account.add hook per failure, triggers them all with one insert and waits until
   * every delivery has succeeded or used up the retry schedule.
   */
  before(async () => {
    service = await startTestService({
      HOOKMILL_RETRY_DELAYS_SECONDS: `0,${RETRY_DELAY_MS / 1000}`,
      HOOKMILL_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    receiver = await startHttpsReceiver();
    receiver.respondWith((request) => responders[request.path]?.(request) ?? { status: 200 });
    untrustedReceiver = await startHttpsReceiver({ untrusted: true });

    const urls: Record<string, string> = {
      'status 500': `${receiver.url}/status-500`,
      timeout: `${receiver.url}/slow`,
      'connection refused': await closedPortUrl(),
      'untrusted certificate': `${untrustedReceiver.url}/untrusted`,
      redirect: `${receiver.url}/redirect`,
      'failure then success': `${receiver.url}/fail-once`,
    };
    const { apiKey } = await createHookOwner();
    const hookIds = new Map<string, string>();
    for (const [name, url] of Object.entries(urls)) {
      hookIds.set(name, await createHook(service.graphqlUrl, apiKey, { hook: 'account.add', url }));
    }

    await service.db.collection('accounts').insertOne({ id: nextEntityId(), name: 'Failing Oy' });

    for (const [name, hookId] of hookIds) {
      // A timed-out attempt is retried a minute later at the earliest, so that delivery is read after its first attempt.
      const settled = name === 'timeout' ? { attemptCount: 1 } : { state: { $in: ['succeeded', 'failed'] } };
      const delivery = await eventually(
        async () => (await DeliveryModel.findOne({ hookId, ...settled }).lean<DeliveryRecord>()) ?? undefined,
        10_000,
        `final state of the ${name} delivery`,
      );
      const attempts = await AttemptModel.find({ hookId }).sort({ attempt: 1 }).lean<AttemptRecord[]>();
      outcomes.set(name, { delivery, attempts });
    }
  });

  after(async () => {
    await receiver?.close();
    await untrustedReceiver?.close();
    await service?.stop();
  });

  for (const name of ['status 500', 'connection refused', 'untrusted certificate', 'redirect']) {
    context(`when every attempt fails with ${name}`, () => {
      it('stores two failed attempts', () => {
        expect(outcome(name).attempts.map((attempt) => [attempt.attempt, attempt.ok])).to.deep.equal([
          [1, false],
          [2, false],
        ]);
      });

      it('waits the retry delay between attempts', () => {
        const [first, second] = outcome(name).attempts;

        expect(second!.at.getTime() - first!.at.getTime()).to.be.at.least(MIN_RETRY_DELAY_MS);
      });

      it('marks the delivery failed', () => {
        expect(outcome(name).delivery.state).to.equal('failed');
      });

      it('gives the delivery a reason', () => {
        const { delivery, attempts } = outcome(name);

        expect(delivery.reason).to.equal(`gave up after 2 attempts: ${attempts[1]!.error}`);
      });
    });
  }

  context('when the receiver answers 500', () => {
    it('stores the status code', () => {
      expect(outcome('status 500').attempts.map((attempt) => attempt.statusCode)).to.deep.equal([500, 500]);
    });

    it('stores why the status failed', () => {
      expect(outcome('status 500').attempts[0]!.error).to.equal('receiver answered HTTP 500; a 2xx status is needed');
    });

    it('sends the payload each time', () => {
      expect(receiver.requestsTo('/status-500')).to.have.length(2);
    });
  });

  context('when the receiver answers too late', () => {
    it('stores a timeout error', () => {
      expect(outcome('timeout').attempts[0]!.error).to.equal(`receiver did not answer within ${TIMEOUT_MS} ms (timed out)`);
    });

    it('stores no status code', () => {
      expect(outcome('timeout').attempts[0]!.statusCode).to.equal(null);
    });

    it('gives up at the timeout', () => {
      expect(outcome('timeout').attempts[0]!.durationMs).to.be.within(TIMEOUT_MS, TIMEOUT_MS * 3 - 1);
    });

    it('keeps the delivery pending', () => {
      expect(outcome('timeout').delivery.state).to.equal('pending');
    });

    it('waits at least a minute before retrying', () => {
      const { delivery, attempts } = outcome('timeout');

      expect(delivery.nextAttemptAt!.getTime() - attempts[0]!.at.getTime()).to.be.at.least(MIN_WAIT_AFTER_OVERLOAD_SECONDS * 1000);
    });
  });

  context('when the connection is refused', () => {
    it('stores a connection error', () => {
      expect(outcome('connection refused').attempts[0]!.error).to.equal('connection refused by the receiver (ECONNREFUSED)');
    });

    it('stores no status code', () => {
      expect(outcome('connection refused').attempts[0]!.statusCode).to.equal(null);
    });
  });

  context('when the certificate is self-signed', () => {
    it('stores a certificate error', () => {
      expect(outcome('untrusted certificate').attempts[0]!.error).to.equal(
        'TLS certificate is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
      );
    });

    it('sends nothing to the receiver', () => {
      expect(untrustedReceiver.requests).to.have.length(0);
    });
  });

  context('when the receiver redirects', () => {
    it('stores the redirect status', () => {
      expect(outcome('redirect').attempts[0]!.statusCode).to.equal(302);
    });

    it('tells to register the final URL', () => {
      expect(outcome('redirect').attempts[0]!.error).to.equal(
        `receiver answered 302 redirect to ${receiver.url}/final; redirects are not followed, register the final URL`,
      );
    });

    it('does not follow the redirect', () => {
      expect(receiver.requestsTo('/final')).to.have.length(0);
    });
  });

  context('when the receiver fails once', () => {
    it('stores the failure and the success', () => {
      expect(outcome('failure then success').attempts.map((attempt) => [attempt.statusCode, attempt.ok])).to.deep.equal([
        [500, false],
        [200, true],
      ]);
    });

    it('marks the delivery succeeded', () => {
      expect(outcome('failure then success').delivery.state).to.equal('succeeded');
    });

    it('counts two attempts', () => {
      expect(outcome('failure then success').delivery.attemptCount).to.equal(2);
    });

    it('clears the reason', () => {
      expect(outcome('failure then success').delivery.reason).to.equal(null);
    });
  });
});
