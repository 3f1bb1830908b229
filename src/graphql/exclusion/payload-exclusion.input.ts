import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A change to the payload exclusion; give excludeAll, or itemType with fields, or both.' })
export class SetPayloadExclusionInput {
  @Field(() => Boolean, { nullable: true, description: 'When true, payloads carry only hook, url, Id, the filter fields and sequence.' })
  excludeAll?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Item type whose excluded fields are replaced, such as Account.' })
  itemType?: string | null;

  @Field(() => [String], { nullable: true, description: 'Field paths to leave out, such as phone or address.street; an empty list clears them.' })
  fields?: string[] | null;
}
