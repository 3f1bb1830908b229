import { GraphQLError } from 'graphql';

/** Stable codes of client-facing errors, sent as `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Invalid input; `argument` names the input field at fault. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument ? { argument } : {}) } });
}

/** Creates the error for a caller that lacks a right; the message names it. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** Sent with HTTP status 401. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** Creates the generic error that replaces an internal one; the server log has the original under `requestId`. */
export function internalError(requestId: string): GraphQLError {
  return new GraphQLError(`Internal server error; the server log has the details under request id ${requestId}.`, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId },
  });
}
