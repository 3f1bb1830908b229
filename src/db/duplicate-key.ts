/** MongoDB's duplicate key error code. */
export const DUPLICATE_KEY = 11000;

function codeOf(value: unknown): unknown {
  return (value as { code?: unknown } | null)?.code;
}

/** True when a write failed because a unique index already has the key. */
export function isDuplicateKeyError(error: unknown): boolean {
  return codeOf(error) === DUPLICATE_KEY;
}

/**
 * True when every failed write of a bulk insert hit a unique index. The driver lists them in
 * `writeErrors`, each with its own code (or the code under `err`); a single failure has only `code`.
 */
export function isOnlyDuplicateKeyErrors(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  let failures: unknown[] = [];
  if (Array.isArray(writeErrors)) failures = writeErrors;
  else if (writeErrors) failures = [writeErrors];

  if (failures.length === 0) return isDuplicateKeyError(error);
  return failures.every((failure) => isDuplicateKeyError(failure) || isDuplicateKeyError((failure as { err?: unknown }).err));
}
