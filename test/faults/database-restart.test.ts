import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MongoClient } from 'mongodb';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';
import { createLogger } from '../../src/log/logger.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { killServiceProcesses, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { freshDatabaseName } from '../support/test-service.js';
import { connectTestProcess, createHooks, delay, disconnectTestProcess, waitForIds } from './fault-fixtures.js';

/**
 * Maximum time the service may take to deliver again once the database is back. Alone this takes a few
 * seconds; under a loaded full run the driver's reconnect took over 20 s once, so the bound is generous.
 */
const RECOVERY_TIMEOUT_MS = 60_000;

/**
 * Time the database stays down. It exceeds the driver's server selection timeout (10 s, set in
 * src/db/connect.ts), so the driver gives up instead of resuming the change streams on its own. The leader
 * lease then lapses and the watcher stops, and the service has to take the lease again and reopen them.
 */
const DOWNTIME_MS = 12_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('database restart under a running service', function () {
  this.timeout(180_000);

  const dbName = freshDatabaseName();
  const dataFolder = mkdtempSync(path.join(tmpdir(), 'hookmill-restart-db-'));
  const logger = createLogger('warn', 'restart-test-database');
  let port: number;
  let database: EmbeddedDatabase | undefined;
  let client: MongoClient;
  let receiver: HttpsReceiver;
  let service: ServiceProcess;

  /** Starts the database on the same port and data file every time, as an operator's restart would. */
  function startDatabase(): Promise<EmbeddedDatabase> {
    return startEmbeddedDatabase({
      dataDir: process.env.HOOKMILL_DATA_DIR ?? '.hookmill',
      port,
      dataFile: path.join(dataFolder, 'data.mv'),
      logger,
    });
  }

  /** The receiver rejects this account's delivery until the database is back, so a retry is due during the outage. */
  const retriedAccount = 7_001;
  const accountBefore = 7_002;
  const accountsAfter = [7_003, 7_004, 7_005];
  const projectsAfter = [8_001, 8_002];
  let acceptRetried = false;

  before(async () => {
    port = await freePort();
    database = await startDatabase();
    client = await MongoClient.connect(database.uri);
    await connectTestProcess(database.uri, dbName);
    receiver = await startHttpsReceiver();
    receiver.respondWith((request) => (request.body.Id === retriedAccount && !acceptRetried ? { status: 503 } : { status: 200 }));

    service = await startServiceProcess({
      mongodbUri: database.uri,
      dbName,
      env: { HOOKMILL_RETRY_DELAYS_SECONDS: '0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1' },
    });
    await createHooks(service.graphqlUrl, [
      { hook: 'account.add', url: `${receiver.url}/accounts` },
      { hook: 'project.add', url: `${receiver.url}/projects` },
    ]);

    const db = client.db(dbName);
    await db.collection('accounts').insertOne({ id: accountBefore, name: 'Before the restart' });
    await db.collection('accounts').insertOne({ id: retriedAccount, name: 'Retried across the restart' });
    await db.collection('projects').insertOne({ id: 8_000, name: 'Gives the projects stream a resume token' });
    await waitForIds(receiver, '/accounts', [accountBefore, retriedAccount], 10_000);
    await waitForIds(receiver, '/projects', [8_000], 10_000);

    await database.stop();
    await delay(DOWNTIME_MS);
    database = await startDatabase();
    acceptRetried = true;

    for (const id of accountsAfter) await db.collection('accounts').insertOne({ id, name: `After the restart ${id}` });
    for (const id of projectsAfter) await db.collection('projects').insertOne({ id, name: `After the restart ${id}` });
  });

  after(async () => {
    await receiver?.close();
    await service?.kill('SIGTERM');
    await killServiceProcesses();
    await client?.close();
    await disconnectTestProcess();
    await database?.stop();
    rmSync(dataFolder, { recursive: true, force: true });
  });

  it('logs the outage as errors', () => {
    const errors = service.logs.filter((entry) => entry.level >= 50).map((entry) => entry.msg);

    expect(errors).to.include('renewing the leader lease failed');
  });

  it('delivers account changes made after the restart', async () => {
    await waitForIds(receiver, '/accounts', accountsAfter, RECOVERY_TIMEOUT_MS).catch((error: Error) => {
      throw new Error(`${error.message}\n${service.describeOutput()}`);
    });
  });

  it('delivers project changes made after the restart', async () => {
    await waitForIds(receiver, '/projects', projectsAfter, RECOVERY_TIMEOUT_MS);
  });

  it('completes a retry pending during the restart', async () => {
    await eventually(
      async () => (await DeliveryModel.findOne({ entityId: retriedAccount, state: 'succeeded' }).lean()) ?? undefined,
      RECOVERY_TIMEOUT_MS,
      `the delivery of account ${retriedAccount} succeeded`,
    );

    const statuses = receiver.requests.filter((request) => request.body.Id === retriedAccount);
    expect(statuses.length, 'requests for the retried account').to.be.greaterThan(1);
  });

  it('reports itself healthy again', async () => {
    const health = await eventually(async () => {
      const report = await service.health();
      return report.status === 'ok' ? report : undefined;
    }, RECOVERY_TIMEOUT_MS);

    expect(health.watcher.state).to.equal('running');
    expect(Object.values(health.watcher.streams).every((state) => state === 'open')).to.equal(true);
  });

  it('sends no change twice', () => {
    const ids = receiver.requestsTo('/accounts').filter((request) => request.body.Id !== retriedAccount).map((request) => request.body.Id);

    expect(ids).to.have.length(new Set(ids).size);
  });
});
