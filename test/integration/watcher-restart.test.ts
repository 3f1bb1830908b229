import { expect } from 'chai';
import { MongoClient } from 'mongodb';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { testDatabase } from '../setup/global-hooks.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { freshDatabaseName, startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, deliveriesTo, nextEntityId, waitForDelivery } from './event-path-helpers.js';

describe('watcher restart', () => {
  const dbName = freshDatabaseName();
  let service: TestService | undefined;
  let receiver: HttpsReceiver;

  const deliveredBeforeStop = nextEntityId();
  const deletedWhileStopped = nextEntityId();
  const insertedWhileStopped = nextEntityId();
  const churnedWhileStopped = nextEntityId();
  const insertedAfterRestart = nextEntityId();

  /** Writes to the database with a client of its own while the service is stopped. */
  async function changeWhileStopped(): Promise<void> {
    const client = await MongoClient.connect(testDatabase().uri);
    try {
      const accounts = client.db(dbName).collection('accounts');
      await accounts.insertOne({ id: insertedWhileStopped, name: 'Inserted Oy' });
      await accounts.updateOne({ id: deliveredBeforeStop }, { $set: { name: 'Updated Oy' } });
      await accounts.deleteOne({ id: deletedWhileStopped });

      await accounts.insertOne({ id: churnedWhileStopped, name: 'Churned Oy' });
      await accounts.updateOne({ id: churnedWhileStopped }, { $set: { name: 'Churned Oyj' } });
      await accounts.deleteOne({ id: churnedWhileStopped });
    } finally {
      await client.close();
    }
  }

  before(async () => {
    receiver = await startHttpsReceiver();
    service = await startTestService({}, dbName);
    const { apiKey } = await createHookOwner();
    for (const hook of ['account.add', 'account.update', 'account.delete']) {
      await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${hook}` });
    }

    const accounts = service.db.collection('accounts');
    await accounts.insertOne({ id: deliveredBeforeStop, name: 'Before Oy' });
    await accounts.insertOne({ id: deletedWhileStopped, name: 'Deleted Oy' });
    await waitForDelivery(receiver, '/account.add', deliveredBeforeStop);
    await waitForDelivery(receiver, '/account.add', deletedWhileStopped);
    await service.stop();
    service = undefined;

    await changeWhileStopped();
    service = await startTestService({}, dbName);

    // Changes to one collection are handled in commit order, so once the insert made after the
    // restart is delivered, every earlier change has its delivery records.
    await service.db.collection('accounts').insertOne({ id: insertedAfterRestart, name: 'After Oy' });
    await waitForDelivery(receiver, '/account.add', insertedAfterRestart);
    await eventually(
      async () => ((await DeliveryModel.countDocuments({ state: 'pending' })) === 0 ? true : undefined),
      10_000,
      'no pending deliveries',
    );
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  context('when changes were made while stopped', () => {
    it('delivers the insert once', () => {
      expect(deliveriesTo(receiver, '/account.add', insertedWhileStopped)).to.have.length(1);
    });

    it('delivers the update once', () => {
      expect(deliveriesTo(receiver, '/account.update', deliveredBeforeStop)).to.have.length(1);
    });

    it('sends the updated document', () => {
      const [request] = deliveriesTo(receiver, '/account.update', deliveredBeforeStop);

      expect(request?.body.resource).to.deep.equal({ id: deliveredBeforeStop, name: 'Updated Oy' });
    });

    it('delivers the delete once', () => {
      expect(deliveriesTo(receiver, '/account.delete', deletedWhileStopped)).to.have.length(1);
    });

    it('does not repeat changes from before the stop', () => {
      expect(deliveriesTo(receiver, '/account.add', deliveredBeforeStop), 'first insert').to.have.length(1);
      expect(deliveriesTo(receiver, '/account.add', deletedWhileStopped), 'second insert').to.have.length(1);
    });
  });

  context('when a document was inserted, updated and deleted while stopped', () => {
    it('delivers the insert once', () => {
      expect(deliveriesTo(receiver, '/account.add', churnedWhileStopped)).to.have.length(1);
    });

    it('delivers the delete once with the Id', () => {
      expect(deliveriesTo(receiver, '/account.delete', churnedWhileStopped)).to.have.length(1);
    });

    // The lookup of the update finds no document any more, and mongo-java-server 1.47 then names no
    // _id in the event either, so neither the resource nor the Id is known.
    it('delivers the update once without a resource', () => {
      const updates = receiver.requestsTo('/account.update').filter((request) => request.body.Id !== deliveredBeforeStop);

      expect(updates).to.have.length(1);
      expect(updates[0]!.body.resource).to.equal(null);
    });
  });
});
