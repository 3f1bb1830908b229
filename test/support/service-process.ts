import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { testCertificates } from './test-ca.js';

/** The compiled service entry point, next to this file's compiled form under dist/. */
const MAIN_SCRIPT = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** Maximum wait for a started service to log that its API listens. */
const START_TIMEOUT_MS = 30_000;

/** Maximum wait for a signalled service to exit before it is killed with SIGKILL. */
const EXIT_TIMEOUT_MS = 15_000;

/** One JSON line of the service's pino log. */
export interface LogEntry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Body of `GET /healthz`. */
export interface HealthReport {
  status: string;
  database: { state: string };
  watcher: { state: string; streams: Record<string, string> };
  dispatcher: { state: string };
}

export interface ServiceProcess {
  pid: number;
  /** Base URL of the HTTP API, such as http://127.0.0.1:43210. */
  url: string;
  graphqlUrl: string;
  /** Every log entry written so far, in order. */
  logs: LogEntry[];
  /** Sends `signal` and resolves once the process has exited. SIGKILL follows when the process ignores the signal. */
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<ProcessExit>;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<ProcessExit>;
  /** Reads `GET /healthz`, whatever its status. */
  health(): Promise<HealthReport>;
  /** Log entries and standard error output of the process, for an assertion message. */
  describeOutput(): string;
}

export interface ServiceProcessOptions {
  /** Connection string of the database the service uses. */
  mongodbUri: string;
  dbName: string;
  /** Variables that override the test defaults. */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();

// mocha --exit ends the run with process.exit, which does not stop child processes on its own.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Environment of a service under test: the parent's variables without any HOOKMILL_ or MONGODB_ ones,
 * then the test defaults (random port, the test CA, fast polling, info logs), then `options.env`.
 */
function serviceEnvironment(options: ServiceProcessOptions): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('HOOKMILL_') && !name.startsWith('MONGODB_')),
  );
  return {
    ...inherited,
    MONGODB_URI: options.mongodbUri,
    HOOKMILL_DB_NAME: options.dbName,
    HOOKMILL_HOST: '127.0.0.1',
    HOOKMILL_PORT: '0',
    HOOKMILL_CA_FILE: testCertificates().caFile,
    HOOKMILL_ALLOWED_RECEIVER_CIDRS: '127.0.0.1/32',
    HOOKMILL_LOG_LEVEL: 'info',
    HOOKMILL_DELIVERY_POLL_INTERVAL_MS: '100',
    HOOKMILL_DELIVERY_TIMEOUT_MS: '2000',
    HOOKMILL_DELIVERY_LEASE_MS: '3000',
    HOOKMILL_WATCHER_MAX_AWAIT_MS: '100',
    HOOKMILL_LEADER_LEASE_MS: '2000',
    ...options.env,
  };
}

function waitForListening(child: ChildProcess, logs: LogEntry[], exited: Promise<ProcessExit>, describe: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the service did not log 'GraphQL API listening' within ${START_TIMEOUT_MS} ms\n${describe()}`));
    }, START_TIMEOUT_MS);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with code ${exit.code} (signal ${exit.signal}) while starting\n${describe()}`));
    });

    const check = () => {
      const listening = logs.find((entry) => entry.msg === 'GraphQL API listening');
      if (!listening) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(String(listening.url).replace(/\/graphql$/, ''));
    };
    child.stdout!.on('data', check);
  });
}

/** Starts `node dist/src/main.js` as a child process and resolves once its API listens. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [MAIN_SCRIPT], { env: serviceEnvironment(options), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);

  const logs: LogEntry[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  // A line that is not JSON is kept as the message of an entry of its own.
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogEntry);
    } catch {
      logs.push({ level: 0, msg: line });
    }
  });

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const describeOutput = () => {
    const lines = logs.slice(-60).map((entry) => JSON.stringify(entry));
    return `last log entries of service ${child.pid}:\n${lines.join('\n')}\nstandard error:\n${stderr.trim()}`;
  };

  let url: string;
  try {
    url = await waitForListening(child, logs, exited, describeOutput);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    pid: child.pid!,
    url,
    graphqlUrl: `${url}/graphql`,
    logs,
    exited,
    describeOutput,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const forceTimer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(forceTimer);
      return exit;
    },
    async health() {
      const response = await fetch(`${url}/healthz`);
      return (await response.json()) as HealthReport;
    },
  };
}

/** Kills every service process still running, for an `after` hook that must leave none behind. */
export async function killServiceProcesses(): Promise<void> {
  const exits = [...running].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
}
