import { Writable } from 'node:stream';

import { expect } from 'chai';
import mongoose from 'mongoose';
import { pino } from 'pino';

import { loadConfig } from '../../src/config/config.js';
import { HookModel } from '../../src/db/models/hook.model.js';
import { startService } from '../../src/service.js';
import { testDatabase } from '../setup/global-hooks.js';
import { PING_HOOK, ROTATE_HOOK_SECRET, expectData, verifyWithSecret, type DeliveryResult, type HookStateResult } from '../support/delivery-operations.js';
import { createUserWithKey, eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { testCertificates } from '../support/test-ca.js';
import { freshDatabaseName, startTestService, type TestService } from '../support/test-service.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) { createHook(input: $input) { id secret } }`;

const HOOK_STATE = `query Hook($id: ID!) { hook(id: $id) { id secret previousSecretExpiresAt } }`;

const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{43}=$/;

/** Starts the service like startTestService, but logs every level, unredacted, into `lines`. */
async function startLoggingService(lines: string[]): Promise<TestService> {
  const dbName = freshDatabaseName();
  const config = loadConfig({
    MONGODB_URI: testDatabase().uri,
    HOOKMILL_DB_NAME: dbName,
    HOOKMILL_PORT: '0',
    HOOKMILL_CA_FILE: testCertificates().caFile,
    // The receiver listens on 127.0.0.1, a loopback address that receivers may use only when allowed.
    HOOKMILL_ALLOWED_RECEIVER_CIDRS: '127.0.0.1/32',
    HOOKMILL_DELIVERY_POLL_INTERVAL_MS: '100',
    HOOKMILL_WATCHER_MAX_AWAIT_MS: '100',
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const service = await startService(config, pino({ level: 'trace' }, sink));
  return { ...service, graphqlUrl: `${service.url}/graphql`, dbName, db: mongoose.connection.db! };
}

describe('rotateHookSecret', () => {
  let receiver: HttpsReceiver;

  before(async () => {
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  /** Client of one running service, for one user. */
  function clientFor(service: TestService, apiKey: string) {
    return {
      async createHook(path: string): Promise<{ id: string; secret: string }> {
        const data = await expectData<{ createHook: { id: string; secret: string } }>(service.graphqlUrl, CREATE_HOOK, apiKey, {
          input: { hook: 'account.update', url: `${receiver.url}${path}` },
        });
        return data.createHook;
      },
      async rotate(hookId: string): Promise<HookStateResult> {
        return (await expectData<{ rotateHookSecret: HookStateResult }>(service.graphqlUrl, ROTATE_HOOK_SECRET, apiKey, { id: hookId })).rotateHookSecret;
      },
      async readHook(hookId: string): Promise<HookStateResult> {
        return (await expectData<{ hook: HookStateResult }>(service.graphqlUrl, HOOK_STATE, apiKey, { id: hookId })).hook;
      },
      /** Pings the hook and returns the request the receiver got. */
      async ping(hookId: string): Promise<ReceivedRequest> {
        const { pingHook } = await expectData<{ pingHook: DeliveryResult }>(service.graphqlUrl, PING_HOOK, apiKey, { id: hookId });
        return eventually(
          async () => receiver.requests.find((request) => request.headers['webhook-id'] === pingHook.webhookId),
          10_000,
          `ping ${pingHook.webhookId}`,
        );
      },
    };
  }

  function signatureCount(request: ReceivedRequest): number {
    return String(request.headers['webhook-signature']).split(' ').length;
  }

  context('with the default overlap of 24 hours', () => {
    const logLines: string[] = [];
    let service: TestService;
    let client: ReturnType<typeof clientFor>;
    let hook: { id: string; secret: string };
    let rotated: HookStateResult;
    let rotatedAt: number;

    before(async () => {
      service = await startLoggingService(logLines);
      const { apiKey } = await createUserWithKey();
      client = clientFor(service, apiKey);
      hook = await client.createHook('/rotate');
      rotatedAt = Date.now();
      rotated = await client.rotate(hook.id);
    });

    after(async () => {
      await service?.stop();
    });

    it('returns a new whsec_ secret', () => {
      expect(rotated.secret).to.match(SECRET_PATTERN);
      expect(rotated.secret).to.not.equal(hook.secret);
    });

    it('keeps the previous secret for 24 hours', () => {
      const expiresAt = Date.parse(rotated.previousSecretExpiresAt!);

      expect(expiresAt).to.be.within(rotatedAt + 24 * 3_600_000 - 1_000, Date.now() + 24 * 3_600_000 + 1_000);
    });

    it('returns no secret from the hook query', async () => {
      const read = await client.readHook(hook.id);

      expect(read.secret).to.equal(null);
      expect(read.previousSecretExpiresAt).to.equal(rotated.previousSecretExpiresAt);
    });

    context('when a delivery is sent during the overlap', () => {
      let request: ReceivedRequest;

      before(async () => {
        request = await client.ping(hook.id);
      });

      it('carries two signatures', () => {
        expect(signatureCount(request)).to.equal(2);
      });

      it('verifies with the new secret', () => {
        expect(() => verifyWithSecret(rotated.secret!, request)).to.not.throw();
      });

      it('verifies with the previous secret', () => {
        expect(() => verifyWithSecret(hook.secret, request)).to.not.throw();
      });
    });

    context('when a delivery is sent after the overlap', () => {
      let request: ReceivedRequest;

      before(async () => {
        await HookModel.updateOne({ _id: hook.id }, { $set: { previousSecretExpiresAt: new Date(Date.now() - 1_000) } });
        request = await client.ping(hook.id);
      });

      it('carries one signature', () => {
        expect(signatureCount(request)).to.equal(1);
      });

      it('verifies with the new secret', () => {
        expect(() => verifyWithSecret(rotated.secret!, request)).to.not.throw();
      });

      it('fails with the previous secret', () => {
        expect(() => verifyWithSecret(hook.secret, request)).to.throw(/No matching signature found/);
      });

      it('shows no overlap on the hook', async () => {
        const read = await client.readHook(hook.id);

        expect(read.previousSecretExpiresAt).to.equal(null);
      });
    });

    context('when the secret is rotated twice', () => {
      let first: HookStateResult;
      let second: HookStateResult;
      let request: ReceivedRequest;
      let original: { id: string; secret: string };

      before(async () => {
        original = await client.createHook('/rotate-twice');
        first = await client.rotate(original.id);
        second = await client.rotate(original.id);
        request = await client.ping(original.id);
      });

      it('verifies with the latest two secrets', () => {
        expect(() => verifyWithSecret(second.secret!, request)).to.not.throw();
        expect(() => verifyWithSecret(first.secret!, request)).to.not.throw();
      });

      it('fails with the original secret', () => {
        expect(() => verifyWithSecret(original.secret, request)).to.throw(/No matching signature found/);
      });
    });

    context('when the log is read', () => {
      it('logs the rotation', () => {
        expect(logLines.some((line) => line.includes('"msg":"hook secret rotated"') && line.includes(hook.id))).to.equal(true);
      });

      it('contains no secret', async () => {
        const stored = await HookModel.find({}, { secret: 1, previousSecret: 1 }).lean();
        const secrets = [hook.secret, rotated.secret!, ...stored.flatMap((record) => [record.secret, record.previousSecret ?? ''])].filter(Boolean);
        const keyMaterial = secrets.map((secret) => secret.replace(/^whsec_/, ''));

        expect(logLines.length).to.be.greaterThan(0);
        for (const material of keyMaterial) expect(logLines.join(''), 'a secret in the log').to.not.include(material);
      });
    });
  });

  context('with HOOKMILL_SECRET_OVERLAP_HOURS=0', () => {
    let service: TestService;
    let client: ReturnType<typeof clientFor>;
    let hook: { id: string; secret: string };
    let rotated: HookStateResult;
    let request: ReceivedRequest;

    before(async () => {
      service = await startTestService({ HOOKMILL_SECRET_OVERLAP_HOURS: '0' });
      const { apiKey } = await createUserWithKey();
      client = clientFor(service, apiKey);
      hook = await client.createHook('/rotate-now');
      rotated = await client.rotate(hook.id);
      request = await client.ping(hook.id);
    });

    after(async () => {
      await service?.stop();
    });

    it('returns no overlap', () => {
      expect(rotated.previousSecretExpiresAt).to.equal(null);
    });

    it('signs with the new secret only', () => {
      expect(signatureCount(request)).to.equal(1);
      expect(() => verifyWithSecret(rotated.secret!, request)).to.not.throw();
    });

    it('fails with the previous secret', () => {
      expect(() => verifyWithSecret(hook.secret, request)).to.throw(/No matching signature found/);
    });
  });
});
