// The fleet against a real redis-server: outages and breaker trips shared between routers in
// this process and in a second Node process, with Redis killed, paused, restarted and corrupted.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../src/outcome.js';
import {
  appHalfOpen,
  channelStatus,
  freshSync,
  type Instance,
  next,
  outageIds,
  startInstance,
  until,
  untilSynced,
} from './helpers/fleet.js';
import { RedisServer, redisAvailable } from './helpers/redis-server.js';

const available = redisAvailable('the Redis fleet suite (test/redis.test.ts)');
const COUNTERS_DOWN = { fr: 'Les guichets sont en panne.', en: 'Counters are down.' };

describe.skipIf(!available)('secours/redis against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;
  let namespace = 0;
  const instances: Instance[] = [];

  /** Each test gets its own namespace, so no state leaks from one to the next. */
  const ns = () => `t${namespace}`;
  const start = (id: string, options: Parameters<typeof startInstance>[2] = {}) => {
    const instance = startInstance(server.url, id, { namespace: ns(), ...options });
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    server = await RedisServer.start();
    admin = new Redis(server.url, { retryStrategy: () => 50 });
    admin.on('error', () => {});
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.close()));
    namespace++;
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('an outage declared on A reaches B and C, a late D loads it, and ending it on B ends it everywhere', async () => {
    const [a, b, c] = [start('a'), start('b'), start('c')];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    const arrivals = [b, c].map((i) => next(i.fleet, 'outage', (e) => e.type === 'declared'));
    a.router.declareOutage({ id: 'counters-2018', channels: ['counter'], reason: COUNTERS_DOWN });
    const events = await Promise.all(arrivals);
    for (const [event] of events)
      expect(event).toMatchObject({ type: 'declared', by: 'a', outage: { id: 'counters-2018' } });
    for (const i of [b, c]) {
      expect(outageIds(i)).toEqual(['counters-2018']);
      expect(channelStatus(i, 'counter')).toBe('major_outage');
      expect(i.router.getSnapshot().channels.counter.reason).toEqual(COUNTERS_DOWN);
    }

    const d = start('d');
    expect(await d.fleet.ready).toBe(true);
    expect(outageIds(d)).toEqual(['counters-2018']);
    expect(channelStatus(d, 'counter')).toBe('major_outage');

    const stored = JSON.parse((await admin.hget(`secours:{${ns()}}:outages`, 'counters-2018')) as string);
    b.router.endOutage('counters-2018');
    await Promise.all([a, c, d].map((i) => until(i.router, () => outageIds(i).length === 0, `the end on ${i.id}`)));
    for (const i of [a, b, c, d]) expect(channelStatus(i, 'counter')).toBe('operational');
    // Nobody echoed it back: it is gone from Redis and remembered as ended.
    expect(await admin.hgetall(`secours:{${ns()}}:outages`)).toEqual({});
    // The tombstone names the declaration it ended, so a later one with the same id is not ended.
    expect(await admin.zrange(`secours:{${ns()}}:ended`, '0', '-1')).toEqual([
      JSON.stringify(['counters-2018', stored.stamp]),
    ]);
    for (const i of [a, b, c, d]) expect(i.warnings).toEqual([]);
  });

  it('an outage with an end time expires in Redis and on every instance', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    const arrived = next(b.fleet, 'outage');
    a.router.declareOutage({ id: 'short', channels: ['web'], reason: 'maintenance', until: Date.now() + 1500 });
    await arrived;
    expect(channelStatus(b, 'web')).toBe('major_outage');
    await until(b.router, () => channelStatus(b, 'web') === 'operational', 'the expiry on b');
    await freshSync(a.fleet);
    expect(await admin.hkeys(`secours:{${ns()}}:outages`)).toEqual([]);
    // Expired, not ended: nothing was written as ended, and B did not end it on A.
    expect(await admin.zrange(`secours:{${ns()}}:ended`, '0', '-1')).toEqual([]);
  });

  it("quorum: one instance's trip does not take the route down elsewhere, a second one does, and recovery is shared", async () => {
    const [a, b, c] = [start('a'), start('b'), start('c')];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    await Promise.all([a, b, c].map((i) => untilSynced(i.fleet, () => i.fleet.decision?.liveInstances === 3)));
    const trips = `secours:{${ns()}}:trips`;

    a.appFails = true;
    const served = await a.router.execute('balance', {});
    expect(served).toMatchObject({ kind: 'served', channel: 'web', degraded: true });
    await until(a.router, () => !a.router.getSnapshot().operations.balance.available.includes('app'), 'a open');
    // Once A's trip is in Redis, a round trip of C's reads it and must leave the route up.
    await freshSync(a.fleet);
    expect(await admin.zrange(trips, '0', '-1')).toEqual([JSON.stringify(['balance', 'app', 'a'])]);
    await freshSync(c.fleet);
    expect(c.router.getSnapshot().operations.balance.available).toContain('app');
    expect(c.router.plan('balance').willTry[0]).toBe('app');
    expect(c.fleet.decision?.down).toEqual([]);

    b.appFails = true;
    const cDown = next(c.fleet, 'routes', (e) => e.down.length > 0);
    await b.router.execute('balance', {});
    const [decision] = await cDown;
    expect(decision).toMatchObject({
      quorum: 2,
      liveInstances: 3,
      down: [{ operation: 'balance', channel: 'app', voters: ['a', 'b'] }],
    });
    await until(c.router, () =>
      c.router.plan('balance').skipped.some((s) => s.channel === 'app' && s.why === 'remote'),
    );
    // C never called its app handler, yet it goes straight to the web.
    const outcome = await c.router.execute('balance', {});
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web' });
    expect(outcome.attempts[0]).toEqual({ channel: 'app', result: 'skipped', why: 'remote' });

    // A's backend recovers: its half-open trial succeeds, its breaker closes, its vote goes.
    a.appFails = false;
    await appHalfOpen(a);
    const cUp = next(c.fleet, 'routes', (e) => e.down.length === 0);
    expect(await a.router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'app' });
    await cUp;
    await until(c.router, () => c.router.plan('balance').willTry[0] === 'app', 'c back on app');
  });

  it('a fleet of one instance: its own trip is the quorum, and its breaker still gets its trial', async () => {
    const solo = start('solo');
    await solo.fleet.ready;
    solo.appFails = true;
    const down = next(solo.fleet, 'routes', (e) => e.down.length === 1);
    await solo.router.execute('balance', {});
    expect((await down)[0].quorum).toBe(1);
    solo.appFails = false;
    await appHalfOpen(solo);
    expect(await solo.router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'app' });
    await next(solo.fleet, 'routes', (e) => e.down.length === 0);
  });

  it('Redis paused: execute never waits for it, local declarations hold, and they reach the others once it answers', async () => {
    const [a, b] = [start('a', { slowAfter: 200 }), start('b', { slowAfter: 200 })];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    server.pause();
    try {
      const slow = next(a.fleet, 'warning', (w) => w.code === 'redis-slow');
      // Both need Redis to be shared: a trip and a declaration. Neither may hold up a call.
      a.appFails = true;
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await a.router.execute('balance', {}));
      a.router.declareOutage({ id: 'paused', channels: ['counter'], reason: COUNTERS_DOWN });
      outcomes.push(await a.router.execute('balance', {}));
      // All resolved while Redis cannot answer a single command: nothing waited for it.
      expect(outcomes.map((o) => o.kind)).toEqual(Array(21).fill('served'));
      expect(channelStatus(a, 'counter')).toBe('major_outage');
      await slow;
      expect(outageIds(b)).toEqual([]);
    } finally {
      server.resume();
    }
    await until(b.router, () => outageIds(b).includes('paused'), 'the outage on b after resume');
  });

  it('Redis killed mid-traffic: every call still ends in exactly one outcome, and the instances catch up when it is back', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'before', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('before'));

    const unavailable = Promise.all([a, b].map((i) => next(i.fleet, 'warning', (w) => w.code === 'redis-unavailable')));
    const calls: Promise<Outcome>[] = [];
    let killed = false;
    for (let i = 0; i < 200; i++) {
      const instance = i % 2 ? a : b;
      instance.appFails = i % 3 === 0;
      calls.push(instance.router.execute('balance', {}));
      if (i === 100) {
        server.kill();
        killed = true;
      }
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(killed).toBe(true);
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(Array(200).fill('fulfilled'));
    for (const s of settled) {
      const outcome = (s as PromiseFulfilledResult<Outcome>).value;
      expect(['served', 'referred', 'uncertain']).toContain(outcome.kind);
    }
    await unavailable;
    // Redis is gone: each instance keeps what it knew and goes on alone.
    expect(outageIds(a)).toEqual(['before']);
    expect(outageIds(b)).toEqual(['before']);
    a.router.declareOutage({ id: 'while-down', channels: ['web'], reason: 'web down' });
    b.router.endOutage('before');
    expect(await b.router.execute('balance', {})).toMatchObject({ kind: 'served' });

    await server.restart();
    // Without persistence Redis came back empty: what each wrote while it was away, and what
    // they knew, is written back; the end declared on B while Redis was away reaches A.
    await until(b.router, () => outageIds(b).includes('while-down'), 'while-down on b');
    await until(a.router, () => !outageIds(a).includes('before'), 'the end of before on a');
    const late = start('late');
    await late.fleet.ready;
    expect(outageIds(late)).toEqual(['while-down']);
  });

  it('Redis restarted with its persistence: outages declared meanwhile are applied, trips are republished', async () => {
    const persistent = await RedisServer.start({ appendonly: true });
    const started: Instance[] = [];
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((id) => {
        const i = startInstance(persistent.url, id, { namespace: 'restart' });
        started.push(i);
        return i;
      }) as [Instance, Instance, Instance];
      await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
      a.router.declareOutage({ id: 'kept', channels: ['counter'], reason: COUNTERS_DOWN });
      await until(c.router, () => outageIds(c).includes('kept'));

      const gone = Promise.all([a, b].map((i) => next(i.fleet, 'warning', (w) => w.code === 'redis-unavailable')));
      persistent.kill();
      await gone;
      a.appFails = true;
      await a.router.execute('balance', {});
      b.router.declareOutage({ id: 'meanwhile', channels: ['web'], reason: 'web down' });
      b.appFails = true;
      await b.router.execute('balance', {});

      await persistent.restart();
      await until(a.router, () => outageIds(a).includes('meanwhile'), 'meanwhile on a');
      await until(c.router, () => outageIds(c).includes('meanwhile'), 'meanwhile on c');
      // Trips recorded while Redis was away reach the quorum once it is back.
      await until(c.router, () => c.router.plan('balance').skipped.some((s) => s.why === 'remote'), 'the trips on c');
      expect(outageIds(c).sort()).toEqual(['kept', 'meanwhile']);
      expect(a.warnings.map((w) => w.code)).not.toContain('redis-lost-data');
    } finally {
      await Promise.all(started.map((i) => i.close()));
      await persistent.stop();
    }
  });

  it('a value corrupted by hand in Redis gives a warning, not a crash', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    const k = (name: string) => `secours:{${ns()}}:${name}`;
    await admin.hset(k('outages'), 'broken', '{not json');
    await admin.hset(
      k('outages'),
      'foreign',
      JSON.stringify({
        id: 'foreign',
        kind: 'outage',
        channels: ['teleporter'],
        operations: [],
        systems: [],
        reason: 'elsewhere',
        from: new Date().toISOString(),
        declaredAt: new Date().toISOString(),
        by: 'x',
      }),
    );
    await admin.zadd(k('trips'), Date.now(), 'garbage');
    await admin.zadd(k('instances'), Date.now(), 'bad id!');
    await admin.set(k('ended'), 'a string where a sorted set belongs');
    await admin.publish(k('changes'), 'someone');

    const codes = () => new Set(b.warnings.map((w) => w.code));
    await freshSync(b.fleet);
    expect([...codes()].sort()).toEqual(['redis-invalid-value']);
    const messages = b.warnings.map((w) => w.message).join('\n');
    expect(messages).toContain('ended');
    expect(messages).toContain('garbage');
    expect(messages).toContain('bad id!');

    // The broken key no longer blocks outages once repaired; warnings are given once per value.
    await admin.del(k('ended'));
    await freshSync(b.fleet);
    expect(b.warnings.some((w) => w.message.includes('broken'))).toBe(true);
    expect(b.warnings.some((w) => w.code === 'redis-foreign-outage' && w.message.includes('foreign'))).toBe(true);
    const count = b.warnings.length;
    a.router.declareOutage({ id: 'still-works', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('still-works'));
    await freshSync(b.fleet);
    expect(b.warnings.length).toBe(count);
    expect(await b.router.execute('balance', {})).toMatchObject({ kind: 'served' });
  });

  it('a write Redis refuses (a key of the wrong type) waits for the heartbeat instead of looping', async () => {
    const a = start('a', { heartbeat: 60_000 });
    await a.fleet.ready;
    // A string where the fleet keeps a sorted set: every ZADD of a trip answers WRONGTYPE.
    await admin.set(`secours:{${ns()}}:trips`, 'not a sorted set');
    let rounds = 0;
    a.fleet.on('synced', () => rounds++);
    a.appFails = true;
    await a.router.execute('balance', {});
    await until(a.router, () => !a.router.getSnapshot().operations.balance.available.includes('app'), 'a open');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The trip's round, maybe one more; a retry loop would have made hundreds in that time.
    expect(rounds).toBeLessThanOrEqual(3);
    expect(await a.router.execute('balance', {})).toMatchObject({ kind: 'served', channel: 'web' });
  });

  it('a second Node process shares outages both ways', async () => {
    const a = start('parent');
    await a.fleet.ready;
    a.router.declareOutage({ id: 'from-parent', channels: ['counter'], reason: COUNTERS_DOWN });
    await freshSync(a.fleet);
    const fromChild = until(a.router, () => outageIds(a).includes('from-child'), 'the child outage');
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    const child = fileURLToPath(new URL('./fixtures/fleet-child.ts', import.meta.url));
    const run = promisify(execFile)(tsx, [child], {
      timeout: 60_000,
      env: { ...process.env, REDIS_URL: server.url, FLEET_NAMESPACE: ns() },
    });
    await fromChild;
    const { stdout } = await run;
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({
      ready: true,
      outages: ['from-parent'],
      counter: 'major_outage',
    });
    expect(channelStatus(a, 'web')).toBe('major_outage');
  });
});
