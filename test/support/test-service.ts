import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import mongoose from 'mongoose';
import { testDatabase } from '../setup/global-hooks.js';
import { testCertificates } from './test-ca.js';

let databaseCounter = 0;

/** Returns a database name no earlier test in this run used, so each suite starts empty. */
export function freshDatabaseName(): string {
  databaseCounter++;
  return `hookmill_test_${process.pid}_${databaseCounter}`;
}

export interface TestService extends RunningService {
  graphqlUrl: string;
  dbName: string;
  /** The service's database, for writing entity documents as the application would. */
  db: NonNullable<typeof mongoose.connection.db>;
}

/**
 * Starts the service on the shared test database with a random HTTP port, the test CA trusted, fast
 * polling and quiet logs. `env` overrides any variable.
 */
export async function startTestService(env: Record<string, string> = {}, dbName = freshDatabaseName()): Promise<TestService> {
  const config = loadConfig({
    MONGODB_URI: testDatabase().uri,
    HOOKMILL_DB_NAME: dbName,
    HOOKMILL_PORT: '0',
    HOOKMILL_CA_FILE: testCertificates().caFile,
    // Every test receiver listens on 127.0.0.1, a loopback address that receivers may use only when allowed.
    HOOKMILL_ALLOWED_RECEIVER_CIDRS: '127.0.0.1/32',
    HOOKMILL_LOG_LEVEL: process.env.HOOKMILL_TEST_LOG_LEVEL ?? 'silent',
    HOOKMILL_DELIVERY_POLL_INTERVAL_MS: '100',
    HOOKMILL_DELIVERY_TIMEOUT_MS: '5000',
    HOOKMILL_WATCHER_MAX_AWAIT_MS: '100',
    ...env,
  });
  const service = await startService(config, createLogger(config.logLevel, 'hookmill-test'));
  return { ...service, graphqlUrl: `${service.url}/graphql`, dbName, db: mongoose.connection.db! };
}
