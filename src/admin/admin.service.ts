import { ApiKeyModel } from '../db/models/api-key.model.js';
import { GapModel } from '../db/models/gap.model.js';
import { HookModel, type HookRecord } from '../db/models/hook.model.js';
import { UserModel } from '../db/models/user.model.js';
import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';
import { ExclusionStore } from '../delivery/exclusion-store.js';
import type { PayloadExclusion } from '../delivery/payload.js';
import { generateApiKey } from '../auth/api-keys.js';
import { seal } from '../auth/key-vault.js';
import { HOOKS_RIGHT } from '../auth/rights.js';

/** A request an administrator made that cannot be carried out; the message states why and what to do. */
export class AdminError extends Error {
  override name = 'AdminError';
}

function requirePositiveId(value: number, label: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new AdminError(`${label} must be a positive whole number; got ${value}.`);
  }
}

async function requireUser(userId: number) {
  requirePositiveId(userId, 'User id');
  const user = await UserModel.findOne({ userId }).lean();
  if (!user) throw new AdminError(`User ${userId} not found; create it first with create-user.`);
  return user;
}

/** Returns a user with its rights, or throws an AdminError when the user does not exist. */
export async function getUser(userId: number) {
  return requireUser(userId);
}

/** Checks whether a user has the hooks right, without which the API rejects the user's keys. */
export function hasHooksRight(user: { rights: readonly string[] }): boolean {
  return user.rights.includes(HOOKS_RIGHT);
}

/** A user with the number of its API keys that are not revoked. */
export interface UserSummary {
  userId: number;
  name: string;
  rights: string[];
  createdAt: Date;
  activeApiKeys: number;
}

/** Lists every user by ascending id, with the count of its unrevoked API keys. */
export async function listUsers(): Promise<UserSummary[]> {
  const users = await UserModel.find().sort({ userId: 1 }).lean();
  const keys = await ApiKeyModel.find({ revokedAt: null }, { userId: 1 }).lean();

  const keyCounts = new Map<number, number>();
  for (const key of keys) keyCounts.set(key.userId, (keyCounts.get(key.userId) ?? 0) + 1);

  return users.map((user) => ({
    userId: user.userId,
    name: user.name,
    rights: [...user.rights],
    createdAt: user.createdAt,
    activeApiKeys: keyCounts.get(user.userId) ?? 0,
  }));
}

export async function createUser(userId: number, name: string, rights: readonly string[] = []) {
  requirePositiveId(userId, 'User id');
  if (name.trim() === '') throw new AdminError('User name must not be empty.');
  if (await UserModel.exists({ userId })) {
    throw new AdminError(`User ${userId} already exists; use grant to add rights to it.`);
  }
  const user = await UserModel.create({ userId, name: name.trim(), rights: [...new Set(rights)] });
  return user.toObject();
}

export async function grantRight(userId: number, right: string) {
  await requireUser(userId);
  if (right.trim() === '') throw new AdminError('Right must not be empty.');
  await UserModel.updateOne({ userId }, { $addToSet: { rights: right.trim() } });
  return requireUser(userId);
}

export async function revokeRight(userId: number, right: string) {
  const user = await requireUser(userId);
  if (!user.rights.includes(right)) throw new AdminError(`User ${userId} does not have the right "${right}".`);
  await UserModel.updateOne({ userId }, { $pull: { rights: right } });
  return requireUser(userId);
}

/** Creates an API key for a user; the returned key is the only copy, since only its hash is stored. */
export async function createApiKey(userId: number, expiresInDays?: number): Promise<{ key: string; prefix: string; expiresAt: Date | null }> {
  await requireUser(userId);
  if (expiresInDays !== undefined) requirePositiveId(expiresInDays, 'Days until the key expires');
  const { key, prefix, hash } = generateApiKey();
  const expiresAt = expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * 24 * 3600_000);
  await ApiKeyModel.create({ prefix, hash, sealedKey: seal(key), userId, expiresAt });
  return { key, prefix, expiresAt };
}

/** API keys by prefix, never whole: only hashes are stored. */
export async function listApiKeys(userId?: number) {
  const keys = await ApiKeyModel.find(userId === undefined ? {} : { userId }).sort({ createdAt: 1 }).lean();
  return keys.map((key) => ({
    prefix: key.prefix,
    userId: key.userId,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt ?? null,
    expiresAt: key.expiresAt ?? null,
    revokedAt: key.revokedAt ?? null,
  }));
}

/** Revokes a key by its prefix; requests with it get 401 from then on. */
export async function revokeApiKey(prefix: string): Promise<void> {
  const key = await ApiKeyModel.findOne({ prefix }).lean();
  if (!key) throw new AdminError(`API key ${prefix} not found; list-api-keys shows the prefixes.`);
  if (key.revokedAt) throw new AdminError(`API key ${prefix} was already revoked at ${key.revokedAt.toISOString()}.`);
  await ApiKeyModel.updateOne({ prefix }, { $set: { revokedAt: new Date() } });
}

export async function listHooks(userId?: number): Promise<HookRecord[]> {
  if (userId !== undefined) requirePositiveId(userId, 'User id');
  const query = userId === undefined ? {} : { ownerId: userId };
  return HookModel.find(query).sort({ createdAt: 1, _id: 1 }).lean<HookRecord[]>();
}

export function parseItemType(value: string): ItemType {
  const itemType = ITEM_TYPES.find((type) => type.toLowerCase() === value.trim().toLowerCase());
  if (!itemType) throw new AdminError(`Unknown item type "${value}"; expected one of ${ITEM_TYPES.join(', ')}.`);
  return itemType;
}

/** Field paths: letters, digits, `_` and `-`, with dots between nested names. */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/**
 * Splits a comma-separated field list such as `phone, address.street` and validates each path.
 * An empty or blank string returns an empty list, which clears an item type's exclusions.
 */
export function parseFieldList(value: string): string[] {
  if (value.trim() === '') return [];

  const fields = value.split(',').map((field) => field.trim());
  if (fields.includes('')) {
    throw new AdminError(
      `Field list "${value}" has an empty entry; separate field names with single commas, or pass "" to clear the list.`,
    );
  }
  for (const field of fields) {
    if (!FIELD_PATH.test(field)) {
      throw new AdminError(`Field "${field}" is not a valid field path; use names like "phone" or "address.street".`);
    }
  }
  return [...new Set(fields)];
}

export async function setExcludedFields(itemType: ItemType, fields: readonly string[]): Promise<PayloadExclusion> {
  for (const field of fields) {
    if (!FIELD_PATH.test(field)) {
      throw new AdminError(`Field "${field}" is not a valid field path; use names like "phone" or "address.street".`);
    }
  }
  return new ExclusionStore().setFields(itemType, [...new Set(fields)]);
}

export async function setExcludeAll(excludeAll: boolean): Promise<PayloadExclusion> {
  return new ExclusionStore().setExcludeAll(excludeAll);
}

export async function getExclusion(): Promise<PayloadExclusion> {
  return new ExclusionStore().get();
}

/** Lists recorded change stream gaps, newest first. */
export async function listGaps() {
  const gaps = await GapModel.find({}, { _id: 0 }).sort({ detectedAt: -1 }).lean();
  return gaps.map((gap) => ({ collectionName: gap.collectionName, lostSince: gap.lostSince ?? null, detectedAt: gap.detectedAt, error: gap.error }));
}
