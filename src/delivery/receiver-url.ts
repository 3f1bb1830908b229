/** Maximum length of a receiver URL, in characters. */
export const MAX_RECEIVER_URL_LENGTH = 2_048;

/** C0 and C1 control characters, zero-width characters, bidirectional overrides and the byte order mark. */
const INVISIBLE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;

/** Rejection of a receiver URL; the message names the URL and the fix. */
export class ReceiverUrlError extends Error {
  override name = 'ReceiverUrlError';
}

/** Quotes a receiver URL for a message, cut to 120 characters. */
export function quoteReceiverUrl(url: string): string {
  return JSON.stringify(url.length > 120 ? `${url.slice(0, 120)}…` : url);
}

/** Checks that a receiver URL is a well-formed https URL Hookmill may POST to, and returns it parsed. */
export function parseReceiverUrl(url: string): URL {
  if (url.length > MAX_RECEIVER_URL_LENGTH) {
    throw new ReceiverUrlError(
      `Receiver URL is ${url.length} characters long; the maximum is ${MAX_RECEIVER_URL_LENGTH}. Use a shorter URL.`,
    );
  }
  if (url !== url.trim() || /\s/.test(url)) {
    throw new ReceiverUrlError(`Receiver URL ${quoteReceiverUrl(url)} contains whitespace; remove it.`);
  }
  if (INVISIBLE_CHARACTERS.test(url)) {
    throw new ReceiverUrlError(
      `Receiver URL ${quoteReceiverUrl(url)} contains a control or invisible character; type the URL again without it.`,
    );
  }
  // The URL parser reads "https:///x" and "https:x" as host x, so the authority is checked on the raw text.
  if (/^https?:/i.test(url) && !/^https?:\/\/[^/\\?#]/i.test(url)) {
    throw new ReceiverUrlError(
      `Receiver URL ${quoteReceiverUrl(url)} has no host right after "https://"; expected https://host/path.`,
    );
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReceiverUrlError(`Receiver URL ${quoteReceiverUrl(url)} is not a valid URL; expected https://host/path.`);
  }

  if (parsed.protocol !== 'https:') {
    throw new ReceiverUrlError(
      `Receiver URL ${quoteReceiverUrl(url)} uses ${parsed.protocol.replace(':', '')}; only https:// receivers can be registered.`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ReceiverUrlError(
      `Receiver URL ${quoteReceiverUrl(url)} contains credentials; remove them and verify deliveries with the signature instead.`,
    );
  }
  if (parsed.port === '0') {
    throw new ReceiverUrlError(`Receiver URL ${quoteReceiverUrl(url)} names port 0, which no receiver can listen on; give the real port.`);
  }
  if (url.includes('#')) {
    throw new ReceiverUrlError(`Receiver URL ${quoteReceiverUrl(url)} has a fragment (#…), which is never sent; remove it.`);
  }
  if (parsed.hostname === '') {
    throw new ReceiverUrlError(`Receiver URL ${quoteReceiverUrl(url)} has no host; expected https://host/path.`);
  }
  return parsed;
}
