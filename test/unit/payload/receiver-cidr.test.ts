import { expect } from 'chai';

import { cidrContains, formatIpAddress, parseCidr, parseIpAddress, type Cidr } from '../../../src/delivery/receiver-cidr.js';

/** Parses a CIDR that the test expects to be valid. */
function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) expect.fail(`parseCidr rejected ${text}: ${parsed.reason}`);
  return parsed.cidr;
}

/** Parses an address that the test expects to be valid. */
function address(text: string) {
  const parsed = parseIpAddress(text);
  if (!parsed) expect.fail(`parseIpAddress rejected ${text}`);
  return parsed;
}

/** Returns the reason parseCidr gives for rejecting `text`. */
function cidrRejectionOf(text: string): string {
  const parsed = parseCidr(text);
  if (parsed.ok) expect.fail(`parseCidr accepted ${text}`);
  return parsed.reason;
}

describe('parseIpAddress', () => {
  context('when the text is an IPv4 address', () => {
    it('returns its four bytes', () => {
      expect(Array.from(address('192.168.1.20').bytes)).to.deep.equal([192, 168, 1, 20]);
    });

    it('marks it version 4', () => {
      expect(address('192.168.1.20').version).to.equal(4);
    });
  });

  context('when the text is an IPv6 address', () => {
    const cases: [string, string][] = [
      ['::1', '0000:0000:0000:0000:0000:0000:0000:0001'],
      ['[::1]', '0000:0000:0000:0000:0000:0000:0000:0001'],
      ['fe80::1%eth0', 'fe80:0000:0000:0000:0000:0000:0000:0001'],
      ['2001:db8::8:800:200c:417a', '2001:0db8:0000:0000:0008:0800:200c:417a'],
      ['::ffff:127.0.0.1', '0000:0000:0000:0000:0000:ffff:7f00:0001'],
      ['64:ff9b::', '0064:ff9b:0000:0000:0000:0000:0000:0000'],
      ['1:2:3:4:5:6:7:8', '0001:0002:0003:0004:0005:0006:0007:0008'],
    ];

    for (const [text, expanded] of cases) {
      it(`expands ${text}`, () => {
        const bytes = Buffer.from(address(text).bytes).toString('hex').match(/.{4}/g)!.join(':');

        expect(bytes).to.equal(expanded);
      });
    }
  });

  context('when the text is not an IP address', () => {
    for (const text of ['localhost', '127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '1.2.3.256', '::g', '']) {
      it(`returns undefined for ${JSON.stringify(text)}`, () => {
        expect(parseIpAddress(text)).to.equal(undefined);
      });
    }
  });
});

describe('formatIpAddress', () => {
  it('writes IPv4 in dotted decimal', () => {
    expect(formatIpAddress(address('10.0.0.5'))).to.equal('10.0.0.5');
  });

  it('compresses IPv6 as RFC 5952 does', () => {
    expect(formatIpAddress(address('2001:0DB8:0:0:0:0:0:1'))).to.equal('2001:db8::1');
  });

  it('writes an IPv4-mapped address in hexadecimal', () => {
    expect(formatIpAddress(address('::ffff:127.0.0.1'))).to.equal('::ffff:7f00:1');
  });
});

describe('parseCidr', () => {
  context('when the CIDR is valid', () => {
    it('reads an IPv4 block', () => {
      const block = cidr('172.16.0.0/12');

      expect(block.version).to.equal(4);
      expect(block.prefixLength).to.equal(12);
      expect(block.text).to.equal('172.16.0.0/12');
    });

    it('reads an IPv6 block', () => {
      const block = cidr('fd00::/8');

      expect(block.version).to.equal(6);
      expect(block.prefixLength).to.equal(8);
    });

    it('reads a single address', () => {
      expect(cidr('127.0.0.1/32').prefixLength).to.equal(32);
    });

    it('reads /0', () => {
      expect(cidr('::/0').prefixLength).to.equal(0);
    });
  });

  context('when the CIDR is invalid', () => {
    it('rejects a missing prefix length', () => {
      expect(cidrRejectionOf('10.0.0.0')).to.include('expected an address and a prefix length');
    });

    it('rejects two slashes', () => {
      expect(cidrRejectionOf('10.0.0.0/8/8')).to.include('expected an address and a prefix length');
    });

    it('rejects a host name', () => {
      expect(cidrRejectionOf('localhost/32')).to.include('"localhost" is not an IPv4 or IPv6 address');
    });

    it('rejects a shortened IPv4 form', () => {
      expect(cidrRejectionOf('127.1/32')).to.include('"127.1" is not an IPv4 or IPv6 address');
    });

    it('rejects a zone id', () => {
      expect(cidrRejectionOf('fe80::%eth0/64')).to.include('is not an IPv4 or IPv6 address');
    });

    for (const text of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/ 8']) {
      it(`rejects the IPv4 prefix in ${text}`, () => {
        expect(cidrRejectionOf(text)).to.include('whole number from 0 to 32');
      });
    }

    it('rejects an IPv6 prefix over 128', () => {
      expect(cidrRejectionOf('fd00::/129')).to.include('whole number from 0 to 128');
    });

    it('rejects IPv4 bits after the prefix', () => {
      expect(cidrRejectionOf('10.0.0.5/8')).to.include('write 10.0.0.0/8');
    });

    it('rejects IPv6 bits after the prefix', () => {
      expect(cidrRejectionOf('fd00::1/8')).to.include('write fd00::/8');
    });

    it('rejects a partial byte with host bits', () => {
      expect(cidrRejectionOf('172.31.0.0/12')).to.include('write 172.16.0.0/12');
    });
  });
});

describe('cidrContains', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['172.16.0.0/12', '172.31.0.1', true],
    ['172.16.0.0/12', '172.32.0.1', false],
    ['127.0.0.1/32', '127.0.0.1', true],
    ['127.0.0.1/32', '127.0.0.2', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['fd00::/8', 'fd12:3456::1', true],
    ['fd00::/8', 'fc00::1', false],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['::/0', '10.0.0.1', false],
    ['0.0.0.0/0', '::1', false],
  ];

  for (const [block, text, expected] of cases) {
    it(`${expected ? 'finds' : 'does not find'} ${text} in ${block}`, () => {
      expect(cidrContains(cidr(block), address(text))).to.equal(expected);
    });
  }
});
