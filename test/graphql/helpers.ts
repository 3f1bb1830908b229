import { expect } from 'chai';

import type { GraphQLResponse } from '../support/graphql-client.js';

export const HOOK_FIELDS = 'id hook url eventUser eventProject ownerId createdAt';

export const CREATE_HOOK = `mutation Create($input: CreateHookInput!) {
  createHook(input: $input) { ${HOOK_FIELDS} }
}`;

export const HOOKS = `query Hooks($filter: HooksFilter) {
  hooks(filter: $filter) { ${HOOK_FIELDS} }
}`;

export const HOOK = `query Hook($id: ID!) {
  hook(id: $id) { ${HOOK_FIELDS} }
}`;

export const DELETE_HOOK = `mutation Delete($id: ID!) {
  deleteHook(id: $id) { ${HOOK_FIELDS} }
}`;

export interface HookResult {
  id: string;
  hook: string;
  url: string;
  eventUser: number | null;
  eventProject: number | null;
  ownerId: number;
  createdAt: string;
}

/** Checks that a response has exactly one error and returns it. */
export function onlyError(response: GraphQLResponse<unknown>) {
  expect(response.errors, `expected one error, got data ${JSON.stringify(response.data)}`).to.be.an('array').with.lengthOf(1);
  return response.errors![0]!;
}

/** Checks that a response failed with BAD_USER_INPUT and returns the error message. */
export function expectBadUserInput(response: GraphQLResponse<unknown>): string {
  const error = onlyError(response);
  expect(error.extensions?.code, error.message).to.equal('BAD_USER_INPUT');
  return error.message;
}
