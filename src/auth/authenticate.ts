import { ApiKeyModel } from '../db/models/api-key.model.js';
import { UserModel } from '../db/models/user.model.js';
import { apiKeyMatches, parseApiKey } from './api-keys.js';
import { PlanMillAuthError, verifyPlanMillAuth } from './planmill-auth.js';
import { HOOKS_RIGHT } from './rights.js';

/** The caller of an API request. */
export interface Caller {
  userId: number;
  name: string;
  rights: readonly string[];
  apiKeyPrefix: string;
}

/** Authentication failure, with its own message for each reason. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** Reads `Authorization: Bearer <key>`, checks the key and the user's hooks right, and returns the caller. */
export async function authenticate(authorization: string | undefined): Promise<Caller> {
  if (!authorization || authorization.trim() === '') {
    throw new AuthenticationError('Missing API key: send the header "Authorization: Bearer <key>".');
  }

  if (authorization.includes('<your API key>')) {
    throw new AuthenticationError('The Authorization header still contains the placeholder "<your API key>": replace it with your key.');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) {
    throw new AuthenticationError('Invalid Authorization header: expected "Bearer <key>", the word Bearer, a space and the API key.');
  }

  const key = match[1]!;
  const prefix = parseApiKey(key);
  if (!prefix) {
    throw new AuthenticationError(
      'Malformed API key: expected "hm_", 12 hexadecimal characters, "_" and 43 more characters. Copy the whole key as it was issued.',
    );
  }

  const record = await ApiKeyModel.findOne({ prefix }).lean();
  if (!record || !apiKeyMatches(key, record.hash)) {
    throw new AuthenticationError('Unknown API key: check the key, or ask an administrator for a new one.');
  }
  if (record.revokedAt) {
    throw new AuthenticationError(`API key ${prefix} was revoked; ask an administrator for a new one.`);
  }
  if (record.expiresAt && record.expiresAt <= new Date()) {
    throw new AuthenticationError(`API key ${prefix} expired at ${record.expiresAt.toISOString()}; ask an administrator for a new one.`);
  }

  return loadCaller(record.userId, prefix);
}

/** Loads the user behind a verified key, checks the hooks right and records the key's use. */
async function loadCaller(userId: number, apiKeyPrefix: string): Promise<Caller> {
  const user = await UserModel.findOne({ userId }).lean();
  if (!user) {
    throw new AuthenticationError(`API key ${apiKeyPrefix} belongs to user ${userId}, who no longer exists.`);
  }
  if (!user.rights.includes(HOOKS_RIGHT)) {
    throw new AuthenticationError(
      `User ${user.userId} lacks the right "${HOOKS_RIGHT}" needed to use hooks; ask an administrator to grant it.`,
    );
  }

  void ApiKeyModel.updateOne({ prefix: apiKeyPrefix }, { $set: { lastUsedAt: new Date() } }).catch(() => undefined);
  return { userId: user.userId, name: user.name, rights: user.rights, apiKeyPrefix };
}

/**
 * Authenticates a request by its `x-PlanMill-Auth` header when present (PlanMill's HMAC scheme),
 * else by `Authorization: Bearer <key>`.
 */
export async function authenticateRequest(headers: { authorization?: string | undefined; 'x-planmill-auth'?: string | string[] | undefined }): Promise<Caller> {
  const planMill = headers['x-planmill-auth'];
  if (planMill === undefined) return authenticate(headers.authorization);
  if (Array.isArray(planMill)) throw new AuthenticationError('Send one x-PlanMill-Auth header, not several.');

  try {
    const { userId, apiKeyPrefix } = await verifyPlanMillAuth(planMill);
    return await loadCaller(userId, apiKeyPrefix);
  } catch (error) {
    if (error instanceof PlanMillAuthError) throw new AuthenticationError(error.message, { cause: error });
    throw error;
  }
}
