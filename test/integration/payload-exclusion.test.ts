import { expect } from 'chai';

import { setExcludeAll, setExcludedFields } from '../../src/admin/admin.service.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery } from './event-path-helpers.js';

const SECRET_NAME = 'Secret Holdings Oy';

describe('payload exclusion', () => {
  let service: TestService;
  let receiver: HttpsReceiver;

  /**
   * Starts a service on a fresh database and registers hooks. The exclusion must be set before the
   * service handles its first change, because the service caches the configuration it reads.
   */
  async function startWithHooks(events: readonly string[]): Promise<void> {
    service = await startTestService();
    const { apiKey } = await createHookOwner();
    for (const hook of events) await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${hook}` });
  }

  before(async () => {
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  context('when fields are excluded', () => {
    const accountId = nextEntityId();
    const projectId = nextEntityId();
    let account: ReceivedRequest;
    let project: ReceivedRequest;

    before(async () => {
      await startWithHooks(['account.update', 'project.update']);
      await setExcludedFields('Account', ['phone', 'address.street', 'name']);

      const accounts = service.db.collection('accounts');
      await accounts.insertOne({ id: accountId, name: SECRET_NAME, phone: '+358 1234', type: 'customer', address: { street: 'Mannerheimintie 1', city: 'Helsinki' } });
      await accounts.updateOne({ id: accountId }, { $set: { type: 'partner' } });
      const projects = service.db.collection('projects');
      await projects.insertOne({ id: projectId, name: 'Open project', phone: '+358 5678' });
      await projects.updateOne({ id: projectId }, { $set: { name: 'Open project 2' } });

      account = await waitForDelivery(receiver, '/account.update', accountId);
      project = await waitForDelivery(receiver, '/project.update', projectId);
    });

    after(() => service?.stop());

    it('removes a top-level field', () => {
      expect(account.body.resource).to.not.have.property('phone');
    });

    it('removes a nested field', () => {
      expect(account.body.resource).to.have.property('address').that.deep.equals({ city: 'Helsinki' });
    });

    it('keeps the other fields', () => {
      expect(account.body.resource).to.deep.equal({ id: accountId, type: 'partner', address: { city: 'Helsinki' } });
    });

    it('names the subject without the excluded name', () => {
      expect(account.body.subject).to.equal(`Account ${accountId}`);
    });

    it('sends the excluded name nowhere in the body', () => {
      expect(account.rawBody).to.not.include(SECRET_NAME);
    });

    it('keeps the Id', () => {
      expect(account.body.Id).to.equal(accountId);
    });

    it('leaves other item types alone', () => {
      expect(project.body.resource).to.deep.equal({ id: projectId, name: 'Open project 2', phone: '+358 5678' });
    });
  });

  context('when payloads are fully excluded', () => {
    const accountId = nextEntityId();
    const requestId = nextEntityId();
    let account: ReceivedRequest;
    let request: ReceivedRequest;

    before(async () => {
      await startWithHooks(['account.update', 'request.update']);
      await setExcludeAll(true);

      const accounts = service.db.collection('accounts');
      await accounts.insertOne({ id: accountId, name: SECRET_NAME, phone: '+358 1234' });
      await accounts.updateOne({ id: accountId }, { $set: { phone: '+358 4321' } });
      const requests = service.db.collection('requests');
      await requests.insertOne({ id: requestId, subject: SECRET_NAME, responsible: 7, project: 3 });
      await requests.updateOne({ id: requestId }, { $set: { modifiedBy: 8 } });

      account = await waitForDelivery(receiver, '/account.update', accountId);
      request = await waitForDelivery(receiver, '/request.update', requestId);
    });

    after(() => service?.stop());

    it('sends only hook, url, Id and sequence', () => {
      expect(account.body).to.deep.equal({
        hook: 'account.update',
        url: `${receiver.url}/account.update`,
        Id: accountId,
        sequence: account.body.sequence,
      });
      expect(account.body.sequence).to.be.a('number');
    });

    it('keeps the filter fields', () => {
      expect(request.body).to.deep.equal({
        hook: 'request.update',
        url: `${receiver.url}/request.update`,
        Id: requestId,
        eventUser: 8,
        eventProject: 3,
        sequence: request.body.sequence,
      });
    });

    it('sends the name nowhere in the body', () => {
      expect(account.rawBody, 'account.update body').to.not.include(SECRET_NAME);
      expect(request.rawBody, 'request.update body').to.not.include(SECRET_NAME);
    });
  });
});
