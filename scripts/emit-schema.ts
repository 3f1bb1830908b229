import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { findProjectRoot } from '../src/db/embedded/project-root.js';
import { printHookmillSchema } from '../src/graphql/schema.js';

/** Path of the committed SDL, relative to the project root. */
const SCHEMA_FILE = path.join('schema', 'schema.graphql');

/** Writes the GraphQL schema as SDL to schema/schema.graphql, so API changes show up in review. */
async function main(): Promise<void> {
  const target = path.join(findProjectRoot(), SCHEMA_FILE);
  const sdl = await printHookmillSchema();

  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, sdl, 'utf8');
  console.log(`Wrote the GraphQL schema to ${target}.`);
}

main().catch((error: unknown) => {
  console.error('Writing the GraphQL schema failed:', error);
  process.exitCode = 1;
});
