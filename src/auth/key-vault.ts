import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bytes of an AES-256 key. */
const KEY_BYTES = 32;
const IV_BYTES = 12;

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** Decodes HOOKMILL_MASTER_KEY: 32 bytes in base64. */
export function parseMasterKey(value: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== value.trim()) {
    throw new MasterKeyError(
      `HOOKMILL_MASTER_KEY is invalid: expected ${KEY_BYTES} random bytes in base64 (44 characters), ` +
        'for example the output of "openssl rand -base64 32".',
    );
  }
  return key;
}

/**
 * Reads the master key that seals API keys at rest: HOOKMILL_MASTER_KEY when set, else the file
 * `master.key` in the data folder, created with a new random key on first use.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.HOOKMILL_MASTER_KEY?.trim();
  if (fromEnv) return parseMasterKey(fromEnv);

  const file = path.resolve(env.HOOKMILL_DATA_DIR?.trim() || '.hookmill', 'master.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return parseMasterKey(readFileSync(file, 'utf8'));
}

let cachedKey: Buffer | undefined;

function masterKey(): Buffer {
  cachedKey ??= loadMasterKey();
  return cachedKey;
}

/** Encrypts a secret with AES-256-GCM; the result is `iv.tag.ciphertext` in base64 parts. */
export function seal(plaintext: string, key: Buffer = masterKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64')).join('.');
}

/** Decrypts what seal produced; throws when the master key differs or the data was altered. */
export function unseal(sealed: string, key: Buffer = masterKey()): string {
  const [iv, tag, ciphertext] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !ciphertext) throw new MasterKeyError('Sealed secret is malformed.');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}
