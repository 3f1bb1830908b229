import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { findProjectRoot } from '../../src/db/embedded/project-root.js';
import { printHookmillSchema } from '../../src/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds', async () => {
    const file = path.join(findProjectRoot(), 'schema', 'schema.graphql');
    const committed = readFileSync(file, 'utf8');
    const built = await printHookmillSchema();

    expect(committed, `${file} is out of date with the resolvers; run \`npm run schema\` and commit the result.`).to.equal(built);
  });
});
