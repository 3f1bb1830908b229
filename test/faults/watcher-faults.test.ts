import { expect } from 'chai';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery } from '../integration/event-path-helpers.js';
import { eventually } from '../support/fixtures.js';
import { delay } from './fault-fixtures.js';

/** Time given to the watcher to turn a drop or rename into deliveries, if it wrongly did. */
const SETTLE_MS = 500;

describe('watcher faults', function () {
  this.timeout(60_000);

  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  /**
   * Waits until every change stream is open, then samples the states for a while: a stream that the
   * server closes at once after each reopen is open only for moments.
   */
  async function watcherStaysRunning(): Promise<boolean> {
    await eventually(async () => (service.watcher.running ? true : undefined), 10_000, 'every change stream open');
    for (let sample = 0; sample < 10; sample++) {
      if (!service.watcher.running) return false;
      await delay(SETTLE_MS / 10);
    }
    return true;
  }

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createHookOwner());
    for (const hook of ['team.add', 'team.delete', 'project.add', 'project.delete', 'account.add']) {
      await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${hook}` });
    }
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  context('when a watched collection is dropped', () => {
    const teamIds = [nextEntityId(), nextEntityId(), nextEntityId()];
    const teamAfterDrop = nextEntityId();
    const teamAfterRestart = nextEntityId();
    const accountAfterDrop = nextEntityId();

    before(async () => {
      const teams = service.db.collection('teams');
      await teams.insertMany(teamIds.map((id) => ({ id, name: `Team ${id}` })));
      for (const id of teamIds) await waitForDelivery(receiver, '/team.add', id);

      await teams.drop();
      await service.db.collection('accounts').insertOne({ id: accountAfterDrop, name: 'After the drop' });
      await teams.insertOne({ id: teamAfterDrop, name: 'Team after the drop' });
      await waitForDelivery(receiver, '/team.add', teamAfterDrop);

      // A restart or a new leader opens the stream again from a token stored after the drop.
      await service.watcher.stop();
      await service.watcher.start();
      await teams.insertOne({ id: teamAfterRestart, name: 'Team after the restart' });
      await delay(SETTLE_MS);
    });

    it('sends no delete for the dropped documents', async () => {
      expect(receiver.requestsTo('/team.delete')).to.have.length(0);
      expect(await DeliveryModel.countDocuments({ event: 'team.delete' })).to.equal(0);
    });

    it('keeps other collections flowing', async () => {
      await waitForDelivery(receiver, '/account.add', accountAfterDrop);
    });

    it('watches the collection created again', () => {
      expect(receiver.requestsTo('/team.add').filter((request) => request.body.Id === teamAfterDrop)).to.have.length(1);
    });

    it('reopens the stream after a watcher restart', async () => {
      await waitForDelivery(receiver, '/team.add', teamAfterRestart);
    });

    it('keeps every change stream open', async () => {
      expect(await watcherStaysRunning()).to.equal(true);
    });
  });

  context('when a watched collection is renamed', () => {
    const projectIds = [nextEntityId(), nextEntityId()];
    const projectAfterRename = nextEntityId();
    const accountAfterRename = nextEntityId();

    before(async () => {
      const projects = service.db.collection('projects');
      await projects.insertMany(projectIds.map((id) => ({ id, name: `Project ${id}` })));
      for (const id of projectIds) await waitForDelivery(receiver, '/project.add', id);

      await projects.rename('projects_archived');
      await service.db.collection('accounts').insertOne({ id: accountAfterRename, name: 'After the rename' });
      await service.db.collection('projects').insertOne({ id: projectAfterRename, name: 'Project after the rename' });
      await waitForDelivery(receiver, '/project.add', projectAfterRename);
      await delay(SETTLE_MS);
    });

    it('sends no delete for the renamed documents', async () => {
      expect(receiver.requestsTo('/project.delete')).to.have.length(0);
      expect(await DeliveryModel.countDocuments({ event: 'project.delete' })).to.equal(0);
    });

    it('keeps other collections flowing', async () => {
      await waitForDelivery(receiver, '/account.add', accountAfterRename);
    });

    it('watches the new collection of the old name', () => {
      expect(receiver.requestsTo('/project.add').filter((request) => request.body.Id === projectAfterRename)).to.have.length(1);
    });

    it('ignores the renamed collection', async () => {
      await service.db.collection('projects_archived').insertOne({ id: nextEntityId(), name: 'Archived' });
      await delay(SETTLE_MS);

      expect(receiver.requestsTo('/project.add')).to.have.length(projectIds.length + 1);
    });
  });

  context('when an updated document is already gone', () => {
    const goneAccount = nextEntityId();
    const nextAccount = nextEntityId();

    before(async () => {
      await createHook(service.graphqlUrl, apiKey, { hook: 'account.update', url: `${receiver.url}/account.update` });
      await createHook(service.graphqlUrl, apiKey, { hook: 'request.update', url: `${receiver.url}/request.update` });
      await createHook(service.graphqlUrl, apiKey, {
        hook: 'request.update',
        url: `${receiver.url}/filtered-request.update`,
        eventUser: 7,
      });
      const accounts = service.db.collection('accounts');
      await accounts.insertOne({ id: goneAccount, name: 'Soon gone' });
      await waitForDelivery(receiver, '/account.add', goneAccount);
      const requests = service.db.collection('requests');
      await requests.insertOne({ id: goneAccount, name: 'Soon gone', responsible: 7 });

      // With the watcher stopped, the update's document is deleted before the change stream reads it,
      // so the lookup of the update finds nothing.
      await service.watcher.stop();
      await accounts.updateOne({ id: goneAccount }, { $set: { name: 'Updated, then deleted' } });
      await accounts.deleteOne({ id: goneAccount });
      await requests.updateOne({ id: goneAccount }, { $set: { name: 'Updated, then deleted' } });
      await requests.deleteOne({ id: goneAccount });
      await service.watcher.start();

      await accounts.insertOne({ id: nextAccount, name: 'After the gone update' });
      await waitForDelivery(receiver, '/account.add', nextAccount);
    });

    it('delivers the update without a resource', () => {
      const [update, ...others] = receiver.requestsTo('/account.update');

      expect(others).to.have.length(0);
      expect(update?.body.hook).to.equal('account.update');
      expect(update?.body.resource).to.equal(null);
    });

    it('delivers a request update without eventUser', () => {
      const [update, ...others] = receiver.requestsTo('/request.update');

      expect(others).to.have.length(0);
      expect(update?.body.resource).to.equal(null);
      expect(update?.body.eventUser).to.equal(null);
    });

    it('sends nothing to a hook filtered by user', () => {
      expect(receiver.requestsTo('/filtered-request.update')).to.have.length(0);
    });

    it('keeps every change stream open', async () => {
      expect(await watcherStaysRunning()).to.equal(true);
    });
  });
});
