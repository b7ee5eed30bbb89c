// An adversarial review of the fleet against real redis-server processes: what a catalogue,
// options or a bad day in production can do that the fleet's own suites did not try. Each test
// is a defect found by that review; every wait is bounded and waits on events, never on time.

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import type { Warning } from '../src/events.js';
import { createRouter, defineCatalog } from '../src/index.js';
import { connectFleet } from '../src/redis/index.js';
import { freshSync, type Instance, next, outageIds, startInstance, until } from './helpers/fleet.js';
import { fleetSuite, pause } from './helpers/fleet-suite.js';
import { commandsRun, redisAvailable } from './helpers/redis-server.js';

const available = redisAvailable('the fleet attack suite (test/attack-fleet.test.ts)');

// Ids the catalogue accepts (letters, digits, `. _ -`, any length) that are longer than 128.
const LONG_CHANNEL = `c${'x'.repeat(199)}`;
const LONG_OPERATION = `o${'y'.repeat(299)}`;
const catalog = defineCatalog({
  channels: {
    [LONG_CHANNEL]: { kind: 'digital', label: 'A channel with a long id' },
    counter: { kind: 'in-person', label: 'Counter' },
  },
  operations: {
    [LONG_OPERATION]: { label: 'Balance', routes: [{ channel: LONG_CHANNEL }, { channel: 'counter' }] },
  },
});

/** A TCP proxy on loopback in front of a redis-server that delays every chunk by `delayMs`. */
async function startProxy(
  targetPort: number,
): Promise<{ port: number; delayMs: number; setCut(on: boolean): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { delayMs: 0, cut: false };
  const server: Server = createServer((client) => {
    if (state.cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
    const pipe = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (state.delayMs === 0) to.write(chunk);
        else setTimeout(() => to.write(chunk), state.delayMs);
      });
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    port,
    /** Cuts every connection and refuses new ones (`true`), or lets them through again. */
    setCut(on: boolean) {
      state.cut = on;
      if (on) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

describe.skipIf(!available)('secours/redis under attack', () => {
  const suite = fleetSuite('x');

  function instance(id: string, options: { heartbeatMs?: number } = {}) {
    const redis = new Redis(suite.server.url, { retryStrategy: () => 50 });
    redis.on('error', () => {});
    const state = { fails: true };
    const router = createRouter({
      catalog,
      handlers: {
        [LONG_OPERATION]: {
          [LONG_CHANNEL]: async () => {
            if (state.fails) throw new Error('backend down');
            return 'ok';
          },
          counter: async () => 'counter',
        },
      } as never,
      breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeout: 60_000, timeout: 5_000 },
    });
    const fleet = connectFleet(router, {
      redis,
      namespace: suite.ns(),
      instanceId: id,
      heartbeatMs: options.heartbeatMs ?? 60_000,
    });
    const warnings: Warning[] = [];
    fleet.on('warning', (w) => warnings.push(w));
    suite.cleanup(async () => {
      await fleet.close();
      router.dispose();
      redis.disconnect();
    });
    return { id, router, fleet, redis, warnings, state };
  }

  /** Resolves once `check()` holds, re-checked at every snapshot change of any of `instances` (bounded). */
  const untilAll = (instances: Instance[], check: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const stops: (() => void)[] = [];
      const done = (error?: Error) => {
        clearTimeout(timer);
        for (const stop of stops) stop();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), 20_000);
      for (const i of instances) stops.push(i.router.subscribe(() => check() && done()));
    });

  const untilSyncedOn = (i: Instance, check: () => boolean) =>
    check() ? Promise.resolve() : next(i.fleet, 'synced', check).then(() => undefined);

  /** Resolves after a round trip of `fleet` that began after this call. */
  const round = async (fleet: ReturnType<typeof instance>['fleet']) => {
    for (let i = 0; i < 2; i++) {
      const synced = next(fleet, 'synced');
      await suite.admin.publish(suite.key('changes'), 'test');
      await synced;
    }
  };

  /** Waits (bounded) until `i`'s trip on the long route is in Redis. */
  const tripped = async (i: ReturnType<typeof instance>) => {
    const member = JSON.stringify([LONG_OPERATION, LONG_CHANNEL, i.id]);
    for (let n = 0; (await suite.admin.zscore(suite.key('trips'), member)) === null; n++) {
      if (n > 100) throw new Error(`the trip of ${i.id} never reached Redis`);
      await round(i.fleet);
    }
  };

  it('breakers on routes whose ids are longer than 128 characters (the catalogue accepts them) reach the quorum', async () => {
    const [a, b, c] = [instance('a'), instance('b'), instance('c')];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    for (const i of [a, b]) {
      await i.router.execute(LONG_OPERATION as never, {} as never);
      await tripped(i);
    }
    await round(c.fleet);
    expect(c.fleet.decision?.down).toEqual([{ operation: LONG_OPERATION, channel: LONG_CHANNEL, voters: ['a', 'b'] }]);
    expect(c.router.plan(LONG_OPERATION as never).willTry).toEqual(['counter']);
    expect([...a.warnings, ...b.warnings, ...c.warnings]).toEqual([]);
  });

  it('a timer option past what setTimeout can hold is refused, instead of firing every millisecond', async () => {
    const redis = new Redis(suite.server.url, { lazyConnect: true });
    suite.cleanup(() => redis.disconnect());
    const router = createRouter({ catalog, handlers: {} as never });
    suite.cleanup(() => router.dispose());
    for (const option of ['heartbeatMs', 'slowAfterMs', 'readyTimeoutMs', 'heartbeat', 'slowAfter']) {
      let error: unknown;
      let fleet: ReturnType<typeof connectFleet> | undefined;
      try {
        fleet = connectFleet(router, { redis, namespace: suite.ns(), instanceId: 'a', [option]: 2 ** 31 });
      } catch (e) {
        error = e;
      }
      await fleet?.close();
      expect(error, option).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([option]);
    }
    // Past 20 minutes, three heartbeats are more than the hour a liveness deadline is believed.
    expect(() =>
      connectFleet(router, { redis, namespace: suite.ns(), instanceId: 'a', heartbeatMs: 1_200_001 }),
    ).toThrow(ConfigError);
  });

  it('a heartbeat past 2^31 - 1 ms does not become a round trip every millisecond', async () => {
    // What the option check above prevents: Node clamps such an interval to 1 ms.
    const redis = new Redis(suite.server.url, { retryStrategy: () => 50 });
    redis.on('error', () => {});
    suite.cleanup(() => redis.disconnect());
    const router = createRouter({ catalog, handlers: {} as never });
    suite.cleanup(() => router.dispose());
    let fleet: ReturnType<typeof connectFleet> | undefined;
    try {
      fleet = connectFleet(router, { redis, namespace: suite.ns(), instanceId: 'a', heartbeatMs: 2 ** 31 });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    suite.cleanup(() => fleet?.close());
    await fleet.ready;
    let rounds = 0;
    fleet.on('synced', () => rounds++);
    await pause(500);
    // A heartbeat of 24 days: nothing but the first round trip in half a second.
    expect(rounds).toBeLessThanOrEqual(1);
  });

  it('an end or a declaration made just before close() (a graceful shutdown) still reaches the fleet', async () => {
    const [a, b] = [suite.start('a', { heartbeatMs: 60_000 }), suite.start('b', { heartbeatMs: 60_000 })];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'held', channels: ['counter'], reason: 'counters down' });
    await until(b.router, () => outageIds(b).includes('held'), 'held on b');
    // The admin ends it on `a`, and `a` is shut down at once (a rolling deploy).
    a.router.endOutage('held');
    a.router.declareOutage({ id: 'last-word', channels: ['web'], reason: 'web down' });
    await a.fleet.close();
    await until(b.router, () => outageIds(b).join() === 'last-word', 'the end and the declaration on b');
  });

  it('20 instances churning (declare, end, leave, join) through FLUSHALLs and restarts: every live instance ends with exactly the outages not ended', async () => {
    type Step =
      | { kind: 'declare' | 'end' | 'replace'; who: number; pick: number }
      | { kind: 'flush' | 'restart' | 'settle' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('declare' as const), who: fc.nat(19), pick: fc.nat(99) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('end' as const), who: fc.nat(19), pick: fc.nat(99) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), who: fc.nat(19), pick: fc.nat(99) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
    );
    const [steps] = fc.sample(fc.array(step, { minLength: 120, maxLength: 120 }), {
      seed: Number(process.env.ATTACK_SEED ?? 11),
      numRuns: 1,
    });
    const channels = ['counter', 'web', 'app', 'atm'] as const;
    let generation = 0;
    const fresh = (n: number) => suite.start(`i${n}-${generation++}`, { heartbeatMs: 300 });
    const fleet: Instance[] = Array.from({ length: 20 }, (_, n) => fresh(n));
    await Promise.all(fleet.map((i) => i.fleet.ready));
    /** The model: what is declared and not ended, by id. */
    const live = new Set<string>();
    let counter = 0;
    for (const s of steps as Step[]) {
      if (s.kind === 'declare') {
        const id = `o${counter++}`;
        (fleet[s.who] as Instance).router.declareOutage({
          id,
          channels: [channels[s.pick % channels.length] as (typeof channels)[number]],
          reason: 'down',
        });
        live.add(id);
      } else if (s.kind === 'end') {
        // Only what that instance holds can be ended there.
        const i = fleet[s.who] as Instance;
        const held = outageIds(i);
        const id = held[s.pick % Math.max(1, held.length)];
        if (id !== undefined && i.router.endOutage(id)) live.delete(id);
      } else if (s.kind === 'replace') {
        // Leaving with writes not yet landed while Redis loses its data is the double fault the
        // README describes: let this one's round trips land first.
        const old = fleet[s.who] as Instance;
        await freshSync(old.fleet);
        await old.close();
        fleet[s.who] = fresh(s.who);
      } else if (s.kind === 'flush' || s.kind === 'restart') {
        // Every instance reads Redis before the loss, as instances do between two faults.
        await Promise.all(fleet.map((i) => freshSync(i.fleet)));
        if (s.kind === 'flush') await suite.admin.flushall();
        else await suite.server.restart();
      } else {
        await pause(50);
      }
    }
    await Promise.all(fleet.map((i) => i.fleet.ready));
    const want = [...live].sort().join();
    await Promise.all(
      fleet.map((i) => until(i.router, () => outageIds(i).sort().join() === want, `the model's outages on ${i.id}`)),
    );
    // At rest again: commands per instance per heartbeat stay at one round trip's.
    const before = await commandsRun(suite.admin);
    await pause(1_500);
    const perInstancePerBeat = ((await commandsRun(suite.admin)) - before) / 20 / (1_500 / 300);
    expect(perInstancePerBeat).toBeLessThan(40);
  }, 120_000);

  it('an ACL user that may not SUBSCRIBE: warned once, not once per heartbeat for as long as it lasts', async () => {
    await suite.admin.call('ACL', 'SETUSER', 'nosub', 'on', '>pw', '~*', '&*', '+@all', '-subscribe');
    suite.cleanup(() => suite.admin.call('ACL', 'DELUSER', 'nosub'));
    const i = startInstance(`redis://nosub:pw@127.0.0.1:${suite.server.port}`, 'nosub', {
      namespace: suite.ns(),
      heartbeatMs: 100,
      readyTimeoutMs: 300,
    });
    suite.cleanup(() => i.close());
    expect(await i.fleet.ready).toBe(false);
    // Twenty heartbeats: round trips complete, the SUBSCRIBE is refused each time it is retried.
    for (let n = 0; n < 20; n++) await next(i.fleet, 'synced');
    const refused = i.warnings.filter((w) => w.code === 'redis-unavailable');
    expect(String((refused[0]?.error as Error | undefined)?.message)).toContain('NOPERM');
    expect(refused.length).toBeLessThanOrEqual(2);
  });

  it('a Redis that stays slow (a proxy adding latency) gives one redis-slow warning for the spell, not one per round trip', async () => {
    const proxy = await startProxy(suite.server.port);
    suite.cleanup(() => proxy.close());
    const i = startInstance(`redis://127.0.0.1:${proxy.port}`, 'slow', {
      namespace: suite.ns(),
      heartbeatMs: 100,
      slowAfterMs: 50,
    });
    suite.cleanup(() => i.close());
    await i.fleet.ready;
    proxy.delayMs = 60;
    for (let n = 0; n < 10; n++) await next(i.fleet, 'synced');
    expect(i.warnings.filter((w) => w.code === 'redis-slow').length).toBeLessThanOrEqual(1);
    // Fast again, then slow again: a new spell, warned again.
    proxy.delayMs = 0;
    for (let n = 0; n < 3; n++) await next(i.fleet, 'synced');
    proxy.delayMs = 60;
    await next(i.fleet, 'warning', (w) => w.code === 'redis-slow');
  });

  it('20,000 garbage fields in the outages hash: warned about in the first round trip, then quiet (not 6 warnings per round trip forever)', async () => {
    const args: string[] = [];
    for (let n = 0; n < 20_000; n++) args.push(`g${n}`, `garbage-${n}`);
    await suite.admin.hset(suite.key('outages'), ...args);
    const i = suite.start('a', { heartbeatMs: 100 });
    await i.fleet.ready;
    await next(i.fleet, 'synced');
    const after = i.warnings.length;
    expect(after).toBeGreaterThan(0);
    for (let n = 0; n < 10; n++) await next(i.fleet, 'synced');
    // Each later round trip read the same 20,000 fields: nothing new to say about them.
    expect(i.warnings.slice(after)).toEqual([]);
  });

  it('one instance partitioned (its connections cut and refused) for longer than three heartbeats: its vote stops counting, and it catches up on everything once healed', async () => {
    const proxy = await startProxy(suite.server.port);
    suite.cleanup(() => proxy.close());
    const [a, b] = [suite.start('a', { heartbeatMs: 200 }), suite.start('b', { heartbeatMs: 200 })];
    const p = startInstance(`redis://127.0.0.1:${proxy.port}`, 'p', { namespace: suite.ns(), heartbeatMs: 200 });
    suite.cleanup(() => p.close());
    await Promise.all([a.fleet.ready, b.fleet.ready, p.fleet.ready]);
    a.router.declareOutage({ id: 'before', channels: ['counter'], reason: 'counters down' });
    await until(p.router, () => outageIds(p).includes('before'), 'before on p');
    // p and b vote: the route is down on a.
    for (const i of [p, b]) {
      i.appFails = true;
      await i.router.execute('balance', {});
    }
    await until(a.router, () => a.fleet.decision?.down.length === 1, 'the quorum on a');
    proxy.setCut(true);
    await next(p.fleet, 'warning', (w) => w.code === 'redis-unavailable');
    // p's deadline passes: a decides without its vote.
    await untilSyncedOn(a, () => a.fleet.decision?.liveInstances === 2 && a.fleet.decision.down.length === 0);
    a.router.endOutage('before');
    b.router.declareOutage({ id: 'during', channels: ['web'], reason: 'web down' });
    p.router.declareOutage({ id: 'cut-off', channels: ['atm'], reason: 'atms down' });
    proxy.setCut(false);
    await until(p.router, () => outageIds(p).sort().join() === 'cut-off,during', 'what p missed, on p');
    for (const i of [a, b]) {
      await until(i.router, () => outageIds(i).sort().join() === 'cut-off,during', `p's declaration on ${i.id}`);
    }
    // Back, p votes again (its breaker is still open).
    await untilSyncedOn(a, () => a.fleet.decision?.liveInstances === 3 && a.fleet.decision.down.length === 1);
  });

  it('close() while Redis is paused (SIGSTOP) with an end not yet written: close() returns, and the end lands once Redis answers', async () => {
    const [a, b] = [
      suite.start('a', { heartbeatMs: 60_000, slowAfterMs: 200 }),
      suite.start('b', { heartbeatMs: 200 }),
    ];
    await Promise.all([a.fleet.ready, b.fleet.ready]);
    a.router.declareOutage({ id: 'paused-end', channels: ['counter'], reason: 'counters down' });
    await until(b.router, () => outageIds(b).includes('paused-end'), 'the outage on b');
    suite.server.pause();
    try {
      a.router.endOutage('paused-end');
      await a.fleet.close();
    } finally {
      suite.server.resume();
    }
    await until(b.router, () => outageIds(b).length === 0, 'the end on b');
  });

  it('the same id declared on two instances at once, with different channels: both end with one and the same declaration', async () => {
    const [a, b, c] = [
      suite.start('a', { heartbeatMs: 200 }),
      suite.start('b', { heartbeatMs: 200 }),
      suite.start('c', { heartbeatMs: 200 }),
    ];
    await Promise.all([a.fleet.ready, b.fleet.ready, c.fleet.ready]);
    const channelsOf = (i: Instance) =>
      i.router
        .getSnapshot()
        .outages.map((o) => `${o.id}:${o.channels.join('+')}`)
        .join();
    for (let n = 0; n < 20; n++) {
      const id = `twice-${n}`;
      a.router.declareOutage({ id, channels: ['counter'], reason: 'from a' });
      b.router.declareOutage({ id, channels: ['web'], reason: 'from b' });
      await until(c.router, () => outageIds(c).includes(id), `${id} on c`);
      const same = () => channelsOf(a) === channelsOf(b) && channelsOf(b) === channelsOf(c);
      await untilAll([a, b, c], same, `one declaration of ${id} everywhere`);
      a.router.endOutage(id);
      await Promise.all(
        [a, b, c].map((i) => until(i.router, () => !outageIds(i).includes(id), `${id} ended on ${i.id}`)),
      );
    }
  });

  it('a client created with `lazyConnect: true`: the subscriber connects too, `ready` is true and declarations arrive at once', async () => {
    const [a, b] = [
      suite.start('a', { heartbeatMs: 60_000, readyTimeoutMs: 3_000 }, { redis: { lazyConnect: true } }),
      suite.start('b', { heartbeatMs: 60_000, readyTimeoutMs: 3_000 }, { redis: { lazyConnect: true } }),
    ];
    expect(await Promise.all([a.fleet.ready, b.fleet.ready])).toEqual([true, true]);
    a.router.declareOutage({ id: 'lazy', channels: ['counter'], reason: 'counters down' });
    await until(b.router, () => outageIds(b).includes('lazy'), 'lazy on b, well before the next heartbeat');
  });

  it('clients with a `keyPrefix`: outages and the quorum work as without one', async () => {
    const opts = { heartbeatMs: 60_000 };
    const more = { redis: { keyPrefix: 'app:' } };
    const [a, b] = [suite.start('a', opts, more), suite.start('b', opts, more)];
    expect(await Promise.all([a.fleet.ready, b.fleet.ready])).toEqual([true, true]);
    a.router.declareOutage({ id: 'prefixed', channels: ['counter'], reason: 'counters down' });
    await until(b.router, () => outageIds(b).includes('prefixed'), 'prefixed on b');
    expect(await suite.admin.hkeys(`app:${suite.key('outages')}`)).toEqual(['prefixed']);
  });

  it('close() while the client is still connecting: the round trip queued meanwhile does not write the closed instance back as live', async () => {
    const proxy = await startProxy(suite.server.port);
    suite.cleanup(() => proxy.close());
    proxy.setCut(true);
    const p = startInstance(`redis://127.0.0.1:${proxy.port}`, 'p', { namespace: suite.ns(), readyTimeoutMs: 200 });
    suite.cleanup(() => p.redis.disconnect());
    expect(await p.fleet.ready).toBe(false);
    await p.fleet.close();
    const reconnected = new Promise((resolve) => p.redis.once('ready', resolve));
    proxy.setCut(false);
    await reconnected;
    // Commands on one connection are answered in order: once these are, whatever the offline
    // queue held has run, and what its replies led to has been sent.
    for (let n = 0; n < 3; n++) {
      await p.redis.ping();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await suite.admin.zscore(suite.key('instances'), 'p')).toBeNull();
  });
});
