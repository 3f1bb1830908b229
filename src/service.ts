import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';

import mongoose from 'mongoose';

import type { Config } from './config/config.js';
import { connectDatabase, describeMongoUri, disconnectDatabase } from './db/connect.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded/embedded-database.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { ExclusionStore } from './delivery/exclusion-store.js';
import { RetentionSweeper } from './delivery/retention-sweeper.js';
import { HttpSender } from './delivery/http-sender.js';
import { ReceiverGuard } from './delivery/receiver-guard.js';
import { contextFactory, createApolloServer } from './graphql/apollo.js';
import { createApp } from './http/app.js';
import type { Logger } from './log/logger.js';
import { LeaderLease } from './leader/leader-lease.js';
import { ChangeStreamWatcher } from './watcher/change-stream-watcher.js';
import { handleChange } from './watcher/handle-change.js';

export const USER_AGENT = 'Hookmill/0.1 (+webhooks)';

export interface RunningService {
  /** Base URL of the HTTP server, such as http://127.0.0.1:4000. */
  url: string;
  watcher: ChangeStreamWatcher;
  /** Whether this instance runs the watcher; with several instances on one database, one does. */
  leader: LeaderLease;
  dispatcher: Dispatcher;
  /** The embedded database, when MONGODB_URI was unset. */
  embeddedDatabase: EmbeddedDatabase | undefined;
  stop(): Promise<void>;
}

/** The service cannot start because of its environment; the message names the variable and the fix. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface ServiceHooks {
  /** Called when a part the service cannot run without fails for good, such as the embedded database. */
  onFatal?: (reason: string) => void;
}

function listenError(error: unknown, config: Config): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `HOOKMILL_PORT=${config.port} is already in use on ${config.host}: stop the other process or set HOOKMILL_PORT to a free port.`,
      { cause: error },
    );
  }
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return new StartupError(
      `HOOKMILL_HOST=${config.host} is not an address of this machine (${code}): set it to one, such as 127.0.0.1 or 0.0.0.0.`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new StartupError(`HOOKMILL_PORT=${config.port} needs privileges this process lacks: use a port above 1023.`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function connectOrExplain(uri: string, config: Config): Promise<void> {
  try {
    await connectDatabase(uri, config.dbName);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]!.replace(/mongodb(\+srv)?:\/\/\S+/g, describeMongoUri) : String(error);
    const where = config.mongodbUri ? `MONGODB_URI (${describeMongoUri(config.mongodbUri)})` : `the embedded database (${describeMongoUri(uri)})`;
    throw new StartupError(
      `Connecting to ${where} failed: ${reason}. Check that the database runs and is a replica set member, ` +
        'or unset MONGODB_URI to use the embedded database.',
      { cause: error },
    );
  }
}

async function openDatabase(config: Config, logger: Logger, hooks: ServiceHooks): Promise<{ uri: string; embedded?: EmbeddedDatabase }> {
  if (config.mongodbUri) {
    logger.info({ database: 'mongodb', hosts: describeMongoUri(config.mongodbUri) }, 'using the MongoDB given by MONGODB_URI');
    return { uri: config.mongodbUri };
  }

  logger.info({ dataDir: config.dataDir }, 'MONGODB_URI is unset: starting the embedded database (mongo-java-server)');
  const embedded = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    port: config.embeddedDbPort,
    logger,
    onUnexpectedExit: (reason) => hooks.onFatal?.(reason),
  });
  logger.info({ database: 'embedded', uri: embedded.uri }, 'using the embedded database');
  return { uri: embedded.uri, embedded };
}

function listen(server: Server, config: Config): Promise<AddressInfo> {
  const { host, port } = config;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(listenError(error, config));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts the whole service: database, dispatcher, watcher and HTTP API, in that order. */
export async function startService(config: Config, logger: Logger, hooks: ServiceHooks = {}): Promise<RunningService> {
  const { uri, embedded } = await openDatabase(config, logger, hooks);
  try {
    await connectOrExplain(uri, config);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const exclusions = new ExclusionStore();
  const receiverGuard = new ReceiverGuard({ allowedCidrs: config.allowedReceiverCidrs });
  const sender = new HttpSender({ timeoutMs: config.deliveryTimeoutMs, caFile: config.caFile, userAgent: USER_AGENT, receiverGuard });
  const dispatcher = new Dispatcher({
    sender,
    concurrency: config.deliveryConcurrency,
    concurrencyPerHost: config.deliveryConcurrencyPerHost,
    pollIntervalMs: config.deliveryPollIntervalMs,
    leaseMs: config.deliveryLeaseMs,
    policy: { retryDelaysSeconds: config.retryDelaysSeconds, disableAfterFailingMs: config.disableAfterFailingHours * 3_600_000 },
    retentionDays: config.retentionDays,
    failedRetentionDays: config.failedRetentionDays,
    logger: logger.child({ component: 'dispatcher' }),
  });
  dispatcher.start();
  const sweeper = new RetentionSweeper(logger.child({ component: 'retention' }));
  sweeper.start();

  const watcherLogger = logger.child({ component: 'watcher' });
  const watcher = new ChangeStreamWatcher({
    db: mongoose.connection.db!,
    collections: config.collections,
    maxAwaitMs: config.watcherMaxAwaitMs,
    logger: watcherLogger,
    handleChange: async (change) => {
      const handled = await handleChange(change, {
        maxHooksPerChange: config.maxHooksPerChange,
        readyForAcceptanceStatus: config.readyForAcceptanceStatus,
        failedRetentionDays: config.failedRetentionDays,
        exclusions,
        logger: watcherLogger,
      });
      dispatcher.enqueue(handled.pendingDeliveryIds);
    },
  });
  const leader = new LeaderLease({
    name: 'watcher',
    holder: `${hostname()}:${process.pid}:${randomUUID()}`,
    leaseMs: config.leaderLeaseMs,
    onElected: () => watcher.start(),
    onDeposed: () => watcher.stop(),
    logger: logger.child({ component: 'leader' }),
  });
  await leader.start();

  const httpServer = createServer();
  const apollo = await createApolloServer(httpServer, logger, {
    introspection: config.introspection,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  const app = createApp({
    apollo,
    context: contextFactory({ exclusions, deliveryQueue: dispatcher, receiverGuard, secretOverlapHours: config.secretOverlapHours, maxHooksPerUser: config.maxHooksPerUser, logger }),
    health: { connection: mongoose.connection, watcher, dispatcher, leader },
  });
  httpServer.on('request', app);
  const address = await listen(httpServer, config);
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url: `${url}/graphql` }, 'GraphQL API listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    watcher,
    leader,
    dispatcher,
    embeddedDatabase: embedded,
    stop() {
      stopping ??= (async () => {
        await apollo.stop();
        await leader.stop();
        await sweeper.stop();
        await dispatcher.stop();
        await sender.close();
        await disconnectDatabase();
        await embedded?.stop();
        logger.info('service stopped');
      })();
      return stopping;
    },
  };
}
