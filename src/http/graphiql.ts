import { createRequire } from 'node:module';
import path from 'node:path';

import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/** Files of the GraphiQL IDE, served from installed packages so the IDE works without internet access. */
const ASSETS: Readonly<Record<string, string>> = {
  'graphiql.min.js': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
  'graphiql.min.css': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
  'react.production.min.js': path.join(path.dirname(require.resolve('react/package.json')), 'umd', 'react.production.min.js'),
  'react-dom.production.min.js': path.join(path.dirname(require.resolve('react-dom/package.json')), 'umd', 'react-dom.production.min.js'),
};

const DEFAULT_HEADERS = JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2);

const INIT_SCRIPT = `
const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
const root = ReactDOM.createRoot(document.getElementById('graphiql'));
root.render(React.createElement(GraphiQL, {
  fetcher,
  defaultHeaders: ${JSON.stringify(DEFAULT_HEADERS)},
  shouldPersistHeaders: true,
  defaultEditorToolsVisibility: 'headers',
  defaultQuery: '# Set your API key in the Headers tab below, then run:\\n{\\n  hookDefinitions { name itemType supportsEventUser supportsEventProject }\\n}\\n',
}));
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Hookmill GraphQL IDE</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL IDE…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script src="/graphiql/init.js"></script>
</body>
</html>
`;

/** Returns true for a browser navigation, which requests HTML rather than a GraphQL response. */
export function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}

/** Serves the IDE page and its assets. */
export function graphiqlRouter(): Router {
  const router = express.Router();
  const cacheControl = 'public, max-age=3600';

  router.get('/graphiql/init.js', (_request, response) => {
    response.type('application/javascript').set('cache-control', cacheControl).send(INIT_SCRIPT);
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/graphiql/${name}`, (_request, response) => {
      response.set('cache-control', cacheControl).sendFile(file);
    });
  }
  router.get('/graphql', (request, response, next) => {
    if (!wantsHtml(request.headers.accept)) return next();
    response
      .type('html')
      .set('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
      .send(PAGE);
  });
  return router;
}
