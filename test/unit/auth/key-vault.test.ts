import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import { MasterKeyError, parseMasterKey, seal, unseal } from '../../../src/auth/key-vault.js';

describe('key vault', () => {
  const key = randomBytes(32);

  it('unseals what it sealed', () => {
    expect(unseal(seal('hm_secret', key), key)).to.equal('hm_secret');
  });

  it('seals the same text differently each time', () => {
    expect(seal('hm_secret', key)).to.not.equal(seal('hm_secret', key));
  });

  it('rejects another master key', () => {
    expect(() => unseal(seal('hm_secret', key), randomBytes(32))).to.throw();
  });

  it('rejects altered data', () => {
    const [iv, tag, data] = seal('hm_secret', key).split('.');
    const altered = Buffer.from(data!, 'base64');
    altered[0]! ^= 1;

    expect(() => unseal([iv, tag, altered.toString('base64')].join('.'), key)).to.throw();
  });

  context('when parsing HOOKMILL_MASTER_KEY', () => {
    it('accepts 32 bytes of base64', () => {
      expect(parseMasterKey(key.toString('base64'))).to.deep.equal(key);
    });

    it('rejects a short key', () => {
      expect(() => parseMasterKey(randomBytes(16).toString('base64'))).to.throw(MasterKeyError, 'HOOKMILL_MASTER_KEY is invalid');
    });

    it('rejects text that is not base64', () => {
      expect(() => parseMasterKey('not base64 at all!')).to.throw(MasterKeyError);
    });
  });
});
