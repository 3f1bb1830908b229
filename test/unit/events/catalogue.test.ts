import { expect } from 'chai';

import { EVENT_CATALOGUE, EVENT_NAMES, ITEM_TYPES, OWNER_FIELDS, findEvent } from '../../../src/events/catalogue.js';

describe('event catalogue', () => {
  it('has 25 events with unique names', () => {
    expect(EVENT_CATALOGUE).to.have.lengthOf(25);
    expect(new Set(EVENT_NAMES).size).to.equal(25);
  });

  it('gives every item type add, update and delete events', () => {
    for (const itemType of ITEM_TYPES) {
      const prefix = itemType.toLowerCase();
      for (const action of ['add', 'update', 'delete']) {
        expect(findEvent(`${prefix}.${action}`)?.itemType, `${prefix}.${action}`).to.equal(itemType);
      }
    }
  });

  it('names each event after its item type and action', () => {
    for (const event of EVENT_CATALOGUE) {
      expect(event.name).to.equal(`${event.itemType.toLowerCase()}.${event.action}`);
    }
  });

  it('lists timereport.readyforacceptance right after timereport.add', () => {
    const index = EVENT_NAMES.indexOf('timereport.readyforacceptance');

    expect(index).to.be.above(0);
    expect(EVENT_NAMES[index - 1]).to.equal('timereport.add');
    expect(findEvent('timereport.readyforacceptance')?.action).to.equal('readyforacceptance');
  });

  it('supports filters on request.update and timereport.update only', () => {
    const withUser = EVENT_CATALOGUE.filter((event) => event.supportsEventUser).map((event) => event.name);
    const withProject = EVENT_CATALOGUE.filter((event) => event.supportsEventProject).map((event) => event.name);

    expect(withUser).to.deep.equal(['request.update', 'timereport.update']);
    expect(withProject).to.deep.equal(['request.update', 'timereport.update']);
  });

  it('describes each event in a sentence', () => {
    for (const event of EVENT_CATALOGUE) {
      expect(event.description, event.name).to.match(/^[A-Z].*\.$/);
    }
  });

  it('defines an owner field for each filterable item type', () => {
    expect(OWNER_FIELDS).to.deep.equal({ Timereport: 'person', Request: 'responsible' });
  });

  it('finds events by exact name only', () => {
    expect(findEvent('account.update')?.itemType).to.equal('Account');
    expect(findEvent('Account.update')).to.equal(undefined);
    expect(findEvent('account.updated')).to.equal(undefined);
  });
});
