import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCatalog } from './catalog.js';
import { ConfigError } from './errors.js';
import type { ProbeEvent } from './events.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
    transfer: { label: 'Transfer', routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }] },
  },
});

let time: VirtualTime | undefined;
afterEach(() => time?.uninstall());

const RESET = 30_000;
const INTERVAL = 10_000;

function setup(probed: readonly ('app' | 'web')[] = ['app', 'web'], intervalMs = INTERVAL) {
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const down = new Set<string>();
  const handled: string[] = [];
  const probeRuns: string[] = [];
  const handler = (channel: string) => (_input: unknown, ctx: { operation: string }) => {
    handled.push(`${ctx.operation}/${channel}`);
    return down.has(channel) ? Promise.reject(new Error('down')) : Promise.resolve(channel);
  };
  const probe = (ctx: { channel: string }) => {
    probeRuns.push(ctx.channel);
    return down.has(ctx.channel) ? Promise.reject(new Error('down')) : Promise.resolve();
  };
  const probes = Object.fromEntries(probed.map((ch) => [ch, probe]));
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker: { resetTimeout: RESET },
    probe: { intervalMs },
    probes,
    handlers: {
      balance: { app: handler('app'), web: handler('web') },
      transfer: { app: handler('app'), web: handler('web') },
    },
  });
  const events: ProbeEvent[] = [];
  router.on('probe', (e) => events.push(e));
  return { router, down, handled, probeRuns, events, time };
}

describe('probes', () => {
  it('a recovered idle fallback is operational again within resetTimeout + intervalMs, with no traffic', async () => {
    const { router, down, time } = setup(['web']);
    down.add('app');
    down.add('web');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    expect(router.getSnapshot().operations.balance.available).toEqual(['phone']);
    down.clear();
    await time.advance(RESET);
    // Traffic goes back to the app; nobody calls the website.
    expect(await time.settle(router.execute('balance', {}))).toMatchObject({ channel: 'app' });
    await time.advance(INTERVAL);
    expect(router.getSnapshot().channels.web).toEqual({ status: 'operational' });
    expect(router.getSnapshot().operations.balance.available).toEqual(['app', 'web', 'phone']);
    router.dispose();
  });

  it('a probe success closes only a half-open breaker, on probation: the next failure opens it again', async () => {
    const { router, down, time } = setup(['web']);
    const states: string[] = [];
    router.on('breaker', (e) => e.operation === 'balance' && states.push(`${e.channel}/${e.state}`));
    down.add('app');
    down.add('web');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    // The probe succeeds (the website answers) but balances still fail there.
    down.delete('web');
    await time.advance(RESET - 1);
    expect(states.filter((s) => s.startsWith('web/'))).toEqual(['web/open']);
    await time.advance(1 + INTERVAL);
    expect(states.filter((s) => s.startsWith('web/'))).toEqual(['web/open', 'web/half-open', 'web/closed']);
    down.add('web');
    await time.settle(router.execute('balance', {}));
    expect(states.filter((s) => s.startsWith('web/'))).toEqual(['web/open', 'web/half-open', 'web/closed', 'web/open']);
    router.dispose();
  });

  it('without a probe the same fallback stays half-open (degraded), never operational', async () => {
    const { router, down, time } = setup([]);
    down.add('app');
    down.add('web');
    for (let i = 0; i < 3; i++) await time.settle(router.execute('balance', {}));
    down.clear();
    await time.advance(RESET);
    await time.settle(router.execute('balance', {}));
    await time.advance(INTERVAL * 5);
    expect(router.getSnapshot().channels.web.status).toBe('degraded_performance');
    router.dispose();
  });

  it('an idle channel whose probe keeps failing is down before a person meets it', async () => {
    const { router, down, probeRuns, events, time } = setup(['web']);
    down.add('web');
    const states: string[] = [];
    router.on('breaker', (e) => states.push(`${e.operation}/${e.channel}/${e.state}`));
    await time.advance(INTERVAL * 2);
    expect(router.getSnapshot().channels.web.status).toBe('operational');
    await time.advance(INTERVAL);
    expect(probeRuns).toEqual(['web', 'web', 'web']);
    expect(states).toEqual(['balance/web/open', 'transfer/web/open']);
    // Every route on it: the whole channel.
    expect(router.getSnapshot().channels.web.status).toBe('major_outage');
    expect(events.map((e) => e.ok)).toEqual([false, false, false]);
    expect(events[0]).toMatchObject({ channel: 'web', ok: false, durationMs: 0 });
    expect(typeof events[0]?.at).toBe('string');
    router.dispose();
  });

  it('does not probe a channel in use and healthy, and probes it once idle for an interval', async () => {
    const { router, probeRuns, time } = setup(['app']);
    for (let i = 0; i < 6; i++) {
      await time.settle(router.execute('balance', {}));
      await time.advance(INTERVAL / 2);
    }
    expect(probeRuns).toEqual([]);
    await time.advance(INTERVAL * 2);
    expect(probeRuns.length).toBeGreaterThan(0);
    router.dispose();
  });

  it('never probes while an outage holds the channel', async () => {
    const { router, down, probeRuns, time } = setup(['web']);
    down.add('web');
    router.declareOutage({ id: 'o', channels: ['web'], reason: 'Works' });
    await time.advance(INTERVAL * 5);
    expect(probeRuns).toEqual([]);
    router.endOutage('o');
    await time.advance(INTERVAL);
    expect(probeRuns).toEqual(['web']);
    router.dispose();
  });

  it('a probe that hangs past timeoutMs fails, and its signal is aborted', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const signals: AbortSignal[] = [];
    const router = createRouter({
      catalog,
      clock: time.clock,
      probe: { intervalMs: INTERVAL, timeoutMs: 2_000 },
      probes: {
        web: ({ signal }) => {
          signals.push(signal);
          return new Promise(() => {});
        },
      },
    });
    const events: ProbeEvent[] = [];
    router.on('probe', (e) => events.push(e));
    await time.advance(INTERVAL + 2_000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'web', ok: false, durationMs: 2_000 });
    expect(signals[0]?.aborted).toBe(true);
    router.dispose();
  });

  it('dispose stops the probe timer', () => {
    const { router, time } = setup(['web']);
    router.dispose();
    expect(time.pendingTimers()).toBe(0);
  });

  it('dispose aborts a probe in flight and clears its timeout', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const signals: AbortSignal[] = [];
    const router = createRouter({
      catalog,
      clock: time.clock,
      probe: { intervalMs: INTERVAL, timeoutMs: 60_000 },
      probes: {
        web: ({ signal }) => {
          signals.push(signal);
          return new Promise(() => {});
        },
      },
    });
    await time.advance(INTERVAL);
    expect(signals).toHaveLength(1);
    router.dispose();
    expect(signals[0]?.aborted).toBe(true);
    expect(time.pendingTimers()).toBe(0);
  });

  it('on a probed channel no transfer is a half-open trial: the route is skipped until the probe closes it', async () => {
    // Probes every minute: the breaker half-opens (30 s) before the first probe.
    const { router, down, handled, time } = setup(['app'], 60_000);
    const states: string[] = [];
    router.on('breaker', (e) => states.push(`${e.operation}/${e.channel}/${e.state}`));
    down.add('app');
    for (let i = 0; i < 3; i++)
      expect(await time.settle(router.execute('transfer', {}))).toMatchObject({ kind: 'uncertain' });
    down.delete('app');
    handled.length = 0;
    await time.advance(RESET);
    expect(states).toEqual(['transfer/app/open', 'transfer/app/half-open']);
    expect(router.getSnapshot().channels.app.status).toBe('partial_outage');
    expect(await time.settle(router.execute('transfer', {}))).toMatchObject({ kind: 'served', channel: 'web' });
    expect(handled).toEqual(['transfer/web']);
    const plan = router.plan('transfer');
    expect(plan.willTry).toEqual(['web']);
    expect(plan.skipped).toEqual([{ channel: 'app', why: 'breaker-open' }]);
    expect(router.getSnapshot().operations.transfer.available).toEqual(['web', 'phone']);
    // The probe runs within its interval and closes it.
    await time.advance(30_000);
    expect(states.at(-1)).toBe('transfer/app/closed');
    expect(router.getSnapshot().operations.transfer.available).toEqual(['app', 'web', 'phone']);
    expect(await time.settle(router.execute('transfer', {}))).toMatchObject({ kind: 'served', channel: 'app' });
    router.dispose();
  });

  it('a transfer that started closed and succeeds once the breaker half-opened does not close it', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    let appDown = false;
    let release: (() => void) | undefined;
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: { resetTimeout: RESET, timeout: false },
      probe: { intervalMs: 3_600_000 },
      probes: { app: () => Promise.reject(new Error('still down')) },
      handlers: {
        transfer: {
          app: () =>
            appDown
              ? Promise.reject(new Error('down'))
              : new Promise<string>((resolve) => {
                  release = () => resolve('slow');
                }),
        },
      },
    });
    const slow = router.execute('transfer', {});
    appDown = true;
    for (let i = 0; i < 3; i++) await time.settle(router.execute('transfer', {}));
    await time.advance(RESET);
    (release as () => void)();
    expect(await slow).toMatchObject({ kind: 'served', channel: 'app' });
    expect(router.plan('transfer').skipped).toEqual([{ channel: 'app', why: 'breaker-open' }]);
    router.dispose();
  });
});

describe('probe options, validated', () => {
  it.each([
    [{ probes: { nope: () => 1 } }, 'probes.nope'],
    [{ probes: { web: 'ping' } }, 'probes.web'],
    [{ probe: { intervalMs: 0 } }, 'probe.intervalMs'],
    [{ probe: { intervalMs: 0.5 } }, 'probe.intervalMs'],
    [{ probe: null }, 'probe'],
    [{ probe: { timeoutMs: -5 } }, 'probe.timeoutMs'],
    [{ probe: { every: 5 } }, 'probe'],
    [{ probe: { jitter: 1 } }, 'probe.jitter'],
  ])('refuses %j at %s', (options, path) => {
    let error: unknown;
    try {
      createRouter({ catalog, ...(options as object) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toContain(path);
  });

  it('a probe on a `toString` channel is unknown, not the prototype’s', () => {
    expect(() => createRouter({ catalog, probes: { toString: () => 1 } as never })).toThrow(ConfigError);
  });

  it('takes no timer without probes', () => {
    time = useVirtualTime({ now: 0 });
    const router = createRouter({
      catalog: defineCatalog({ channels: { a: { kind: 'digital', label: 'a' } }, operations: {} }),
    });
    expect(time.pendingTimers()).toBe(0);
    router.dispose();
    vi.restoreAllMocks();
  });
});
