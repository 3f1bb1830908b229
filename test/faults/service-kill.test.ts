import { expect } from 'chai';
import type { Collection } from 'mongodb';
import mongoose from 'mongoose';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { testDatabase } from '../setup/global-hooks.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { killServiceProcesses, startServiceProcess, type ProcessExit, type ServiceProcess } from '../support/service-process.js';
import { freshDatabaseName } from '../support/test-service.js';
import {
  connectTestProcess,
  createHooks,
  disconnectTestProcess,
  requestsById,
  verifySignature,
  waitForIds,
  type CreatedHook,
} from './fault-fixtures.js';

const UPDATE_COUNT = 500;

/** Updates written while the service runs; the kill comes during them, and the rest are written after it. */
const UPDATES_BEFORE_KILL = 250;

/** Deliveries the receiver gets before the kill, so that the service dies in the middle of its backlog. */
const RECEIVED_BEFORE_KILL = 60;

describe('service killed during a burst of updates', function () {
  this.timeout(180_000);

  const dbName = freshDatabaseName();
  // Each update goes to an entity of its own, so a payload's Id names the change it came from.
  const entityIds = Array.from({ length: UPDATE_COUNT }, (_, index) => 10_001 + index);
  let receiver: HttpsReceiver;
  let hook: CreatedHook;
  let killed: ServiceProcess;
  let killExit: ProcessExit;
  let restarted: ServiceProcess;
  let receivedAtKill: number;

  function updateAccounts(accounts: Collection, ids: readonly number[]): Promise<void> {
    return ids.reduce(
      (previous, id) => previous.then(async () => void (await accounts.updateOne({ id }, { $set: { name: `Account ${id} renamed` } }))),
      Promise.resolve(),
    );
  }

  before(async () => {
    await connectTestProcess(testDatabase().uri, dbName);
    const accounts = mongoose.connection.db!.collection('accounts');
    // Written before any service runs, so no change stream receives these inserts.
    await accounts.insertMany(entityIds.map((id) => ({ id, name: `Account ${id}` })));
    receiver = await startHttpsReceiver();

    killed = await startServiceProcess({ mongodbUri: testDatabase().uri, dbName });
    [hook] = await createHooks(killed.graphqlUrl, [{ hook: 'account.update', url: `${receiver.url}/updates` }]);

    const firstBurst = updateAccounts(accounts, entityIds.slice(0, UPDATES_BEFORE_KILL));
    await receiver.waitForRequests(RECEIVED_BEFORE_KILL, { path: '/updates', timeoutMs: 30_000 });
    killExit = await killed.kill('SIGKILL');
    receivedAtKill = receiver.requests.length;

    await firstBurst;
    await updateAccounts(accounts, entityIds.slice(UPDATES_BEFORE_KILL));
    restarted = await startServiceProcess({ mongodbUri: testDatabase().uri, dbName });
    await waitForIds(receiver, '/updates', entityIds, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${restarted.describeOutput()}`);
    });
  });

  after(async () => {
    await receiver?.close();
    await restarted?.kill('SIGTERM');
    await killServiceProcesses();
    await disconnectTestProcess();
  });

  it('kills the service in the middle of its backlog', () => {
    expect(killExit.signal).to.equal('SIGKILL');
    expect(receivedAtKill).to.be.below(UPDATES_BEFORE_KILL);
  });

  it('delivers every update at least once', () => {
    const received = requestsById(receiver, '/updates');

    expect(entityIds.filter((id) => !received.has(id))).to.deep.equal([]);
  });

  it('repeats a delivery only with its webhook-id', () => {
    const changesWithSeveralIds = [...requestsById(receiver, '/updates')]
      .filter(([, requests]) => new Set(requests.map((request) => request.headers['webhook-id'])).size > 1)
      .map(([id]) => id);

    expect(changesWithSeveralIds).to.deep.equal([]);
  });

  it('signs every request validly', () => {
    const invalid = receiver.requests.filter((request) => {
      try {
        verifySignature(hook.secret, request);
        return false;
      } catch {
        return true;
      }
    });

    expect(invalid.map((request) => request.headers['webhook-id'])).to.deep.equal([]);
  });

  it('records one delivery per update', async () => {
    const deliveries = await DeliveryModel.countDocuments({ hookId: hook.id });

    expect(deliveries).to.equal(UPDATE_COUNT);
  });

  it('marks every delivery succeeded', async () => {
    const unfinished = await DeliveryModel.countDocuments({ hookId: hook.id, state: { $ne: 'succeeded' } });

    expect(unfinished).to.equal(0);
  });
});
