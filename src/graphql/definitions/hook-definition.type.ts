import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An event that hooks can subscribe to.' })
export class HookDefinition {
  @Field({ description: 'Event name, such as account.update.' })
  name!: string;

  @Field({ description: 'Item type the event is about, such as Account.' })
  itemType!: string;

  @Field()
  description!: string;

  @Field({ description: 'Whether a hook for this event may set eventUser.' })
  supportsEventUser!: boolean;

  @Field({ description: 'Whether a hook for this event may set eventProject.' })
  supportsEventProject!: boolean;
}
