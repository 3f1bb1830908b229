import { createHash } from 'node:crypto';

import { expect } from 'chai';

import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from '../../../src/auth/api-keys.js';

describe('generateApiKey', () => {
  it('returns a key in the hm_<prefix>_<secret> format', () => {
    const { key, prefix } = generateApiKey();

    expect(key).to.match(/^hm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`hm_${prefix}_`)).to.equal(true);
  });

  it('returns the SHA-256 hash of the whole key', () => {
    const { key, hash } = generateApiKey();

    expect(hash).to.equal(createHash('sha256').update(key).digest('hex'));
    expect(hash).to.equal(hashApiKey(key));
  });

  it('returns a different key each time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));

    expect(keys.size).to.equal(100);
  });
});

describe('parseApiKey', () => {
  it('returns the prefix of a generated key', () => {
    const { key, prefix } = generateApiKey();

    expect(parseApiKey(key)).to.equal(prefix);
  });

  context('when the key is malformed', () => {
    const valid = generateApiKey().key;
    const cases: [string, string][] = [
      ['an empty string', ''],
      ['another scheme', valid.replace(/^hm_/, 'sk_')],
      ['an upper-case prefix', valid.slice(0, 3) + valid.slice(3, 15).toUpperCase() + valid.slice(15)],
      ['a short secret', valid.slice(0, -1)],
      ['a long secret', `${valid}A`],
      ['surrounding whitespace', ` ${valid} `],
      ['a character outside base64url', valid.slice(0, -1) + '+'],
    ];

    for (const [name, key] of cases) {
      it(`returns undefined for ${name}`, () => {
        expect(parseApiKey(key)).to.equal(undefined);
      });
    }
  });
});

describe('apiKeyMatches', () => {
  const { key, hash } = generateApiKey();

  it('matches the key the hash was made from', () => {
    expect(apiKeyMatches(key, hash)).to.equal(true);
  });

  it('does not match another key', () => {
    expect(apiKeyMatches(generateApiKey().key, hash)).to.equal(false);
  });

  it('does not match a key that differs in one character', () => {
    const changed = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

    expect(apiKeyMatches(changed, hash)).to.equal(false);
  });

  it('does not match a malformed stored hash', () => {
    expect(apiKeyMatches(key, '')).to.equal(false);
    expect(apiKeyMatches(key, 'not-hex')).to.equal(false);
    expect(apiKeyMatches(key, hash.slice(0, 32))).to.equal(false);
  });
});
