import type { LookupAddress } from 'node:dns';

import { expect } from 'chai';

import { parseCidr, type Cidr } from '../../../src/delivery/receiver-cidr.js';
import { ReceiverAddressError, ReceiverGuard, type HostResolver } from '../../../src/delivery/receiver-guard.js';

function cidrs(...texts: string[]): Cidr[] {
  return texts.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) expect.fail(`parseCidr rejected ${text}: ${parsed.reason}`);
    return parsed.cidr;
  });
}

const LOOPBACK_ONLY = cidrs('127.0.0.1/32');

/** Creates a resolver that returns the addresses listed in `answers` and counts its calls, without DNS traffic. */
function fakeResolver(answers: Record<string, LookupAddress[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = answers[hostname];
    if (addresses) return addresses;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  return Object.assign(resolve, { calls });
}

async function rejectionOf(guard: ReceiverGuard, hostname: string): Promise<string> {
  try {
    await guard.checkHost(hostname);
  } catch (error) {
    expect(error).to.be.instanceOf(ReceiverAddressError);
    return (error as ReceiverAddressError).message;
  }
  expect.fail(`checkHost accepted ${hostname}`);
}

/** Calls connectLookup and returns what it passes to its callback. */
function connectLookupOf(guard: ReceiverGuard, hostname: string, options: { all?: boolean; family?: number }) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[]; family: number | undefined }>((resolve) => {
    guard.connectLookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('ReceiverGuard', () => {
  context('when a name resolves to 169.254.169.254', () => {
    const resolve = fakeResolver({ 'metadata.test': [{ address: '169.254.169.254', family: 4 }] });
    const guard = new ReceiverGuard({ allowedCidrs: [], resolve });

    it('rejects the host as link-local', async () => {
      expect(await rejectionOf(guard, 'metadata.test')).to.include('receiver host metadata.test resolves to 169.254.169.254, a link-local address');
    });

    it('names the variable that allows it', async () => {
      expect(await rejectionOf(guard, 'metadata.test')).to.include('add 169.254.169.254/32 to HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });
  });

  context('when one of several addresses is forbidden', () => {
    const resolve = fakeResolver({
      'mixed.test': [
        { address: '127.0.0.1', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });
    const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve });

    it('rejects the host, naming the forbidden address', async () => {
      expect(await rejectionOf(guard, 'mixed.test')).to.include('resolves to 10.0.0.5, a private address');
    });
  });

  context('when a name resolves to IPv4-mapped 127.0.0.1', () => {
    const resolve = fakeResolver({ 'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }] });

    it('rejects it without an allowed CIDR', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: [], resolve });

      expect(await rejectionOf(guard, 'mapped.test')).to.include('an IPv4-mapped form of 127.0.0.1, a loopback address');
    });

    it('accepts it inside 127.0.0.1/32', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve });

      expect(await guard.checkHost('mapped.test')).to.deep.equal([{ address: '::ffff:127.0.0.1', family: 6 }]);
    });
  });

  context('when a name does not resolve', () => {
    const guard = new ReceiverGuard({ allowedCidrs: [], resolve: fakeResolver({}) });

    it('says it was not found in DNS', async () => {
      expect(await rejectionOf(guard, 'missing.test')).to.include('receiver host missing.test was not found in DNS (ENOTFOUND)');
    });

    it('says to check the host name', async () => {
      expect(await rejectionOf(guard, 'missing.test')).to.include('check the host name');
    });
  });

  context('when a name resolves to no address', () => {
    const guard = new ReceiverGuard({ allowedCidrs: [], resolve: fakeResolver({ 'empty.test': [] }) });

    it('says it was not found in DNS', async () => {
      expect(await rejectionOf(guard, 'empty.test')).to.include('was not found in DNS (no addresses)');
    });
  });

  context('when the lookup fails otherwise', () => {
    const resolve: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_FAIL'), { code: 'EAI_FAIL' });
    };
    const guard = new ReceiverGuard({ allowedCidrs: [], resolve });

    it('names the error code', async () => {
      expect(await rejectionOf(guard, 'broken.test')).to.include('DNS lookup of receiver host broken.test failed (EAI_FAIL)');
    });
  });

  context('when the lookup takes too long', () => {
    const guard = new ReceiverGuard({ allowedCidrs: [], resolve: () => new Promise(() => undefined), lookupTimeoutMs: 50 });

    it('gives up after the timeout', async () => {
      expect(await rejectionOf(guard, 'slow.test')).to.include('DNS lookup of receiver host slow.test timed out after 50 ms');
    });
  });

  context('when the host is an IP address', () => {
    it('does not resolve it', async () => {
      const resolve = fakeResolver({});
      const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve });

      await guard.checkHost('127.0.0.1');

      expect(resolve.calls).to.deep.equal([]);
    });

    it('accepts a bracketed IPv6 host', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: [], resolve: fakeResolver({}) });

      expect(await guard.checkHost('[2606:4700::1111]')).to.deep.equal([{ address: '2606:4700::1111', family: 6 }]);
    });

    it('names the normalised address', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: [], resolve: fakeResolver({}) });

      expect(await rejectionOf(guard, '[::ffff:7f00:1]')).to.include('receiver address ::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1');
    });
  });

  context('when localhost is resolved by the system', () => {
    it('rejects it without an allowed CIDR', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: [] });

      expect(await rejectionOf(guard, 'localhost')).to.include('receiver host localhost resolves to');
    });

    it('accepts it inside 127.0.0.0/8 and ::1/128', async () => {
      const guard = new ReceiverGuard({ allowedCidrs: cidrs('127.0.0.0/8', '::1/128') });

      expect(await guard.checkHost('localhost')).to.have.length.greaterThan(0);
    });
  });

  describe('connectLookup', () => {
    const resolve = fakeResolver({
      'localhost.test': [
        { address: '127.0.0.1', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ],
      'private.test': [{ address: '10.0.0.5', family: 4 }],
      'ipv4-only.test': [{ address: '127.0.0.1', family: 4 }],
    });
    const guard = new ReceiverGuard({ allowedCidrs: LOOPBACK_ONLY, resolve });

    context('when every address is allowed', () => {
      it('passes all of them when asked for all', async () => {
        const { error, address } = await connectLookupOf(guard, 'localhost.test', { all: true });

        expect(error).to.equal(null);
        expect(address).to.deep.equal([
          { address: '127.0.0.1', family: 4 },
          { address: '::ffff:127.0.0.1', family: 6 },
        ]);
      });

      it('passes the first one with its family', async () => {
        const { address, family } = await connectLookupOf(guard, 'localhost.test', {});

        expect(address).to.equal('127.0.0.1');
        expect(family).to.equal(4);
      });

      it('keeps to the requested family', async () => {
        const { address, family } = await connectLookupOf(guard, 'localhost.test', { family: 6 });

        expect(address).to.equal('::ffff:127.0.0.1');
        expect(family).to.equal(6);
      });
    });

    context('when an address is forbidden', () => {
      it('fails the lookup with the reason', async () => {
        const { error } = await connectLookupOf(guard, 'private.test', { all: true });

        expect(error).to.be.instanceOf(ReceiverAddressError);
        expect(error!.message).to.include('receiver host private.test resolves to 10.0.0.5, a private address');
      });
    });

    context('when no address has the requested family', () => {
      it('fails the lookup with ENOTFOUND', async () => {
        const { error } = await connectLookupOf(guard, 'ipv4-only.test', { family: 6 });

        expect((error as NodeJS.ErrnoException | null)?.code).to.equal('ENOTFOUND');
      });
    });
  });
});
