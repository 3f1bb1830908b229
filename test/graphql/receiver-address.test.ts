import { expect } from 'chai';

import { createUserWithKey } from '../support/fixtures.js';
import { graphql } from '../support/graphql-client.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { CREATE_HOOK, HOOKS, expectBadUserInput } from './helpers.js';

/**
 * Receiver hosts that createHook rejects without an allowed CIDR, and the address each message names.
 * Every host is an IP address or localhost, so nothing leaves this machine; no request is sent to any.
 */
const FORBIDDEN: [string, string][] = [
  ['https://127.0.0.1:9/hooks', 'receiver address 127.0.0.1 is a loopback address'],
  ['https://2130706433:9/hooks', 'receiver address 127.0.0.1 is a loopback address'],
  ['https://0x7f.1:9/hooks', 'receiver address 127.0.0.1 is a loopback address'],
  ['https://0177.0.0.1:9/hooks', 'receiver address 127.0.0.1 is a loopback address'],
  ['https://127.1:9/hooks', 'receiver address 127.0.0.1 is a loopback address'],
  ['https://[::1]:9/hooks', 'receiver address ::1 is a loopback address'],
  ['https://[::ffff:127.0.0.1]:9/hooks', 'receiver address ::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address'],
  ['https://localhost:9/hooks', 'receiver host localhost resolves to 127.0.0.1, a loopback address'],
  ['https://10.0.0.5:9/hooks', 'receiver address 10.0.0.5 is a private address'],
  ['https://169.254.169.254/latest/meta-data', 'receiver address 169.254.169.254 is a link-local address'],
  ['https://100.64.0.1:9/hooks', 'receiver address 100.64.0.1 is a carrier-grade NAT address'],
  ['https://[fd00::1]:9/hooks', 'receiver address fd00::1 is a unique-local address'],
  ['https://[64:ff9b::10.0.0.5]:9/hooks', 'a NAT64 form of 10.0.0.5, a private address'],
  ['https://0.0.0.0:9/hooks', 'receiver address 0.0.0.0 is the unspecified address'],
];

describe('createHook receiver address', () => {
  let apiKey: string;

  function createHook(service: TestService, url: string) {
    return graphql(service.graphqlUrl, CREATE_HOOK, { apiKey, variables: { input: { hook: 'account.update', url } } });
  }

  async function hookUrls(service: TestService): Promise<string[]> {
    const response = await graphql<{ hooks: { url: string }[] }>(service.graphqlUrl, HOOKS, { apiKey });
    return response.data!.hooks.map((hook) => hook.url);
  }

  context('when no CIDR is allowed', () => {
    let service: TestService;

    before(async () => {
      service = await startTestService({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: '' });
      ({ apiKey } = await createUserWithKey());
    });

    after(async () => {
      await service?.stop();
    });

    for (const [url, problem] of FORBIDDEN) {
      it(`rejects ${url}`, async () => {
        const message = expectBadUserInput(await createHook(service, url));

        expect(message).to.include(`Receiver URL "${url}" is rejected`);
        expect(message).to.include(problem);
      });
    }

    it('names the CIDR to allow', async () => {
      const message = expectBadUserInput(await createHook(service, 'https://0x7f.1:9/hooks'));

      expect(message).to.include('add 127.0.0.1/32 to HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });

    it('points at the url argument', async () => {
      const response = await createHook(service, 'https://127.0.0.1:9/hooks');

      expect(response.errors?.[0]?.extensions?.argument).to.equal('url');
    });

    it('stores no hook', async () => {
      for (const [url] of FORBIDDEN) await createHook(service, url);

      expect(await hookUrls(service)).to.deep.equal([]);
    });

    it('still checks the URL form first', async () => {
      const message = expectBadUserInput(await createHook(service, 'https://user:secret@127.0.0.1:9/hooks'));

      expect(message).to.include('contains credentials');
    });
  });

  context('when 127.0.0.1/32 is allowed', () => {
    let service: TestService;

    before(async () => {
      service = await startTestService({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: '127.0.0.1/32' });
      ({ apiKey } = await createUserWithKey());
    });

    after(async () => {
      await service?.stop();
    });

    const accepted = [
      'https://127.0.0.1:9/hooks',
      'https://127.1:9/hooks',
      'https://2130706433:9/hooks',
      'https://[::ffff:127.0.0.1]:9/hooks',
      'https://localhost:9/hooks',
    ];
    for (const url of accepted) {
      it(`accepts ${url}`, async () => {
        const response = await createHook(service, url);

        expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
      });
    }

    it('stores the URL as given', async () => {
      expect(await hookUrls(service)).to.include('https://127.1:9/hooks');
    });

    const stillForbidden: [string, string][] = [
      ['https://127.0.0.2:9/hooks', 'receiver address 127.0.0.2 is a loopback address'],
      ['https://[::1]:9/hooks', 'receiver address ::1 is a loopback address'],
      ['https://10.0.0.5:9/hooks', 'receiver address 10.0.0.5 is a private address'],
    ];
    for (const [url, problem] of stillForbidden) {
      it(`still rejects ${url}`, async () => {
        expect(expectBadUserInput(await createHook(service, url))).to.include(problem);
      });
    }
  });
});
