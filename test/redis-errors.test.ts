// Redis answering with an error instead of data, against real servers: out of memory, a
// read-only replica, ACL refusals, a server not there yet, keys of the wrong type. Each is
// "Redis unavailable": the last decision holds, a warning says so, and the fleet recovers.

import { describe, expect, it } from 'vitest';
import { channelStatus, freshSync, next, outageIds, startInstance, until, untilSynced } from './helpers/fleet.js';
import { fleetSuite, pause } from './helpers/fleet-suite.js';
import { freePort, RedisServer, redisAvailable } from './helpers/redis-server.js';

const available = redisAvailable('the Redis error-reply suite (test/redis-errors.test.ts)');
const COUNTERS_DOWN = { fr: 'Les guichets sont en panne.', en: 'Counters are down.' };

describe.skipIf(!available)('secours/redis when Redis answers with an error', () => {
  const suite = fleetSuite('e');
  const { key, start } = suite;
  const counting = (fleet: { on(e: 'synced', l: () => void): unknown }) => {
    const seen = { synced: 0 };
    fleet.on('synced', () => seen.synced++);
    return seen;
  };

  it('out of memory: no `synced`, one warning, the last decision kept, and the write lands once memory is back', async () => {
    const [a, b] = [start('a', { heartbeatMs: 100 }), start('b', { heartbeatMs: 100 })];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'before', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('before'), 'before on b');
    const refused = [a, b].map((i) => next(i.fleet, 'warning', (w) => w.code === 'redis-unavailable'));
    await suite.admin.config('SET', 'maxmemory-policy', 'noeviction');
    await suite.admin.config('SET', 'maxmemory', '1');
    suite.cleanup(() => suite.admin.config('SET', 'maxmemory', '0'));
    a.router.declareOutage({ id: 'during', channels: ['web'], reason: 'web down' });
    const warning = (await Promise.all(refused))[0]?.[0];
    expect(String((warning?.error as Error | undefined)?.message)).toContain('OOM');
    const seen = [counting(a.fleet), counting(b.fleet)];
    await pause(500);
    expect(seen.map((s) => s.synced)).toEqual([0, 0]);
    expect(outageIds(b)).toEqual(['before']);
    expect(channelStatus(b, 'counter')).toBe('major_outage');
    // Warned once for the spell, not once per retry.
    expect(a.warnings.filter((w) => w.code === 'redis-unavailable')).toHaveLength(1);

    await suite.admin.config('SET', 'maxmemory', '0');
    await until(b.router, () => outageIds(b).includes('during'), 'during on b');
  });

  it('a read-only replica: `ready` is false, a READONLY warning, never `synced`', async () => {
    const replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(suite.server.port)] });
    suite.cleanup(() => replica.stop());
    const r = startInstance(replica.url, 'r', { namespace: suite.ns(), readyTimeoutMs: 500 });
    suite.cleanup(() => r.close());
    const seen = counting(r.fleet);
    expect(await r.fleet.ready).toBe(false);
    expect(seen.synced).toBe(0);
    const warning = r.warnings.find((w) => w.code === 'redis-unavailable');
    expect(String((warning?.error as Error | undefined)?.message)).toContain('READONLY');
  });

  it('ACL refusals: NOPERM for a user without the keys, NOAUTH without a password: `ready` false, warned', async () => {
    await suite.admin.call('ACL', 'SETUSER', 'np', 'on', '>pw', '~other:*', '&*', '+@all');
    suite.cleanup(() => suite.admin.call('ACL', 'DELUSER', 'np'));
    const np = startInstance(`redis://np:pw@127.0.0.1:${suite.server.port}`, 'np', {
      namespace: suite.ns(),
      readyTimeoutMs: 500,
    });
    suite.cleanup(() => np.close());
    const locked = await RedisServer.start({ args: ['--requirepass', 'secret'] });
    suite.cleanup(() => locked.stop());
    const na = startInstance(locked.url, 'na', { namespace: suite.ns(), readyTimeoutMs: 500 });
    suite.cleanup(() => na.close());
    const seen = [counting(np.fleet), counting(na.fleet)];
    expect(await Promise.all([np.fleet.ready, na.fleet.ready])).toEqual([false, false]);
    expect(seen.map((s) => s.synced)).toEqual([0, 0]);
    const errorOf = (i: typeof np) =>
      String((i.warnings.find((w) => w.code === 'redis-unavailable')?.error as Error | undefined)?.message);
    expect(errorOf(np)).toContain('NOPERM');
    expect(errorOf(na)).toContain('NOAUTH');
  });

  it('Redis not there at startup: `ready` resolves false after `readyTimeoutMs`, and the fleet joins once it starts', async () => {
    const port = await freePort();
    const late = startInstance(`redis://127.0.0.1:${port}`, 'late', { namespace: suite.ns(), readyTimeoutMs: 300 });
    suite.cleanup(() => late.close());
    expect(await late.fleet.ready).toBe(false);
    const server = await RedisServer.start({ port });
    suite.cleanup(() => server.stop());
    await untilSynced(late.fleet, () => true, 'a round trip once Redis is up');
  });

  it('the epoch key of the wrong type is warned about and replaced, and loss detection goes on', async () => {
    const a = start('a');
    await a.fleet.ready;
    a.router.declareOutage({ id: 'kept', channels: ['counter'], reason: COUNTERS_DOWN });
    await freshSync(a.fleet);
    const warned = next(a.fleet, 'warning', (w) => w.code === 'redis-invalid-value' && w.message.includes('epoch'));
    await suite.admin.del(key('epoch'));
    await suite.admin.hset(key('epoch'), 'not', 'a string');
    await warned;
    await freshSync(a.fleet);
    expect(await suite.admin.type(key('epoch'))).toBe('string');
    // The fleet's data is gone: the loss is seen, and the outage written back.
    const lost = next(a.fleet, 'warning', (w) => w.code === 'redis-lost-data');
    await suite.admin.del(key('epoch'), key('outages'));
    await lost;
    await freshSync(a.fleet);
    expect(await suite.admin.hkeys(key('outages'))).toEqual(['kept']);
  });

  it('an end whose tombstone Redis refuses leaves the outage in place, and lands whole once the key is repaired', async () => {
    const [a, b] = [start('a', { heartbeatMs: 100 }), start('b', { heartbeatMs: 100 })];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'x', channels: ['counter'], reason: COUNTERS_DOWN });
    await until(b.router, () => outageIds(b).includes('x'), 'x on b');
    const stamp = JSON.parse((await suite.admin.hget(key('outages'), 'x')) as string).stamp;
    await suite.admin.set(key('ended'), 'a string where a sorted set belongs');
    a.router.endOutage('x');
    await freshSync(a.fleet);
    // Not half done: without its tombstone the field stays, or a returning instance would revive it.
    expect(await suite.admin.hkeys(key('outages'))).toEqual(['x']);
    expect(outageIds(b)).toEqual(['x']);
    await suite.admin.del(key('ended'));
    await until(b.router, () => outageIds(b).length === 0, 'the end on b');
    expect(await suite.admin.zrange(key('ended'), '0', '-1')).toEqual([JSON.stringify(['x', stamp])]);
    expect(await suite.admin.hkeys(key('outages'))).toEqual([]);
  });
});
