import { badUserInput } from '../errors.js';

/** Delivery ids are MongoDB ObjectIds: 24 hexadecimal characters. */
const DELIVERY_ID_PATTERN = /^[0-9a-fA-F]{24}$/;

/** Largest page the deliveries query returns. */
export const MAX_PAGE_SIZE = 100;

export function validateDeliveryId(id: string, argument = 'deliveryId'): void {
  if (DELIVERY_ID_PATTERN.test(id)) return;
  throw badUserInput(
    `Delivery id ${JSON.stringify(id)} is malformed: expected the 24-character hexadecimal id of a delivery from the deliveries query.`,
    argument,
  );
}

export function validatePageSize(first: number | null | undefined): number {
  if (typeof first === 'number' && first >= 1 && first <= MAX_PAGE_SIZE) return first;
  throw badUserInput(
    `first must be from 1 to ${MAX_PAGE_SIZE}; got ${first}. ` +
      `Ask for at most ${MAX_PAGE_SIZE} deliveries and pass pageInfo.endCursor as after to get the next page.`,
    'first',
  );
}
