import { expect } from 'chai';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

import mongoose from 'mongoose';

import { AttemptModel } from '../../src/db/models/attempt.model.js';
import { DeliveryModel } from '../../src/db/models/delivery.model.js';
import { testDatabase } from '../setup/global-hooks.js';
import { eventually } from '../support/fixtures.js';
import { startHttpsReceiver, type HttpsReceiver, type ReceivedRequest } from '../support/https-receiver.js';
import { killServiceProcesses, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { freshDatabaseName } from '../support/test-service.js';
import { connectTestProcess, createHooks, delay, disconnectTestProcess, requestsById, verifySignature, type CreatedHook } from './fault-fixtures.js';

const ENTITY_COUNT = 8;
const UPDATES_PER_ENTITY = 5;

/** How long connections are refused, and then how long the receiver responds with 503. */
const REFUSED_MS = 2_000;
const UNAVAILABLE_MS = 2_000;

/**
 * A TCP port on 127.0.0.1 that forwards to the receiver while open and refuses connections while
 * closed, so a receiver can go down and come back on the same URL.
 */
class ReceiverGate {
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(targetPort: number) {
    this.#target = targetPort;
  }

  async open(): Promise<void> {
    const server = createServer((incoming) => {
      const outgoing = connect(this.#target, '127.0.0.1');
      for (const socket of [incoming, outgoing]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      incoming.pipe(outgoing).pipe(incoming);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and cuts every forwarded connection. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('receiver outage', function () {
  this.timeout(120_000);

  const dbName = freshDatabaseName();
  const entityIds = Array.from({ length: ENTITY_COUNT }, (_, index) => 20_001 + index);
  let receiver: HttpsReceiver;
  let gate: ReceiverGate;
  let service: ServiceProcess;
  let hook: CreatedHook;
  let phase: 'refused' | 'unavailable' | 'up' = 'refused';
  /** Requests that got a 200 response, in arrival order. */
  const accepted: ReceivedRequest[] = [];

  /** Requests of one entity in arrival order, failed ones included. */
  function requestsOf(requests: readonly ReceivedRequest[], entityId: number): ReceivedRequest[] {
    return requests.filter((request) => request.body.Id === entityId);
  }

  before(async () => {
    await connectTestProcess(testDatabase().uri, dbName);
    const tasks = mongoose.connection.db!.collection('tasks');
    await tasks.insertMany(entityIds.map((id) => ({ id, name: `Task ${id}`, step: 0 })));

    receiver = await startHttpsReceiver();
    receiver.respondWith((request) => {
      if (phase !== 'up') return { status: 503 };
      accepted.push(request);
      return { status: 200 };
    });
    gate = new ReceiverGate(Number(new URL(receiver.url).port));
    await gate.open();
    await gate.close();

    service = await startServiceProcess({
      mongodbUri: testDatabase().uri,
      dbName,
      env: { HOOKMILL_RETRY_DELAYS_SECONDS: '0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1' },
    });
    [hook] = await createHooks(service.graphqlUrl, [{ hook: 'task.update', url: `https://127.0.0.1:${gate.port}/tasks` }]);

    for (let step = 1; step <= UPDATES_PER_ENTITY; step++) {
      for (const id of entityIds) await tasks.updateOne({ id }, { $set: { step } });
    }
    await delay(REFUSED_MS);
    await gate.open();
    phase = 'unavailable';
    await delay(UNAVAILABLE_MS);
    phase = 'up';

    const total = ENTITY_COUNT * UPDATES_PER_ENTITY;
    await eventually(
      async () => ((await DeliveryModel.countDocuments({ hookId: hook.id, state: 'succeeded' })) === total ? true : undefined),
      60_000,
      `${total} deliveries succeeded`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${service.describeOutput()}`);
    });
  });

  after(async () => {
    await gate?.close();
    await receiver?.close();
    await service?.kill('SIGTERM');
    await killServiceProcesses();
    await disconnectTestProcess();
  });

  it('fails attempts while connections are refused', async () => {
    const refused = await AttemptModel.countDocuments({ hookId: hook.id, statusCode: null, error: /refused/ });

    expect(refused).to.be.greaterThan(0);
  });

  it('fails attempts during 503 responses', async () => {
    const unavailable = await AttemptModel.countDocuments({ hookId: hook.id, statusCode: 503 });

    expect(unavailable).to.be.greaterThan(0);
  });

  it('delivers every change once it is back', () => {
    const acceptedIds = new Set(accepted.map((request) => request.headers['webhook-id']));

    expect(acceptedIds.size).to.equal(ENTITY_COUNT * UPDATES_PER_ENTITY);
    expect(accepted).to.have.length(acceptedIds.size);
  });

  it('delivers each entity in sequence order', () => {
    for (const id of entityIds) {
      const sequences = requestsOf(accepted, id).map((request) => request.body.sequence as number);

      expect(sequences, `sequences of task ${id}`).to.have.length(UPDATES_PER_ENTITY);
      expect(sequences, `sequences of task ${id}`).to.deep.equal([...sequences].sort((left, right) => left - right));
    }
  });

  it('holds later changes until earlier ones succeed', () => {
    for (const id of entityIds) {
      const sequences = requestsOf(receiver.requests, id).map((request) => request.body.sequence as number);
      const overtaken = sequences.filter((sequence, index) => index > 0 && sequence < sequences[index - 1]!);

      expect(overtaken, `requests of task ${id} that arrived after a later change`).to.deep.equal([]);
    }
  });

  it('keeps webhook-id and body across retries', () => {
    const bodiesById = new Map<string, Set<string>>();
    for (const request of receiver.requests) {
      const webhookId = String(request.headers['webhook-id']);
      bodiesById.set(webhookId, (bodiesById.get(webhookId) ?? new Set()).add(request.rawBody));
    }
    const idsPerChange = [...requestsById(receiver, '/tasks').values()].flatMap((requests) => {
      const bySequence = new Map<unknown, Set<unknown>>();
      for (const request of requests) {
        bySequence.set(request.body.sequence, (bySequence.get(request.body.sequence) ?? new Set()).add(request.headers['webhook-id']));
      }
      return [...bySequence.values()].map((ids) => ids.size);
    });

    expect([...bodiesById.values()].filter((bodies) => bodies.size > 1)).to.deep.equal([]);
    expect(idsPerChange.filter((count) => count > 1)).to.deep.equal([]);
  });

  it('signs every attempt validly', () => {
    const invalid = receiver.requests.filter((request) => {
      try {
        verifySignature(hook.secret, request);
        return false;
      } catch {
        return true;
      }
    });

    expect(invalid).to.have.length(0);
  });
});
