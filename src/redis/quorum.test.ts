import { describe, expect, it } from 'vitest';
import { decideQuorum, type QuorumInput, type Trip } from './quorum.js';

const now = 1_000_000;
const trip = (instance: string, at = now - 1000, operation = 'transfer', channel = 'app'): Trip => ({
  operation,
  channel,
  instance,
  at,
});
const alive = (...ids: string[]) => new Map(ids.map((id) => [id, now - 100]));
const input = (over: Partial<QuorumInput>): QuorumInput => ({
  trips: [],
  instances: alive('a', 'b', 'c'),
  now,
  window: 60_000,
  instanceTtl: 15_000,
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

  it('counts itself alive, and others only while their heartbeat is recent', () => {
    const d = decideQuorum(input({ instances: new Map([['b', now - 15_000]]), self: 'a' }));
    expect(d).toMatchObject({ liveInstances: 1, quorum: 1 });
    expect(decideQuorum(input({ instances: new Map() })).liveInstances).toBe(1);
  });

  it('an explicit quorum is kept whatever the fleet size', () => {
    const d = decideQuorum(input({ quorum: 3, trips: [trip('a'), trip('b')] }));
    expect(d.down).toEqual([]);
    expect(decideQuorum(input({ quorum: 3, trips: [trip('a'), trip('b'), trip('c')] })).down).toHaveLength(1);
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
