import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer } from '@apollo/server';
import express, { type ErrorRequestHandler, type Express } from 'express';

import type { GraphQLContext } from '../graphql/context.js';
import { graphiqlRouter } from './graphiql.js';
import { healthHandler, type HealthSources } from './health.js';

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 100 * 1024;

export interface AppParts {
  apollo: ApolloServer<GraphQLContext>;
  context: Parameters<typeof expressMiddleware<GraphQLContext>>[1]['context'];
  health: HealthSources;
}

/** Routes: `GET /healthz`, the IDE on `GET /graphql` for browsers, and GraphQL on `/graphql`. */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');

  app.use((request, response, next) => {
    const id = randomUUID();
    (request as typeof request & { id: string }).id = id;
    response.set('x-request-id', id);
    next();
  });

  app.get('/healthz', healthHandler(parts.health));
  app.use(graphiqlRouter());
  app.use('/graphql', express.json({ limit: MAX_BODY_BYTES }), expressMiddleware(parts.apollo, { context: parts.context! }));
  app.use(bodyErrorHandler);
  return app;
}

/** Responds to a body that cannot be read (too large, not JSON) with a GraphQL-shaped JSON error instead of HTML. */
const bodyErrorHandler: ErrorRequestHandler = (error, _request, response, next) => {
  if (response.headersSent) return next(error);

  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error?.type === 'entity.too.large'
      ? `Request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller query or fewer variables.`
      : error?.type === 'entity.parse.failed'
        ? 'Request body is not valid JSON; send {"query": "...", "variables": {...}} with content-type application/json.'
        : status === 500
          ? 'Internal server error.'
          : String(error?.message ?? 'Bad request.');
  response.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
};

export type { Server };
