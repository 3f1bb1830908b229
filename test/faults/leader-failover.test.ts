import { expect } from 'chai';
import type { Collection } from 'mongodb';
import mongoose from 'mongoose';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { testDatabase } from '../setup/global-hooks.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { killServiceProcesses, startServiceProcess, type HealthReport, type ServiceProcess } from '../support/service-process.js';
import { freshDatabaseName } from '../support/test-service.js';
import { connectTestProcess, createHooks, disconnectTestProcess, requestsById, waitForIds, type CreatedHook } from './fault-fixtures.js';

const LEADER_LEASE_MS = 2_000;

/** Allowance on top of the lease for the standby's next try and for opening the change streams. */
const TAKEOVER_MARGIN_MS = 3_000;

const UPDATES_PER_BATCH = 60;

/**
 * Slow responses and one POST in flight on the leader build a backlog of deliveries, which the standby's
 * dispatcher finds in its scans and sends too.
 */
const ANSWER_DELAY_MS = 150;
const LEADER_ENV = { HOOKMILL_LEADER_LEASE_MS: String(LEADER_LEASE_MS), HOOKMILL_DELIVERY_CONCURRENCY: '1' };
const STANDBY_ENV = { HOOKMILL_LEADER_LEASE_MS: String(LEADER_LEASE_MS), HOOKMILL_DELIVERY_CONCURRENCY: '4' };

describe('two instances on one database', function () {
  this.timeout(120_000);

  const dbName = freshDatabaseName();
  const beforeKill = Array.from({ length: UPDATES_PER_BATCH }, (_, index) => 30_001 + index);
  const afterKill = Array.from({ length: UPDATES_PER_BATCH }, (_, index) => 31_001 + index);
  let accounts: Collection;
  let receiver: HttpsReceiver;
  let hook: CreatedHook;
  let leader: ServiceProcess;
  let standby: ServiceProcess;
  let leaderHealth: HealthReport;
  let standbyHealth: HealthReport;
  let takeoverMs: number;
  /** Successful deliveries logged by each instance up to the kill. */
  let deliveredByLeader: number;
  let deliveredByStandby: number;

  function updateAccounts(ids: readonly number[]): Promise<void> {
    return ids.reduce(
      (previous, id) => previous.then(async () => void (await accounts.updateOne({ id }, { $set: { name: `Account ${id} renamed` } }))),
      Promise.resolve(),
    );
  }

  /** Entries of one instance's log that record a successful delivery. */
  function deliveriesBy(service: ServiceProcess): number {
    return service.logs.filter((entry) => entry.msg === 'delivery succeeded').length;
  }

  before(async () => {
    await connectTestProcess(testDatabase().uri, dbName);
    accounts = mongoose.connection.db!.collection('accounts');
    await accounts.insertMany([...beforeKill, ...afterKill].map((id) => ({ id, name: `Account ${id}` })));
    receiver = await startHttpsReceiver();
    receiver.respondWith(() => ({ status: 200, delayMs: ANSWER_DELAY_MS }));

    // The first instance takes the free lease before its API listens, so it is the leader.
    leader = await startServiceProcess({ mongodbUri: testDatabase().uri, dbName, env: LEADER_ENV });
    standby = await startServiceProcess({ mongodbUri: testDatabase().uri, dbName, env: STANDBY_ENV });
    leaderHealth = await leader.health();
    standbyHealth = await standby.health();
    [hook] = await createHooks(standby.graphqlUrl, [{ hook: 'account.update', url: `${receiver.url}/accounts` }]);

    await updateAccounts(beforeKill);
    await receiver.waitForRequests(UPDATES_PER_BATCH / 3, { timeoutMs: 30_000 });
    deliveredByStandby = deliveriesBy(standby);
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    deliveredByLeader = deliveriesBy(leader);

    await updateAccounts(afterKill);
    await eventually(async () => ((await standby.health()).watcher.state === 'running' ? true : undefined), 30_000, 'the standby runs the watcher');
    takeoverMs = Date.now() - killedAt;

    await waitForIds(receiver, '/accounts', [...beforeKill, ...afterKill], 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${standby.describeOutput()}`);
    });
  });

  after(async () => {
    await receiver?.close();
    await standby?.kill('SIGTERM');
    await killServiceProcesses();
    await disconnectTestProcess();
  });

  context('while both run', () => {
    it('runs the watcher on the first instance', () => {
      expect(leaderHealth.watcher.state).to.equal('running');
    });

    it('keeps the second instance on standby', () => {
      expect(standbyHealth.watcher.state).to.equal('standby');
      expect(standbyHealth.status).to.equal('ok');
    });

    it('delivers from both instances', () => {
      expect(deliveredByLeader, 'deliveries by the leader').to.be.greaterThan(0);
      expect(deliveredByStandby, 'deliveries by the standby').to.be.greaterThan(0);
    });
  });

  context('when the leader is killed', () => {
    it('lets the standby take over within the lease', () => {
      expect(takeoverMs).to.be.below(LEADER_LEASE_MS + TAKEOVER_MARGIN_MS);
    });

    it('delivers every change made before the kill', () => {
      const received = requestsById(receiver, '/accounts');

      expect(beforeKill.filter((id) => !received.has(id))).to.deep.equal([]);
    });

    it('delivers every change made after the kill', () => {
      const received = requestsById(receiver, '/accounts');

      expect(afterKill.filter((id) => !received.has(id))).to.deep.equal([]);
    });

    it('records each change once', async () => {
      const deliveries = await DeliveryModel.countDocuments({ hookId: hook.id });

      expect(deliveries).to.equal(beforeKill.length + afterKill.length);
    });

    it('repeats a delivery only with its webhook-id', () => {
      const changesWithSeveralIds = [...requestsById(receiver, '/accounts')]
        .filter(([, requests]) => new Set(requests.map((request) => request.headers['webhook-id'])).size > 1)
        .map(([id]) => id);

      expect(changesWithSeveralIds).to.deep.equal([]);
    });
  });
});
