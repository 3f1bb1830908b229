import type { Request, Response } from 'express';
import type { Connection } from 'mongoose';

export interface HealthSources {
  connection: Connection;
  watcher: { running: boolean; states: Record<string, string> };
  dispatcher: { running: boolean };
  /** The watcher runs on the leader only; other instances stand by. */
  leader: { isLeader: boolean };
}

const PING_TIMEOUT_MS = 2_000;

async function databaseReachable(connection: Connection): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const ping = db
    .command({ ping: 1 })
    .then(() => true)
    .catch(() => false);
  const reachable = await Promise.race([ping, timeout]);
  clearTimeout(timer);
  return reachable;
}

/**
 * `GET /healthz`: 200 when the database responds to a ping, the dispatcher runs and, on the leader, every change
 * stream is open; 503 otherwise. JSON either way.
 */
export function healthHandler(sources: HealthSources) {
  return async (_request: Request, response: Response) => {
    const database = await databaseReachable(sources.connection);
    const watcherHealthy = !sources.leader.isLeader || sources.watcher.running;
    const healthy = database && watcherHealthy && sources.dispatcher.running;
    let watcherState = 'standby';
    if (sources.leader.isLeader) watcherState = sources.watcher.running ? 'running' : 'not running';

    response.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'unavailable',
      database: { state: database ? 'up' : 'down' },
      watcher: { state: watcherState, streams: sources.watcher.states },
      dispatcher: { state: sources.dispatcher.running ? 'running' : 'not running' },
    });
  };
}
