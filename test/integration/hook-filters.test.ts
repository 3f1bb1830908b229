import { expect } from 'chai';

import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import type { ItemType } from '../../src/events/catalogue.js';
import { startHttpsReceiver, type HttpsReceiver } from '../support/https-receiver.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { createHook, createHookOwner, nextEntityId, waitForDelivery, type NewHook } from './event-path-helpers.js';

interface FilterCase {
  itemType: ItemType;
  collection: string;
  /** Field naming the user who owns the document, used when it has no `modifiedBy`. */
  ownerField: string;
}

const CASES: FilterCase[] = [
  { itemType: 'Request', collection: 'requests', ownerField: 'responsible' },
  { itemType: 'Timereport', collection: 'timereports', ownerField: 'person' },
];

/** One document that the hook must skip and one it must receive, each inserted and then updated. */
interface ChangePair {
  skipped: { document: Record<string, unknown>; update: Record<string, unknown> };
  delivered: { document: Record<string, unknown>; update: Record<string, unknown> };
}

let lastFilterId = 500;

/** Returns a user or project id that no other test uses. */
function nextFilterId(): number {
  lastFilterId++;
  return lastFilterId;
}

describe('hook filters', () => {
  let service: TestService;
  let receiver: HttpsReceiver;
  let apiKey: string;

  before(async () => {
    service = await startTestService();
    receiver = await startHttpsReceiver();
    ({ apiKey } = await createHookOwner());
  });

  after(async () => {
    await receiver?.close();
    await service?.stop();
  });

  for (const { itemType, collection, ownerField } of CASES) {
    const event = `${itemType.toLowerCase()}.update`;

    /**
     * Registers a filtered hook, updates a document it must skip and then one it must receive, and
     * returns the request that arrived. Changes to one collection are handled in commit order, so
     * once the second change is delivered the first one has been matched too, and every delivery
     * record the hook got is already written.
     */
    async function deliverOnlyMatching(filter: Omit<NewHook, 'hook' | 'url'>, pair: ChangePair) {
      const path = `/${event}/${nextFilterId()}`;
      const hookId = await createHook(service.graphqlUrl, apiKey, { hook: event, url: `${receiver.url}${path}`, ...filter });
      const entities = service.db.collection(collection);
      const skippedId = nextEntityId();
      const deliveredId = nextEntityId();

      await entities.insertOne({ id: skippedId, ...pair.skipped.document });
      await entities.insertOne({ id: deliveredId, ...pair.delivered.document });
      await entities.updateOne({ id: skippedId }, { $set: pair.skipped.update });
      await entities.updateOne({ id: deliveredId }, { $set: pair.delivered.update });

      const request = await waitForDelivery(receiver, path, deliveredId);
      const records = await DeliveryModel.find({ hookId }).lean();
      expect(records.map((record) => record.entityId), 'delivery records').to.deep.equal([deliveredId]);
      return request;
    }

    context(`when a ${event} hook has eventUser`, () => {
      it('matches modifiedBy', async () => {
        const user = nextFilterId();
        const request = await deliverOnlyMatching(
          { eventUser: user },
          {
            skipped: { document: { [ownerField]: 1 }, update: { modifiedBy: nextFilterId() } },
            delivered: { document: { [ownerField]: 1 }, update: { modifiedBy: user } },
          },
        );

        expect(request.body.eventUser).to.equal(user);
      });

      it(`falls back to ${ownerField}`, async () => {
        const user = nextFilterId();
        const request = await deliverOnlyMatching(
          { eventUser: user },
          {
            skipped: { document: { [ownerField]: nextFilterId() }, update: { note: 'skipped' } },
            delivered: { document: { [ownerField]: user }, update: { note: 'delivered' } },
          },
        );

        expect(request.body.eventUser).to.equal(user);
      });

      it(`prefers modifiedBy over ${ownerField}`, async () => {
        const user = nextFilterId();
        const request = await deliverOnlyMatching(
          { eventUser: user },
          {
            skipped: { document: { [ownerField]: user }, update: { modifiedBy: nextFilterId() } },
            delivered: { document: { [ownerField]: nextFilterId() }, update: { modifiedBy: user } },
          },
        );

        expect(request.body.eventUser).to.equal(user);
      });
    });

    context(`when a ${event} hook has eventProject`, () => {
      it('matches project', async () => {
        const project = nextFilterId();
        const request = await deliverOnlyMatching(
          { eventProject: project },
          {
            skipped: { document: { [ownerField]: 1, project: nextFilterId() }, update: { note: 'skipped' } },
            delivered: { document: { [ownerField]: 1, project }, update: { note: 'delivered' } },
          },
        );

        expect(request.body.eventProject).to.equal(project);
      });

      it('skips a document without project', async () => {
        const project = nextFilterId();
        await deliverOnlyMatching(
          { eventProject: project },
          {
            skipped: { document: { [ownerField]: 1 }, update: { note: 'skipped' } },
            delivered: { document: { [ownerField]: 1 }, update: { project } },
          },
        );
      });
    });

    context(`when a ${event} hook has both filters`, () => {
      it('needs both to match', async () => {
        const user = nextFilterId();
        const project = nextFilterId();
        const request = await deliverOnlyMatching(
          { eventUser: user, eventProject: project },
          {
            skipped: { document: { [ownerField]: user, project: nextFilterId() }, update: { note: 'skipped' } },
            delivered: { document: { [ownerField]: user, project }, update: { note: 'delivered' } },
          },
        );

        expect(request.body.eventUser, 'eventUser').to.equal(user);
        expect(request.body.eventProject, 'eventProject').to.equal(project);
      });

      it('skips a matching project by another user', async () => {
        const user = nextFilterId();
        const project = nextFilterId();
        await deliverOnlyMatching(
          { eventUser: user, eventProject: project },
          {
            skipped: { document: { [ownerField]: nextFilterId(), project }, update: { note: 'skipped' } },
            delivered: { document: { [ownerField]: user, project }, update: { note: 'delivered' } },
          },
        );
      });
    });
  }
});
