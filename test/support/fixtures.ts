import { createApiKey, createUser } from '../../src/admin/admin.service.js';
import { HOOKS_RIGHT, itemTypeHookRight } from '../../src/auth/rights.js';
import { ITEM_TYPES } from '../../src/events/catalogue.js';

let nextUserId = 1000;

/** The hooks right and the hook right of every item type. */
export const ALL_HOOK_RIGHTS: readonly string[] = [HOOKS_RIGHT, ...ITEM_TYPES.map(itemTypeHookRight)];

/** Creates a user with every hook right (or with `rights` when given) and an API key for it. */
export async function createUserWithKey(rights: readonly string[] = ALL_HOOK_RIGHTS): Promise<{ userId: number; apiKey: string }> {
  const userId = nextUserId++;
  await createUser(userId, `Test user ${userId}`, rights);
  const { key } = await createApiKey(userId);
  return { userId, apiKey: key };
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
