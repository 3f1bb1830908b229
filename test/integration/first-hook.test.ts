import { expect } from 'chai';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { createUserWithKey, eventually } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';

const CREATE_HOOK = `mutation Create($input: CreateHookInput!) {
  createHook(input: $input) { id hook url eventUser eventProject ownerId createdAt }
}`;

describe('first hook end to end', () => {
  let service: TestService;
  let receiver: HttpsReceiver;

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  it('delivers account.update to the receiver', async () => {
    const { apiKey, userId } = await createUserWithKey();
    const created = await graphql<{ createHook: { id: string; ownerId: number } }>(service.graphqlUrl, CREATE_HOOK, {
      apiKey,
      variables: { input: { hook: 'account.update', url: `${receiver.url}/accounts` } },
    });
    expect(created.errors).to.equal(undefined);
    expect(created.data?.createHook.ownerId).to.equal(userId);

    const accounts = service.db.collection('accounts');
    await accounts.insertOne({ id: 42, name: 'Acme Oy', phone: '+358 1234' });
    await accounts.updateOne({ id: 42 }, { $set: { name: 'Acme Oyj' } });

    const [request] = await receiver.waitForRequests(1, { path: '/accounts' });
    expect(request!.method).to.equal('POST');
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.body).to.deep.include({ hook: 'account.update', url: `${receiver.url}/accounts`, Id: 42, subject: 'Acme Oyj' });
    expect(request!.body.resource).to.deep.equal({ id: 42, name: 'Acme Oyj', phone: '+358 1234' });

    const attempt = await eventually(async () => (await AttemptModel.findOne({ hookId: created.data!.createHook.id }).lean()) ?? undefined);
    expect(attempt.ok).to.equal(true);
    expect(attempt.statusCode).to.equal(200);
    expect(attempt.entityId).to.equal(42);
  });
});
