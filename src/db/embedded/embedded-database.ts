import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { Logger } from '../../log/logger.js';
import { findJava } from './java-runtime.js';
import { fetchMavenDependencies } from './maven-dependencies.js';
import { findProjectRoot } from './project-root.js';

export interface EmbeddedDatabaseOptions {
  /** Folder for the cached jars; the data file goes here too unless `dataFile` is given. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** MVStore file that keeps data and change history across restarts; `null` keeps everything in memory. */
  dataFile?: string | null;
  /** Maximum wait for the server to accept connections, in milliseconds. */
  startTimeoutMs?: number;
  /** Called when the server exits without stop() having been called. */
  onUnexpectedExit?: (reason: string) => void;
  logger: Logger;
}

export interface EmbeddedDatabase {
  /** Connection string for the MongoDB driver. */
  uri: string;
  port: number;
  /** Java process id, for tests that kill the server. */
  pid: number;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseStartError extends Error {
  override name = 'EmbeddedDatabaseStartError';
}

/**
 * Explains why the server did not start, from the end of its error output: a data file locked by
 * another running server gets its own message, anything else its last lines.
 */
function describeStartFailure(stderr: string, dataFile: string | null): string {
  if (dataFile && /lockFileChannel|file is locked|locked by another process/i.test(stderr)) {
    return (
      `Its data file ${dataFile} is in use by another running Hookmill (or embedded database). ` +
      'Stop that one, or give this one its own folder with HOOKMILL_DATA_DIR.'
    );
  }
  const lines = stderr.trim().split('\n').filter((line) => line.trim() !== '');
  return lines.length === 0 ? 'It wrote no error output.' : `Its last output: ${lines.slice(-3).join(' | ')}`;
}

/** Shared jar cache under the project, so tests and `npm start` fetch the jars once. */
export function embeddedDbLibFolder(dataDir: string): string {
  return path.resolve(dataDir, 'embedded-db', 'lib');
}

function waitForListening(child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      cleanup();
      reject(new EmbeddedDatabaseStartError(`The embedded database did not start within ${timeoutMs} ms. ${stderrTail()}`));
    }, timeoutMs);

    const onExit = (code: number | null) => {
      cleanup();
      reject(new EmbeddedDatabaseStartError(`The embedded database exited with code ${code} while starting. ${stderrTail()}`));
    };
    const onLine = (line: string) => {
      const match = /^listening [\d.]+:(\d+)$/.exec(line.trim());
      if (!match) return;
      cleanup();
      resolve(Number(match[1]));
    };
    function cleanup() {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.off('line', onLine);
    }

    child.once('exit', onExit);
    lines.on('line', onLine);
  });
}

/**
 * Starts mongo-java-server on 127.0.0.1 in a Java child process and waits until it accepts connections.
 * The child exits when this process does, because it stops at the end of its standard input.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const root = findProjectRoot();
  const launcherFolder = path.join(root, 'scripts', 'embedded-db');
  const dataFile =
    options.dataFile === undefined ? path.resolve(options.dataDir, 'embedded-db', 'data.mv') : options.dataFile;

  const java = await findJava();
  const libFolder = await fetchMavenDependencies(path.join(launcherFolder, 'pom.xml'), embeddedDbLibFolder(options.dataDir));
  if (dataFile) mkdirSync(path.dirname(dataFile), { recursive: true });

  const args = [
    '-Xss512k',
    '-XX:+UseSerialGC',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    path.join(libFolder, '*'),
    path.join(launcherFolder, 'EmbeddedMongo.java'),
    String(options.port),
    ...(dataFile ? [dataFile] : []),
  ];
  const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });

  const port = await waitForListening(child, options.startTimeoutMs ?? 90_000, () => describeStartFailure(stderr, dataFile));
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true&retryWrites=false`;
  logger.info({ port, dataFile: dataFile ?? 'in memory', java }, 'embedded database started');

  let stopped: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (stopped) return;
    const reason = `the embedded database exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`;
    logger.error({ port, code, signal }, reason);
    options.onUnexpectedExit?.(reason);
  });
  return {
    uri,
    port,
    pid: child.pid!,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const forceTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(forceTimer);
          logger.info({ port }, 'embedded database stopped');
          resolve();
        });
        child.stdin!.end();
      });
      return stopped;
    },
  };
}
