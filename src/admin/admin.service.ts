import { ApiKeyModel } from '../db/models/api-key.model.js';
import { HookModel, type HookRecord } from '../db/models/hook.model.js';
import { UserModel } from '../db/models/user.model.js';
import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';
import { ExclusionStore } from '../delivery/exclusion-store.js';
import type { PayloadExclusion } from '../delivery/payload.js';
import { generateApiKey } from '../auth/api-keys.js';

/** A request an administrator made that cannot be carried out; the message says why and what to do. */
export class AdminError extends Error {
  override name = 'AdminError';
}

function requirePositiveId(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new AdminError(`${what} must be a positive whole number; got ${value}.`);
  }
}

async function requireUser(userId: number) {
  requirePositiveId(userId, 'User id');
  const user = await UserModel.findOne({ userId }).lean();
  if (!user) throw new AdminError(`User ${userId} not found; create it first with create-user.`);
  return user;
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
export async function createApiKey(userId: number): Promise<{ key: string; prefix: string }> {
  await requireUser(userId);
  const { key, prefix, hash } = generateApiKey();
  await ApiKeyModel.create({ prefix, hash, userId });
  return { key, prefix };
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
