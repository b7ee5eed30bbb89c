import { describe, expect, it } from 'vitest';
import { decideQuorum, type QuorumInput, type Trip } from './quorum.js';

const now = 1_000_000;
const trip = (instance: string, at = now - 1000, operation = 'transfer', channel = 'app', scope?: string): Trip => ({
  operation,
  channel,
  instance,
  at,
  ...(scope === undefined ? {} : { scope }),
});
/** Instances alive for a while yet: each deadline is ahead of `now`. */
const alive = (...ids: string[]) => new Map(ids.map((id) => [id, now + 10_000]));
const input = (over: Partial<QuorumInput>): QuorumInput => ({
  trips: [],
  instances: alive('a', 'b', 'c'),
  now,
  windowMs: 60_000,
  maxAheadMs: 3_600_000,
  quorum: undefined,
  self: 'a',
  ...over,
});

describe('decideQuorum', () => {
  it('one bad instance takes a route down nowhere; two do', () => {
    expect(decideQuorum(input({ trips: [trip('b')] })).down).toEqual([]);
    const two = decideQuorum(input({ trips: [trip('b'), trip('c')] }));
    expect(two.quorum).toBe(2);
    expect(two.down).toEqual([{ operation: 'transfer', channel: 'app', voters: ['b', 'c'] }]);
    expect(two.forSelf).toEqual(two.down);
  });

  it('counts instances, not trips: one instance tripping twice is still one vote', () => {
    expect(decideQuorum(input({ trips: [trip('b'), trip('b', now - 10)] })).down).toEqual([]);
  });

  it('ignores trips older than the window', () => {
    expect(decideQuorum(input({ trips: [trip('b'), trip('c', now - 60_000)] })).down).toEqual([]);
    expect(decideQuorum(input({ trips: [trip('b'), trip('c', now - 59_999)] })).down).toHaveLength(1);
  });

  it('a fleet of one live instance has a quorum of one', () => {
    const solo = decideQuorum(input({ instances: alive('a'), trips: [trip('a')] }));
    expect(solo).toMatchObject({ quorum: 1, liveInstances: 1 });
    expect(solo.down).toHaveLength(1);
    // It voted itself: its own breaker decides for it, so the fleet does not hold it down.
    expect(solo.forSelf).toEqual([]);
  });

  it('counts itself alive, and others only until the deadline they published', () => {
    const d = decideQuorum(input({ instances: new Map([['b', now]]), self: 'a' }));
    expect(d).toMatchObject({ liveInstances: 1, quorum: 1 });
    expect(decideQuorum(input({ instances: new Map([['b', now + 1]]) })).liveInstances).toBe(2);
    expect(decideQuorum(input({ instances: new Map() })).liveInstances).toBe(1);
  });

  it('a departed instance’s vote does not count, so the survivor alone does not take the route down on it', () => {
    // b saw the route open, then left: a is alone with a quorum of one, and has no vote.
    const d = decideQuorum(input({ instances: new Map([['b', now - 1]]), trips: [trip('b')] }));
    expect(d).toMatchObject({ quorum: 1, liveInstances: 1, down: [] });
    // With an explicit quorum too: c's vote counts, b's does not.
    const e = decideQuorum(input({ quorum: 2, instances: alive('c'), trips: [trip('b'), trip('c')] }));
    expect(e.down).toEqual([]);
  });

  it('a deadline further ahead than believable is not live, rather than live forever', () => {
    const ghost = new Map([['ghost', now + 3_600_001]]);
    expect(decideQuorum(input({ instances: ghost, trips: [trip('ghost')] }))).toMatchObject({
      liveInstances: 1,
      down: [],
    });
    expect(decideQuorum(input({ instances: new Map([['b', now + 3_600_000]]) })).liveInstances).toBe(2);
  });

  it('an explicit quorum is kept whatever the fleet size', () => {
    const d = decideQuorum(input({ quorum: 3, trips: [trip('a'), trip('b')] }));
    expect(d.down).toEqual([]);
    expect(decideQuorum(input({ quorum: 3, trips: [trip('a'), trip('b'), trip('c')] })).down).toHaveLength(1);
  });

  it('votes per scope: two offices failing on two instances take nothing down, and never the whole route', () => {
    const split = decideQuorum(
      input({
        trips: [
          trip('b', now - 5, 'balance', 'counter', 'office-1'),
          trip('c', now - 5, 'balance', 'counter', 'office-2'),
        ],
      }),
    );
    expect(split.down).toEqual([]);
    expect(split.scopes).toEqual([]);
    const same = decideQuorum(
      input({
        trips: [
          trip('b', now - 5, 'balance', 'counter', 'office-1'),
          trip('c', now - 5, 'balance', 'counter', 'office-1'),
          trip('c', now - 5, 'balance', 'counter', 'office-2'),
        ],
      }),
    );
    expect(same.scopes).toEqual([{ operation: 'balance', channel: 'counter', scope: 'office-1', voters: ['b', 'c'] }]);
    expect(same.down).toEqual([]);
    expect(same.forSelf).toEqual([]);
    // A route-wide vote and a scope vote are not the same vote.
    const mixed = decideQuorum(
      input({
        trips: [trip('b', now - 5, 'balance', 'counter'), trip('c', now - 5, 'balance', 'counter', 'office-1')],
      }),
    );
    expect(mixed.down).toEqual([]);
  });

  it('leaves out of forSelf the routes this instance voted for, and sorts routes', () => {
    const d = decideQuorum(
      input({
        trips: [
          trip('a', now - 5, 'transfer', 'web'),
          trip('b', now - 5, 'transfer', 'web'),
          trip('b', now - 5, 'balance', 'app'),
          trip('c', now - 5, 'balance', 'app'),
        ],
      }),
    );
    expect(d.down.map((r) => `${r.operation}/${r.channel}`)).toEqual(['balance/app', 'transfer/web']);
    expect(d.forSelf.map((r) => `${r.operation}/${r.channel}`)).toEqual(['balance/app']);
  });
});
