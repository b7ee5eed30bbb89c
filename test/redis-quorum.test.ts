// Breaker trips and quorum against a real redis-server, two and three instances: only live
// instances vote, each by its own heartbeat, per scope, in Redis time, and an error reply keeps
// the last decision. Rounds are triggered by a message on the fleet's channel and waited for as
// events; heartbeats are long wherever the test does not need an instance to expire.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { laPoste } from '../src/presets/la-poste.js';
import { connectFleet } from '../src/redis/index.js';
import { createRouter } from '../src/router.js';
import { type Instance, next, startInstance, until } from './helpers/fleet.js';
import { quorumHelpers } from './helpers/quorum.js';
import { RedisServer, redisAvailable } from './helpers/redis-server.js';

const available = redisAvailable('the Redis quorum suite (test/redis-quorum.test.ts)');
const LONG = 600_000;
const LIMIT = 20_000;

describe.skipIf(!available)('fleet quorum against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;
  let namespace = 0;
  const instances: Instance[] = [];
  const children: ChildProcess[] = [];

  const ns = () => `q${namespace}`;
  const key = (name: string) => `secours:{${ns()}}:${name}`;
  const start = (id: string, options: Parameters<typeof startInstance>[2] = {}, url = server.url) => {
    const instance = startInstance(url, id, { namespace: ns(), heartbeat: LONG, ...options });
    instances.push(instance);
    return instance;
  };
  const { redisNow, round, redisTimePast, appDown, trip, record } = quorumHelpers(() => admin, key);

  beforeAll(async () => {
    server = await RedisServer.start();
    admin = new Redis(server.url, { retryStrategy: () => 50 });
    admin.on('error', () => {});
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(instances.splice(0).map((i) => i.close()));
    namespace++;
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('two instances: the bad one closes, and the survivor, alone, does not take the route down on its vote', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    await trip(b);
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 2, quorum: 2, down: [] });
    const decisions = record(a.fleet);

    await b.close();
    // close() took b's vote with it, not only its liveness.
    expect(await admin.zrange(key('trips'), '0', '-1')).toEqual([]);
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 1, quorum: 1, down: [] });
    expect(decisions.every((d) => d.down.length === 0)).toBe(true);
    expect(a.router.plan('balance').willTry[0]).toBe('app');
  });

  it('two instances: the bad one is killed (SIGKILL), and its vote stops counting when its own deadline passes', async () => {
    const a = start('a');
    await a.fleet.ready;
    // Node itself, with tsx as a loader: SIGKILL reaches the process that holds the connection.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/quorum-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          REDIS_URL: server.url,
          FLEET_NAMESPACE: ns(),
          FLEET_INSTANCE: 'b',
          FLEET_HEARTBEAT: '300',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the child to trip')), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('tripped')) return;
        clearTimeout(timer);
        resolve();
      });
    });
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 2, quorum: 2, down: [] });
    const decisions = record(a.fleet);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // b said it is alive until this instant of Redis time; a's own heartbeat (10 minutes) has no say.
    const deadline = Number(await admin.zscore(key('instances'), 'b'));
    await redisTimePast(deadline);
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 1, quorum: 1, down: [] });
    // b's trip is still in Redis (it could not withdraw it), and still does not count.
    expect(await admin.zrange(key('trips'), '0', '-1')).toEqual([JSON.stringify(['balance', 'app', 'b'])]);
    expect(decisions.every((d) => d.down.length === 0)).toBe(true);
    expect(a.router.plan('balance').willTry[0]).toBe('app');
  });

  it('three instances: one of the two voters closes, and the route comes back up on the others', async () => {
    const [a, b, c] = [start('a'), start('b'), start('c')];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    await trip(b);
    await trip(c);
    await round(a.fleet);
    expect(a.fleet.decision?.down).toEqual([{ operation: 'balance', channel: 'app', voters: ['b', 'c'] }]);
    await until(a.router, () => appDown(a), 'balance/app down on a');

    await c.close();
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 2, quorum: 2, down: [] });
    await until(a.router, () => !appDown(a), 'balance/app back on a');
  });

  it('three instances: one of the two voters loses its connection without close(), and stops counting at its deadline', async () => {
    const [a, b] = [start('a'), start('b')];
    const c = start('c', { heartbeat: 200 });
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    await trip(b);
    await trip(c);
    await round(a.fleet);
    expect(a.fleet.decision?.down).toEqual([{ operation: 'balance', channel: 'app', voters: ['b', 'c'] }]);

    // Gone as a crashed process is: no close(), nothing more reaches Redis from it.
    c.redis.disconnect();
    await redisTimePast(Number(await admin.zscore(key('instances'), 'c')));
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 2, quorum: 2, down: [] });
    await until(a.router, () => !appDown(a), 'balance/app back on a');
  });

  it('mixed heartbeats: the short-heartbeat instance neither prunes nor miscounts the long one', async () => {
    const a = start('a', { heartbeat: LONG });
    const b = start('b', { heartbeat: 100 });
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    await round(a.fleet);
    // Well past three of b's heartbeats since a last said it is alive.
    await redisTimePast((await redisNow()) + 1_000);
    // b's own heartbeats only: a message on the channel would make a say it is alive too.
    await next(b.fleet, 'synced');
    await next(b.fleet, 'synced');
    expect(b.fleet.decision?.liveInstances).toBe(2);
    expect(await admin.zscore(key('instances'), 'a')).not.toBeNull();
  });

  it('a breaker already open when connectFleet starts is voted at once', async () => {
    const b = start('b');
    const router = createRouter({
      catalog: laPoste,
      handlers: {
        balance: {
          app: async () => {
            throw new Error('app backend down');
          },
          web: async () => ({ balance: 1 }),
        },
      },
      breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeout: LONG, timeout: 5_000 },
    });
    await router.execute('balance', {});
    expect(router.plan('balance').skipped).toContainEqual({ channel: 'app', why: 'breaker-open' });
    const redis = new Redis(server.url, { retryStrategy: () => 50 });
    redis.on('error', () => {});
    const fleet = connectFleet(router, { redis, namespace: ns(), instanceId: 'a', heartbeat: LONG });
    instances.push({
      close: async () => {
        await fleet.close();
        router.dispose();
        redis.disconnect();
      },
    } as Instance);
    await fleet.ready;
    expect(await admin.zrange(key('trips'), '0', '-1')).toEqual([JSON.stringify(['balance', 'app', 'a'])]);
    await trip(b);
    await round(fleet);
    expect(fleet.decision?.down).toEqual([{ operation: 'balance', channel: 'app', voters: ['a', 'b'] }]);
  });

  it('a trip left by an earlier life of the same instance id is withdrawn: its breaker is closed now', async () => {
    const b = start('b');
    await b.fleet.ready;
    await admin.zadd(key('trips'), await redisNow(), JSON.stringify(['balance', 'app', 'a']));
    await trip(b);
    const a = start('a');
    await a.fleet.ready;
    await round(a.fleet);
    expect(await admin.zrange(key('trips'), '0', '-1')).toEqual([JSON.stringify(['balance', 'app', 'b'])]);
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 2, down: [] });
  });

  it('an own trip stored in another spelling is withdrawn once, not re-sent every round', async () => {
    const a = start('a');
    await a.fleet.ready;
    await admin.zadd(key('trips'), await redisNow(), '["balance", "app", "a"]');
    let rounds = 0;
    a.fleet.on('synced', () => rounds++);
    await round(a.fleet);
    await round(a.fleet);
    expect(await admin.zcard(key('trips'))).toBe(0);
    // The rounds asked for, maybe one more to write the withdrawal; a loop would make hundreds.
    expect(rounds).toBeLessThanOrEqual(6);
  });

  it('an instance entry scored far in the future is not live forever: ignored, removed, warned about once', async () => {
    const a = start('a');
    await a.fleet.ready;
    await admin.zadd(key('instances'), (await redisNow()) + 10 * 365 * 86_400_000, 'ghost');
    await admin.zadd(key('trips'), await redisNow(), JSON.stringify(['balance', 'app', 'ghost']));
    await round(a.fleet);
    expect(a.fleet.decision).toMatchObject({ liveInstances: 1, quorum: 1, down: [] });
    expect(await admin.zscore(key('instances'), 'ghost')).toBeNull();
    const ghostWarnings = () => a.warnings.filter((w) => w.code === 'redis-invalid-value');
    expect(ghostWarnings()).toHaveLength(1);
    await round(a.fleet);
    expect(ghostWarnings()).toHaveLength(1);
    expect(a.router.plan('balance').willTry[0]).toBe('app');
  });

  it('scoped breakers vote per (route, scope), never for the whole route', async () => {
    const [a, b, c] = [start('a'), start('b'), start('c')];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    // Two instances, each seeing a different office fail: nothing is down, anywhere.
    await trip(a, 'office-1');
    await trip(b, 'office-2');
    await round(c.fleet);
    expect(c.fleet.decision).toMatchObject({ liveInstances: 3, down: [], scopes: [] });
    expect(c.router.plan('balance').willTry[0]).toBe('app');

    // Both see office-1 fail: office-1 has its quorum, the route itself is still up everywhere.
    await trip(b, 'office-1');
    await round(c.fleet);
    expect(c.fleet.decision?.scopes).toEqual([
      { operation: 'balance', channel: 'app', scope: 'office-1', voters: ['a', 'b'] },
    ]);
    expect(c.fleet.decision?.down).toEqual([]);
    expect(c.router.plan('balance').willTry[0]).toBe('app');
    expect(c.router.plan('balance', { scope: 'office-3' }).willTry[0]).toBe('app');

    // office-2 recovers on b: b's vote for office-1 stays.
    b.appFails = false;
    await new Promise<void>((resolve) => {
      const listener = (e: { scope?: string; state: string }) => {
        if (e.scope !== 'office-2' || e.state !== 'half-open') return;
        b.router.off('breaker', listener);
        resolve();
      };
      b.router.on('breaker', listener);
    });
    expect(await b.router.execute('balance', {}, { scope: 'office-2' })).toMatchObject({ channel: 'app' });
    const office2 = JSON.stringify(['balance', 'app', 'b', 'office-2']);
    while ((await admin.zscore(key('trips'), office2)) !== null) await round(b.fleet);
    await round(c.fleet);
    expect(c.fleet.decision?.scopes).toEqual([
      { operation: 'balance', channel: 'app', scope: 'office-1', voters: ['a', 'b'] },
    ]);
  });

  it('1,200 scopes opening at once are all voted, in bounded calls, and close() withdraws them all', async () => {
    const [a, b] = [start('a'), start('b')];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.appFails = true;
    for (let i = 0; i < 1_200; i++) await a.router.execute('balance', {}, { scope: `office-${i}` });
    const deadline = Date.now() + LIMIT;
    while ((await admin.zcard(key('trips'))) < 1_200) {
      if (Date.now() > deadline) throw new Error('timed out waiting for 1,200 trips');
      await round(a.fleet);
    }
    await round(b.fleet);
    expect(b.fleet.decision).toMatchObject({ liveInstances: 2, down: [], scopes: [] });
    await a.close();
    expect(await admin.zcard(key('trips'))).toBe(0);
  });

  it('a host clock two minutes ahead prunes no trip, not even on its first round trip', async () => {
    const now = await redisNow();
    await admin.zadd(key('instances'), now + LONG, 'b', now + LONG, 'c');
    await admin.zadd(
      key('trips'),
      now - 1_000,
      JSON.stringify(['balance', 'app', 'b']),
      now - 1_000,
      JSON.stringify(['balance', 'app', 'c']),
    );
    const realNow = Date.now.bind(Date);
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 120_000);
    try {
      const x = start('x');
      expect(await x.fleet.ready).toBe(true);
      expect(await admin.zcard(key('trips'))).toBe(2);
      expect(x.fleet.decision?.down).toEqual([{ operation: 'balance', channel: 'app', voters: ['b', 'c'] }]);
    } finally {
      spy.mockRestore();
    }
  });

  it('20,000 garbage trips give one summary warning, bounded in size, and not one per round', async () => {
    const a = start('a');
    await a.fleet.ready;
    const now = await redisNow();
    const garbage: (string | number)[] = [];
    for (let i = 0; i < 20_000; i++) garbage.push(now, `garbage-${i}`);
    garbage.push(now, `huge-${'x'.repeat(1_000_000)}`);
    await admin.zadd(key('trips'), ...garbage);
    await round(a.fleet);
    await round(a.fleet);
    const invalid = a.warnings.filter((w) => w.code === 'redis-invalid-value');
    expect(invalid.map((w) => w.message)).toHaveLength(1);
    expect(invalid[0]?.message).toContain('20001');
    for (const w of a.warnings) expect(w.message.length).toBeLessThan(1_000);
  });

  it('an error reply on the trips (NOPERM) keeps the quorum-held route down, warns once, and recovers', async () => {
    await admin.acl('SETUSER', 'quorum-c', 'on', '>pw', '~*', '&*', '+@all');
    const [a, b] = [start('a'), start('b')];
    const c = start('c', {}, `redis://quorum-c:pw@127.0.0.1:${server.port}`);
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    await trip(a);
    await trip(b);
    await round(c.fleet);
    expect(c.fleet.decision?.down).toEqual([{ operation: 'balance', channel: 'app', voters: ['a', 'b'] }]);
    const decisions = record(c.fleet);

    // The trip half's commands are refused, whatever form they take. A round trip that Redis
    // answers with an error reply fails whole, so no round syncs: wait for the refusals instead.
    // Listened for before the refusal starts: a round trip of c's own may meet it first.
    const first = next(c.fleet, 'warning', (w) => w.code === 'redis-unavailable');
    await admin.acl('SETUSER', 'quorum-c', '-eval', '-evalsha', '-zrange');
    try {
      await admin.publish(key('changes'), 'test');
      await first;
      // Another refused round trip (announced after the first warning): still one warning for
      // the spell, and the decision unchanged.
      await admin.publish(key('changes'), 'test');
      await redisTimePast((await redisNow()) + 300);
      expect(appDown(c)).toBe(true);
      expect(c.fleet.decision?.down).toHaveLength(1);
      expect(decisions).toEqual([]);
      const refused = c.warnings.filter((w) => w.code === 'redis-unavailable');
      expect(refused).toHaveLength(1);
    } finally {
      await admin.acl('SETUSER', 'quorum-c', '+@all');
    }
    // Readable again: the next round decides afresh (b's vote leaves with it, so the route is up).
    await b.close();
    await round(c.fleet);
    expect(c.fleet.decision).toMatchObject({ liveInstances: 2, down: [] });
    await until(c.router, () => !appDown(c), 'balance/app back on c');
  });
});
