import { expect } from 'chai';

import { findEvent } from '../../../src/events/catalogue.js';
import type { DerivedEvent } from '../../../src/events/derive-events.js';
import { hookMatchesEvent, matchHooks, type MatchableHook } from '../../../src/matching/match-hooks.js';

function event(name: string, eventUser: number | null = null, eventProject: number | null = null): DerivedEvent {
  return { definition: findEvent(name)!, eventUser, eventProject };
}

let hookCounter = 0;

function hook(name: string, fields: Partial<MatchableHook> = {}): MatchableHook {
  hookCounter++;
  return {
    id: `hook-${String(hookCounter).padStart(4, '0')}`,
    hook: name,
    eventUser: null,
    eventProject: null,
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, hookCounter)),
    ...fields,
  };
}

describe('hookMatchesEvent', () => {
  context('when matching names', () => {
    it('matches the same event name', () => {
      expect(hookMatchesEvent(hook('account.update'), event('account.update'))).to.equal(true);
    });

    it('does not match another event of the same item type', () => {
      expect(hookMatchesEvent(hook('account.update'), event('account.add'))).to.equal(false);
    });

    it('does not match the same action on another item type', () => {
      expect(hookMatchesEvent(hook('account.update'), event('project.update'))).to.equal(false);
    });
  });

  context('when the hook sets eventUser', () => {
    const filtered = hook('request.update', { eventUser: 7 });

    it('matches the same user', () => {
      expect(hookMatchesEvent(filtered, event('request.update', 7, 9))).to.equal(true);
    });

    it('does not match another user', () => {
      expect(hookMatchesEvent(filtered, event('request.update', 8, 9))).to.equal(false);
    });

    it('does not match an event without a user', () => {
      expect(hookMatchesEvent(filtered, event('request.update', null, 9))).to.equal(false);
    });
  });

  context('when the hook sets eventProject', () => {
    const filtered = hook('timereport.update', { eventProject: 9 });

    it('matches the same project', () => {
      expect(hookMatchesEvent(filtered, event('timereport.update', 7, 9))).to.equal(true);
    });

    it('does not match another project', () => {
      expect(hookMatchesEvent(filtered, event('timereport.update', 7, 10))).to.equal(false);
    });

    it('does not match an event without a project', () => {
      expect(hookMatchesEvent(filtered, event('timereport.update', 7, null))).to.equal(false);
    });
  });

  context('when the hook sets both filters', () => {
    const filtered = hook('request.update', { eventUser: 7, eventProject: 9 });

    it('matches only when both agree', () => {
      expect(hookMatchesEvent(filtered, event('request.update', 7, 9))).to.equal(true);
      expect(hookMatchesEvent(filtered, event('request.update', 7, 10))).to.equal(false);
      expect(hookMatchesEvent(filtered, event('request.update', 8, 9))).to.equal(false);
    });
  });

  it('matches any user and project when the hook sets no filter', () => {
    expect(hookMatchesEvent(hook('request.update'), event('request.update', 7, 9))).to.equal(true);
    expect(hookMatchesEvent(hook('request.update'), event('request.update', null, null))).to.equal(true);
  });
});

describe('matchHooks', () => {
  it('pairs each matching hook with its event', () => {
    const update = hook('timereport.update');
    const ready = hook('timereport.readyforacceptance');
    const other = hook('timereport.delete');
    const events = [event('timereport.readyforacceptance'), event('timereport.update')];

    const { matched, skipped } = matchHooks(events, [update, ready, other], 10);

    expect(matched.map((match) => [match.hook.id, match.event.definition.name])).to.deep.equal([
      [update.id, 'timereport.update'],
      [ready.id, 'timereport.readyforacceptance'],
    ]);
    expect(skipped).to.deep.equal([]);
  });

  it('keeps only the cap, oldest first, and returns the rest as skipped', () => {
    const hooks = Array.from({ length: 12 }, () => hook('account.add'));
    const shuffled = [...hooks].reverse();

    const { matched, skipped } = matchHooks([event('account.add')], shuffled, 10);

    expect(matched.map((match) => match.hook.id)).to.deep.equal(hooks.slice(0, 10).map((item) => item.id));
    expect(skipped.map((match) => match.hook.id)).to.deep.equal(hooks.slice(10).map((item) => item.id));
  });

  it('orders hooks created at the same time by id', () => {
    const createdAt = new Date('2030-01-01T00:00:00Z');
    const second = hook('account.add', { id: 'b', createdAt });
    const first = hook('account.add', { id: 'a', createdAt });

    const { matched, skipped } = matchHooks([event('account.add')], [second, first], 1);

    expect(matched.map((match) => match.hook.id)).to.deep.equal(['a']);
    expect(skipped.map((match) => match.hook.id)).to.deep.equal(['b']);
  });

  it('counts the cap over all events of the change', () => {
    const update = hook('timereport.update');
    const ready = hook('timereport.readyforacceptance');

    const { matched, skipped } = matchHooks([event('timereport.readyforacceptance'), event('timereport.update')], [ready, update], 1);

    expect(matched.map((match) => match.hook.id)).to.deep.equal([update.id]);
    expect(skipped.map((match) => match.hook.id)).to.deep.equal([ready.id]);
  });

  it('leaves out hooks whose filters do not match, without counting them', () => {
    const wrongUser = hook('request.update', { eventUser: 8 });
    const rightUser = hook('request.update', { eventUser: 7 });

    const { matched, skipped } = matchHooks([event('request.update', 7, 9)], [wrongUser, rightUser], 1);

    expect(matched.map((match) => match.hook.id)).to.deep.equal([rightUser.id]);
    expect(skipped).to.deep.equal([]);
  });

  it('leaves the input array in its order', () => {
    const hooks = [hook('account.add'), hook('account.add')].reverse();
    const ids = hooks.map((item) => item.id);

    matchHooks([event('account.add')], hooks, 10);

    expect(hooks.map((item) => item.id)).to.deep.equal(ids);
  });
});
