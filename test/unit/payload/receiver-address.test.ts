import { expect } from 'chai';

import { checkReceiverAddress, classifyAddress, describeRejectedAddress, type AddressVerdict } from '../../../src/delivery/receiver-address.js';
import { parseCidr, parseIpAddress, type Cidr } from '../../../src/delivery/receiver-cidr.js';
import { parseReceiverUrl } from '../../../src/delivery/receiver-url.js';

function cidrs(...texts: string[]): Cidr[] {
  return texts.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) expect.fail(`parseCidr rejected ${text}: ${parsed.reason}`);
    return parsed.cidr;
  });
}

/** Checks the host of a receiver URL as the guard does for an IP-address host. */
function verdictFor(url: string, allowed: readonly Cidr[] = []): AddressVerdict {
  return checkReceiverAddress(parseReceiverUrl(url).hostname, allowed);
}

function rejected(verdict: AddressVerdict): Extract<AddressVerdict, { allowed: false }> {
  if (verdict.allowed) expect.fail(`expected a rejection, got ${verdict.addressClass.description}`);
  return verdict;
}

describe('checkReceiverAddress', () => {
  context('when the URL host is a spelling of 127.0.0.1', () => {
    const urls = [
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://0x7f000001/',
      'https://0177.0.0.1/',
      'https://127.1/',
      'https://127.0.0.1./',
      'https://%31%32%37.0.0.1/',
      'https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/',
    ];

    for (const url of urls) {
      it(`normalises ${url} to 127.0.0.1`, () => {
        expect(parseReceiverUrl(url).hostname).to.equal('127.0.0.1');
      });

      it(`rejects ${url} as loopback`, () => {
        expect(rejected(verdictFor(url)).addressClass.description).to.equal('a loopback address');
      });

      it(`accepts ${url} inside 127.0.0.1/32`, () => {
        expect(verdictFor(url, cidrs('127.0.0.1/32')).allowed).to.equal(true);
      });
    }
  });

  context('when the address is not global', () => {
    const cases: [string, string][] = [
      ['https://127.255.255.254/', 'a loopback address'],
      ['https://[::1]/', 'a loopback address'],
      ['https://[0:0:0:0:0:0:0:1]/', 'a loopback address'],
      ['https://10.0.0.5/', 'a private address'],
      ['https://172.16.0.1/', 'a private address'],
      ['https://172.31.255.255/', 'a private address'],
      ['https://192.168.1.1/', 'a private address'],
      ['https://169.254.169.254/', 'a link-local address'],
      ['https://[fe80::1]/', 'a link-local address'],
      ['https://[febf:ffff::1]/', 'a link-local address'],
      ['https://100.64.0.1/', 'a carrier-grade NAT address'],
      ['https://100.127.255.255/', 'a carrier-grade NAT address'],
      ['https://224.0.0.1/', 'a multicast address'],
      ['https://239.255.255.250/', 'a multicast address'],
      ['https://[ff02::1]/', 'a multicast address'],
      ['https://0.0.0.0/', 'the unspecified address'],
      ['https://0/', 'the unspecified address'],
      ['https://[::]/', 'the unspecified address'],
      ['https://255.255.255.255/', 'the broadcast address'],
      ['https://192.0.2.1/', 'a documentation address'],
      ['https://198.51.100.1/', 'a documentation address'],
      ['https://203.0.113.1/', 'a documentation address'],
      ['https://[2001:db8::1]/', 'a documentation address'],
      ['https://[3fff::1]/', 'a documentation address'],
      ['https://198.18.0.1/', 'a benchmarking address'],
      ['https://198.19.255.255/', 'a benchmarking address'],
      ['https://240.0.0.1/', 'a reserved address'],
      ['https://254.1.2.3/', 'a reserved address'],
      ['https://[fd00::1]/', 'a unique-local address'],
      ['https://[fc00::1]/', 'a unique-local address'],
      ['https://0.1.2.3/', 'a "this network" address'],
      ['https://192.0.0.8/', 'an IETF protocol assignment address'],
      ['https://[2001::1]/', 'an IETF protocol assignment address'],
      ['https://[fec0::1]/', 'a site-local address'],
      ['https://[100::1]/', 'a discard-only address'],
      ['https://[64:ff9b:1::1]/', 'a local-use NAT64 address'],
    ];

    for (const [url, description] of cases) {
      it(`rejects ${url} as ${description}`, () => {
        expect(rejected(verdictFor(url)).addressClass.description).to.equal(description);
      });
    }

    it('rejects an IPv4-compatible IPv6 address as outside global unicast', () => {
      expect(rejected(verdictFor('https://[::127.0.0.1]/')).addressClass.description).to.include('outside 2000::/3');
    });

    it('rejects an IPv6 address outside 2000::/3', () => {
      expect(rejected(verdictFor('https://[4000::1]/')).addressClass.description).to.include('outside 2000::/3');
    });
  });

  context('when an IPv6 address embeds an IPv4 address', () => {
    const cases: [string, string][] = [
      ['https://[::ffff:127.0.0.1]/', 'an IPv4-mapped form of 127.0.0.1, a loopback address'],
      ['https://[::ffff:7f00:1]/', 'an IPv4-mapped form of 127.0.0.1, a loopback address'],
      ['https://[::ffff:169.254.169.254]/', 'an IPv4-mapped form of 169.254.169.254, a link-local address'],
      ['https://[64:ff9b::10.0.0.5]/', 'a NAT64 form of 10.0.0.5, a private address'],
      ['https://[64:ff9b::127.0.0.1]/', 'a NAT64 form of 127.0.0.1, a loopback address'],
      ['https://[2002:c0a8:101::1]/', 'a 6to4 form of 192.168.1.1, a private address'],
      ['https://[2002:7f00:1::]/', 'a 6to4 form of 127.0.0.1, a loopback address'],
    ];

    for (const [url, description] of cases) {
      it(`rejects ${url} by the embedded address`, () => {
        expect(rejected(verdictFor(url)).addressClass.description).to.equal(description);
      });
    }

    for (const url of ['https://[::ffff:8.8.8.8]/', 'https://[64:ff9b::8.8.8.8]/', 'https://[2002:808:808::1]/']) {
      it(`accepts ${url}, which embeds a global address`, () => {
        expect(verdictFor(url).allowed).to.equal(true);
      });
    }

    it('accepts a mapped address whose IPv4 address is allowed', () => {
      expect(verdictFor('https://[::ffff:127.0.0.1]/', cidrs('127.0.0.1/32')).allowed).to.equal(true);
    });

    it('suggests the embedded IPv4 address as the CIDR', () => {
      expect(rejected(verdictFor('https://[::ffff:10.1.2.3]/')).suggestedCidr).to.equal('10.1.2.3/32');
    });
  });

  context('when the address is global', () => {
    for (const url of ['https://8.8.8.8/', 'https://1.1.1.1/', 'https://100.128.0.1/', 'https://172.32.0.1/', 'https://[2606:4700::1111]/']) {
      it(`accepts ${url}`, () => {
        expect(verdictFor(url).allowed).to.equal(true);
      });
    }

    it('classifies it as global', () => {
      expect(classifyAddress(parseIpAddress('8.8.8.8')!).global).to.equal(true);
    });
  });

  context('when allowed CIDRs are configured', () => {
    const allowed = cidrs('10.0.0.0/8', 'fd00::/8', '127.0.0.1/32');

    it('accepts a private address inside one', () => {
      expect(verdictFor('https://10.20.30.40/', allowed).allowed).to.equal(true);
    });

    it('accepts a unique-local address inside one', () => {
      expect(verdictFor('https://[fd12::1]/', allowed).allowed).to.equal(true);
    });

    it('rejects a private address outside them', () => {
      expect(verdictFor('https://192.168.0.1/', allowed).allowed).to.equal(false);
    });

    it('rejects another loopback address', () => {
      expect(verdictFor('https://127.0.0.2/', allowed).allowed).to.equal(false);
    });

    it('rejects ::1 when only 127.0.0.1/32 is allowed', () => {
      expect(verdictFor('https://[::1]/', allowed).allowed).to.equal(false);
    });

    for (const url of ['https://0.0.0.0/', 'https://[::]/', 'https://224.0.0.1/', 'https://255.255.255.255/', 'https://[ff02::1]/']) {
      it(`still rejects ${url} inside 0.0.0.0/0 and ::/0`, () => {
        expect(verdictFor(url, cidrs('0.0.0.0/0', '::/0')).allowed).to.equal(false);
      });
    }
  });

  context('when the text is not an IP address', () => {
    it('rejects it', () => {
      expect(rejected(checkReceiverAddress('localhost', [])).addressClass.description).to.equal('not an IP address');
    });
  });
});

describe('describeRejectedAddress', () => {
  const verdict = rejected(checkReceiverAddress('10.0.0.5', []));

  it('names the host and the address', () => {
    expect(describeRejectedAddress('hooks.internal', '10.0.0.5', verdict)).to.include(
      'receiver host hooks.internal resolves to 10.0.0.5, a private address',
    );
  });

  it('names the address of an IP-address host', () => {
    expect(describeRejectedAddress(undefined, '10.0.0.5', verdict)).to.include('receiver address 10.0.0.5 is a private address');
  });

  it('names the variable and the CIDR to add', () => {
    expect(describeRejectedAddress(undefined, '10.0.0.5', verdict)).to.include('add 10.0.0.5/32 to HOOKMILL_ALLOWED_RECEIVER_CIDRS');
  });

  it('suggests a /128 for IPv6', () => {
    expect(rejected(checkReceiverAddress('fd00::1', [])).suggestedCidr).to.equal('fd00::1/128');
  });

  context('when no CIDR can admit the address', () => {
    const multicast = rejected(checkReceiverAddress('224.0.0.1', []));

    it('suggests no CIDR', () => {
      expect(multicast.suggestedCidr).to.equal(undefined);
    });

    it('says no receiver can listen there', () => {
      expect(describeRejectedAddress(undefined, '224.0.0.1', multicast)).to.include('no receiver can listen there');
    });

    it('does not mention the variable', () => {
      expect(describeRejectedAddress(undefined, '224.0.0.1', multicast)).not.to.include('HOOKMILL_ALLOWED_RECEIVER_CIDRS');
    });
  });
});
