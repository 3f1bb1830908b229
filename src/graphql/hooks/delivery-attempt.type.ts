import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One HTTP POST of an event to a hook receiver.' })
export class DeliveryAttempt {
  @Field({ description: 'Event name, such as account.update.' })
  event!: string;

  @Field(() => Int, { nullable: true, description: 'Id of the entity the event is about.' })
  entityId!: number | null;

  @Field({ description: 'True when the receiver responded with a 2xx status.' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the response; null when none arrived.' })
  statusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the attempt failed; null on success.' })
  error!: string | null;

  @Field(() => Int, { description: 'Time from sending to the end of the response, in milliseconds.' })
  durationMs!: number;

  @Field({ description: 'When the attempt finished.' })
  at!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'First 1,024 bytes of the response body, decoded as UTF-8, or null when no response arrived or its body could not be read.',
  })
  responseBody!: string | null;
}
