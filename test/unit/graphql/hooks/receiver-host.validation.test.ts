import { expect } from 'chai';
import { GraphQLError } from 'graphql';

import { parseCidr } from '../../../../src/delivery/receiver-cidr.js';
import { ReceiverGuard, type HostResolver } from '../../../../src/delivery/receiver-guard.js';
import { validateReceiverHost } from '../../../../src/graphql/hooks/hook-input.validation.js';

/** Answers metadata.test with the cloud metadata address and fails every other name; no DNS traffic. */
const metadataResolver: HostResolver = async (hostname) => {
  if (hostname === 'metadata.test') return [{ address: '169.254.169.254', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

async function badUserInputOf(action: () => Promise<unknown>): Promise<GraphQLError> {
  try {
    await action();
  } catch (error) {
    expect(error).to.be.instanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).to.equal('BAD_USER_INPUT');
    return error as GraphQLError;
  }
  expect.fail('expected a BAD_USER_INPUT error');
}

describe('validateReceiverHost', () => {
  const guard = new ReceiverGuard({ allowedCidrs: [], resolve: metadataResolver });

  context('when the host name resolves to 169.254.169.254', () => {
    const url = 'https://metadata.test/latest/meta-data';

    it('names the URL', async () => {
      const error = await badUserInputOf(() => validateReceiverHost(url, guard));

      expect(error.message).to.include(`Receiver URL "${url}" is rejected`);
    });

    it('names the address and its kind', async () => {
      const error = await badUserInputOf(() => validateReceiverHost(url, guard));

      expect(error.message).to.include('receiver host metadata.test resolves to 169.254.169.254, a link-local address');
    });

    it('names the fix', async () => {
      const error = await badUserInputOf(() => validateReceiverHost(url, guard));

      expect(error.message).to.include('add 169.254.169.254/32 to HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });

    it('points at the url argument', async () => {
      const error = await badUserInputOf(() => validateReceiverHost(url, guard));

      expect(error.extensions.argument).to.equal('url');
    });
  });

  context('when the host name does not resolve', () => {
    it('says it was not found in DNS', async () => {
      const error = await badUserInputOf(() => validateReceiverHost('https://missing.test/hooks', guard));

      expect(error.message).to.include('receiver host missing.test was not found in DNS (ENOTFOUND)');
    });
  });

  context('when the host is an allowed address', () => {
    it('accepts it', async () => {
      const allowed = parseCidr('127.0.0.1/32');
      if (!allowed.ok) expect.fail(allowed.reason);
      const loopbackGuard = new ReceiverGuard({ allowedCidrs: [allowed.cidr], resolve: metadataResolver });

      await validateReceiverHost('https://127.0.0.1:9/hooks', loopbackGuard);
    });
  });
});
