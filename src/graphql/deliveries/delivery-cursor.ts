import { Types } from 'mongoose';

/** Position of a delivery in the newest-first order: creation time, then id as the tie-breaker. */
export interface DeliveryCursor {
  createdAt: Date;
  id: Types.ObjectId;
}

const DECODED_PATTERN = /^(\d{1,15}):([0-9a-f]{24})$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Encodes a position as an opaque base64url string; clients only pass it back. */
export function encodeDeliveryCursor(cursor: DeliveryCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id.toHexString()}`, 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeDeliveryCursor; returns undefined for anything else. */
export function decodeDeliveryCursor(value: string): DeliveryCursor | undefined {
  if (!BASE64URL_PATTERN.test(value)) return undefined;

  const match = DECODED_PATTERN.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) return undefined;
  return { createdAt: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}
