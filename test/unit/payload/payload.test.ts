import { expect } from 'chai';
import mongoose from 'mongoose';

import { findEvent, type ItemType } from '../../../src/events/catalogue.js';
import type { DerivedEvent } from '../../../src/events/derive-events.js';
import { NO_EXCLUSION, buildPayload, buildResource, subjectOf, toJsonValue, type PayloadExclusion } from '../../../src/delivery/payload.js';
import type { EntityChange } from '../../../src/watcher/entity-change.js';

const { Decimal128, Long, ObjectId } = mongoose.mongo;

const URL = 'https://127.0.0.1:9/hooks';
const AT = new Date('2030-01-02T03:04:05.678Z');

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
    at: AT,
    ...fields,
  };
}

function event(name: string, eventUser: number | null = null, eventProject: number | null = null): DerivedEvent {
  return { definition: findEvent(name)!, eventUser, eventProject };
}

describe('toJsonValue', () => {
  it('turns a Date into an ISO string', () => {
    expect(toJsonValue(AT)).to.equal('2030-01-02T03:04:05.678Z');
  });

  it('turns an ObjectId into its hex string', () => {
    const id = new ObjectId();

    expect(toJsonValue(id)).to.equal(id.toHexString());
  });

  it('turns a Long into a number', () => {
    expect(toJsonValue(Long.fromNumber(1234567890123))).to.equal(1234567890123);
  });

  it('turns a Decimal128 into its string', () => {
    expect(toJsonValue(Decimal128.fromString('12.50'))).to.equal('12.50');
  });

  it('turns a bigint into a string', () => {
    expect(toJsonValue(12345678901234567890n)).to.equal('12345678901234567890');
  });

  it('turns undefined into null', () => {
    expect(toJsonValue(undefined)).to.equal(null);
  });

  it('converts nested objects and arrays', () => {
    const id = new ObjectId();

    expect(toJsonValue({ list: [AT, { id }], inner: { when: AT, n: 1, s: 'x', b: true } })).to.deep.equal({
      list: ['2030-01-02T03:04:05.678Z', { id: id.toHexString() }],
      inner: { when: '2030-01-02T03:04:05.678Z', n: 1, s: 'x', b: true },
    });
  });
});

describe('buildResource', () => {
  const document = {
    _id: new ObjectId(),
    id: 42,
    name: 'Acme Oy',
    phone: '+358 1234',
    address: { street: 'Main street 1', city: 'Helsinki' },
  };

  it('copies the document without _id', () => {
    expect(buildResource(document, 'Account', NO_EXCLUSION)).to.deep.equal({
      id: 42,
      name: 'Acme Oy',
      phone: '+358 1234',
      address: { street: 'Main street 1', city: 'Helsinki' },
    });
  });

  it('removes top-level and nested excluded fields', () => {
    const exclusion: PayloadExclusion = { excludeAll: false, fields: { Account: ['phone', 'address.street'] } };

    expect(buildResource(document, 'Account', exclusion)).to.deep.equal({ id: 42, name: 'Acme Oy', address: { city: 'Helsinki' } });
  });

  it('removes a nested field from each array element', () => {
    const contacts = { id: 7, contacts: [{ name: 'Ann', phone: '1' }, { name: 'Bob', phone: '2' }, 'note'] };
    const exclusion: PayloadExclusion = { excludeAll: false, fields: { Account: ['contacts.phone'] } };

    expect(buildResource(contacts, 'Account', exclusion)).to.deep.equal({ id: 7, contacts: [{ name: 'Ann' }, { name: 'Bob' }, 'note'] });
  });

  it('applies only the exclusions of its item type', () => {
    const exclusion: PayloadExclusion = { excludeAll: false, fields: { User: ['phone'] } };

    expect(buildResource(document, 'Account', exclusion)).to.have.property('phone');
  });

  it('ignores excluded paths that the document lacks', () => {
    const exclusion: PayloadExclusion = { excludeAll: false, fields: { Account: ['fax', 'address.zip', 'name.first'] } };

    expect(buildResource(document, 'Account', exclusion)).to.deep.equal(buildResource(document, 'Account', NO_EXCLUSION));
  });

  it('leaves the source document unchanged', () => {
    const exclusion: PayloadExclusion = { excludeAll: false, fields: { Account: ['phone', 'address.street'] } };

    buildResource(document, 'Account', exclusion);

    expect(document.phone).to.equal('+358 1234');
    expect(document.address.street).to.equal('Main street 1');
  });
});

describe('subjectOf', () => {
  it('prefers name', () => {
    expect(subjectOf({ name: 'Acme', subject: 'S', title: 'T' }, 'Account', 1)).to.equal('Acme');
  });

  it('falls back to subject, then title', () => {
    expect(subjectOf({ subject: 'Fix login', title: 'T' }, 'Request', 1)).to.equal('Fix login');
    expect(subjectOf({ title: 'Website' }, 'Project', 1)).to.equal('Website');
  });

  it('skips a blank name', () => {
    expect(subjectOf({ name: '  ', title: 'Website' }, 'Project', 1)).to.equal('Website');
  });

  it('joins first and last name', () => {
    expect(subjectOf({ firstName: 'Ada', lastName: 'Lovelace' }, 'User', 1)).to.equal('Ada Lovelace');
    expect(subjectOf({ lastName: 'Lovelace' }, 'User', 1)).to.equal('Lovelace');
  });

  it('falls back to item type and id', () => {
    expect(subjectOf({}, 'Task', 17)).to.equal('Task 17');
    expect(subjectOf({}, 'Task', null)).to.equal('Task');
  });
});

describe('buildPayload', () => {
  context('when an account is updated', () => {
    const document = { _id: new ObjectId(), id: 42, name: 'Acme Oy', phone: '+358 1234', address: { street: 'Main 1', city: 'Turku' } };

    it('carries hook, url, Id, subject, resource and timestamp', () => {
      const payload = buildPayload(change('Account', 'update', { document }), event('account.update'), URL, NO_EXCLUSION, null);

      expect(payload).to.deep.equal({
        hook: 'account.update',
        url: URL,
        Id: 42,
        subject: 'Acme Oy',
        resource: { id: 42, name: 'Acme Oy', phone: '+358 1234', address: { street: 'Main 1', city: 'Turku' } },
        timestamp: '2030-01-02T03:04:05.678Z',
      });
    });

    it('has no filter fields, since account events support none', () => {
      const payload = buildPayload(change('Account', 'update', { document }), event('account.update'), URL, NO_EXCLUSION, null);

      expect(payload).not.to.have.property('eventUser');
      expect(payload).not.to.have.property('eventProject');
    });

    it('removes nested excluded fields from the resource', () => {
      const exclusion: PayloadExclusion = { excludeAll: false, fields: { Account: ['address.street'] } };

      const payload = buildPayload(change('Account', 'update', { document }), event('account.update'), URL, exclusion, null);

      expect(payload.resource).to.deep.equal({ id: 42, name: 'Acme Oy', phone: '+358 1234', address: { city: 'Turku' } });
    });

    it('keeps only hook, url and Id when payloads are fully excluded', () => {
      const exclusion: PayloadExclusion = { excludeAll: true, fields: {} };

      const payload = buildPayload(change('Account', 'update', { document }), event('account.update'), URL, exclusion, null);

      expect(payload).to.deep.equal({ hook: 'account.update', url: URL, Id: 42 });
    });
  });

  context('when a request is updated', () => {
    const document = { id: 5, subject: 'Fix login', modifiedBy: 7, project: 9 };

    it('carries eventUser and eventProject', () => {
      const payload = buildPayload(change('Request', 'update', { document }), event('request.update', 7, 9), URL, NO_EXCLUSION, null);

      expect(payload.eventUser).to.equal(7);
      expect(payload.eventProject).to.equal(9);
      expect(payload.subject).to.equal('Fix login');
    });

    it('carries null filter fields when the event has no user or project', () => {
      const payload = buildPayload(change('Request', 'update', { document: { id: 5 } }), event('request.update'), URL, NO_EXCLUSION, null);

      expect(payload).to.have.property('eventUser', null);
      expect(payload).to.have.property('eventProject', null);
    });

    it('keeps only identifying fields under full exclusion', () => {
      const exclusion: PayloadExclusion = { excludeAll: true, fields: { Request: ['subject'] } };

      const payload = buildPayload(change('Request', 'update', { document }), event('request.update', 7, 9), URL, exclusion, null);

      expect(payload).to.deep.equal({ hook: 'request.update', url: URL, Id: 5, eventUser: 7, eventProject: 9 });
    });
  });

  context('when an entity is deleted', () => {
    it('carries the pre-image as the resource', () => {
      const previous = { _id: new ObjectId(), id: 42, name: 'Acme Oy' };

      const payload = buildPayload(change('Account', 'delete', { previous }), event('account.delete'), URL, NO_EXCLUSION, null);

      expect(payload.Id).to.equal(42);
      expect(payload.subject).to.equal('Acme Oy');
      expect(payload.resource).to.deep.equal({ id: 42, name: 'Acme Oy' });
    });

    it('carries only the known Id without a pre-image', () => {
      const payload = buildPayload(change('Account', 'delete'), event('account.delete'), URL, NO_EXCLUSION, 42);

      expect(payload.Id).to.equal(42);
      expect(payload.resource).to.equal(null);
      expect(payload.subject).to.equal('Account 42');
    });

    it('has a null Id when nothing is known', () => {
      const payload = buildPayload(change('Account', 'delete'), event('account.delete'), URL, NO_EXCLUSION, null);

      expect(payload.Id).to.equal(null);
      expect(payload.subject).to.equal('Account');
    });
  });

  it('ignores an id that is not a number', () => {
    const payload = buildPayload(change('Account', 'update', { document: { id: '42' } }), event('account.update'), URL, NO_EXCLUSION, 7);

    expect(payload.Id).to.equal(7);
  });
});
