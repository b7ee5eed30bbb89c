// The fleet on a bad day, against a real redis-server: outages other fleets would loop on, clocks
// that disagree, Redis refusing commands (out of memory, read-only replica, ACL), garbage and huge
// values. Nothing may loop faster than the heartbeat, nothing may be read as data that is not.

import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Warning } from '../src/events.js';
import { createRouter, defineCatalog } from '../src/index.js';
import { connectFleet } from '../src/redis/index.js';
import { next, until } from './helpers/fleet.js';
import { fleetSuite, pause } from './helpers/fleet-suite.js';
import { redisAvailable } from './helpers/redis-server.js';

// A collection on demand, to measure what is retained rather than what is not yet collected.
setFlagsFromString('--expose-gc');
const available = redisAvailable('the Redis fault suite (test/redis-faults.test.ts)');
const LONG_ID = `c${'x'.repeat(199)}`;
const SYSTEM = 'Système central';
const catalog = defineCatalog({
  channels: {
    [LONG_ID]: { kind: 'digital', label: 'A channel with a long id' },
    app: { kind: 'digital', label: 'App', dependsOn: [SYSTEM] },
    counter: { kind: 'in-person', label: 'Counter' },
  },
  operations: {
    balance: { label: 'Balance', routes: [{ channel: 'app' }, { channel: LONG_ID }, { channel: 'counter' }] },
  },
});

/** Commands per instance a quiet fleet may send in `windowMs`: one round trip per heartbeat (and one spare). */
const ROUND_TRIP_COMMANDS = 16;
const restingBudget = (windowMs: number, heartbeatMs: number) =>
  (Math.ceil(windowMs / heartbeatMs) + 2) * ROUND_TRIP_COMMANDS;

describe.skipIf(!available)('secours/redis under faults', () => {
  const suite = fleetSuite('f');
  const { key, commandsPerInstance } = suite;

  function customInstance(id: string, clock?: { now(): number }) {
    const redis = new Redis(suite.server.url, { retryStrategy: () => 50 });
    redis.on('error', () => {});
    const router = createRouter({ catalog, handlers: {}, ...(clock ? { clock } : {}) });
    const fleet = connectFleet(router, { redis, namespace: suite.ns(), instanceId: id, heartbeatMs: 200 });
    const warnings: Warning[] = [];
    fleet.on('warning', (w) => warnings.push(w));
    suite.cleanup(async () => {
      await fleet.close();
      router.dispose();
      redis.disconnect();
    });
    return { router, fleet, warnings };
  }

  it('outages the router accepts (a system with an accent and a space, a 200-character channel id, an end past year 9999) reach the other instance, and nobody loops', async () => {
    const [a, b] = [customInstance('a'), customInstance('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    const resting = await commandsPerInstance(2, 1_000);
    expect(resting).toBeLessThanOrEqual(restingBudget(1_000, 200));

    a.router.declareOutage({ id: 'system', systems: [SYSTEM], reason: 'central system down' });
    a.router.declareOutage({ id: 'long', channels: [LONG_ID], reason: 'long id down' });
    a.router.declareOutage({ id: 'far', channels: ['counter'], reason: 'closed', until: Date.UTC(10_000, 0, 1) });
    await until(b.router, () => b.router.getSnapshot().outages.length === 3, 'the three outages on b');
    expect(b.router.getSnapshot().channels.app?.status).toBe('major_outage');
    expect(b.router.getSnapshot().channels[LONG_ID]?.status).toBe('major_outage');
    expect(b.router.getSnapshot().outages.find((o) => o.id === 'far')?.until).toBe('+010000-01-01T00:00:00.000Z');

    // The storm this replaces was about 15,000 commands a second per instance.
    expect(await commandsPerInstance(2, 1_000)).toBeLessThanOrEqual(restingBudget(1_000, 200));
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('an own outage that ran out while remote ones were being applied is forgotten once, never written again', async () => {
    let shift = 0;
    const a = customInstance('a', { now: () => Date.now() + shift });
    const b = customInstance('b');
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'short', channels: ['counter'], reason: 'short', until: Date.now() + 600 });
    await until(b.router, () => b.router.getSnapshot().outages.length === 1, 'short on b');
    // A's router now sees `short` over, and learns it while it applies B's outage.
    shift = 1_000;
    b.router.declareOutage({ id: 'remote', channels: ['app'], reason: 'remote' });
    await until(
      a.router,
      () =>
        a.router
          .getSnapshot()
          .outages.map((o) => o.id)
          .join() === 'remote',
      'remote only on a',
    );
    await pause(700);
    expect(await commandsPerInstance(2, 1_000)).toBeLessThanOrEqual(restingBudget(1_000, 200));
    expect(await suite.admin.hkeys(key('outages'))).toEqual(['remote']);
    expect(await suite.admin.zcard(key('ended'))).toBe(0);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('a host clock 1 s behind Redis: its outage that ran out by Redis time is forgotten, not rewritten for a second, and no instance warns', async () => {
    const a = customInstance('a', { now: () => Date.now() - 1_000 });
    const b = customInstance('b', { now: () => Date.now() + 1_000 });
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    // By Redis's clock it ended 700 ms ago; A's router keeps it 300 ms more.
    a.router.declareOutage({ id: 'late', channels: ['counter'], reason: 'late', until: Date.now() - 700 });
    expect(await commandsPerInstance(2, 1_500)).toBeLessThanOrEqual(restingBudget(1_500, 200));
    expect(await suite.admin.hkeys(key('outages'))).toEqual([]);
    expect(a.router.getSnapshot().outages).toEqual([]);
    expect(b.router.getSnapshot().outages).toEqual([]);
    // B's clock is ahead: what it read had run out by its own clock: an expiry, not a foreign outage.
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('20,000 garbage members in one round trip give a handful of warnings, not 20,000', async () => {
    const b = suite.start('b', { heartbeatMs: 60_000 });
    await b.fleet.ready;
    for (const [name, member] of [
      ['ended', (i: number) => `bad end ${i}`],
      ['trips', (i: number) => `bad trip ${i}`],
    ] as const) {
      const members: (string | number)[] = [];
      for (let i = 0; i < 20_000; i++) members.push(Date.now(), member(i));
      await suite.admin.zadd(key(name), ...members);
    }
    const fields: string[] = [];
    for (let i = 0; i < 20_000; i++) fields.push(`bad-${i}`, '{not json');
    await suite.admin.hset(key('outages'), ...fields);
    const round = next(b.fleet, 'synced');
    await suite.admin.publish(key('changes'), 'someone');
    await round;
    // At most a few per kind and one summary each, per round trip.
    expect(b.warnings.length).toBeLessThanOrEqual(2 * 6);
    expect(b.warnings.some((w) => /more `redis-invalid-value` warnings/.test(w.message))).toBe(true);
  });

  it('six 32 MB corrupt values are warned about once each, and not kept in memory', async () => {
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const b = suite.start('b', { heartbeatMs: 60_000 });
    await b.fleet.ready;
    const round = async () => {
      const synced = next(b.fleet, 'synced');
      await suite.admin.publish(key('changes'), 'someone');
      await synced;
    };
    await round();
    const before = heap();
    for (let i = 0; i < 6; i++)
      await suite.admin.hset(key('outages'), `huge-${i}`, `{${String(i).repeat(32 * 1024 * 1024)}`);
    await round();
    await round();
    await suite.admin.del(key('outages'));
    await round();
    expect(b.warnings.filter((w) => w.message.includes('huge-')).length).toBe(6);
    expect(heap() - before).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);
});
