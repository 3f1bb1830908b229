import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Delivery state. The values are the states stored on delivery records. */
export enum DeliveryState {
  pending = 'pending',
  succeeded = 'succeeded',
  failed = 'failed',
  skipped = 'skipped',
}

registerEnumType(DeliveryState, {
  name: 'DeliveryState',
  description: 'State of a delivery.',
  valuesConfig: {
    pending: { description: 'Waiting for its first attempt or for a retry.' },
    succeeded: { description: 'The receiver responded with a 2xx status.' },
    failed: { description: 'Every scheduled attempt failed, or the receiver responded with 410 Gone.' },
    skipped: { description: 'Not sent, because the hook was disabled or deleted, or too many hooks matched the change.' },
  },
});

@ObjectType({ description: 'One event for one hook: the JSON body to POST, and how its attempts went.' })
export class Delivery {
  @Field(() => ID, { description: 'Delivery id, 24 hexadecimal characters, as redeliver takes it.' })
  id!: string;

  @Field(() => ID, { description: 'Id of the hook the delivery goes to.' })
  hookId!: string;

  @Field({ description: 'Value of the webhook-id header of every attempt, for matching what the receiver logged.' })
  webhookId!: string;

  @Field({ description: 'Event name, such as account.update, or hookmill.ping for pingHook.' })
  event!: string;

  @Field(() => Int, { nullable: true, description: 'Id of the entity the event is about, or null for a ping.' })
  entityId!: number | null;

  @Field(() => Int, { description: 'Per-hook sequence number, also sent in the body as sequence.' })
  sequence!: number;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field(() => String, { nullable: true, description: 'Why the delivery was skipped or failed, or null.' })
  reason!: string | null;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attemptCount!: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due, or null once the delivery is completed.' })
  nextAttemptAt!: Date | null;

  @Field({ description: 'When the delivery was recorded.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the delivery succeeded, failed or was skipped, or null while it is pending.' })
  completedAt!: Date | null;
}

@ObjectType({ description: 'A delivery and the cursor that points at it.' })
export class DeliveryEdge {
  @Field({ description: 'Pass it as after to get the deliveries older than this one.' })
  cursor!: string;

  @Field(() => Delivery)
  node!: Delivery;
}

@ObjectType({ description: 'Where a page of deliveries ends.' })
export class DeliveryPageInfo {
  @Field({ description: 'True when older deliveries follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last delivery on this page, or null when the page is empty.' })
  endCursor!: string | null;
}

@ObjectType({ description: 'One page of a hook\'s deliveries, newest first.' })
export class DeliveryConnection {
  @Field(() => [DeliveryEdge])
  edges!: DeliveryEdge[];

  @Field(() => [Delivery], { description: 'The deliveries of edges, without their cursors.' })
  nodes!: Delivery[];

  @Field(() => DeliveryPageInfo)
  pageInfo!: DeliveryPageInfo;
}
