import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../../src/config/config.js';

/** Runs loadConfig with HOOKMILL_ALLOWED_RECEIVER_CIDRS set and returns the ConfigError message. */
function configErrorOf(value: string): string {
  try {
    loadConfig({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: value });
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  expect.fail(`loadConfig accepted HOOKMILL_ALLOWED_RECEIVER_CIDRS=${JSON.stringify(value)}`);
}

describe('loadConfig HOOKMILL_ALLOWED_RECEIVER_CIDRS', () => {
  context('when it is unset', () => {
    it('allows no non-global block', () => {
      expect(loadConfig({}).allowedReceiverCidrs).to.deep.equal([]);
    });
  });

  context('when it lists CIDRs', () => {
    const config = loadConfig({ HOOKMILL_ALLOWED_RECEIVER_CIDRS: ' 10.0.0.0/8, fd00::/8 ,127.0.0.1/32,' });

    it('reads every entry, trimmed', () => {
      expect(config.allowedReceiverCidrs.map((cidr) => cidr.text)).to.deep.equal(['10.0.0.0/8', 'fd00::/8', '127.0.0.1/32']);
    });

    it('reads the prefix lengths', () => {
      expect(config.allowedReceiverCidrs.map((cidr) => cidr.prefixLength)).to.deep.equal([8, 8, 32]);
    });
  });

  context('when an entry is invalid', () => {
    const cases: [string, string, string][] = [
      ['10.0.0.0/8,intranet', 'intranet', 'expected an address and a prefix length'],
      ['10.0.0.5/8', '10.0.0.5/8', 'write 10.0.0.0/8'],
      ['10.0.0.0/40', '10.0.0.0/40', 'whole number from 0 to 32'],
      ['127.1/32', '127.1/32', 'is not an IPv4 or IPv6 address'],
      ['fd00::/200', 'fd00::/200', 'whole number from 0 to 128'],
    ];

    for (const [value, entry, reason] of cases) {
      it(`names the variable for ${value}`, () => {
        expect(configErrorOf(value)).to.include('HOOKMILL_ALLOWED_RECEIVER_CIDRS');
      });

      it(`names the entry ${entry}`, () => {
        expect(configErrorOf(value)).to.include(`entry "${entry}" is invalid`);
      });

      it(`gives the reason for ${value}`, () => {
        expect(configErrorOf(value)).to.include(reason);
      });
    }

    it('shows what it accepts', () => {
      expect(configErrorOf('intranet')).to.include('for example "10.0.0.0/8,fd00::/8"');
    });
  });
});
