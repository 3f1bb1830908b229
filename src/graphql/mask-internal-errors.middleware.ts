import { GraphQLError, responsePathAsArray } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';

import type { GraphQLContext } from './context.js';
import { internalError } from './errors.js';

/**
 * Logs any non-GraphQL error a resolver throws, once, with the request id the client also gets in
 * `x-request-id`, and replaces it by a generic error, so database details never reach a client.
 */
export const maskInternalErrors: MiddlewareFn<GraphQLContext> = async ({ context, info }, next) => {
  try {
    return await next();
  } catch (error) {
    if (error instanceof GraphQLError) throw error;

    context.logger.error({ err: error, path: responsePathAsArray(info.path) }, 'resolver failed with an internal error');
    throw internalError(context.requestId);
  }
};
