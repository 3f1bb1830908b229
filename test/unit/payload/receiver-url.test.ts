import { expect } from 'chai';

import { MAX_RECEIVER_URL_LENGTH, ReceiverUrlError, parseReceiverUrl } from '../../../src/delivery/receiver-url.js';

/** Runs parseReceiverUrl and returns the message of the ReceiverUrlError it throws. */
function rejectionOf(url: string): string {
  try {
    parseReceiverUrl(url);
  } catch (error) {
    expect(error).to.be.instanceOf(ReceiverUrlError);
    return (error as ReceiverUrlError).message;
  }
  expect.fail(`parseReceiverUrl accepted ${JSON.stringify(url)}`);
}

describe('parseReceiverUrl', () => {
  context('when the URL is valid', () => {
    it('returns the parsed URL', () => {
      const parsed = parseReceiverUrl('https://127.0.0.1:8443/hooks?team=7');

      expect(parsed.hostname).to.equal('127.0.0.1');
      expect(parsed.port).to.equal('8443');
      expect(parsed.pathname).to.equal('/hooks');
      expect(parsed.search).to.equal('?team=7');
    });

    it('accepts an upper-case scheme', () => {
      expect(parseReceiverUrl('HTTPS://127.0.0.1/hooks').protocol).to.equal('https:');
    });

    it(`accepts exactly ${MAX_RECEIVER_URL_LENGTH} characters`, () => {
      const base = 'https://127.0.0.1/';

      expect(() => parseReceiverUrl(base + 'a'.repeat(MAX_RECEIVER_URL_LENGTH - base.length))).not.to.throw();
    });
  });

  context('when the scheme is not https', () => {
    for (const url of ['http://127.0.0.1/hooks', 'ftp://127.0.0.1/hooks', 'javascript:alert(1)']) {
      it(`rejects ${url}`, () => {
        const message = rejectionOf(url);

        expect(message).to.include(JSON.stringify(url));
        expect(message).to.include('only https:// receivers');
      });
    }
  });

  context('when the URL is malformed', () => {
    for (const url of ['127.0.0.1/hooks', 'https//127.0.0.1', '']) {
      it(`rejects ${JSON.stringify(url)}`, () => {
        const message = rejectionOf(url);

        expect(message).to.include('not a valid URL');
        expect(message).to.include('https://host/path');
      });
    }
  });

  context('when the URL has credentials', () => {
    for (const url of ['https://user@127.0.0.1/hooks', 'https://user:secret@127.0.0.1/hooks', 'https://:secret@127.0.0.1/hooks']) {
      it(`rejects ${url}`, () => {
        expect(rejectionOf(url)).to.include('contains credentials');
      });
    }
  });

  context('when the URL has a fragment', () => {
    for (const url of ['https://127.0.0.1/hooks#part', 'https://127.0.0.1/hooks#']) {
      it(`rejects ${url}`, () => {
        expect(rejectionOf(url)).to.include('has a fragment');
      });
    }
  });

  context('when the URL contains whitespace', () => {
    for (const url of [' https://127.0.0.1/hooks', 'https://127.0.0.1/hooks ', 'https://127.0.0.1/ho oks', 'https://127.0.0.1/hooks\t']) {
      it(`rejects ${JSON.stringify(url)}`, () => {
        const message = rejectionOf(url);

        expect(message).to.include(JSON.stringify(url));
        expect(message).to.include('contains whitespace');
      });
    }
  });

  context('when the URL is too long', () => {
    const url = `https://127.0.0.1/${'a'.repeat(MAX_RECEIVER_URL_LENGTH)}`;

    it('names the length and the maximum', () => {
      const message = rejectionOf(url);

      expect(message).to.include(`${url.length} characters`);
      expect(message).to.include(`maximum is ${MAX_RECEIVER_URL_LENGTH}`);
    });
  });

  it('shortens a long URL in the message', () => {
    const url = `http://127.0.0.1/${'a'.repeat(500)}`;

    const message = rejectionOf(url);

    expect(message).not.to.include(url);
    expect(message).to.include(`${url.slice(0, 120)}…`);
  });
  context('when no host follows the scheme', () => {
    for (const url of ['https://', 'https:///x', 'https:/127.0.0.1/x', 'https:127.0.0.1']) {
      it(`rejects ${url}`, () => {
        expect(rejectionOf(url)).to.include('has no host right after "https://"');
      });
    }
  });

  context('when the URL hides characters', () => {
    for (const url of ['https://127.0.0.1/\u001b]0;title\u0007', 'https://127.0.0.1/a\u0000b', 'https://exa\u200bmple.com/', 'https://example.com/\u202eevil']) {
      it(`rejects ${JSON.stringify(url)}`, () => {
        expect(rejectionOf(url)).to.include('contains a control or invisible character');
      });
    }
  });

  it('rejects port 0', () => {
    expect(rejectionOf('https://127.0.0.1:0/x')).to.include('names port 0');
  });
});
