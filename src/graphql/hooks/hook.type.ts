import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A subscription: POST events of one kind to an https receiver.' })
export class Hook {
  @Field(() => ID, { description: 'Hook id, 24 hexadecimal characters.' })
  id!: string;

  @Field({ description: 'Event name, such as account.update; see hookDefinitions.' })
  hook!: string;

  @Field({ description: 'The https URL that receives the POSTs.' })
  url!: string;

  @Field(() => Int, { nullable: true, description: 'Only events by this user fire the hook.' })
  eventUser!: number | null;

  @Field(() => Int, { nullable: true, description: 'Only events in this project fire the hook.' })
  eventProject!: number | null;

  @Field(() => Int, { description: 'Id of the user who created the hook.' })
  ownerId!: number;

  @Field()
  createdAt!: Date;

  @Field({ description: 'False while the hook is disabled: its events are recorded as skipped deliveries. enableHook turns it on.' })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why Hookmill disabled the hook, or null while it is enabled.' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When Hookmill disabled the hook, or null while it is enabled.' })
  disabledAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Signing secret (whsec_…) for verifying deliveries. Only createHook and rotateHookSecret return it, and it is null everywhere else, so store it then.',
  })
  secret!: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'End of the overlap after rotateHookSecret: until then deliveries carry a second signature, made with the previous secret. Null when there is none.',
  })
  previousSecretExpiresAt!: Date | null;
}
