import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';
import { MongoClient, type ChangeStream, type Db } from 'mongodb';

import { startEmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';
import { createLogger } from '../../src/log/logger.js';
import { testDatabase } from '../setup/global-hooks.js';
import { freshDatabaseName } from '../support/test-service.js';

/**
 * Pins down each way the embedded database (mongo-java-server 1.47) differs from MongoDB in what
 * Hookmill relies on. The README's limitations list these; a failure here means the list is out of date.
 */
describe('embedded database', () => {
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await new MongoClient(testDatabase().uri).connect();
    db = client.db(freshDatabaseName());
  });

  after(async () => {
    await client?.close();
  });

  async function nextChange(stream: ChangeStream): Promise<Record<string, unknown>> {
    for (let tries = 0; tries < 50; tries++) {
      const change = await stream.tryNext();
      if (change) return change as unknown as Record<string, unknown>;
    }
    throw new Error('no change event arrived');
  }

  context('when a collection is watched', () => {
    it('reports replaceOne as an update', async () => {
      const collection = db.collection('replaced');
      const stream = collection.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 50 });
      await stream.tryNext();
      await collection.insertOne({ id: 1, name: 'first' });
      await collection.replaceOne({ id: 1 }, { id: 1, name: 'second' });

      await nextChange(stream);
      const replaced = await nextChange(stream);
      await stream.close();
      expect(replaced.operationType).to.equal('update');
    });

    it('sends the update operators as documentKey', async () => {
      const collection = db.collection('updated');
      const stream = collection.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 50 });
      await stream.tryNext();
      await collection.insertOne({ id: 1, status: 1 });
      await collection.updateOne({ id: 1 }, { $set: { status: 0 } });

      await nextChange(stream);
      const updated = await nextChange(stream);
      await stream.close();
      expect(updated.documentKey).to.not.have.property('_id');
      expect(updated).to.not.have.property('updateDescription');
      expect((updated.fullDocument as Record<string, unknown>).status).to.equal(0);
    });

    it('sends deletes without a pre-image', async () => {
      const collection = db.collection('deleted');
      const stream = collection.watch([], { fullDocumentBeforeChange: 'whenAvailable', maxAwaitTimeMS: 50 });
      await stream.tryNext();
      await collection.insertOne({ id: 7 });
      await collection.deleteOne({ id: 7 });

      await nextChange(stream);
      const deleted = await nextChange(stream);
      await stream.close();
      expect(deleted.operationType).to.equal('delete');
      expect(deleted.fullDocumentBeforeChange ?? null).to.equal(null);
      expect(deleted.documentKey).to.have.property('_id');
    });

    it('has no resume token before the first change', async () => {
      const stream = db.collection('quiet').watch([], { maxAwaitTimeMS: 50 });
      await stream.tryNext();
      const token = stream.resumeToken;
      await stream.close();
      expect(token ?? null).to.equal(null);
    });
  });

  context('when a whole database is watched', () => {
    it('delivers no events', async () => {
      const stream = db.watch([], { maxAwaitTimeMS: 50 });
      await stream.tryNext().catch(() => null);
      await db.collection('database_level').insertOne({ id: 1 });

      let change: unknown = null;
      for (let tries = 0; tries < 5 && !change; tries++) change = await stream.tryNext().catch(() => null);
      await stream.close();
      expect(change).to.equal(null);
    });
  });

  context('when restarted with a data file', () => {
    let folder: string;

    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'hookmill-embedded-'));
    });

    after(() => {
      rmSync(folder, { recursive: true, force: true });
    });

    it('keeps documents and resumes after a stored token', async function () {
      this.timeout(120_000);
      const options = {
        dataDir: process.env.HOOKMILL_DATA_DIR ?? '.hookmill',
        port: 0,
        dataFile: path.join(folder, 'data.mv'),
        logger: createLogger('silent'),
      };

      const first = await startEmbeddedDatabase(options);
      const firstClient = await new MongoClient(first.uri).connect();
      const collection = firstClient.db('persisted').collection('accounts');
      const stream = collection.watch([], { maxAwaitTimeMS: 50 });
      await stream.tryNext();
      await collection.insertOne({ id: 1 });
      const seen = await nextChange(stream);
      await stream.close();
      await collection.insertOne({ id: 2 });
      await firstClient.close();
      await first.stop();

      const second = await startEmbeddedDatabase(options);
      const secondClient = await new MongoClient(second.uri).connect();
      try {
        const reopened = secondClient.db('persisted').collection('accounts');
        expect(await reopened.countDocuments()).to.equal(2);

        const resumed = reopened.watch([], { resumeAfter: seen._id as never, fullDocument: 'updateLookup', maxAwaitTimeMS: 50 });
        const missed = await nextChange(resumed);
        await resumed.close();
        expect((missed.fullDocument as Record<string, unknown>).id).to.equal(2);
      } finally {
        await secondClient.close();
        await second.stop();
      }
    });
  });
});
