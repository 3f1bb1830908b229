import mongoose from 'mongoose';

import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { databaseNameOf, describeMongoUri } from '../db/connect.js';
import { ApiKeyModel } from '../db/models/api-key.model.js';
import { UserModel } from '../db/models/user.model.js';

/**
 * How long the CLI waits for a reachable server. Shorter than the service's 10 s because an
 * administrator is waiting, and a local database responds in milliseconds.
 */
const SERVER_SELECTION_TIMEOUT_MS = 3_000;

/** The database the admin CLI connects to, resolved from the configuration. */
export interface DatabaseTarget {
  uri: string;
  dbName: string;
  /** Host list without credentials or options, safe to print. */
  address: string;
  /** True when MONGODB_URI is set, false when the target is the embedded database of `npm start`. */
  fromMongodbUri: boolean;
}

/** The database cannot be reached. The message names its address and what to start or set. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** Resolves MONGODB_URI, or else the address where `npm start` runs the embedded database. */
export function databaseTarget(config: Config): DatabaseTarget {
  if (config.mongodbUri) {
    const uri = config.mongodbUri;
    return { uri, dbName: databaseNameOf(uri) ?? config.dbName, address: describeMongoUri(uri), fromMongodbUri: true };
  }

  if (config.embeddedDbPort === 0) {
    throw new ConfigError(
      'HOOKMILL_EMBEDDED_DB_PORT is 0, so the embedded database listens on a random port that the admin CLI ' +
        'cannot find; set HOOKMILL_EMBEDDED_DB_PORT to the port the service uses, or set MONGODB_URI.',
    );
  }
  const uri = `mongodb://127.0.0.1:${config.embeddedDbPort}/?directConnection=true&retryWrites=false`;
  return { uri, dbName: config.dbName, address: `127.0.0.1:${config.embeddedDbPort}`, fromMongodbUri: false };
}

/** Replaces every MongoDB connection string in a message with its host list, so credentials never print. */
export function redactMongoUris(message: string): string {
  return message.replace(/mongodb(\+srv)?:\/\/\S+/g, (uri) => describeMongoUri(uri));
}

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /ServerSelectionError|NetworkError|NetworkTimeoutError|TopologyClosedError/.test(error.name);
}

function unreachableError(target: DatabaseTarget, cause: Error): DatabaseUnreachableError {
  const reason = redactMongoUris(cause.message).replace(/\.$/, '');
  const advice = target.fromMongodbUri
    ? 'Check that this MongoDB is running and that MONGODB_URI is right, or unset MONGODB_URI and ' +
      'start the service with "npm start" first, because it runs the embedded database.'
    : 'Start the service with "npm start" first, because it runs the embedded database at that address, ' +
      'or set MONGODB_URI to a running MongoDB. If the service uses another port, set HOOKMILL_EMBEDDED_DB_PORT to it.';
  const source = target.fromMongodbUri ? ' (from MONGODB_URI)' : '';
  return new DatabaseUnreachableError(`The database at ${target.address}${source} is unreachable (${reason}). ${advice}`);
}

/**
 * Loads the configuration, connects mongoose's default connection, runs `work` and always disconnects.
 * Throws a ConfigError for bad configuration and a DatabaseUnreachableError when no server responds.
 */
export async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const target = databaseTarget(loadConfig());

  try {
    await mongoose.connect(target.uri, {
      dbName: target.dbName,
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      autoIndex: false,
    });
    // The unique indexes on user ids and key prefixes reject duplicates even before the service first starts.
    await Promise.all([UserModel, ApiKeyModel].map((model) => model.createIndexes()));
    return await work();
  } catch (error) {
    if (isUnreachable(error)) throw unreachableError(target, error as Error);
    throw error;
  } finally {
    await mongoose.disconnect();
  }
}
