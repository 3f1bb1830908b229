import { expect } from 'chai';
import { ObjectId, Timestamp } from 'mongodb';

import { deriveEvents, type KnownEntityState } from '../../../src/events/derive-events.js';
import { buildPayload, NO_EXCLUSION } from '../../../src/delivery/payload.js';
import type { ItemType } from '../../../src/events/catalogue.js';
import type { EntityChange } from '../../../src/watcher/entity-change.js';
import { normalizeChange, type RawChange } from '../../../src/watcher/normalize-change.js';

const URL = 'https://receiver.example/hooks';
const READY_STATUS = 0;
const WALL_TIME = new Date('2025-03-04T05:06:07.890Z');

let tokenCounter = 0;

/** Builds a change event shaped as MongoDB 6 sends it. */
function mongoChange(fields: Partial<RawChange>): RawChange {
  tokenCounter++;
  return {
    _id: { _data: `82670000000000000${tokenCounter}` },
    clusterTime: new Timestamp({ t: Math.floor(WALL_TIME.getTime() / 1000), i: 1 }),
    wallTime: WALL_TIME,
    ...fields,
  };
}

function normalize(raw: RawChange, collectionName: string, itemType: ItemType): EntityChange {
  const change = normalizeChange(raw, collectionName, itemType);
  expect(change, 'normalized change').to.not.equal(undefined);
  return change!;
}

function payloadsOf(change: EntityChange, known: KnownEntityState | null) {
  return deriveEvents(change, known, READY_STATUS).map((event) => buildPayload(change, event, URL, NO_EXCLUSION, known?.entityId ?? null));
}

describe('change without a post-image', () => {
  context('when a delete carries only documentKey', () => {
    const _id = new ObjectId();
    const raw = mongoChange({ operationType: 'delete', documentKey: { _id } });
    const known: KnownEntityState = { entityId: 42, status: null };

    it('keys the change by the document _id', () => {
      const change = normalize(raw, 'accounts', 'Account');

      expect(change.documentKey).to.equal(_id.toHexString());
    });

    it('derives account.delete only', () => {
      const change = normalize(raw, 'accounts', 'Account');

      expect(deriveEvents(change, known, READY_STATUS).map((event) => event.definition.name)).to.deep.equal(['account.delete']);
    });

    it('builds a payload with the known Id', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), known);

      expect(payload!.hook).to.equal('account.delete');
      expect(payload!.url).to.equal(URL);
      expect(payload!.Id).to.equal(42);
    });

    it('builds a payload without a resource', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), known);

      expect(payload!.resource ?? null).to.equal(null);
    });

    it('names the subject by item type and Id', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), known);

      expect(payload!.subject).to.equal('Account 42');
    });

    it('takes the timestamp from wallTime', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), known);

      expect(payload!.timestamp).to.equal(WALL_TIME.toISOString());
    });

    it('has a null Id when the entity was never seen', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), null);

      expect(payload!.Id).to.equal(null);
    });
  });

  context('when a delete carries a pre-image', () => {
    const _id = new ObjectId();
    const raw = mongoChange({
      operationType: 'delete',
      documentKey: { _id },
      fullDocumentBeforeChange: { _id, id: 42, name: 'Acme Oy' },
    });

    it('sends the pre-image as resource', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), null);

      expect(payload!.resource).to.deep.equal({ id: 42, name: 'Acme Oy' });
    });

    it('takes the Id from the pre-image', () => {
      const [payload] = payloadsOf(normalize(raw, 'accounts', 'Account'), { entityId: 7, status: null });

      expect(payload!.Id).to.equal(42);
    });
  });

  context('when an update finds its document gone', () => {
    const _id = new ObjectId();
    const raw = mongoChange({
      operationType: 'update',
      documentKey: { _id },
      fullDocument: null,
      updateDescription: { updatedFields: { status: READY_STATUS } },
    });
    const known: KnownEntityState = { entityId: 42, status: 1 };

    it('has no document', () => {
      const change = normalize(raw, 'timereports', 'Timereport');

      expect(change.document).to.equal(null);
    });

    it('derives timereport.update only', () => {
      const change = normalize(raw, 'timereports', 'Timereport');

      expect(deriveEvents(change, known, READY_STATUS).map((event) => event.definition.name)).to.deep.equal(['timereport.update']);
    });

    it('builds a payload without a resource', () => {
      const [payload] = payloadsOf(normalize(raw, 'timereports', 'Timereport'), known);

      expect(payload!.resource ?? null).to.equal(null);
    });

    it('builds a payload with the known Id', () => {
      const [payload] = payloadsOf(normalize(raw, 'timereports', 'Timereport'), known);

      expect(payload!.Id).to.equal(42);
    });

    it('has null filter values', () => {
      const [payload] = payloadsOf(normalize(raw, 'timereports', 'Timereport'), known);

      expect(payload!.eventUser, 'eventUser').to.equal(null);
      expect(payload!.eventProject, 'eventProject').to.equal(null);
    });
  });

  context('when mongo-java-server reports an update of a gone document', () => {
    // Once the lookup finds no document, mongo-java-server 1.47 sends the update operators as
    // documentKey and the fields that $set wrote as fullDocument, with no _id in either.
    const raw: RawChange = {
      _id: { _data: '6b1323f400000007' },
      operationType: 'update',
      fullDocument: { status: READY_STATUS },
      documentKey: { $set: { status: READY_STATUS } },
    };

    it('has no document', () => {
      const change = normalize(raw, 'timereports', 'Timereport');

      expect(change.document).to.equal(null);
    });

    it('keys the change by its resume token', () => {
      const change = normalize(raw, 'timereports', 'Timereport');

      expect(change.documentKey).to.equal('change:6b1323f400000007');
    });

    it('derives timereport.update only', () => {
      const change = normalize(raw, 'timereports', 'Timereport');

      expect(deriveEvents(change, null, READY_STATUS).map((event) => event.definition.name)).to.deep.equal(['timereport.update']);
    });

    it('builds a payload without a resource', () => {
      const [payload] = payloadsOf(normalize(raw, 'timereports', 'Timereport'), null);

      expect(payload!.resource ?? null).to.equal(null);
    });
  });
});

describe('change with an update description', () => {
  const _id = new ObjectId();

  function timereportUpdate(status: number, updatedFields: Record<string, unknown> | undefined): EntityChange {
    return normalize(
      mongoChange({
        operationType: 'update',
        documentKey: { _id },
        fullDocument: { _id, id: 5, person: 7, project: 3, status },
        ...(updatedFields ? { updateDescription: { updatedFields } } : {}),
      }),
      'timereports',
      'Timereport',
    );
  }

  function eventNames(change: EntityChange, known: KnownEntityState | null): string[] {
    return deriveEvents(change, known, READY_STATUS).map((event) => event.definition.name);
  }

  context('when the update sets the ready status', () => {
    it('derives timereport.readyforacceptance', () => {
      const change = timereportUpdate(READY_STATUS, { status: READY_STATUS });

      expect(eventNames(change, { entityId: 5, status: 1 })).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });
  });

  context('when the update leaves the ready status alone', () => {
    it('derives timereport.update only', () => {
      const change = timereportUpdate(READY_STATUS, { amount: 8 });

      expect(eventNames(change, { entityId: 5, status: 1 })).to.deep.equal(['timereport.update']);
    });
  });

  context('when there is no update description', () => {
    it('compares with the known status', () => {
      const change = timereportUpdate(READY_STATUS, undefined);

      expect(eventNames(change, { entityId: 5, status: 1 })).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });

    it('does not fire again for a known ready status', () => {
      const change = timereportUpdate(READY_STATUS, undefined);

      expect(eventNames(change, { entityId: 5, status: READY_STATUS })).to.deep.equal(['timereport.update']);
    });

    it('fires when no status was ever seen', () => {
      const change = timereportUpdate(READY_STATUS, undefined);

      expect(eventNames(change, null)).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });
  });

  context('when MongoDB reports a replace', () => {
    it('derives account.update', () => {
      const change = normalize(
        mongoChange({ operationType: 'replace', documentKey: { _id }, fullDocument: { _id, id: 9, name: 'Acme' } }),
        'accounts',
        'Account',
      );

      expect(eventNames(change, null)).to.deep.equal(['account.update']);
    });
  });
});
