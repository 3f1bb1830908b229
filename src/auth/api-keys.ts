import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Key format: `hm_` + 12 hex characters of prefix + `_` + 43 base64url characters (256 random bits). */
const KEY_PATTERN = /^hm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The whole key, shown to the administrator once and never stored. */
  key: string;
  /** Public part that identifies the key in listings and logs. */
  prefix: string;
  /** SHA-256 of the whole key, hex; the only form that is stored. */
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `hm_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Returns the prefix of a well-formed key, or undefined. */
export function parseApiKey(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Compares a presented key with a stored hash in constant time. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
