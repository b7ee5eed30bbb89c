// The bulkhead (`breaker.maxConcurrent`, `breaker.maxQueued`): a limit per breaker slot on the
// attempts in flight, a FIFO queue, and what a full route looks like from outside. Virtual time.
import { afterEach, describe, expect, it } from 'vitest';
import type { BreakerOptions } from './breaker/options.js';
import { defineCatalog } from './catalog.js';
import { ConfigError } from './errors.js';
import type { HandlerContext } from './handlers.js';
import type { Outcome } from './outcome.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    counter: { kind: 'in-person', label: 'counter' },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'counter' }],
    },
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'counter' }] },
  },
});

/** A handler call the test ends by hand. */
interface Gate {
  ctx: HandlerContext;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

/** `app` waits for the test to end it; `web` answers at once. */
function setup(breaker: BreakerOptions, options: { webToo?: boolean } = {}) {
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const gates: Gate[] = [];
  const started: string[] = [];
  const app = (input: unknown, ctx: HandlerContext) => {
    started.push(String(input));
    return new Promise((resolve, reject) => gates.push({ ctx, resolve, reject }));
  };
  const web = options.webToo ? app : () => 'web';
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker,
    handlers: { balance: { app, web }, transfer: { app, web } },
  });
  return { router, gates, started, time };
}

/** Lets microtasks and settled promises run, without moving virtual time. */
const flush = () => (time as VirtualTime).advance(0);

const attempts = (o: Outcome) =>
  o.attempts.map((a) => (a.result === 'skipped' ? `${a.channel}:skipped:${a.why}` : `${a.channel}:${a.result}`));

describe('bulkhead: breaker.maxConcurrent', () => {
  it('a call over the limit fails over at once, skipped busy, and counts against nothing', async () => {
    const { router, gates, started } = setup({ maxConcurrent: 2, volumeThreshold: 1, consecutiveFailures: 1 });
    const breakerEvents: string[] = [];
    router.on('breaker', (e) => breakerEvents.push(e.state));
    const held = [router.execute('balance', 'a'), router.execute('balance', 'b')];
    const third = await router.execute('balance', 'c');
    expect(third).toMatchObject({ kind: 'served', channel: 'web', degraded: true });
    expect(attempts(third)).toEqual(['app:skipped:busy', 'web:success']);
    expect(started).toEqual(['a', 'b']);
    // Many busy skips: the breaker saw none of them, not even with a threshold of one failure.
    for (let i = 0; i < 20; i++) await router.execute('balance', 'x');
    expect(breakerEvents).toEqual([]);
    for (const g of gates) g.resolve('app');
    expect((await Promise.all(held)).map((o) => o.kind === 'served' && o.channel)).toEqual(['app', 'app']);
    // The slots are free again.
    const after = router.execute('balance', 'd');
    expect(started).toEqual(['a', 'b', 'd']);
    gates[2]?.resolve('app');
    expect(await after).toMatchObject({ kind: 'served', channel: 'app' });
    router.dispose();
  });

  it("shows the route's channel degraded_performance while over its limit, and tells subscribers only of real changes", async () => {
    const { router, gates } = setup({ maxConcurrent: 2 });
    const seen: string[] = [];
    router.subscribe(() => seen.push(router.getSnapshot().channels.app.status));
    const first = router.getSnapshot();
    const a = router.execute('balance', 'a');
    await flush();
    // One of two slots taken: nothing to show.
    expect(router.getSnapshot()).toBe(first);
    const b = router.execute('balance', 'b');
    await flush();
    // At its limit, nobody turned away: nothing anyone missed, nothing to show.
    expect(router.getSnapshot()).toBe(first);
    await router.execute('balance', 'c'); // skipped busy: over the limit now
    await flush();
    const full = router.getSnapshot();
    expect(full.channels.app).toEqual({ status: 'degraded_performance' });
    // Full is not down: still offered, still first.
    expect(full.operations.balance).toEqual({ status: 'operational', available: ['app', 'web', 'counter'] });
    await router.execute('balance', 'd'); // turned away again: no new change
    await flush();
    expect(router.getSnapshot()).toBe(full);
    gates[0]?.resolve('app');
    await a;
    await flush();
    expect(router.getSnapshot().channels.app).toEqual({ status: 'operational' });
    gates[1]?.resolve('app');
    await b;
    await flush();
    expect(seen).toEqual(['degraded_performance', 'operational']);
    router.dispose();
  });

  it('maxConcurrent: 1 with one call at a time: the status never flaps', async () => {
    const { router, gates } = setup({ maxConcurrent: 1 });
    const seen: string[] = [];
    router.subscribe(() => seen.push(router.getSnapshot().channels.app.status));
    for (let i = 0; i < 5; i++) {
      const call = router.execute('balance', `one-${i}`);
      await flush();
      gates[i]?.resolve('app');
      expect(await call).toMatchObject({ kind: 'served', channel: 'app' });
      await flush();
    }
    expect(seen).toEqual([]);
    router.dispose();
  });

  it('a non-idempotent call goes on to the next automated route: a busy route certainly did not run it', async () => {
    const { router } = setup({ maxConcurrent: 1 });
    void router.execute('transfer', 'a');
    const second = await router.execute('transfer', 'b');
    expect(second).toMatchObject({ kind: 'served', channel: 'web' });
    expect(attempts(second)).toEqual(['app:skipped:busy', 'web:success']);
    router.dispose();
  });

  it('when every automated route is busy, the referral says unavailable and does not offer them', async () => {
    const { router } = setup({ maxConcurrent: 1 }, { webToo: true });
    void router.execute('balance', 'a'); // app
    void router.execute('balance', 'b'); // app busy, so web
    const third = await router.execute('balance', 'c');
    expect(third).toMatchObject({ kind: 'referred', code: 'unavailable' });
    expect(attempts(third)).toEqual(['app:skipped:busy', 'web:skipped:busy']);
    expect(third.kind === 'referred' && third.alternatives.map((a) => a.channel)).toEqual(['counter']);
    router.dispose();
  });

  it('plan() still offers a full route: a forecast, and the route frees in moments', async () => {
    const { router } = setup({ maxConcurrent: 1 });
    void router.execute('balance', 'a');
    expect(router.plan('balance')).toMatchObject({ willTry: ['app', 'web'], skipped: [] });
    router.dispose();
  });

  it('each scope has its own limit on a scoped route, and a full scope shows the channel degraded', async () => {
    const { router, started, gates } = setup({ maxConcurrent: 1 });
    const a = router.execute('balance', 'paris-1', { scope: 'paris' });
    const b = router.execute('balance', 'lyon-1', { scope: 'lyon' });
    expect(await router.execute('balance', 'paris-2', { scope: 'paris' })).toMatchObject({ channel: 'web' });
    expect(started).toEqual(['paris-1', 'lyon-1']);
    await flush();
    expect(router.getSnapshot().channels.app.status).toBe('degraded_performance');
    // Lyon is full too, and turns a call away.
    expect(await router.execute('balance', 'lyon-2', { scope: 'lyon' })).toMatchObject({ channel: 'web' });
    gates[0]?.resolve('app');
    await a;
    await flush();
    // Lyon's slot is still over its limit.
    expect(router.getSnapshot().channels.app.status).toBe('degraded_performance');
    gates[1]?.resolve('app');
    await b;
    await flush();
    expect(router.getSnapshot().channels.app.status).toBe('operational');
    router.dispose();
  });

  it.each([
    ['a timeout', (_g: Gate, t: VirtualTime) => t.advance(1_000)],
    ['a failure', (g: Gate) => g.reject(new Error('down'))],
    ['a cancellation', (_g: Gate, _t: VirtualTime, abort: AbortController) => abort.abort()],
  ])('releases its slot after %s', async (_name, end) => {
    const { router, gates, started } = setup({ maxConcurrent: 1, timeout: 1_000 });
    const abort = new AbortController();
    const first = router.execute('balance', 'a', { signal: abort.signal });
    await end(gates[0] as Gate, time as VirtualTime, abort);
    await first;
    void router.execute('balance', 'b');
    expect(started).toEqual(['a', 'b']);
    router.dispose();
  });

  it('releases its slot after a handler that throws synchronously', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    let calls = 0;
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: { maxConcurrent: 1 },
      handlers: {
        balance: {
          app: () => {
            calls++;
            throw new Error('sync');
          },
          web: () => 'web',
        },
      },
    });
    for (let i = 0; i < 3; i++) {
      expect(attempts(await router.execute('balance', i))).toEqual(['app:failure', 'web:success']);
    }
    expect(calls).toBe(3);
    router.dispose();
  });

  it("a half-open trial through opossum's fire holds a slot and releases it", async () => {
    const { router, gates, started } = setup({ maxConcurrent: 1, volumeThreshold: 1, resetTimeout: 1_000 });
    const t = time as VirtualTime;
    const fail = router.execute('balance', 'a');
    gates[0]?.reject(new Error('down'));
    await fail;
    await t.advance(1_000); // half-open
    const trial = router.execute('balance', 'trial');
    await flush();
    expect(started).toEqual(['a', 'trial']);
    gates[1]?.resolve('app');
    expect(await trial).toMatchObject({ kind: 'served', channel: 'app' });
    // Its slot is free again, and only one: the count neither leaked nor went below zero.
    const next = router.execute('balance', 'c');
    expect(started).toEqual(['a', 'trial', 'c']);
    expect(attempts(await router.execute('balance', 'd'))).toEqual(['app:skipped:busy', 'web:success']);
    gates[2]?.resolve('app');
    await next;
    router.dispose();
  });
});

describe('bulkhead: breaker.maxQueued', () => {
  it('a call waits for a slot, first come first served; one past the queue is skipped busy', async () => {
    const { router, gates, started } = setup({ maxConcurrent: 1, maxQueued: 2 });
    const a = router.execute('balance', 'a');
    const b = router.execute('balance', 'b');
    const c = router.execute('balance', 'c');
    const d = await router.execute('balance', 'd');
    expect(attempts(d)).toEqual(['app:skipped:busy', 'web:success']);
    expect(started).toEqual(['a']);
    gates[0]?.resolve('app');
    await a;
    await flush();
    expect(started).toEqual(['a', 'b']);
    gates[1]?.resolve('app');
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[2]?.resolve('app');
    const outcomes = await Promise.all([b, c]);
    expect(outcomes.map((o) => o.kind === 'served' && o.channel)).toEqual(['app', 'app']);
    // The wait is not the attempt: its duration starts when it runs.
    expect(outcomes.map((o) => o.attempts.length)).toEqual([1, 1]);
    router.dispose();
  });

  it('no call arriving while a freed slot passes to a waiter takes it first', async () => {
    const { router, gates, started } = setup({ maxConcurrent: 1, maxQueued: 1 });
    void router.execute('balance', 'a');
    void router.execute('balance', 'b');
    let late: Promise<Outcome> | undefined;
    // Told as a's attempt ends, after its slot went to b and before b's turn: a call now queues behind b.
    router.once('attempt', () => {
      late = router.execute('balance', 'late');
    });
    gates[0]?.resolve('app');
    await flush();
    expect(started).toEqual(['a', 'b']);
    gates[1]?.resolve('app');
    await flush();
    expect(started).toEqual(['a', 'b', 'late']);
    gates[2]?.resolve('app');
    expect(await late).toMatchObject({ kind: 'served', channel: 'app' });
    router.dispose();
  });

  it('a waiting call whose signal aborts leaves the queue, cancelled, never run; its place is free', async () => {
    const { router, gates, started } = setup({ maxConcurrent: 1, maxQueued: 1 });
    const a = router.execute('balance', 'a');
    const abort = new AbortController();
    const b = router.execute('balance', 'b', { signal: abort.signal });
    abort.abort();
    expect(await b).toMatchObject({ kind: 'referred', code: 'cancelled' });
    // The queue has room again: this one waits instead of being skipped.
    const c = router.execute('balance', 'c');
    gates[0]?.resolve('app');
    await a;
    await flush();
    expect(started).toEqual(['a', 'c']);
    gates[1]?.resolve('app');
    expect(await c).toMatchObject({ kind: 'served', channel: 'app' });
    router.dispose();
  });

  it('dispose ends every wait: the calls end cancelled', async () => {
    const { router, started } = setup({ maxConcurrent: 1, maxQueued: 3 });
    const calls = ['a', 'b', 'c', 'd'].map((x) => router.execute('balance', x));
    router.dispose();
    const outcomes = await Promise.all(calls);
    expect(outcomes.map((o) => o.kind === 'referred' && o.code)).toEqual(Array(4).fill('cancelled'));
    expect(started).toEqual(['a']);
  });

  it('a waiter checks its route again on its turn: gone down meanwhile, it fails over and passes the slot on', async () => {
    const { router, gates, started } = setup({ maxConcurrent: 1, maxQueued: 2 });
    const a = router.execute('balance', 'a');
    const b = router.execute('balance', 'b');
    const c = router.execute('balance', 'c');
    const outage = router.declareOutage({
      operations: ['balance'],
      channels: ['app'],
      reason: { fr: 'panne', en: 'down' },
    });
    gates[0]?.resolve('app');
    await a;
    await flush();
    // b and c each had the slot in turn, found the route down and went to web.
    expect(attempts(await b)).toEqual(['app:skipped:outage', 'web:success']);
    expect(attempts(await c)).toEqual(['app:skipped:outage', 'web:success']);
    router.endOutage(outage.id);
    // The slot is free, not held by either of them.
    const d = router.execute('balance', 'd');
    expect(started).toEqual(['a', 'd']);
    gates[1]?.resolve('app');
    expect(await d).toMatchObject({ kind: 'served', channel: 'app' });
    router.dispose();
  });
});

describe('bulkhead options', () => {
  it.each([
    [{ maxConcurrent: 0 }, 'breaker.maxConcurrent'],
    [{ maxConcurrent: -1 }, 'breaker.maxConcurrent'],
    [{ maxConcurrent: 1.5 }, 'breaker.maxConcurrent'],
    [{ maxConcurrent: Number.NaN }, 'breaker.maxConcurrent'],
    [{ maxConcurrent: '3' }, 'breaker.maxConcurrent'],
    [{ maxConcurrent: 2, maxQueued: -1 }, 'breaker.maxQueued'],
    [{ maxConcurrent: 2, maxQueued: 0.5 }, 'breaker.maxQueued'],
    [{ maxConcurrent: 2, maxQueued: Number.POSITIVE_INFINITY }, 'breaker.maxQueued'],
    [{ maxQueued: 2 }, 'breaker.maxQueued'],
    [{ maxConcurrent: Number.POSITIVE_INFINITY, maxQueued: 2 }, 'breaker.maxQueued'],
  ])('refuses %j at %s', (breaker, path) => {
    let error: unknown;
    try {
      createRouter({ catalog, breaker: breaker as BreakerOptions });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([path]);
  });

  it.each([
    {},
    { maxConcurrent: Number.POSITIVE_INFINITY },
    { maxConcurrent: undefined, maxQueued: 0 },
    { maxConcurrent: 1, maxQueued: 0 },
    { maxConcurrent: 100, maxQueued: 1_000 },
  ])('accepts %j', (breaker) => {
    createRouter({ catalog, breaker }).dispose();
  });
});
