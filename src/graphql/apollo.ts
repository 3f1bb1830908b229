import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import DataLoader from 'dataloader';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Request } from 'express';

import { AuthenticationError, authenticateRequest } from '../auth/authenticate.js';
import type { ExclusionStore } from '../delivery/exclusion-store.js';
import type { ReceiverGuard } from '../delivery/receiver-guard.js';
import type { Logger } from '../log/logger.js';
import type { DeliveryQueue, GraphQLContext } from './context.js';
import { loadAttempts } from './deliveries/delivery.service.js';
import { ErrorCode, unauthenticated } from './errors.js';
import { loadLastAttempts } from './hooks/hook.service.js';
import { buildHookmillSchema } from './schema.js';
import { queryLimitsRule } from './limits/query-limits.js';
import { RateLimiter } from './limits/rate-limiter.js';
import { rateLimitPlugin } from './limits/rate-limit.plugin.js';

/** Error codes whose messages are written for clients and pass through unchanged. */
const CLIENT_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
]);

/**
 * Passes client errors and already masked internal errors through, and replaces any other error by a
 * generic one, logged once here. Resolver errors were masked and logged by maskInternalErrors.
 */
function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return { ...formatted, extensions };

  if (/not configured to execute subscription/.test(formatted.message)) {
    return { message: 'Subscriptions are not supported: use queries and mutations.', extensions: { code: 'BAD_REQUEST' } };
  }

  const carriedId = extensions.requestId;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR && typeof carriedId === 'string') return { ...formatted, extensions };

  const requestId = randomUUID();
  logger.error({ err: unwrapResolverError(error), path: formatted.path, requestId }, 'request failed with an internal error');
  return {
    message: `Internal server error; the server log has the details under request id ${requestId}.`,
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId },
  };
}

export interface ApolloOptions {
  /** Schema introspection and "Did you mean" field suggestions. */
  introspection: boolean;
  rateLimitPerMinute: number;
}

/** Most lexical tokens in one document; parsing stops there, before any validation work. */
const MAX_TOKENS = 5_000;

export async function createApolloServer(httpServer: Server, logger: Logger, options: ApolloOptions): Promise<ApolloServer<GraphQLContext>> {
  const server = new ApolloServer<GraphQLContext>({
    schema: await buildHookmillSchema(),
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: !options.introspection,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [queryLimitsRule()],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      rateLimitPlugin(new RateLimiter(options.rateLimitPerMinute), options.rateLimitPerMinute),
    ],
    formatError: (formatted, error) => maskError(formatted, error, logger),
  });
  await server.start();
  return server;
}

/** Service parts that every request's context shares. */
export interface ContextParts {
  exclusions: ExclusionStore;
  deliveryQueue: DeliveryQueue;
  receiverGuard: ReceiverGuard;
  secretOverlapHours: number;
  maxHooksPerUser: number;
  logger: Logger;
}

/** Builds the per-request context: authenticates the caller, or fails the request with HTTP 401. */
export function contextFactory(parts: ContextParts) {
  const { exclusions, deliveryQueue, receiverGuard, secretOverlapHours, maxHooksPerUser, logger } = parts;
  return async ({ req }: { req: Request }): Promise<GraphQLContext> => {
    const requestId = (req as Request & { id?: string }).id ?? randomUUID();
    try {
      const caller = await authenticateRequest(req.headers);
      return {
        caller,
        requestId,
        exclusions,
        deliveryQueue,
        receiverGuard,
        secretOverlapHours,
        maxHooksPerUser,
        logger: logger.child({ requestId, userId: caller.userId }),
        loaders: {
          lastAttemptByHookId: new DataLoader(loadLastAttempts),
          attemptsByDeliveryId: new DataLoader(loadAttempts),
        },
      };
    } catch (error) {
      if (error instanceof AuthenticationError) {
        logger.info({ requestId, reason: error.message }, 'request rejected: not authenticated');
        throw unauthenticated(error.message);
      }
      logger.error({ requestId, err: error }, 'authenticating a request failed');
      throw new GraphQLError(`Authentication is unavailable; the server log has the details under request id ${requestId}.`, {
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId, http: { status: 503 } },
      });
    }
  };
}
