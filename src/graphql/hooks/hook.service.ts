import { Types } from 'mongoose';

import type { Caller } from '../../auth/authenticate.js';
import { AttemptModel } from '../../db/models/attempt.model.js';
import { HookModel, type HookRecord } from '../../db/models/hook.model.js';
import type { ReceiverGuard } from '../../delivery/receiver-guard.js';
import { generateSigningSecret } from '../../delivery/signature.js';
import { ADMIN_RIGHT, itemTypeHookRight } from '../../auth/rights.js';
import { badUserInput, forbidden, notFound } from '../errors.js';
import type { DeliveryAttempt } from './delivery-attempt.type.js';
import type { CreateHookInput, HooksFilter } from './hook.input.js';
import {
  validateCreateHookInput,
  validateEventName,
  validateHookId,
  validatePositiveId,
  validateReceiverHost,
} from './hook-input.validation.js';
import type { Hook } from './hook.type.js';

/** Times a concurrent rotation may make rotateSecret read the hook again before it gives up. */
const MAX_ROTATION_CONFLICTS = 3;

/** Administrators see every user's hooks; everyone else only their own. */
function ownerFilter(caller: Caller): Record<string, unknown> {
  return caller.rights.includes(ADMIN_RIGHT) ? {} : { ownerId: caller.userId };
}

function toHook(record: HookRecord, now = new Date()): Hook {
  const overlapEnd = record.previousSecret ? (record.previousSecretExpiresAt ?? null) : null;
  return {
    id: record._id.toHexString(),
    hook: record.hook,
    url: record.url,
    eventUser: record.eventUser ?? null,
    eventProject: record.eventProject ?? null,
    ownerId: record.ownerId,
    createdAt: record.createdAt,
    // Hooks stored before the field existed have no `enabled`; the dispatcher treats them as enabled too.
    enabled: record.enabled !== false,
    disabledReason: record.enabled === false ? (record.disabledReason ?? null) : null,
    disabledAt: record.enabled === false ? (record.disabledAt ?? null) : null,
    secret: null,
    previousSecretExpiresAt: overlapEnd && overlapEnd > now ? overlapEnd : null,
  };
}

export function hookNotFound(id: string) {
  return notFound(`Hook ${id} not found: it does not exist or belongs to another user. List yours with the hooks query.`);
}

/** Creates, lists, deletes, enables and rotates the secrets of the caller's hooks. */
export class HookService {
  async create(caller: Caller, input: CreateHookInput, receiverGuard: ReceiverGuard, maxHooksPerUser: number): Promise<Hook> {
    const definition = validateCreateHookInput(input);
    const right = itemTypeHookRight(definition.itemType);
    if (!caller.rights.includes(right)) {
      throw forbidden(`Creating hooks for ${definition.name} needs the right "${right}"; ask an administrator to grant it.`);
    }
    await validateReceiverHost(input.url, receiverGuard);

    const owned = await HookModel.countDocuments({ ownerId: caller.userId });
    if (owned >= maxHooksPerUser) {
      throw badUserInput(`User ${caller.userId} already has ${owned} hooks, the maximum; delete one before creating another.`, 'input');
    }
    const same = await HookModel.findOne(
      { ownerId: caller.userId, hook: input.hook, url: input.url, eventUser: input.eventUser ?? null, eventProject: input.eventProject ?? null },
      { _id: 1 },
    ).lean();
    if (same) {
      throw badUserInput(`An identical hook already exists with id ${same._id.toHexString()}; use it, or delete it first.`, 'input');
    }

    const record = await HookModel.create({
      hook: input.hook,
      url: input.url,
      eventUser: input.eventUser ?? null,
      eventProject: input.eventProject ?? null,
      ownerId: caller.userId,
      secret: generateSigningSecret(),
    });
    return { ...toHook(record.toObject() as HookRecord), secret: record.secret };
  }

  async list(caller: Caller, filter: HooksFilter | undefined): Promise<Hook[]> {
    const query: Record<string, unknown> = ownerFilter(caller);
    if (filter?.hook !== undefined && filter.hook !== null) {
      validateEventName(filter.hook, 'filter.hook');
      query.hook = filter.hook;
    }
    if (filter?.eventUser != null) {
      validatePositiveId(filter.eventUser, 'eventUser');
      query.eventUser = filter.eventUser;
    }
    if (filter?.eventProject != null) {
      validatePositiveId(filter.eventProject, 'eventProject');
      query.eventProject = filter.eventProject;
    }

    const records = await HookModel.find(query).sort({ createdAt: 1, _id: 1 }).lean<HookRecord[]>();
    return records.map((record) => toHook(record));
  }

  async get(caller: Caller, id: string): Promise<Hook> {
    validateHookId(id);
    const record = await HookModel.findOne({ _id: new Types.ObjectId(id), ...ownerFilter(caller) }).lean<HookRecord>();
    if (!record) throw hookNotFound(id);
    return toHook(record);
  }

  async delete(caller: Caller, id: string): Promise<Hook> {
    validateHookId(id);
    const record = await HookModel.findOneAndDelete({ _id: new Types.ObjectId(id), ownerId: caller.userId }).lean<HookRecord>();
    if (!record) throw hookNotFound(id);
    return toHook(record);
  }

  /**
   * Enables a disabled hook and clears its disabled reason and time and its failing-since time, so the
   * next failure starts a new count towards disabling. An enabled hook is returned unchanged, so that
   * calling this on a failing hook does not postpone its disabling. Returns the hook before and after.
   */
  async enable(caller: Caller, id: string): Promise<{ before: Hook; after: Hook }> {
    validateHookId(id);
    const filter = { _id: new Types.ObjectId(id), ownerId: caller.userId };
    const disabled = await HookModel.findOneAndUpdate(
      { ...filter, enabled: false },
      { $set: { enabled: true, disabledReason: null, disabledAt: null, failingSince: null } },
      { returnDocument: 'before' },
    ).lean<HookRecord>();
    if (disabled) {
      const before = toHook(disabled);
      return { before, after: { ...before, enabled: true, disabledReason: null, disabledAt: null } };
    }

    const record = await HookModel.findOne(filter).lean<HookRecord>();
    if (!record) throw hookNotFound(id);
    const unchanged = toHook(record);
    return { before: unchanged, after: unchanged };
  }

  /**
   * Gives a hook a new signing secret and returns the hook with it. The replaced secret keeps signing
   * deliveries, as a second signature, for `overlapHours`. A rotation within an earlier overlap drops
   * the secret before the replaced one at once.
   */
  async rotateSecret(caller: Caller, id: string, overlapHours: number): Promise<Hook> {
    validateHookId(id);
    const filter = { _id: new Types.ObjectId(id), ownerId: caller.userId };

    for (let conflicts = 0; conflicts < MAX_ROTATION_CONFLICTS; conflicts++) {
      const current = await HookModel.findOne(filter, { secret: 1 }).lean<Pick<HookRecord, 'secret'>>();
      if (!current) throw hookNotFound(id);

      const now = new Date();
      const secret = generateSigningSecret();
      const overlap = overlapHours > 0;
      // Conditional on the secret just read, so that of two concurrent rotations the later one keeps
      // the earlier one's secret as previousSecret instead of a secret that no caller received.
      const record = await HookModel.findOneAndUpdate(
        { ...filter, secret: current.secret },
        {
          $set: {
            secret,
            previousSecret: overlap ? current.secret : null,
            previousSecretExpiresAt: overlap ? new Date(now.getTime() + overlapHours * 3_600_000) : null,
          },
        },
        { new: true },
      ).lean<HookRecord>();
      if (record) return { ...toHook(record, now), secret };
    }
    throw new Error(`Rotating the secret of hook ${id} conflicted with ${MAX_ROTATION_CONFLICTS} concurrent rotations.`);
  }
}

/** Loads the latest attempt of each hook in one query per batch, for the DataLoader in the context. */
export async function loadLastAttempts(hookIds: readonly string[]): Promise<(DeliveryAttempt | null)[]> {
  const latest = await AttemptModel.aggregate<{ _id: Types.ObjectId; attempt: DeliveryAttempt }>([
    { $match: { hookId: { $in: hookIds.map((id) => new Types.ObjectId(id)) } } },
    { $sort: { at: -1 } },
    { $group: { _id: '$hookId', attempt: { $first: '$$ROOT' } } },
  ]);

  const byHook = new Map(latest.map(({ _id, attempt }) => [_id.toHexString(), attempt]));
  return hookIds.map((id) => byHook.get(id) ?? null);
}
