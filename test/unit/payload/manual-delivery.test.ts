import { expect } from 'chai';

import { PING_EVENT, buildPingPayload, withSequence } from '../../../src/delivery/manual-delivery.js';

describe('manual delivery bodies', () => {
  context('when a body is redelivered', () => {
    const body = JSON.stringify({ hook: 'account.update', url: 'https://127.0.0.1/h', Id: 42, resource: { name: 'Acme' }, sequence: 3 });

    it('replaces the sequence', () => {
      expect(JSON.parse(withSequence(body, 9)).sequence).to.equal(9);
    });

    it('keeps the other fields in order', () => {
      const copy = JSON.parse(withSequence(body, 9)) as Record<string, unknown>;

      expect(Object.keys(copy)).to.deep.equal(['hook', 'url', 'Id', 'resource', 'sequence']);
      expect(copy.resource).to.deep.equal({ name: 'Acme' });
    });

    it('adds a sequence to a body without one', () => {
      const copy = JSON.parse(withSequence(JSON.stringify({ hook: 'account.add', Id: 1 }), 4)) as Record<string, unknown>;

      expect(copy).to.deep.equal({ hook: 'account.add', Id: 1, sequence: 4 });
    });

    it('rejects a body that is not an object', () => {
      expect(() => withSequence('[1,2]', 1)).to.throw(TypeError, /not a JSON object/);
    });
  });

  context('when a ping is built', () => {
    const payload = buildPingPayload('https://127.0.0.1/h', 7, new Date('2030-01-02T03:04:05.000Z'));

    it('names the ping event', () => {
      expect(payload.hook).to.equal(PING_EVENT);
    });

    it('carries url, null Id, sequence and time', () => {
      expect(payload.url).to.equal('https://127.0.0.1/h');
      expect(payload.Id).to.equal(null);
      expect(payload.sequence).to.equal(7);
      expect(payload.timestamp).to.equal('2030-01-02T03:04:05.000Z');
    });

    it('carries a message', () => {
      expect(payload.message).to.be.a('string').and.not.equal('');
    });
  });
});
