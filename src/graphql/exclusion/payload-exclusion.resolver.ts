import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';

import { AdminError, parseFieldList, parseItemType } from '../../admin/admin.service.js';
import { ADMIN_RIGHT } from '../../auth/rights.js';
import type { PayloadExclusion as PayloadExclusionConfig } from '../../delivery/payload.js';
import { ITEM_TYPES } from '../../events/catalogue.js';
import type { GraphQLContext } from '../context.js';
import { badUserInput, forbidden } from '../errors.js';
import { SetPayloadExclusionInput } from './payload-exclusion.input.js';
import { PayloadExclusion } from './payload-exclusion.type.js';

function toPayloadExclusion(exclusion: PayloadExclusionConfig): PayloadExclusion {
  return {
    excludeAll: exclusion.excludeAll,
    excludedFields: ITEM_TYPES.filter((itemType) => (exclusion.fields[itemType]?.length ?? 0) > 0).map((itemType) => ({
      itemType,
      fields: [...exclusion.fields[itemType]!],
    })),
  };
}

function asUserInput<T>(parse: () => T, argument: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AdminError) throw badUserInput(error.message, argument);
    throw error;
  }
}

@Resolver(() => PayloadExclusion)
export class PayloadExclusionResolver {
  @Query(() => PayloadExclusion, { description: 'The payload exclusion configuration administrators have set.' })
  async payloadExclusion(@Ctx() context: GraphQLContext): Promise<PayloadExclusion> {
    return toPayloadExclusion(await context.exclusions.get());
  }

  @Mutation(() => PayloadExclusion, { description: `Changes the payload exclusion; needs the right "${ADMIN_RIGHT}".` })
  async setPayloadExclusion(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => SetPayloadExclusionInput) input: SetPayloadExclusionInput,
  ): Promise<PayloadExclusion> {
    if (!context.caller.rights.includes(ADMIN_RIGHT)) {
      throw forbidden(`Changing the payload exclusion needs the right "${ADMIN_RIGHT}"; ask an administrator.`);
    }
    const hasFields = input.itemType != null || input.fields != null;
    if (input.excludeAll == null && !hasFields) {
      throw badUserInput('Nothing to change: give excludeAll, or itemType with fields.');
    }
    if (hasFields && (input.itemType == null || input.fields == null)) {
      throw badUserInput('itemType and fields go together: give both to replace the excluded fields of one item type.');
    }

    let exclusion = await context.exclusions.get();
    if (hasFields) {
      const itemType = asUserInput(() => parseItemType(input.itemType!), 'itemType');
      const fields = asUserInput(() => parseFieldList(input.fields!.join(',')), 'fields');
      exclusion = await context.exclusions.setFields(itemType, fields);
    }
    if (input.excludeAll != null) exclusion = await context.exclusions.setExcludeAll(input.excludeAll);

    context.logger.info({ excludeAll: exclusion.excludeAll, itemType: input.itemType ?? null }, 'payload exclusion changed');
    return toPayloadExclusion(exclusion);
  }
}
