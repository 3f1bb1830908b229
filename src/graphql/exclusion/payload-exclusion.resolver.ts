import { Ctx, Query, Resolver } from 'type-graphql';

import { ITEM_TYPES } from '../../events/catalogue.js';
import type { GraphQLContext } from '../context.js';
import { PayloadExclusion } from './payload-exclusion.type.js';

@Resolver(() => PayloadExclusion)
export class PayloadExclusionResolver {
  @Query(() => PayloadExclusion, { description: 'The payload exclusion configuration administrators have set.' })
  async payloadExclusion(@Ctx() context: GraphQLContext): Promise<PayloadExclusion> {
    const exclusion = await context.exclusions.get();
    return {
      excludeAll: exclusion.excludeAll,
      excludedFields: ITEM_TYPES.filter((itemType) => (exclusion.fields[itemType]?.length ?? 0) > 0).map((itemType) => ({
        itemType,
        fields: [...exclusion.fields[itemType]!],
      })),
    };
  }
}
