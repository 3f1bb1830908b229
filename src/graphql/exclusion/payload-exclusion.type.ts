import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Fields left out of the payloads of one item type.' })
export class ExcludedFields {
  @Field({ description: 'Item type, such as Account.' })
  itemType!: string;

  @Field(() => [String], { description: 'Field names; a dot separates nested fields, as in address.street.' })
  fields!: string[];
}

@ObjectType({ description: 'What is left out of delivered payloads.' })
export class PayloadExclusion {
  @Field({ description: 'When true, payloads carry only hook, url, Id and the filter fields.' })
  excludeAll!: boolean;

  @Field(() => [ExcludedFields], { description: 'Excluded fields per item type; item types without exclusions are not listed.' })
  excludedFields!: ExcludedFields[];
}
