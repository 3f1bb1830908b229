import 'reflect-metadata';

import mongoose from 'mongoose';

import { DatabaseUnreachableError, withDatabase } from '../src/admin/cli-database.js';
import { ConfigError, loadConfig } from '../src/config/config.js';

/**
 * Writes an entity document the way the application would, to try hooks without the application.
 * Usage: npm run write-entity -- insert|update|delete COLLECTION ID [JSON]
 *   insert accounts 42 '{"name":"Acme Oy"}'   inserts { id: 42, name: "Acme Oy" }
 *   update accounts 42 '{"name":"Acme Oyj"}'  sets the given fields on the document with id 42
 *   delete accounts 42                        deletes the document with id 42
 * It connects like the admin CLI: MONGODB_URI, else the embedded database of a running `npm start`.
 */
const USAGE = 'Usage: npm run write-entity -- insert|update|delete COLLECTION ID [JSON]';

function fail(message: string, exitCode: number): never {
  console.error(message);
  process.exit(exitCode);
}

function parseArguments(args: string[]) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${USAGE}\nWrites an entity document as the application would, so hooks fire without the application.`);
    process.exit(0);
  }
  const [operation, collection, idText, json] = args;
  if (operation !== 'insert' && operation !== 'update' && operation !== 'delete') {
    fail(`Unknown operation "${operation ?? ''}": expected insert, update or delete.\n${USAGE}`, 2);
  }
  const collections = Object.values(loadConfig().collections);
  if (!collection || !collections.includes(collection)) {
    fail(`Unknown collection "${collection ?? ''}": expected one of ${collections.join(', ')}.\n${USAGE}`, 2);
  }
  const id = Number(idText);
  if (!idText || !/^\d+$/.test(idText) || id <= 0 || !Number.isSafeInteger(id)) {
    fail(`Invalid id "${idText ?? ''}": expected a whole number from 1 to ${Number.MAX_SAFE_INTEGER}.\n${USAGE}`, 2);
  }

  let fields: Record<string, unknown> = {};
  if (operation !== 'delete') {
    try {
      fields = JSON.parse(json ?? '{}') as Record<string, unknown>;
    } catch {
      fail(`Invalid JSON ${JSON.stringify(json)}: expected an object such as '{"name":"Acme Oy"}'.`, 2);
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      fail(`Invalid JSON ${JSON.stringify(json)}: expected an object of fields.`, 2);
    }
    if ('id' in fields && fields.id !== id) {
      fail(`The JSON sets id ${JSON.stringify(fields.id)} but the ID argument is ${id}: give the id once, as the argument.`, 2);
    }
  }
  return { operation, collection, id, fields };
}

try {
  const { operation, collection, id, fields } = parseArguments(process.argv.slice(2));
  const message = await withDatabase(async () => {
    const entities = mongoose.connection.db!.collection(collection);
    if (operation === 'insert') {
      if (await entities.findOne({ id }, { projection: { _id: 1 } })) fail(`${collection} ${id} already exists; use update to change it.`, 1);
      await entities.insertOne({ ...fields, id });
      return `Inserted ${collection} ${id}.`;
    }
    if (operation === 'update') {
      const result = await entities.updateOne({ id }, { $set: fields });
      if (result.matchedCount === 0) fail(`No document with id ${id} in ${collection}; insert it first.`, 1);
      return `Updated ${collection} ${id}.`;
    }
    const result = await entities.deleteOne({ id });
    if (result.deletedCount === 0) fail(`No document with id ${id} in ${collection}.`, 1);
    return `Deleted ${collection} ${id}.`;
  });
  console.log(message);
} catch (error) {
  if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`, 2);
  if (error instanceof DatabaseUnreachableError) fail(error.message, 1);
  throw error;
}
