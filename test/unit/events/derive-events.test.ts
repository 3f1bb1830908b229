import { expect } from 'chai';

import type { ItemType } from '../../../src/events/catalogue.js';
import { deriveEvents, eventUserOf, type DerivedEvent } from '../../../src/events/derive-events.js';
import type { EntityChange } from '../../../src/watcher/entity-change.js';

const READY = 0;

function change(itemType: ItemType, operation: EntityChange['operation'], fields: Partial<EntityChange> = {}): EntityChange {
  return {
    changeId: 'change-1',
    resumeToken: { _data: 'change-1' },
    collectionName: `${itemType.toLowerCase()}s`,
    itemType,
    operation,
    documentKey: 'document-1',
    document: null,
    previous: null,
    updatedFields: null,
    at: new Date('2030-01-01T00:00:00Z'),
    ...fields,
  };
}

function names(events: DerivedEvent[]): string[] {
  return events.map((event) => event.definition.name);
}

describe('deriveEvents', () => {
  context('when an account changes', () => {
    it('raises account.add on insert', () => {
      const events = deriveEvents(change('Account', 'insert', { document: { id: 1, name: 'Acme' } }), null, READY);

      expect(names(events)).to.deep.equal(['account.add']);
    });

    it('raises account.update on update', () => {
      const events = deriveEvents(change('Account', 'update', { document: { id: 1, name: 'Acme' } }), null, READY);

      expect(names(events)).to.deep.equal(['account.update']);
    });

    it('raises account.delete on delete', () => {
      const events = deriveEvents(change('Account', 'delete', { previous: { id: 1 } }), null, READY);

      expect(names(events)).to.deep.equal(['account.delete']);
    });

    it('sets no filter values, since account events support none', () => {
      const [event] = deriveEvents(change('Account', 'update', { document: { id: 1, modifiedBy: 7, project: 9 } }), null, READY);

      expect(event!.eventUser).to.equal(null);
      expect(event!.eventProject).to.equal(null);
    });
  });

  context('when a request is updated', () => {
    it('takes eventUser from modifiedBy and eventProject from project', () => {
      const document = { id: 5, modifiedBy: 7, responsible: 8, project: 9 };

      const [event] = deriveEvents(change('Request', 'update', { document }), null, READY);

      expect(event!.definition.name).to.equal('request.update');
      expect(event!.eventUser).to.equal(7);
      expect(event!.eventProject).to.equal(9);
    });

    it('falls back to the responsible user', () => {
      const [event] = deriveEvents(change('Request', 'update', { document: { id: 5, responsible: 8 } }), null, READY);

      expect(event!.eventUser).to.equal(8);
      expect(event!.eventProject).to.equal(null);
    });

    it('reads the pre-image when the document is gone', () => {
      const previous = { id: 5, responsible: 8, project: 9 };

      const [event] = deriveEvents(change('Request', 'update', { previous }), null, READY);

      expect(event!.eventUser).to.equal(8);
      expect(event!.eventProject).to.equal(9);
    });
  });

  context('when a time report is inserted', () => {
    it('raises add, then readyforacceptance, for the ready status', () => {
      const events = deriveEvents(change('Timereport', 'insert', { document: { id: 3, status: READY } }), null, READY);

      expect(names(events)).to.deep.equal(['timereport.add', 'timereport.readyforacceptance']);
    });

    it('raises only add for another status', () => {
      const events = deriveEvents(change('Timereport', 'insert', { document: { id: 3, status: 1 } }), null, READY);

      expect(names(events)).to.deep.equal(['timereport.add']);
    });

    it('uses the configured ready status', () => {
      const document = { id: 3, status: 4 };

      expect(names(deriveEvents(change('Timereport', 'insert', { document }), null, 4))).to.include('timereport.readyforacceptance');
      expect(names(deriveEvents(change('Timereport', 'insert', { document }), null, READY))).not.to.include('timereport.readyforacceptance');
    });

    it('does not treat a status string as the ready number', () => {
      const events = deriveEvents(change('Timereport', 'insert', { document: { id: 3, status: '0' } }), null, READY);

      expect(names(events)).to.deep.equal(['timereport.add']);
    });
  });

  context('when a time report is updated with updatedFields', () => {
    it('raises readyforacceptance, then update, when status was set to ready', () => {
      const events = deriveEvents(
        change('Timereport', 'update', { document: { id: 3, status: READY }, updatedFields: { status: READY } }),
        { entityId: 3, status: READY },
        READY,
      );

      expect(names(events)).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });

    it('raises only update when another field changed on a ready report', () => {
      const events = deriveEvents(
        change('Timereport', 'update', { document: { id: 3, status: READY, hours: 5 }, updatedFields: { hours: 5 } }),
        { entityId: 3, status: 1 },
        READY,
      );

      expect(names(events)).to.deep.equal(['timereport.update']);
    });

    it('raises only update when status changed to another value', () => {
      const events = deriveEvents(
        change('Timereport', 'update', { document: { id: 3, status: 2 }, updatedFields: { status: 2 } }),
        null,
        READY,
      );

      expect(names(events)).to.deep.equal(['timereport.update']);
    });
  });

  context('when a time report is updated without updatedFields', () => {
    it('detects the transition from the pre-image', () => {
      const events = deriveEvents(
        change('Timereport', 'update', { document: { id: 3, status: READY }, previous: { id: 3, status: 1 } }),
        { entityId: 3, status: READY },
        READY,
      );

      expect(names(events)).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });

    it('raises only update when the pre-image was already ready', () => {
      const events = deriveEvents(
        change('Timereport', 'update', { document: { id: 3, status: READY }, previous: { id: 3, status: READY } }),
        { entityId: 3, status: 1 },
        READY,
      );

      expect(names(events)).to.deep.equal(['timereport.update']);
    });

    it('detects the transition from the known state', () => {
      const events = deriveEvents(change('Timereport', 'update', { document: { id: 3, status: READY } }), { entityId: 3, status: 1 }, READY);

      expect(names(events)).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });

    it('raises only update when the known state was already ready', () => {
      const events = deriveEvents(change('Timereport', 'update', { document: { id: 3, status: READY } }), { entityId: 3, status: READY }, READY);

      expect(names(events)).to.deep.equal(['timereport.update']);
    });

    it('counts a ready report with no earlier state as having become ready', () => {
      const events = deriveEvents(change('Timereport', 'update', { document: { id: 3, status: READY } }), null, READY);

      expect(names(events)).to.deep.equal(['timereport.readyforacceptance', 'timereport.update']);
    });
  });

  context('when a time report is deleted', () => {
    it('raises only delete, even from the ready status', () => {
      const events = deriveEvents(change('Timereport', 'delete', { previous: { id: 3, status: READY } }), null, READY);

      expect(names(events)).to.deep.equal(['timereport.delete']);
    });
  });

  it('sets filter values on timereport.update only, not on readyforacceptance', () => {
    const document = { id: 3, status: READY, person: 7, project: 9 };

    const [ready, update] = deriveEvents(change('Timereport', 'update', { document, updatedFields: { status: READY } }), null, READY);

    expect(ready!.eventUser).to.equal(null);
    expect(ready!.eventProject).to.equal(null);
    expect(update!.eventUser).to.equal(7);
    expect(update!.eventProject).to.equal(9);
  });
});

describe('eventUserOf', () => {
  it('returns modifiedBy when the document has it', () => {
    expect(eventUserOf({ modifiedBy: 7, person: 8 }, 'Timereport')).to.equal(7);
  });

  it('falls back to the owner field of the item type', () => {
    expect(eventUserOf({ person: 8 }, 'Timereport')).to.equal(8);
    expect(eventUserOf({ responsible: 9 }, 'Request')).to.equal(9);
  });

  it('ignores a modifiedBy that is not a finite number', () => {
    expect(eventUserOf({ modifiedBy: '7', person: 8 }, 'Timereport')).to.equal(8);
    expect(eventUserOf({ modifiedBy: Number.NaN, person: 8 }, 'Timereport')).to.equal(8);
  });

  it('returns null for an item type without an owner field', () => {
    expect(eventUserOf({ person: 8, responsible: 9 }, 'Account')).to.equal(null);
  });

  it('returns null without a document', () => {
    expect(eventUserOf(null, 'Request')).to.equal(null);
  });

  it('returns null when the owner field is missing', () => {
    expect(eventUserOf({ id: 1 }, 'Request')).to.equal(null);
  });
});
