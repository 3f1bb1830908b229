import { CommanderError } from 'commander';

import { ConfigError } from '../config/config.js';
import { AdminError } from './admin.service.js';
import { DatabaseUnreachableError, redactMongoUris } from './cli-database.js';
import { buildProgram, EXIT_USAGE } from './cli-program.js';

/** Exit code of an operation that failed, such as an unknown user or an unreachable database. */
const EXIT_FAILURE = 1;

/** Maximum wait for pending output and sockets after the command finished, before the process is ended. */
const EXIT_GRACE_MS = 1_000;

function printError(message: string): void {
  process.stderr.write(`error: ${message}\n`);
}

/** Prints an error that Commander has not printed yet and returns the exit code for it. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its help or its one-line usage error.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    printError(`Configuration error: ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof AdminError || error instanceof DatabaseUnreachableError) {
    printError(error.message);
    return EXIT_FAILURE;
  }

  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  printError(`The command failed unexpectedly: ${redactMongoUris(message)}`);
  return EXIT_FAILURE;
}

let exitCode = 0;
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  exitCode = exitCodeFor(error);
}

// Setting exitCode lets stdout drain before the process ends, and the unreferenced timer ends it
// anyway if a socket or timer still holds the event loop.
process.exitCode = exitCode;
setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
