import { createHmac, randomBytes } from 'node:crypto';

/** Prefix of Hookmill signing secrets, as the Standard Webhooks specification names them. */
export const SECRET_PREFIX = 'whsec_';

/** Creates a signing secret: `whsec_` and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * Signs one delivery as Standard Webhooks does: HMAC-SHA256, keyed with the secret's decoded bytes,
 * over `id.timestamp.body`, where body is exactly the bytes sent. Returns the `webhook-signature` value.
 */
export function signPayload(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.`, 'utf8').update(body, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** Standard Webhooks headers of one attempt. `webhookId` is the same for every attempt of a delivery. */
export function signatureHeaders(secret: string, webhookId: string, body: string, now: Date): Record<string, string> {
  const timestampSeconds = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signPayload(secret, webhookId, timestampSeconds, body),
  };
}
