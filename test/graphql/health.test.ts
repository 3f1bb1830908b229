import { expect } from 'chai';

import { DEFAULT_COLLECTIONS } from '../../src/config/config.js';
import { startTestService, type TestService } from '../support/test-service.js';

interface Health {
  status: string;
  database: { state: string };
  watcher: { state: string; streams: Record<string, string> };
  dispatcher: { state: string };
}

describe('GET /healthz', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service?.stop();
  });

  async function health(): Promise<{ status: number; contentType: string | null; body: Health }> {
    const response = await fetch(`${service.url}/healthz`);
    return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Health };
  }

  it('returns 200 when every part is up', async () => {
    const { status, body } = await health();

    expect(status).to.equal(200);
    expect(body.status).to.equal('ok');
    expect(body.database.state).to.equal('up');
    expect(body.watcher.state).to.equal('running');
    expect(body.dispatcher.state).to.equal('running');
  });

  it('reports each change stream as open', async () => {
    const { body } = await health();

    const expected = Object.fromEntries(Object.values(DEFAULT_COLLECTIONS).map((collection) => [collection, 'open']));
    expect(body.watcher.streams).to.deep.equal(expected);
  });

  it('returns 503 with JSON once the watcher stops', async () => {
    await service.watcher.stop();

    const { status, contentType, body } = await health();

    expect(status).to.equal(503);
    expect(contentType).to.match(/^application\/json/);
    expect(body.status).to.equal('unavailable');
    expect(body.watcher.state).to.equal('not running');
    expect(Object.values(body.watcher.streams)).to.satisfy((states: string[]) => states.every((state) => state === 'stopped'));
    expect(body.database.state).to.equal('up');
  });
});
