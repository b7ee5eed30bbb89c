// Policies (issue 15): retry on the same route only where safe, one deadline per call, hedging
// for idempotent operations. Every test runs in virtual time.
import { afterEach, describe, expect, it } from 'vitest';
import type { BreakerOptions } from './breaker/options.js';
import { defineCatalog } from './catalog.js';
import { ConfigError, InvalidInputError, NotExecutedError, RetryAfterError } from './errors.js';
import type { HandlerContext } from './handlers.js';
import type { Attempt, Outcome } from './outcome.js';
import type { OperationPolicy, RetryOptions } from './policy-options.js';
import { createRouter } from './router.js';
import { sleep } from './testing/sleep.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    kiosk: { kind: 'self-service', label: 'kiosk' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'kiosk' }, { channel: 'phone' }],
    },
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
  },
});

type Script = (n: number, ctx: HandlerContext) => unknown;
interface Seen {
  at: number;
  key: string;
  signal: AbortSignal;
}

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

const fail = () => Promise.reject(new Error('down'));
const hang = (ctx: HandlerContext) => sleep(3_600_000, ctx.signal);

/** A router whose handlers follow `scripts[channel]` (called with the try number from 1), with every call seen. */
function setup(
  scripts: { app?: Script; web?: Script; kiosk?: Script },
  options: {
    retry?: RetryOptions;
    timeoutMs?: number;
    policies?: { balance?: OperationPolicy; transfer?: OperationPolicy };
    breaker?: BreakerOptions;
  } = {},
) {
  const t = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  time = t;
  const seen: Record<string, Seen[]> = { app: [], web: [], kiosk: [] };
  const handler = (channel: 'app' | 'web' | 'kiosk') => (_input: unknown, ctx: HandlerContext) => {
    seen[channel]?.push({ at: t.now(), key: ctx.idempotencyKey, signal: ctx.signal });
    const script = scripts[channel] as Script;
    return script((seen[channel] as Seen[]).length, ctx);
  };
  const handlers = Object.fromEntries(
    (['app', 'web', 'kiosk'] as const).filter((c) => scripts[c]).map((c) => [c, handler(c)]),
  );
  const router = createRouter({
    catalog,
    clock: t.clock,
    breaker: { consecutiveFailures: false, volumeThreshold: 1_000, ...options.breaker },
    handlers: { balance: handlers, transfer: { app: handlers.app, web: handlers.web } },
    ...(options.retry && { retry: options.retry }),
    ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
    ...(options.policies && { policies: options.policies }),
  });
  const start = t.now();
  return { router, seen, time: t, start, since: (s: Seen | undefined) => (s?.at ?? Number.NaN) - start };
}

const results = (o: Outcome) =>
  o.attempts.map(
    (a: Attempt) =>
      `${a.channel}:${a.result}${'retry' in a && a.retry ? `#${a.retry}` : ''}${'hedge' in a && a.hedge ? '+hedge' : ''}`,
  );

const NO_WAIT: RetryOptions = { maxRetries: 2, baseMs: 0, jitter: 'none' };

describe('policy options', () => {
  const make = (options: Record<string, unknown>) => () =>
    createRouter({ catalog, handlers: { balance: { app: () => 1 } }, ...options } as never);
  const issue = (options: Record<string, unknown>) => {
    try {
      make(options)();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).issues;
    }
    throw new Error('expected a ConfigError');
  };

  it('names each bad value with its path', () => {
    expect(issue({ policies: { transfer: { retry: { maxRetries: -1 } } } })).toEqual([
      { path: 'policies.transfer.retry.maxRetries', message: 'expected an integer ≥ 0 and ≤ 100, got -1' },
    ]);
    expect(issue({ retry: { jitter: 'some' } })[0]).toMatchObject({ path: 'retry.jitter' });
    expect(issue({ retry: { baseMs: Number.NaN } })[0]).toMatchObject({ path: 'retry.baseMs' });
    expect(issue({ retry: { maxRetries: 1, baseMs: 500, maxMs: 100 } })[0]).toMatchObject({ path: 'retry.baseMs' });
    expect(issue({ retry: { tries: 3 } })[0]).toMatchObject({ path: 'retry.tries', message: 'unknown option' });
    expect(issue({ timeoutMs: 0 })[0]).toMatchObject({ path: 'timeoutMs' });
    expect(issue({ timeoutMs: Number.POSITIVE_INFINITY })[0]).toMatchObject({ path: 'timeoutMs' });
    expect(issue({ policies: { balance: { hedge: { maxHedges: 1 } } } })[0]).toMatchObject({
      path: 'policies.balance.hedge.afterMs',
      message: 'required',
    });
    expect(issue({ policies: { balance: { timeout: 5 } } })[0]).toMatchObject({ path: 'policies.balance.timeout' });
    expect(issue({ policies: [] })[0]).toMatchObject({ path: 'policies' });
  });

  it('an unknown operation is named; keys of Object.prototype are unknown operations, not found', () => {
    expect(issue({ policies: { tranfser: { timeoutMs: 5 } } })[0]).toMatchObject({
      path: 'policies.tranfser',
      message: 'no operation `tranfser` in the catalogue',
    });
    for (const key of ['constructor', 'toString', '__proto__']) {
      const policies = JSON.parse(`{"${key}": {"timeoutMs": 5}}`);
      expect(issue({ policies })[0]).toMatchObject({ path: `policies.${key}` });
    }
  });

  it('a hedge on a non-idempotent operation is refused at createRouter', () => {
    expect(issue({ policies: { transfer: { hedge: { afterMs: 100 } } } })).toEqual([
      { path: 'policies.transfer.hedge', message: '`transfer` is not idempotent: a hedge would run it twice' },
    ]);
  });

  it('ctx.timeoutMs must be a positive finite number of ms', async () => {
    const router = make({})();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100']) {
      const error = await router.execute('balance', {}, { timeoutMs: bad as number }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues[0]?.path).toBe('ctx.timeoutMs');
    }
    router.dispose();
  });
});

describe('retry on the same route, only where safe', () => {
  it('an idempotent failure is tried again on the same route, with the same idempotency key', async () => {
    const { router, seen, time } = setup({ app: (n) => (n === 1 ? fail() : 'ok') }, { retry: NO_WAIT });
    const outcome = await time.settle(router.execute('balance', {}));
    expect(outcome).toMatchObject({ kind: 'served', channel: 'app', value: 'ok', degraded: false });
    expect(results(outcome)).toEqual(['app:failure', 'app:success#1']);
    expect(seen.app?.map((s) => s.key)).toEqual([seen.app?.[0]?.key, seen.app?.[0]?.key]);
    router.dispose();
  });

  it('a non-idempotent failure is never retried: it stays uncertain', async () => {
    const { router, seen, time } = setup({ app: fail, web: () => 'web' }, { retry: NO_WAIT });
    const outcome = await time.settle(router.execute('transfer', {}));
    expect(outcome.kind).toBe('uncertain');
    expect(seen.app).toHaveLength(1);
    expect(seen.web).toHaveLength(0);
    router.dispose();
  });

  it('a non-idempotent try that certainly did not run is retried (NotExecutedError, classify)', async () => {
    const { router, seen, time } = setup(
      { app: (n) => (n === 1 ? Promise.reject(new NotExecutedError()) : 'sent') },
      { retry: NO_WAIT },
    );
    const outcome = await time.settle(router.execute('transfer', {}));
    expect(results(outcome)).toEqual(['app:not-executed', 'app:success#1']);
    expect(seen.app).toHaveLength(2);
    router.dispose();
  });

  it('a rejection is never retried: it is rethrown after one try', async () => {
    const refused = new Error('insufficient funds');
    let calls = 0;
    const t = useVirtualTime();
    time = t;
    const router = createRouter({
      catalog,
      clock: t.clock,
      retry: NO_WAIT,
      classify: (e) => (e === refused ? 'rejection' : undefined),
      handlers: {
        balance: {
          app: () => {
            calls++;
            return Promise.reject(refused);
          },
        },
      },
    });
    const pending = router.execute('balance', {});
    pending.catch(() => {});
    await t.advance(1_000);
    await expect(pending).rejects.toBe(refused);
    expect(calls).toBe(1);
    router.dispose();
  });

  it('waits grow as the jitter says: none doubles from baseMs, full and decorrelated draw from `random`', async () => {
    for (const [retry, waits] of [
      [{ maxRetries: 3, baseMs: 100, jitter: 'none' }, [100, 200, 400]],
      [{ maxRetries: 2, baseMs: 100, jitter: 'full', random: () => 0.5 }, [100, 200]],
      // 100 + 0.5 × (3 × 100 − 100), then 100 + 0.5 × (3 × 200 − 100).
      [{ maxRetries: 2, baseMs: 100, jitter: 'decorrelated', random: () => 0.5 }, [200, 350]],
    ] as const) {
      const { router, seen, time, since } = setup({ app: fail }, { retry });
      await time.settle(router.execute('balance', {}), { stepMs: 1 });
      const at = seen.app?.map(since) ?? [];
      expect(at.slice(1).map((t, i) => t - (at[i] as number))).toEqual(waits);
      router.dispose();
      time.uninstall();
    }
  });

  it("waits the backend's retry time (retryAfterMs, RetryAfterError); a bad one falls back to the backoff", async () => {
    for (const [error, wait] of [
      [Object.assign(new Error('503'), { retryAfterMs: 2_000 }), 2_000],
      [new RetryAfterError(1_500), 1_500],
      [new NotExecutedError('429', { retryAfterMs: 700 }), 700],
      [Object.assign(new Error('503'), { retryAfterMs: Number.NaN }), 100],
      [Object.assign(new Error('503'), { retryAfterMs: -5 }), 100],
      [Object.assign(new Error('503'), { retryAfterMs: '2' }), 100],
    ] as const) {
      const { router, seen, time, since } = setup(
        { app: (n) => (n === 1 ? Promise.reject(error) : 'ok') },
        { retry: { maxRetries: 1, baseMs: 100, jitter: 'none' } },
      );
      await time.settle(router.execute('balance', {}), { stepMs: 1 });
      expect(since(seen.app?.[1])).toBe(wait);
      router.dispose();
      time.uninstall();
    }
  });

  it('a retry time past maxMs (or Infinity) is not waited for: the call moves on to the next route', async () => {
    for (const retryAfterMs of [60_000, Number.POSITIVE_INFINITY]) {
      const { router, seen, time, since } = setup(
        { app: () => Promise.reject(Object.assign(new Error('503'), { retryAfterMs })), web: () => 'web' },
        { retry: { maxRetries: 3, maxMs: 5_000 } },
      );
      const outcome = await time.settle(router.execute('balance', {}));
      expect(outcome).toMatchObject({ kind: 'served', channel: 'web' });
      expect(seen.app).toHaveLength(1);
      expect(since(seen.web?.[0])).toBe(0);
      router.dispose();
      time.uninstall();
    }
  });

  it("a wait past the call's deadline is not taken: the call moves on", async () => {
    const { router, seen, time, since } = setup(
      { app: fail, web: () => 'web' },
      { retry: { maxRetries: 3, baseMs: 400, jitter: 'none' }, timeoutMs: 1_000 },
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(results(outcome)).toEqual(['app:failure', 'app:failure#1', 'web:success']);
    // 400 ms, then 800 would end past the deadline.
    expect(since(seen.web?.[0])).toBe(400);
    router.dispose();
  });

  it('each try counts once in the breaker, and an open breaker stops the retries and fails over', async () => {
    const { router, seen, time } = setup(
      { app: fail, web: () => 'web' },
      { retry: { maxRetries: 5, baseMs: 0 }, breaker: { consecutiveFailures: 3, resetTimeout: 60_000 } },
    );
    const outcome = await time.settle(router.execute('balance', {}));
    // Three failures in a row open it: the 4th try is never made.
    expect(seen.app).toHaveLength(3);
    expect(results(outcome)).toEqual(['app:failure', 'app:failure#1', 'app:failure#2', 'web:success']);
    router.dispose();
  });

  it('an aborted signal during the wait ends the call cancelled and clears the timer', async () => {
    const { router, seen, time } = setup(
      { app: fail },
      { retry: { maxRetries: 3, baseMs: 10_000, maxMs: 10_000, jitter: 'none' } },
    );
    const controller = new AbortController();
    const pending = router.execute('balance', {}, { signal: controller.signal });
    await time.advance(5_000);
    const timers = time.pendingTimers();
    controller.abort();
    const outcome = await time.settle(pending);
    expect(outcome).toMatchObject({ kind: 'referred', code: 'cancelled' });
    expect(time.pendingTimers()).toBeLessThan(timers);
    await time.advance(60_000);
    expect(seen.app).toHaveLength(1);
    router.dispose();
  });

  it('dispose() during the wait ends the call cancelled; no timer is left', async () => {
    const { router, seen, time } = setup(
      { app: fail },
      { retry: { maxRetries: 3, baseMs: 10_000, maxMs: 10_000, jitter: 'none' } },
    );
    const pending = router.execute('balance', {});
    await time.advance(5_000);
    router.dispose();
    expect(await pending).toMatchObject({ kind: 'referred', code: 'cancelled' });
    expect(time.pendingTimers()).toBe(0);
    expect(seen.app).toHaveLength(1);
  });
});

describe('a deadline for the whole call', () => {
  it('a hanging idempotent call ends referred `deadline` at the deadline, its signal aborted', async () => {
    const { router, seen, time } = setup({ app: (_n, ctx) => hang(ctx) }, { timeoutMs: 1_000 });
    const pending = router.execute('balance', {}, { locale: 'en' });
    let outcome: Outcome | undefined;
    void pending.then((o) => {
      outcome = o;
    });
    await time.advance(999);
    expect(outcome).toBeUndefined();
    await time.advance(1);
    expect(outcome).toMatchObject({
      kind: 'referred',
      code: 'deadline',
      reason: 'Balance: the service did not answer in time.',
    });
    expect(seen.app?.[0]?.signal.aborted).toBe(true);
    expect(results(outcome as Outcome)).toEqual(['app:timeout']);
    router.dispose();
  });

  it('a non-idempotent attempt in flight at the deadline makes the call uncertain', async () => {
    const { router, seen, time } = setup(
      { app: (_n, ctx) => hang(ctx) },
      { policies: { transfer: { timeoutMs: 500 } } },
    );
    const outcome = await time.settle(router.execute('transfer', {}), { stepMs: 1 });
    expect(outcome.kind).toBe('uncertain');
    expect(time.now() - Date.parse('2026-01-05T10:00:00Z')).toBe(500);
    expect(seen.app?.[0]?.signal.aborted).toBe(true);
    router.dispose();
  });

  it('nothing non-idempotent in flight (it certainly did not run) is a referral at the deadline', async () => {
    const { router, time } = setup(
      { app: () => Promise.reject(new NotExecutedError()) },
      { retry: { maxRetries: 10, baseMs: 300, jitter: 'none', maxMs: 300 }, timeoutMs: 1_000 },
    );
    const outcome = await time.settle(router.execute('transfer', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'referred' });
    router.dispose();
  });

  it('ctx.timeoutMs over the policy, the policy over the router', async () => {
    const { router, time } = setup(
      { app: (_n, ctx) => hang(ctx) },
      { timeoutMs: 5_000, policies: { balance: { timeoutMs: 2_000 } } },
    );
    const t0 = time.now();
    await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(time.now() - t0).toBe(2_000);
    const t1 = time.now();
    await time.settle(router.execute('balance', {}, { timeoutMs: 300 }), { stepMs: 1 });
    expect(time.now() - t1).toBe(300);
    const t2 = time.now();
    await time.settle(router.execute('transfer', {}), { stepMs: 1 });
    expect(time.now() - t2).toBe(5_000);
    router.dispose();
  });

  it('one budget across failover: the next route gets only what is left; the route timeout is capped by it', async () => {
    const { router, seen, time, since } = setup(
      { app: (_n, ctx) => sleep(600, ctx.signal).then(fail), web: (_n, ctx) => hang(ctx) },
      { timeoutMs: 1_000, breaker: { timeout: 10_000 } },
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'referred', code: 'deadline' });
    expect(since(seen.web?.[0])).toBe(600);
    expect(time.now() - Date.parse('2026-01-05T10:00:00Z')).toBe(1_000);
    expect(seen.web?.[0]?.signal.aborted).toBe(true);
    router.dispose();
  });

  it('a run cut short by the deadline does not count as a failure of its route', async () => {
    const { router, seen, time } = setup(
      { app: (n, ctx) => (n === 1 ? hang(ctx) : 'ok') },
      { timeoutMs: 1_000, breaker: { consecutiveFailures: 1 } },
    );
    await time.settle(router.execute('balance', {}));
    expect(await time.settle(router.execute('balance', {}))).toMatchObject({ kind: 'served', channel: 'app' });
    expect(seen.app).toHaveLength(2);
    router.dispose();
  });

  it('calls with a deadline share the deadline queue: no timer per call', async () => {
    const { router, time } = setup({ app: (_n, ctx) => hang(ctx) }, { timeoutMs: 1_000, breaker: { timeout: false } });
    const first = router.execute('balance', {});
    const timers = time.pendingTimers();
    const more = Array.from({ length: 20 }, () => router.execute('balance', {}));
    // The handlers' own sleeps are one timer each; the router adds none.
    expect(time.pendingTimers()).toBe(timers + 20);
    await time.settle(Promise.all([first, ...more]));
    router.dispose();
  });
});

describe('hedging, for idempotent operations', () => {
  const HEDGE = { policies: { balance: { hedge: { afterMs: 200 } } } };

  it('the next route starts when the first has not answered after afterMs; the first success wins', async () => {
    const { router, seen, time, since } = setup(
      { app: (_n, ctx) => hang(ctx), web: (_n, ctx) => sleep(50, ctx.signal).then(() => 'web') },
      HEDGE,
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web', degraded: true });
    expect(since(seen.web?.[0])).toBe(200);
    expect(seen.app?.[0]?.signal.aborted).toBe(true);
    expect(results(outcome)).toEqual(['web:success+hedge', 'app:cancelled']);
    expect(seen.web?.[0]?.key).toBe(seen.app?.[0]?.key);
    router.dispose();
  });

  it('no hedge when the first answers in time', async () => {
    const { router, seen, time } = setup(
      { app: (_n, ctx) => sleep(150, ctx.signal).then(() => 'app'), web: () => 'web' },
      HEDGE,
    );
    expect(await time.settle(router.execute('balance', {}), { stepMs: 1 })).toMatchObject({ channel: 'app' });
    await time.advance(1_000);
    expect(seen.web).toHaveLength(0);
    router.dispose();
  });

  it("a late answer of the loser is ignored: one outcome, the winner's", async () => {
    let served = 0;
    const { router, time } = setup(
      {
        app: () => new Promise((resolve) => setTimeout(() => resolve('app'), 300)),
        web: () => new Promise((resolve) => setTimeout(() => resolve('web'), 50)),
      },
      HEDGE,
    );
    router.on('served', () => served++);
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    await time.advance(1_000);
    expect(outcome).toMatchObject({ channel: 'web' });
    expect(served).toBe(1);
    router.dispose();
  });

  it('a failure of one while another is in flight waits for the other', async () => {
    const { router, time } = setup(
      {
        app: (_n, ctx) => sleep(300, ctx.signal).then(fail),
        web: (_n, ctx) => sleep(400, ctx.signal).then(() => 'web'),
      },
      HEDGE,
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web' });
    expect(results(outcome)).toEqual(['app:failure', 'web:success+hedge']);
    router.dispose();
  });

  it('when every run fails the call goes on to the routes left, then the referral', async () => {
    const { router, seen, time } = setup(
      {
        app: (_n, ctx) => sleep(300, ctx.signal).then(fail),
        web: (_n, ctx) => sleep(300, ctx.signal).then(fail),
        kiosk: fail,
      },
      HEDGE,
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'referred', code: 'unavailable' });
    expect(seen.kiosk).toHaveLength(1);
    router.dispose();
  });

  it('maxHedges runs that many more at once; route-checks decide which route is usable', async () => {
    const { router, seen, time } = setup(
      {
        app: (_n, ctx) => hang(ctx),
        web: (_n, ctx) => hang(ctx),
        kiosk: (_n, ctx) => sleep(10, ctx.signal).then(() => 'kiosk'),
      },
      { policies: { balance: { hedge: { afterMs: 100, maxHedges: 2 } } } },
    );
    const outcome = await time.settle(router.execute('balance', {}, { exclude: ['web'] }), { stepMs: 1 });
    expect(outcome).toMatchObject({ channel: 'kiosk' });
    expect(seen.web).toHaveLength(0);
    expect(results(outcome)).toEqual(['web:skipped', 'kiosk:success+hedge', 'app:cancelled']);
    router.dispose();
  });

  it('a deadline with hedges in flight aborts every one of them', async () => {
    const { router, seen, time } = setup(
      { app: (_n, ctx) => hang(ctx), web: (_n, ctx) => hang(ctx) },
      { timeoutMs: 1_000, ...HEDGE },
    );
    const outcome = await time.settle(router.execute('balance', {}), { stepMs: 1 });
    expect(outcome).toMatchObject({ kind: 'referred', code: 'deadline' });
    expect(seen.app?.[0]?.signal.aborted && seen.web?.[0]?.signal.aborted).toBe(true);
    router.dispose();
  });
});
