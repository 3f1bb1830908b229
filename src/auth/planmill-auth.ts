import { createHmac, timingSafeEqual } from 'node:crypto';

import { isDuplicateKeyError } from '../db/duplicate-key.js';
import { ApiKeyModel } from '../db/models/api-key.model.js';
import { NonceModel } from '../db/models/nonce.model.js';
import { unseal } from './key-vault.js';

/** Largest difference between the request's timestamp and the server's clock, in seconds. */
export const PLANMILL_TIMESTAMP_TOLERANCE_SECONDS = 60;

export interface PlanMillAuthHeader {
  userId: number;
  nonce: string;
  timestampSeconds: number;
  signature: string;
}

/** Rejection of a PlanMill authentication header, with its own message for each reason. */
export class PlanMillAuthError extends Error {
  override name = 'PlanMillAuthError';
}

const FORMAT = 'user:<id>;nonce:<4-8 letters or digits>;timestamp:<epoch seconds>;signature:<base64 HMAC-SHA256>';

/** Parses `user:<id>;nonce:<n>;timestamp:<s>;signature:<b64>`, in any order of the four parts. */
export function parsePlanMillAuthHeader(header: string): PlanMillAuthHeader {
  const parts = new Map<string, string>();
  for (const part of header.split(';')) {
    const separator = part.indexOf(':');
    if (separator <= 0) throw new PlanMillAuthError(`Invalid x-PlanMill-Auth header: expected ${FORMAT}.`);
    parts.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }

  const missing = ['user', 'nonce', 'timestamp', 'signature'].filter((name) => !parts.get(name));
  if (missing.length > 0) throw new PlanMillAuthError(`Invalid x-PlanMill-Auth header: ${missing.join(', ')} missing; expected ${FORMAT}.`);

  const user = parts.get('user')!;
  if (!/^\d{1,10}$/.test(user) || Number(user) <= 0 || Number(user) > 2_147_483_647) {
    throw new PlanMillAuthError(`Invalid x-PlanMill-Auth user "${user}": expected a positive whole number.`);
  }
  const nonce = parts.get('nonce')!;
  if (!/^[A-Za-z0-9]{4,8}$/.test(nonce)) {
    throw new PlanMillAuthError(`Invalid x-PlanMill-Auth nonce "${nonce}": expected 4 to 8 letters or digits.`);
  }
  const timestamp = parts.get('timestamp')!;
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new PlanMillAuthError(`Invalid x-PlanMill-Auth timestamp "${timestamp}": expected whole seconds since 1970.`);
  }
  const signature = parts.get('signature')!;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(signature)) {
    throw new PlanMillAuthError('Invalid x-PlanMill-Auth signature: expected the base64 HMAC-SHA256 (44 characters).');
  }
  return { userId: Number(user), nonce, timestampSeconds: Number(timestamp), signature };
}

/** Computes the signature a client sends: base64 HMAC-SHA256 of user + nonce + timestamp, keyed with the API key. */
export function planMillSignature(apiKey: string, userId: number, nonce: string, timestampSeconds: number): string {
  return createHmac('sha256', apiKey).update(`${userId}${nonce}${timestampSeconds}`, 'utf8').digest('base64');
}

function signaturesEqual(left: string, right: string): boolean {
  const a = Buffer.from(left, 'base64');
  const b = Buffer.from(right, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies an x-PlanMill-Auth header against the user's active API keys and accepts its nonce once.
 * Returns the user id and the prefix of the key that signed it.
 */
export async function verifyPlanMillAuth(header: string, now: Date = new Date()): Promise<{ userId: number; apiKeyPrefix: string }> {
  const parsed = parsePlanMillAuthHeader(header);

  const skewSeconds = Math.abs(now.getTime() / 1000 - parsed.timestampSeconds);
  if (skewSeconds > PLANMILL_TIMESTAMP_TOLERANCE_SECONDS) {
    throw new PlanMillAuthError(
      `x-PlanMill-Auth timestamp ${parsed.timestampSeconds} is ${Math.round(skewSeconds)} s from the server's clock; ` +
        `it must be within ${PLANMILL_TIMESTAMP_TOLERANCE_SECONDS} s. Check the client's clock and sign each request anew.`,
    );
  }

  const keys = await ApiKeyModel.find({
    userId: parsed.userId,
    revokedAt: null,
    sealedKey: { $ne: null },
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  }).lean();
  const signer = keys.find((key) =>
    signaturesEqual(planMillSignature(unseal(key.sealedKey!), parsed.userId, parsed.nonce, parsed.timestampSeconds), parsed.signature),
  );
  if (!signer) {
    throw new PlanMillAuthError(
      `x-PlanMill-Auth signature does not match any active API key of user ${parsed.userId}: sign user + nonce + timestamp ` +
        'with HMAC-SHA256 keyed with the API key, and check that the key is not revoked or expired.',
    );
  }

  try {
    await NonceModel.create({ userId: parsed.userId, nonce: parsed.nonce, usedAt: now });
  } catch (error) {
    // The unique (userId, nonce) index rejects a nonce that was used before.
    if (!isDuplicateKeyError(error)) throw error;
    throw new PlanMillAuthError(`x-PlanMill-Auth nonce "${parsed.nonce}" was already used; send a new nonce with each request.`);
  }
  return { userId: parsed.userId, apiKeyPrefix: signer.prefix };
}
