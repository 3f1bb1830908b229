import { pino, type Logger } from 'pino';

import type { LogLevel } from '../config/config.js';

export type { Logger };

/**
 * Paths whose values are replaced before a log entry is written, so that a key, a signing secret or
 * an Authorization header passed in by mistake never reaches the log.
 */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'mongodbUri',
];

/** Creates the service's one structured logger; entries are JSON lines on standard output. */
export function createLogger(level: LogLevel, name = 'hookmill'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
