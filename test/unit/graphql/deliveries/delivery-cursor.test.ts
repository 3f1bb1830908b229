import { expect } from 'chai';
import { Types } from 'mongoose';

import { decodeDeliveryCursor, encodeDeliveryCursor } from '../../../../src/graphql/deliveries/delivery-cursor.js';

describe('delivery cursor', () => {
  context('when a cursor is encoded', () => {
    const position = { createdAt: new Date('2030-05-06T07:08:09.123Z'), id: new Types.ObjectId('6752f0c1a2b3c4d5e6f70812') };

    it('decodes to the same position', () => {
      const decoded = decodeDeliveryCursor(encodeDeliveryCursor(position));

      expect(decoded?.createdAt.toISOString()).to.equal('2030-05-06T07:08:09.123Z');
      expect(decoded?.id.toHexString()).to.equal('6752f0c1a2b3c4d5e6f70812');
    });

    it('uses only URL-safe characters', () => {
      expect(encodeDeliveryCursor(position)).to.match(/^[A-Za-z0-9_-]+$/);
    });
  });

  context('when a cursor is malformed', () => {
    const cases: [string, string][] = [
      ['empty', ''],
      ['not base64url', 'abc+/=='],
      ['base64url of other text', Buffer.from('hello').toString('base64url')],
      ['a short id', Buffer.from('1700000000000:6752f0c1').toString('base64url')],
      ['a negative time', Buffer.from('-1:6752f0c1a2b3c4d5e6f70812').toString('base64url')],
      ['extra text', Buffer.from('1700000000000:6752f0c1a2b3c4d5e6f70812:x').toString('base64url')],
    ];

    for (const [name, value] of cases) {
      it(`rejects ${name}`, () => {
        expect(decodeDeliveryCursor(value)).to.equal(undefined);
      });
    }
  });
});
