import 'reflect-metadata';

import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/embedded-database.js';
import { createLogger } from '../../src/log/logger.js';
import { testCertificates } from '../support/test-ca.js';

let database: EmbeddedDatabase | undefined;

/** Returns the embedded database shared by the whole test run; tests isolate themselves by database name. */
export function testDatabase(): EmbeddedDatabase {
  if (!database) throw new Error('The test database is not running; run the tests with mocha and .mocharc.json.');
  return database;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(600_000);
    testCertificates();
    database = await startEmbeddedDatabase({
      dataDir: process.env.HOOKMILL_DATA_DIR ?? '.hookmill',
      port: 0,
      dataFile: null,
      logger: createLogger('warn', 'test-database'),
    });
  },
  async afterAll() {
    await database?.stop();
  },
};
