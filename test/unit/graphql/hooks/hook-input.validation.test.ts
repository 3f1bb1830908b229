import { expect } from 'chai';
import { GraphQLError } from 'graphql';

import {
  suggestEvent,
  validateCreateHookInput,
  validateEventName,
  validateHookId,
  validatePositiveId,
} from '../../../../src/graphql/hooks/hook-input.validation.js';
import type { CreateHookInput } from '../../../../src/graphql/hooks/hook.input.js';

/** Runs `action` and returns the BAD_USER_INPUT error it throws. */
function badUserInputOf(action: () => unknown): GraphQLError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).to.equal('BAD_USER_INPUT');
    return error as GraphQLError;
  }
  expect.fail('expected a BAD_USER_INPUT error');
}

describe('suggestEvent', () => {
  const cases: [string, string][] = [
    ['acount.update', 'account.update'],
    ['account.updte', 'account.update'],
    ['Account.Update', 'account.update'],
    ['project.updated', 'project.update'],
    ['timereport.readyforacceptence', 'timereport.readyforacceptance'],
    ['tasks.delete', 'task.delete'],
  ];

  for (const [typo, expected] of cases) {
    it(`suggests ${expected} for ${typo}`, () => {
      expect(suggestEvent(typo)).to.equal(expected);
    });
  }

  for (const name of ['invoice.paid', 'hello', '']) {
    it(`suggests nothing for ${JSON.stringify(name)}`, () => {
      expect(suggestEvent(name)).to.equal(undefined);
    });
  }
});

describe('validateEventName', () => {
  it('returns the definition of a known event', () => {
    expect(validateEventName('request.update').supportsEventUser).to.equal(true);
  });

  it('names the argument at fault', () => {
    expect(badUserInputOf(() => validateEventName('nope', 'filter.hook')).extensions.argument).to.equal('filter.hook');
  });
});

describe('validatePositiveId', () => {
  it('accepts a positive id, null and undefined', () => {
    expect(() => validatePositiveId(1, 'eventUser')).not.to.throw();
    expect(() => validatePositiveId(null, 'eventUser')).not.to.throw();
    expect(() => validatePositiveId(undefined, 'eventProject')).not.to.throw();
  });

  it('rejects zero and negative ids, naming the value', () => {
    expect(badUserInputOf(() => validatePositiveId(0, 'eventUser')).message).to.include('eventUser must be a positive id; got 0');
    expect(badUserInputOf(() => validatePositiveId(-4, 'eventProject')).message).to.include('got -4. Omit it to match every project');
  });
});

describe('validateHookId', () => {
  it('accepts 24 hexadecimal characters in either case', () => {
    expect(() => validateHookId('0123456789abcdefABCDEF01')).not.to.throw();
  });

  for (const id of ['', '0123456789abcdef0123456', '0123456789abcdef012345678', '0123456789abcdef0123456g']) {
    it(`rejects ${JSON.stringify(id)}`, () => {
      expect(badUserInputOf(() => validateHookId(id)).message).to.include(JSON.stringify(id));
    });
  }
});

describe('validateCreateHookInput', () => {
  const valid: CreateHookInput = { hook: 'request.update', url: 'https://127.0.0.1/hooks', eventUser: 7, eventProject: 9 };

  it('returns the definition of valid input', () => {
    expect(validateCreateHookInput(valid).name).to.equal('request.update');
  });

  it('checks the event before the URL', () => {
    const error = badUserInputOf(() => validateCreateHookInput({ ...valid, hook: 'nope', url: 'http://x' }));

    expect(error.extensions.argument).to.equal('hook');
  });

  it('names url for a bad receiver URL', () => {
    const error = badUserInputOf(() => validateCreateHookInput({ ...valid, url: 'http://127.0.0.1/hooks' }));

    expect(error.extensions.argument).to.equal('url');
  });

  it('names the unsupported filter', () => {
    const error = badUserInputOf(() => validateCreateHookInput({ ...valid, hook: 'request.add', eventUser: null }));

    expect(error.extensions.argument).to.equal('eventProject');
  });
});
