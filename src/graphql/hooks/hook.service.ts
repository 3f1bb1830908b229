import { Types } from 'mongoose';

import type { Caller } from '../../auth/authenticate.js';
import { AttemptModel } from '../../db/models/attempt.model.js';
import { HookModel, type HookRecord } from '../../db/models/hook.model.js';
import { generateSigningSecret } from '../../delivery/signature.js';
import { notFound } from '../errors.js';
import type { DeliveryAttempt } from './delivery-attempt.type.js';
import type { CreateHookInput, HooksFilter } from './hook.input.js';
import { validateCreateHookInput, validateEventName, validateHookId, validatePositiveId } from './hook-input.validation.js';
import type { Hook } from './hook.type.js';

function toHook(record: HookRecord): Hook {
  return {
    id: record._id.toHexString(),
    hook: record.hook,
    url: record.url,
    eventUser: record.eventUser ?? null,
    eventProject: record.eventProject ?? null,
    ownerId: record.ownerId,
    createdAt: record.createdAt,
    secret: null,
  };
}

function hookNotFound(id: string) {
  return notFound(`Hook ${id} not found: it does not exist or belongs to another user. List yours with the hooks query.`);
}

/** Creates, lists and deletes the caller's hooks. */
export class HookService {
  async create(caller: Caller, input: CreateHookInput): Promise<Hook> {
    validateCreateHookInput(input);

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
    const query: Record<string, unknown> = { ownerId: caller.userId };
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
    return records.map(toHook);
  }

  async get(caller: Caller, id: string): Promise<Hook> {
    validateHookId(id);
    const record = await HookModel.findOne({ _id: new Types.ObjectId(id), ownerId: caller.userId }).lean<HookRecord>();
    if (!record) throw hookNotFound(id);
    return toHook(record);
  }

  async delete(caller: Caller, id: string): Promise<Hook> {
    validateHookId(id);
    const record = await HookModel.findOneAndDelete({ _id: new Types.ObjectId(id), ownerId: caller.userId }).lean<HookRecord>();
    if (!record) throw hookNotFound(id);
    return toHook(record);
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
