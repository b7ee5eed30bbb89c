import type { ChainableCommander } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { readTripRound, tripRoundCalls, WRITES_PER_CALL } from './trip-script.js';

const keys = { trips: 'secours:{t}:trips', instances: 'secours:{t}:instances' };
const round = (adds: number, removes: number) => ({
  self: 'a',
  ttlMs: 15_000,
  windowMs: 60_000,
  maxAheadMs: 3_600_000,
  add: Array.from({ length: adds }, (_, i) => [`add-${i}`, i] as const),
  remove: Array.from({ length: removes }, (_, i) => `remove-${i}`),
});
/** The arguments each queued EVAL would send. */
const argsOf = (call: { queue: (p: ChainableCommander) => void }) => {
  let args: unknown[] = [];
  call.queue({ eval: (...a: unknown[]) => (args = a) } as unknown as ChainableCommander);
  return args;
};

describe('tripRoundCalls', () => {
  it('one call when there is nothing to write: it renews liveness and reads back', () => {
    const calls = tripRoundCalls(keys, round(0, 0));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.last).toBe(true);
    expect(argsOf(calls[0] as never).slice(1, 10)).toEqual([
      2,
      keys.trips,
      keys.instances,
      'a',
      15_000,
      60_000,
      3_600_000,
      1,
      0,
    ]);
  });

  it('thousands of scoped breakers opening at once become bounded calls, the read last', () => {
    const calls = tripRoundCalls(keys, round(1_100, 150));
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.last)).toEqual([false, false, true]);
    for (const c of calls) {
      expect(c.add.length + c.remove.length).toBeLessThanOrEqual(WRITES_PER_CALL);
      // Script, numkeys, two keys, four settings, the read flag, then the writes.
      expect(argsOf(c).length).toBeLessThanOrEqual(9 + 2 + 2 * WRITES_PER_CALL);
    }
    expect(calls.flatMap((c) => c.add)).toHaveLength(1_100);
    expect(calls.flatMap((c) => c.remove)).toEqual(round(0, 150).remove);
    expect(argsOf(calls[0] as never)[8]).toBe(0);
  });
});

describe('readTripRound', () => {
  it('reads the script reply in Redis time, and nothing else', () => {
    expect(readTripRound(['1700000000', '123456', 0, [], []])).toEqual({
      now: 1_700_000_000_123,
      ghostsRemoved: 0,
      trips: [],
      instances: [],
    });
    expect(readTripRound(['1700000000', '123456'])).toBeUndefined();
    expect(readTripRound('OK')).toBeUndefined();
  });
});
