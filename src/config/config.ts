import { readFileSync } from 'node:fs';

import { z } from 'zod';

import { parseCidr, type Cidr } from '../delivery/receiver-cidr.js';
import { MasterKeyError, parseMasterKey } from '../auth/key-vault.js';
import { ITEM_TYPES, type ItemType } from '../events/catalogue.js';

/** Default entity collection of each item type. */
export const DEFAULT_COLLECTIONS: Readonly<Record<ItemType, string>> = {
  Project: 'projects',
  Request: 'requests',
  Account: 'accounts',
  Timereport: 'timereports',
  Task: 'tasks',
  Team: 'teams',
  User: 'users',
  Assignment: 'assignments',
};

/**
 * Every environment variable Hookmill reads, with its default. Units are in the names.
 * `.env.example` and the README list the same variables.
 */
export const DEFAULTS = {
  HOOKMILL_HOST: '127.0.0.1',
  HOOKMILL_PORT: 4000,
  HOOKMILL_LOG_LEVEL: 'info',
  HOOKMILL_DATA_DIR: '.hookmill',
  HOOKMILL_EMBEDDED_DB_PORT: 27027,
  HOOKMILL_DB_NAME: 'hookmill',
  HOOKMILL_COLLECTIONS: '',
  HOOKMILL_MAX_HOOKS_PER_CHANGE: 10,
  HOOKMILL_READY_FOR_ACCEPTANCE_STATUS: 0,
  HOOKMILL_DELIVERY_TIMEOUT_MS: 15_000,
  HOOKMILL_DELIVERY_CONCURRENCY: 16,
  HOOKMILL_DELIVERY_CONCURRENCY_PER_HOST: 4,
  HOOKMILL_DELIVERY_POLL_INTERVAL_MS: 500,
  HOOKMILL_DELIVERY_LEASE_MS: 60_000,
  HOOKMILL_RETRY_DELAYS_SECONDS: '0,5,300,1800,7200,18000,36000,36000',
  HOOKMILL_CA_FILE: '',
  HOOKMILL_ALLOWED_RECEIVER_CIDRS: '',
  HOOKMILL_WATCHER_MAX_AWAIT_MS: 300,
  HOOKMILL_DISABLE_AFTER_FAILING_HOURS: 120,
  HOOKMILL_RETENTION_DAYS: 30,
  HOOKMILL_FAILED_RETENTION_DAYS: 90,
  HOOKMILL_SECRET_OVERLAP_HOURS: 24,
  HOOKMILL_LEADER_LEASE_MS: 15_000,
  HOOKMILL_MAX_HOOKS_PER_USER: 100,
  HOOKMILL_RATE_LIMIT_PER_MINUTE: 1_000,
  HOOKMILL_INTROSPECTION: '',
} as const;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** Folder for the embedded database's files and the cached database jar. */
  dataDir: string;
  /** MongoDB connection string, or undefined to start the embedded database. */
  mongodbUri: string | undefined;
  embeddedDbPort: number;
  /** Database name used when the connection string names none. */
  dbName: string;
  collections: Readonly<Record<ItemType, string>>;
  maxHooksPerChange: number;
  readyForAcceptanceStatus: number;
  deliveryTimeoutMs: number;
  deliveryConcurrency: number;
  /** Attempts in flight to one receiver host at once. */
  deliveryConcurrencyPerHost: number;
  deliveryPollIntervalMs: number;
  deliveryLeaseMs: number;
  /** Delay before each attempt of a delivery; the first entry is the first attempt. */
  retryDelaysSeconds: readonly number[];
  /** PEM file with extra certificate authorities trusted for receivers, besides the system ones. */
  caFile: string | undefined;
  /**
   * Non-global address blocks (private, loopback and the like) that receivers may resolve to. Global
   * addresses need no entry; unspecified, multicast and broadcast addresses are rejected even when listed.
   */
  allowedReceiverCidrs: readonly Cidr[];
  /** Maximum time one `getMore` on a change stream waits for new changes. */
  watcherMaxAwaitMs: number;
  /** A hook failing this long without a success is disabled. */
  disableAfterFailingHours: number;
  /** Days a succeeded delivery and its attempts are kept. */
  retentionDays: number;
  /** Days a failed or skipped delivery and its attempts are kept. */
  failedRetentionDays: number;
  /** Hours the previous secret still signs deliveries after a rotation. */
  secretOverlapHours: number;
  /** Lease of the instance that runs the watcher; another instance takes over this long after it dies. */
  leaderLeaseMs: number;
  /** Hooks one user may own. */
  maxHooksPerUser: number;
  /** GraphQL operations one API key may run per minute (PlanMill allows 1,000). */
  rateLimitPerMinute: number;
  /** Whether schema introspection and field suggestions are on: by default off when NODE_ENV is production. */
  introspection: boolean;
  /** NODE_ENV is production. */
  production: boolean;
}

/** A configuration value that cannot be used; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function readInteger(env: Env, name: keyof typeof DEFAULTS, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return DEFAULTS[name] as number;

  const parsed = z.coerce.number().int().min(min).max(max).safeParse(raw);
  if (!parsed.success || !/^-?\d+$/.test(raw)) {
    throw new ConfigError(`${name}="${raw}" is invalid: expected a whole number from ${min} to ${max}.`);
  }
  return parsed.data;
}

function readString(env: Env, name: keyof typeof DEFAULTS): string {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? String(DEFAULTS[name]) : raw;
}

function readLogLevel(env: Env): LogLevel {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const raw = readString(env, 'HOOKMILL_LOG_LEVEL');
  const parsed = z.enum(levels).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`HOOKMILL_LOG_LEVEL="${raw}" is invalid: expected one of ${levels.join(', ')}.`);
  }
  return parsed.data;
}

function readMongodbUri(env: Env): string | undefined {
  const raw = env.MONGODB_URI?.trim();
  if (raw === undefined || raw === '') return undefined;

  if (!/^mongodb(\+srv)?:\/\/\S+$/.test(raw)) {
    throw new ConfigError(
      'MONGODB_URI is invalid: expected a connection string starting with mongodb:// or mongodb+srv://, ' +
        'or leave it unset to use the embedded database.',
    );
  }
  return raw;
}

/** Parses `Account=crm_accounts,Task=work_tasks` into a full item type to collection map. */
function readCollections(env: Env): Record<ItemType, string> {
  const raw = readString(env, 'HOOKMILL_COLLECTIONS');
  const collections: Record<ItemType, string> = { ...DEFAULT_COLLECTIONS };
  if (raw === '') return collections;

  const seen = new Set<ItemType>();
  for (const entry of raw.split(',')) {
    const [itemType, collection, extra] = entry.split('=').map((part) => part.trim());
    const known = ITEM_TYPES.find((type) => type.toLowerCase() === itemType?.toLowerCase());
    if (!known || !collection || extra !== undefined || !/^[A-Za-z0-9_.-]+$/.test(collection)) {
      throw new ConfigError(
        `HOOKMILL_COLLECTIONS entry "${entry}" is invalid: expected ItemType=collection, ` +
          `with an item type from ${ITEM_TYPES.join(', ')}.`,
      );
    }
    if (seen.has(known)) {
      throw new ConfigError(`HOOKMILL_COLLECTIONS names ${known} twice: give each item type one collection.`);
    }
    seen.add(known);
    collections[known] = collection;
  }

  const names = Object.values(collections);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) {
    throw new ConfigError(`HOOKMILL_COLLECTIONS maps two item types to "${duplicate}": give each its own collection.`);
  }
  return collections;
}

function readRetryDelays(env: Env): number[] {
  const raw = readString(env, 'HOOKMILL_RETRY_DELAYS_SECONDS');
  const delays = raw.split(',').map((part) => part.trim());
  const valid = delays.every((delay) => /^\d+$/.test(delay) && Number(delay) <= 7 * 24 * 3600);
  if (!valid || delays.length === 0 || delays.length > 50) {
    throw new ConfigError(
      `HOOKMILL_RETRY_DELAYS_SECONDS="${raw}" is invalid: expected 1 to 50 comma-separated whole seconds, ` +
        'each at most 604800 (7 days), for example "0,5,300".',
    );
  }
  return delays.map(Number);
}

/** Checks that a CA file exists and contains at least one PEM certificate. */
function readCaFile(env: Env): string | undefined {
  const file = readString(env, 'HOOKMILL_CA_FILE');
  if (file === '') return undefined;

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new ConfigError(`HOOKMILL_CA_FILE="${file}" cannot be read (${code}): give the path of a PEM file of CA certificates.`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`HOOKMILL_CA_FILE="${file}" contains no PEM certificate: expected "-----BEGIN CERTIFICATE-----" blocks.`);
  }
  return file;
}

function readAllowedReceiverCidrs(env: Env): Cidr[] {
  const raw = readString(env, 'HOOKMILL_ALLOWED_RECEIVER_CIDRS');
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');

  return entries.map((entry) => {
    const parsed = parseCidr(entry);
    if (!parsed.ok) {
      throw new ConfigError(
        `HOOKMILL_ALLOWED_RECEIVER_CIDRS entry "${entry}" is invalid: ${parsed.reason}. ` +
          'Expected comma-separated IPv4 or IPv6 CIDRs, for example "10.0.0.0/8,fd00::/8".',
      );
    }
    return parsed.cidr;
  });
}

/** HOOKMILL_INTROSPECTION: true or false; unset means on except when NODE_ENV is production. */
function readIntrospection(env: Env): boolean {
  const raw = readString(env, 'HOOKMILL_INTROSPECTION').toLowerCase();
  if (raw === '') return env.NODE_ENV?.trim() !== 'production';
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`HOOKMILL_INTROSPECTION="${raw}" is invalid: expected true or false, or leave it unset.`);
}

/** Checks HOOKMILL_MASTER_KEY when set; unset, the key lives in the data folder (see key-vault.ts). */
function validateMasterKey(env: Env): void {
  const value = env.HOOKMILL_MASTER_KEY?.trim();
  if (!value) return;
  try {
    parseMasterKey(value);
  } catch (error) {
    if (error instanceof MasterKeyError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Reads and validates the whole configuration once; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const caFile = readCaFile(env);
  validateMasterKey(env);
  const deliveryTimeoutMs = readInteger(env, 'HOOKMILL_DELIVERY_TIMEOUT_MS', 100, 300_000);
  const deliveryLeaseMs = readInteger(env, 'HOOKMILL_DELIVERY_LEASE_MS', 1_000, 3_600_000);
  if (deliveryLeaseMs <= deliveryTimeoutMs) {
    throw new ConfigError(
      `HOOKMILL_DELIVERY_LEASE_MS=${deliveryLeaseMs} is invalid: it must be larger than ` +
        `HOOKMILL_DELIVERY_TIMEOUT_MS=${deliveryTimeoutMs}, or a slow attempt is claimed twice.`,
    );
  }

  return {
    host: readString(env, 'HOOKMILL_HOST'),
    port: readInteger(env, 'HOOKMILL_PORT', 0, 65_535),
    logLevel: readLogLevel(env),
    dataDir: readString(env, 'HOOKMILL_DATA_DIR'),
    mongodbUri: readMongodbUri(env),
    embeddedDbPort: readInteger(env, 'HOOKMILL_EMBEDDED_DB_PORT', 0, 65_535),
    dbName: readString(env, 'HOOKMILL_DB_NAME'),
    collections: readCollections(env),
    maxHooksPerChange: readInteger(env, 'HOOKMILL_MAX_HOOKS_PER_CHANGE', 1, 1_000),
    readyForAcceptanceStatus: readInteger(env, 'HOOKMILL_READY_FOR_ACCEPTANCE_STATUS', -1_000_000, 1_000_000),
    deliveryTimeoutMs,
    deliveryConcurrency: readInteger(env, 'HOOKMILL_DELIVERY_CONCURRENCY', 1, 1_000),
    deliveryConcurrencyPerHost: readInteger(env, 'HOOKMILL_DELIVERY_CONCURRENCY_PER_HOST', 1, 1_000),
    deliveryPollIntervalMs: readInteger(env, 'HOOKMILL_DELIVERY_POLL_INTERVAL_MS', 10, 60_000),
    deliveryLeaseMs,
    retryDelaysSeconds: readRetryDelays(env),
    caFile,
    allowedReceiverCidrs: readAllowedReceiverCidrs(env),
    watcherMaxAwaitMs: readInteger(env, 'HOOKMILL_WATCHER_MAX_AWAIT_MS', 10, 10_000),
    disableAfterFailingHours: readInteger(env, 'HOOKMILL_DISABLE_AFTER_FAILING_HOURS', 1, 24 * 365),
    retentionDays: readInteger(env, 'HOOKMILL_RETENTION_DAYS', 1, 3_650),
    failedRetentionDays: readInteger(env, 'HOOKMILL_FAILED_RETENTION_DAYS', 1, 3_650),
    secretOverlapHours: readInteger(env, 'HOOKMILL_SECRET_OVERLAP_HOURS', 0, 24 * 30),
    leaderLeaseMs: readInteger(env, 'HOOKMILL_LEADER_LEASE_MS', 1_000, 600_000),
    maxHooksPerUser: readInteger(env, 'HOOKMILL_MAX_HOOKS_PER_USER', 1, 100_000),
    rateLimitPerMinute: readInteger(env, 'HOOKMILL_RATE_LIMIT_PER_MINUTE', 1, 1_000_000),
    introspection: readIntrospection(env),
    production: env.NODE_ENV?.trim() === 'production',
  };
}
