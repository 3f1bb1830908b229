import 'reflect-metadata';

import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './log/logger.js';
import { StartupError, startService, type RunningService } from './service.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

const logger = createLogger(config.logLevel);
let service: RunningService | undefined;
let stopRequests = 0;

/** Maximum duration of a graceful stop; a stop that waits on a dead database ends here. */
const STOP_TIMEOUT_MS = 15_000;

/** Stops the service once; a second request while stopping exits at once. */
function shutdown(reason: string, exitCode: number): void {
  if (++stopRequests > 1) process.exit(1);
  logger.info({ reason }, 'stopping');
  if (!service) process.exit(exitCode);
  setTimeout(() => {
    logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'stopping timed out; exiting without a clean stop');
    process.exit(exitCode === 0 ? 1 : exitCode);
  }, STOP_TIMEOUT_MS).unref();
  service.stop().then(
    () => process.exit(exitCode),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    },
  );
}

process.on('SIGINT', () => shutdown('SIGINT', 0));
process.on('SIGTERM', () => shutdown('SIGTERM', 0));

try {
  service = await startService(config, logger, {
    onFatal: (reason) => {
      logger.fatal({ reason }, 'stopping the service: a part it needs failed');
      shutdown(reason, 1);
    },
  });
} catch (error) {
  if (error instanceof StartupError) logger.fatal({ reason: error.message }, 'service failed to start');
  else logger.fatal({ err: error }, 'service failed to start');
  process.exit(1);
}
