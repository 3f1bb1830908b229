import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../context.js';
import { DeliveryAttempt } from './delivery-attempt.type.js';
import { CreateHookInput, HooksFilter } from './hook.input.js';
import { HookService } from './hook.service.js';
import { Hook } from './hook.type.js';

@Resolver(() => Hook)
export class HookResolver {
  readonly #service = new HookService();

  @Query(() => [Hook], { description: "The caller's hooks, oldest first, narrowed by the filter." })
  hooks(@Ctx() context: GraphQLContext, @Arg('filter', () => HooksFilter, { nullable: true }) filter?: HooksFilter): Promise<Hook[]> {
    return this.#service.list(context.caller, filter);
  }

  @Query(() => Hook, { description: 'One of the caller\'s hooks; NOT_FOUND for an unknown id or another user\'s hook.' })
  hook(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Hook> {
    return this.#service.get(context.caller, id);
  }

  @Mutation(() => Hook, { description: 'Registers a hook and returns it with its id.' })
  async createHook(@Ctx() context: GraphQLContext, @Arg('input', () => CreateHookInput) input: CreateHookInput): Promise<Hook> {
    const hook = await this.#service.create(context.caller, input, context.receiverGuard, context.maxHooksPerUser);
    context.logger.info({ hookId: hook.id, event: hook.hook }, 'hook created');
    return hook;
  }

  @Mutation(() => Hook, { description: 'Deletes one of the caller\'s hooks and returns it; NOT_FOUND when there is none.' })
  async deleteHook(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Hook> {
    const hook = await this.#service.delete(context.caller, id);
    context.logger.info({ hookId: hook.id, event: hook.hook }, 'hook deleted');
    return hook;
  }

  @Mutation(() => Hook, {
    description: 'Enables one of the caller\'s hooks and clears disabledReason and disabledAt. Events skipped while it was disabled are not sent, but redeliver can send them.',
  })
  async enableHook(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Hook> {
    const { before, after } = await this.#service.enable(context.caller, id);
    if (!before.enabled) context.logger.info({ hookId: id, disabledReason: before.disabledReason }, 'hook enabled');
    return after;
  }

  @Mutation(() => Hook, {
    description:
      'Gives one of the caller\'s hooks a new signing secret and returns it in secret. Deliveries carry a second signature, made with the previous secret, until previousSecretExpiresAt.',
  })
  async rotateHookSecret(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Hook> {
    const hook = await this.#service.rotateSecret(context.caller, id, context.secretOverlapHours);
    context.logger.info({ hookId: hook.id, previousSecretExpiresAt: hook.previousSecretExpiresAt }, 'hook secret rotated');
    return hook;
  }

  @FieldResolver(() => DeliveryAttempt, { nullable: true, description: 'The latest delivery attempt to this hook, if any.' })
  lastAttempt(@Root() hook: Hook, @Ctx() context: GraphQLContext): Promise<DeliveryAttempt | null> {
    return context.loaders.lastAttemptByHookId.load(hook.id);
  }
}
