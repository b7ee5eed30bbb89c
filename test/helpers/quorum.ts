// Steps of the quorum suite (test/redis-quorum.test.ts): rounds triggered on the fleet's channel
// and waited for as events, trips waited for in Redis, Redis time read from Redis. Every wait is
// bounded.

import type { Redis } from 'ioredis';
import type { FleetRoutesEvent } from '../../src/redis/events.js';
import type { Fleet } from '../../src/redis/index.js';
import { type Instance, next } from './fleet.js';

const LIMIT = 20_000;

export function quorumHelpers(admin: () => Redis, key: (name: string) => string) {
  /** Redis time (ms). */
  const redisNow = async () => {
    const [s, us] = await admin().time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };
  /** Resolves after a round trip of `fleet` that began after this call. */
  const round = async (fleet: Fleet) => {
    for (let i = 0; i < 2; i++) {
      const synced = next(fleet, 'synced');
      await admin().publish(key('changes'), 'test');
      await synced;
    }
  };
  /** Waits, bounded, until Redis time is past `at`. */
  const redisTimePast = async (at: number) => {
    const deadline = Date.now() + LIMIT;
    while ((await redisNow()) <= at) {
      if (Date.now() > deadline) throw new Error('timed out waiting for Redis time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const appDown = (i: Instance) => !i.router.getSnapshot().operations.balance.available.includes('app');
  /** Opens `i`'s balance/app breaker (for `scope`, when given) and waits for its trip to be in Redis. */
  const trip = async (i: Instance, scope?: string) => {
    i.appFails = true;
    const member = JSON.stringify(scope === undefined ? ['balance', 'app', i.id] : ['balance', 'app', i.id, scope]);
    await i.router.execute('balance', {}, scope === undefined ? {} : { scope });
    const deadline = Date.now() + LIMIT;
    while ((await admin().zscore(key('trips'), member)) === null) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the trip ${member}`);
      await round(i.fleet);
    }
  };
  /** Every `routes` event of `fleet` from now on. */
  const record = (fleet: Fleet) => {
    const seen: FleetRoutesEvent[] = [];
    fleet.on('routes', (e) => seen.push(e));
    return seen;
  };
  return { redisNow, round, redisTimePast, appDown, trip, record };
}
