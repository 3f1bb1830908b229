import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../context.js';
import { DeliveryAttempt } from '../hooks/delivery-attempt.type.js';
import { DeliveryService } from './delivery.service.js';
import { Delivery, DeliveryConnection, DeliveryState } from './delivery.type.js';
import { MAX_PAGE_SIZE } from './delivery-input.validation.js';

@Resolver(() => Delivery)
export class DeliveryResolver {
  readonly #service = new DeliveryService();

  @Query(() => DeliveryConnection, {
    description: "One page of a hook's deliveries, newest first. An unknown id or another user's hook returns NOT_FOUND.",
  })
  deliveries(
    @Ctx() context: GraphQLContext,
    @Arg('hookId', () => ID) hookId: string,
    @Arg('state', () => DeliveryState, { nullable: true, description: 'Only deliveries in this state.' }) state: DeliveryState | null | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: `Page size, from 1 to ${MAX_PAGE_SIZE}.` }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page. Omit it to start with the newest delivery.' })
    after: string | null | undefined,
  ): Promise<DeliveryConnection> {
    return this.#service.list(context.caller, { hookId, state, first, after });
  }

  @Mutation(() => Delivery, {
    description:
      'Sends the body of one of the caller\'s deliveries again, as a new delivery with a new webhook-id and sequence number, and returns it.',
  })
  async redeliver(@Ctx() context: GraphQLContext, @Arg('deliveryId', () => ID) deliveryId: string): Promise<Delivery> {
    const { source, delivery } = await this.#service.redeliver(context.caller, deliveryId);
    this.#send(context, delivery);
    context.logger.info({ deliveryId: delivery.id, redeliveryOf: source.id, hookId: delivery.hookId, event: delivery.event }, 'redelivery recorded');
    return delivery;
  }

  @Mutation(() => Delivery, {
    description: 'Sends a signed hookmill.ping test event to one of the caller\'s hooks, as a delivery with retries, and returns it.',
  })
  async pingHook(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Delivery> {
    const delivery = await this.#service.ping(context.caller, id);
    this.#send(context, delivery);
    context.logger.info({ deliveryId: delivery.id, hookId: delivery.hookId, event: delivery.event }, 'ping recorded');
    return delivery;
  }

  /**
   * Hands a new delivery to the dispatcher. Its attempts are primed as none, so the response shows the
   * delivery as recorded even when the first attempt finishes before the attempts field is resolved.
   */
  #send(context: GraphQLContext, delivery: Delivery): void {
    context.loaders.attemptsByDeliveryId.prime(delivery.id, []);
    context.deliveryQueue.enqueue([delivery.id]);
  }

  @FieldResolver(() => [DeliveryAttempt], { description: 'Attempts made so far, oldest first.' })
  attempts(@Root() delivery: Delivery, @Ctx() context: GraphQLContext): Promise<DeliveryAttempt[]> {
    return context.loaders.attemptsByDeliveryId.load(delivery.id);
  }
}
