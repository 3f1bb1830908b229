import 'reflect-metadata';

import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';

import { DeliveryResolver } from './deliveries/delivery.resolver.js';
import { HookDefinitionResolver } from './definitions/hook-definition.resolver.js';
import { PayloadExclusionResolver } from './exclusion/payload-exclusion.resolver.js';
import { HookResolver } from './hooks/hook.resolver.js';
import { maskInternalErrors } from './mask-internal-errors.middleware.js';

/** Builds the executable schema from the resolver classes. */
export function buildHookmillSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [HookResolver, DeliveryResolver, HookDefinitionResolver, PayloadExclusionResolver],
    validate: false,
    globalMiddlewares: [maskInternalErrors],
  });
}

/** SDL of the schema, sorted so that the committed file changes only when the API does. */
export async function printHookmillSchema(): Promise<string> {
  const schema = await buildHookmillSchema();
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
