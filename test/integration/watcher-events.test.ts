import { expect } from 'chai';

import type { ItemType } from '../../src/events/catalogue.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery } from './event-path-helpers.js';

interface EntityCase {
  itemType: ItemType;
  collection: string;
  /** A new document of the collection, without `id`. */
  document: Record<string, unknown>;
  /** Fields an update sets. */
  change: Record<string, unknown>;
  /** Subject of the payload for entity `id` after the update. */
  subject: (id: number) => string;
  /** True when the update event carries eventUser and eventProject. */
  filterable: boolean;
}

const CASES: EntityCase[] = [
  {
    itemType: 'Project',
    collection: 'projects',
    document: { name: 'Website renewal', manager: 7 },
    change: { name: 'Website renewal 2' },
    subject: () => 'Website renewal 2',
    filterable: false,
  },
  {
    itemType: 'Request',
    collection: 'requests',
    document: { subject: 'Laptop order', responsible: 7, project: 3 },
    change: { subject: 'Laptop order, urgent' },
    subject: () => 'Laptop order, urgent',
    filterable: true,
  },
  {
    itemType: 'Account',
    collection: 'accounts',
    document: { name: 'Acme Oy', phone: '+358 1234', address: { city: 'Espoo' } },
    change: { name: 'Acme Oyj' },
    subject: () => 'Acme Oyj',
    filterable: false,
  },
  {
    itemType: 'Timereport',
    collection: 'timereports',
    document: { person: 7, project: 3, status: 1, amount: 7.5 },
    change: { amount: 8 },
    subject: (id) => `Timereport ${id}`,
    filterable: true,
  },
  {
    itemType: 'Task',
    collection: 'tasks',
    document: { name: 'Design', project: 3 },
    change: { name: 'Design review' },
    subject: () => 'Design review',
    filterable: false,
  },
  {
    itemType: 'Team',
    collection: 'teams',
    document: { name: 'Platform' },
    change: { name: 'Platform and tools' },
    subject: () => 'Platform and tools',
    filterable: false,
  },
  {
    itemType: 'User',
    collection: 'users',
    document: { firstName: 'Aino', lastName: 'Virtanen', email: 'aino@example.com' },
    change: { lastName: 'Korhonen' },
    subject: () => 'Aino Korhonen',
    filterable: false,
  },
  {
    itemType: 'Assignment',
    collection: 'assignments',
    document: { person: 7, task: 12, hours: 40 },
    change: { hours: 32 },
    subject: (id) => `Assignment ${id}`,
    filterable: false,
  },
];

const BASE_KEYS = ['Id', 'hook', 'resource', 'sequence', 'subject', 'timestamp', 'url'];

function expectTimestampWithin(request: ReceivedRequest, startedAt: number): void {
  // The embedded database reports change times in whole seconds.
  const timestamp = Date.parse(String(request.body.timestamp));
  expect(timestamp, 'timestamp').to.be.within(startedAt - 1_000, request.receivedAt.getTime());
}

describe('change stream watcher', () => {
  let service: TestService;
  let receiver: HttpsReceiver;

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();

    const { apiKey } = await createHookOwner();
    for (const { itemType } of CASES) {
      for (const action of ['add', 'update', 'delete']) {
        const hook = `${itemType.toLowerCase()}.${action}`;
        await createHook(service.graphqlUrl, apiKey, { hook, url: `${receiver.url}/${hook}` });
      }
    }
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  for (const entity of CASES) {
    const prefix = entity.itemType.toLowerCase();
    const keys = entity.filterable ? [...BASE_KEYS, 'eventProject', 'eventUser'].sort() : BASE_KEYS;

    context(`when a document in ${entity.collection} changes`, () => {
      it(`delivers ${prefix}.add on insert`, async () => {
        const id = nextEntityId();
        const startedAt = Date.now();
        await service.db.collection(entity.collection).insertOne({ id, ...entity.document });

        const request = await waitForDelivery(receiver, `/${prefix}.add`, id);
        expect(Object.keys(request.body).sort()).to.deep.equal(BASE_KEYS);
        expect(request.body.hook).to.equal(`${prefix}.add`);
        expect(request.body.url).to.equal(`${receiver.url}/${prefix}.add`);
        expect(request.body.resource).to.deep.equal({ id, ...entity.document });
        expectTimestampWithin(request, startedAt);
      });

      it(`delivers ${prefix}.update on update`, async () => {
        const id = nextEntityId();
        const collection = service.db.collection(entity.collection);
        await collection.insertOne({ id, ...entity.document });
        const startedAt = Date.now();
        await collection.updateOne({ id }, { $set: entity.change });

        const request = await waitForDelivery(receiver, `/${prefix}.update`, id);
        expect(Object.keys(request.body).sort()).to.deep.equal(keys);
        expect(request.body.hook).to.equal(`${prefix}.update`);
        expect(request.body.url).to.equal(`${receiver.url}/${prefix}.update`);
        expect(request.body.subject).to.equal(entity.subject(id));
        expect(request.body.resource).to.deep.equal({ id, ...entity.document, ...entity.change });
        expectTimestampWithin(request, startedAt);
        if (!entity.filterable) return;

        expect(request.body.eventUser, 'eventUser').to.equal(7);
        expect(request.body.eventProject, 'eventProject').to.equal(3);
      });

      it(`delivers ${prefix}.update on replaceOne`, async () => {
        const id = nextEntityId();
        const collection = service.db.collection(entity.collection);
        await collection.insertOne({ id, ...entity.document, obsolete: true });
        const startedAt = Date.now();
        await collection.replaceOne({ id }, { id, ...entity.document, ...entity.change });

        const request = await waitForDelivery(receiver, `/${prefix}.update`, id);
        expect(request.body.hook).to.equal(`${prefix}.update`);
        expect(request.body.subject).to.equal(entity.subject(id));
        expect(request.body.resource).to.deep.equal({ id, ...entity.document, ...entity.change });
        expectTimestampWithin(request, startedAt);
      });

      it(`delivers ${prefix}.delete with the Id`, async () => {
        const id = nextEntityId();
        const collection = service.db.collection(entity.collection);
        await collection.insertOne({ id, ...entity.document });
        const startedAt = Date.now();
        await collection.deleteOne({ id });

        const request = await waitForDelivery(receiver, `/${prefix}.delete`, id);
        expect(request.body.hook).to.equal(`${prefix}.delete`);
        expect(request.body.url).to.equal(`${receiver.url}/${prefix}.delete`);
        expect(request.body.resource ?? null, 'resource').to.equal(null);
        expect(request.body.subject).to.equal(`${entity.itemType} ${id}`);
        expectTimestampWithin(request, startedAt);
      });
    });
  }
});
