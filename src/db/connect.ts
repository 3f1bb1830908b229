import mongoose from 'mongoose';

import { ApiKeyModel } from './models/api-key.model.js';
import { AttemptModel } from './models/attempt.model.js';
import { DeliveryModel } from './models/delivery.model.js';
import { HookModel } from './models/hook.model.js';
import { NonceModel } from './models/nonce.model.js';
import { UserModel } from './models/user.model.js';

/** Host list of a connection string without credentials or options, for logs. */
export function describeMongoUri(uri: string): string {
  const withoutScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const hosts = withoutScheme.split('/')[0]!.replace(/^.*@/, '');
  return hosts;
}

/** Database named in the connection string's path, if any. */
export function databaseNameOf(uri: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : undefined;
}

/** Connects mongoose's default connection and creates the indexes Hookmill's collections need. */
export async function connectDatabase(uri: string, defaultDbName: string): Promise<typeof mongoose> {
  const connection = await mongoose.connect(uri, {
    dbName: databaseNameOf(uri) ?? defaultDbName,
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
  });
  await Promise.all([UserModel, ApiKeyModel, HookModel, DeliveryModel, AttemptModel, NonceModel].map((model) => model.createIndexes()));
  return connection;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
