import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'A new hook. eventUser and eventProject apply to request.update and timereport.update only.' })
export class CreateHookInput {
  @Field({ description: 'Event name from hookDefinitions, such as account.update.' })
  hook!: string;

  @Field({ description: 'https URL of the receiver, at most 2,048 characters, with no credentials or fragment.' })
  url!: string;

  @Field(() => Int, { nullable: true, description: 'Fire only for events by this user (positive id).' })
  eventUser?: number | null;

  @Field(() => Int, { nullable: true, description: 'Fire only for events in this project (positive id).' })
  eventProject?: number | null;
}

@InputType({ description: 'Narrows the hooks query; every field given must match.' })
export class HooksFilter {
  @Field({ nullable: true, description: 'Event name, such as account.update.' })
  hook?: string;

  @Field(() => Int, { nullable: true })
  eventUser?: number;

  @Field(() => Int, { nullable: true })
  eventProject?: number;
}
