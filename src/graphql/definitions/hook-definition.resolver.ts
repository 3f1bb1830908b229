import { Query, Resolver } from 'type-graphql';

import { EVENT_CATALOGUE } from '../../events/catalogue.js';
import { HookDefinition } from './hook-definition.type.js';

@Resolver(() => HookDefinition)
export class HookDefinitionResolver {
  @Query(() => [HookDefinition], { description: 'Every event hooks can subscribe to, with the filters it supports.' })
  hookDefinitions(): HookDefinition[] {
    return EVENT_CATALOGUE.map(({ name, itemType, description, supportsEventUser, supportsEventProject }) => ({
      name,
      itemType,
      description,
      supportsEventUser,
      supportsEventProject,
    }));
  }
}
