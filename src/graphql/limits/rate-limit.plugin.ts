import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

import type { GraphQLContext } from '../context.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * Counts each resolved operation against its API key and rejects one over `limitPerMinute` with HTTP 429
 * and Retry-After.
 */
export function rateLimitPlugin(limiter: RateLimiter, limitPerMinute: number): ApolloServerPlugin<GraphQLContext> {
  function rejectOverLimit(context: GraphQLContext): void {
    const prefix = context.caller.apiKeyPrefix;
    const retryAfterSeconds = limiter.take(prefix);
    if (retryAfterSeconds === 0) return;

    context.logger.warn({ apiKeyPrefix: prefix, limitPerMinute }, 'request rejected: rate limit reached');
    throw new GraphQLError(`API key ${prefix} ran more than ${limitPerMinute} operations this minute; retry in ${retryAfterSeconds} s.`, {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds,
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
      },
    });
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          rejectOverLimit(contextValue);
        },
      };
    },
  };
}
