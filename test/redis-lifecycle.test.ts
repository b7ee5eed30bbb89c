// The fleet's life against a real redis-server: what `ready` promises, subscriptions that survive
// reconnections, Redis losing its data, ids declared again, clocks that disagree, and how much
// each round trip reads.

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { channelStatus, freshSync, next, outageIds, until } from './helpers/fleet.js';
import { fleetSuite, pause } from './helpers/fleet-suite.js';
import { redisAvailable } from './helpers/redis-server.js';

const available = redisAvailable('the Redis lifecycle suite (test/redis-lifecycle.test.ts)');
const COUNTERS_DOWN = { fr: 'Les guichets sont en panne.', en: 'Counters are down.' };
/** Long enough that only pub/sub can explain an outage arriving in a test. */
const NO_HEARTBEAT = { heartbeatMs: 60_000 };

describe.skipIf(!available)('secours/redis: ready, reconnections, lost data, reused ids', () => {
  const suite = fleetSuite('l');
  const { key, start } = suite;

  it('`ready` means declarations from then on arrive at once: 100 fresh starts of two instances', async () => {
    const latencies: number[] = [];
    for (let run = 0; run < 100; run++) {
      const options = { ...NO_HEARTBEAT, namespace: `${suite.ns()}-${run}` };
      // Clients already connected: the first round trip is then quicker than the subscriber's
      // connection, the worst case for a `ready` that would not wait for the subscription.
      const clients = [new Redis(suite.server.url), new Redis(suite.server.url)];
      await Promise.all(clients.map((c) => c.ping()));
      const [a, b] = [start('a', options, { client: clients[0] }), start('b', options, { client: clients[1] })];
      expect(await Promise.all([a.fleet.ready, b.fleet.ready])).toEqual([true, true]);
      const arrived = next(b.fleet, 'outage');
      const sent = performance.now();
      a.router.declareOutage({ id: `run-${run}`, channels: ['counter'], reason: COUNTERS_DOWN });
      await arrived;
      latencies.push(performance.now() - sent);
      await Promise.all([a.close(), b.close()]);
    }
    // A figure for the record, not an assertion: the bound is `next`'s timeout, far below a heartbeat.
    console.info(`worst propagation right after ready over 100 starts: ${Math.max(...latencies).toFixed(1)} ms`);
  }, 120_000);

  it('with `enableOfflineQueue: false` the subscriber subscribes once connected, and again after it is cut', async () => {
    const more = { redis: { enableOfflineQueue: false } };
    const [a, b] = [start('a', NO_HEARTBEAT, more), start('b', NO_HEARTBEAT, more)];
    expect(await Promise.all([a.fleet.ready, b.fleet.ready])).toEqual([true, true]);
    a.router.declareOutage({ id: 'first', channels: ['counter'], reason: COUNTERS_DOWN });
    await next(b.fleet, 'outage');
    await suite.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    const channel = key('changes');
    for (let i = 0; i < 200; i++) {
      const [, count] = (await suite.admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
      if (count === 2) break;
      await pause(25);
    }
    const arrived = next(b.fleet, 'outage', (e) => e.outage.id === 'second');
    a.router.declareOutage({ id: 'second', channels: ['web'], reason: 'web down' });
    await arrived;
  });

  it('Redis flushed, the instance that set the epoch writing first: the loss is seen and every outage written back, even one whose instance left', async () => {
    const a = start('a', NO_HEARTBEAT);
    await a.fleet.ready;
    const [b, c] = [start('b', NO_HEARTBEAT), start('c', NO_HEARTBEAT)];
    await Promise.all([b.fleet.ready, c.fleet.ready]);
    a.router.declareOutage({ id: 'from-a', channels: ['counter'], reason: COUNTERS_DOWN });
    c.router.declareOutage({ id: 'from-c', channels: ['web'], reason: 'web down' });
    await until(b.router, () => outageIds(b).length === 2, 'both on b');
    await until(a.router, () => outageIds(a).length === 2, 'both on a');
    await c.close();
    await suite.admin.flushall();
    // A writes first (its declaration), with the epoch it set itself before.
    const lost = [a, b].map((i) => next(i.fleet, 'warning', (w) => w.code === 'redis-lost-data'));
    a.router.declareOutage({ id: 'after', channels: ['app'], reason: 'app down' });
    await Promise.all(lost);
    const late = start('late');
    await late.fleet.ready;
    await until(late.router, () => outageIds(late).length === 3, 'the three outages on a late instance');
    expect(outageIds(late).sort()).toEqual(['after', 'from-a', 'from-c']);
  });

  it('Redis restarted empty on the same port: the loss is seen and what the live instances know is written back', async () => {
    const [a, b] = [start('a'), start('b')];
    await a.fleet.ready;
    await b.fleet.ready;
    const c = start('c');
    await c.fleet.ready;
    c.router.declareOutage({ id: 'orphan', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(a.router, () => outageIds(a).includes('orphan'), 'orphan on a');
    await until(b.router, () => outageIds(b).includes('orphan'), 'orphan on b');
    await c.close();
    // Listened for before the restart: A may reconnect and see the loss before restart() returns.
    const lost = next(a.fleet, 'warning', (w) => w.code === 'redis-lost-data');
    await suite.server.restart();
    await lost;
    await freshSync(a.fleet);
    await freshSync(b.fleet);
    expect(await suite.admin.hkeys(key('outages'))).toEqual(['orphan']);
    expect(outageIds(a)).toEqual(['orphan']);
  });

  it('an id declared again within days of its end is a new outage, on either instance', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    for (const [declarer, other] of [
      [a, b],
      [b, a],
    ] as const) {
      declarer.router.declareOutage({ id: 'inc-42', channels: ['counter'], reason: COUNTERS_DOWN });
      await until(other.router, () => outageIds(other).includes('inc-42'), `inc-42 on ${other.id}`);
      declarer.router.endOutage('inc-42');
      await until(other.router, () => outageIds(other).length === 0, `the end on ${other.id}`);
    }
    // Declared a third time, on A: it holds on both, whatever the two tombstones of the same id say.
    a.router.declareOutage({ id: 'inc-42', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('inc-42'), 'the third inc-42 on b');
    await freshSync(a.fleet);
    await freshSync(b.fleet);
    expect([outageIds(a), outageIds(b)]).toEqual([['inc-42'], ['inc-42']]);
    expect(await suite.admin.zcard(key('ended'))).toBe(2);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('an outage declared "now" on a host 60 s ahead starts at Redis now on the others', async () => {
    const a = start('a', {}, { clock: { now: () => Date.now() + 60_000 } });
    const b = start('b');
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    const redisNow = Number((await suite.admin.time())[0]) * 1000;
    a.router.declareOutage({ id: 'ahead', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('ahead'), 'ahead on b');
    expect(channelStatus(b, 'counter')).toBe('major_outage');
    const from = Date.parse(b.router.getSnapshot().outages[0]?.from as string);
    expect(from - redisNow).toBeLessThan(10_000);
  });

  it('each round trip reads only the tombstones written since the last one, and their number is capped', async () => {
    const a = start('a', { heartbeatMs: 100 });
    await a.fleet.ready;
    const nowMs = Number((await suite.admin.time())[0]) * 1000;
    for (let chunk = 0; chunk < 100_010; chunk += 10_000) {
      const members: (string | number)[] = [];
      for (let i = chunk; i < Math.min(chunk + 10_000, 100_010); i++) {
        members.push(nowMs - 1_000_000 + i, JSON.stringify([`old-${i}`, i]));
      }
      await suite.admin.zadd(key('ended'), ...members);
    }
    await freshSync(a.fleet);
    const outBytes = async () => Number(/total_net_output_bytes:(\d+)/.exec(await suite.admin.info('stats'))?.[1]);
    const before = await outBytes();
    await freshSync(a.fleet);
    await freshSync(a.fleet);
    // Four round trips; reading the 100,010 tombstones whole would send about 4 MB each.
    expect((await outBytes()) - before).toBeLessThan(200_000);
    a.router.declareOutage({ id: 'one-more', channels: ['counter'], reason: COUNTERS_DOWN });
    await freshSync(a.fleet);
    a.router.endOutage('one-more');
    await freshSync(a.fleet);
    expect(await suite.admin.zcard(key('ended'))).toBeLessThanOrEqual(100_000);
  });

  it('double fault (owner partitioned, the outage ended elsewhere, Redis restarted empty): an instance that saw the end keeps it ended', async () => {
    const acl = ['ACL', 'SETUSER', 'owner', 'on', '>pw', '~*', '&*', '+@all'];
    await suite.admin.call(...(acl as [string, ...string[]]));
    const ownerUrl = `redis://owner:pw@127.0.0.1:${suite.server.port}`;
    const a = start('a', {}, { client: new Redis(ownerUrl, { retryStrategy: () => 50 }) });
    const b = start('b');
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'x', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('x'), 'x on b');
    // A is cut off: its user is disabled and its connections dropped.
    const cut = next(a.fleet, 'warning', (w) => w.code === 'redis-unavailable');
    await suite.admin.call('ACL', 'SETUSER', 'owner', 'off');
    await suite.admin.call('CLIENT', 'KILL', 'USER', 'owner');
    await cut;
    b.router.endOutage('x');
    await freshSync(b.fleet);
    await suite.server.restart();
    await suite.admin.call(...(acl as [string, ...string[]]));
    // A writes `x` back, not knowing it ended; B, which saw the end, ends it again.
    await until(a.router, () => outageIds(a).length === 0, 'the end reaching a');
    const late = start('late');
    await late.fleet.ready;
    await freshSync(late.fleet);
    expect(outageIds(late)).toEqual([]);
    expect(outageIds(b)).toEqual([]);
  });
});
