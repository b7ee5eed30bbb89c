// An adversarial review of health (probes, half-open, consecutive failures, slow calls,
// nextChangeAt) through the public entry points, in virtual time only.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, createRouter, defineCatalog } from './index.js';
import { useVirtualTime, type VirtualTime } from './testing/index.js';

let time: VirtualTime | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  time?.uninstall();
  time = undefined;
});

const catalog = defineCatalog({
  channels: {
    app: { kind: 'digital', label: 'app' },
    web: { kind: 'digital', label: 'web' },
    phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
  },
  operations: {
    transfer: {
      label: 'Transfer',
      routes: [
        { channel: 'app', checkInstructions: { fr: 'Regardez l’historique', en: 'Look at the history' } },
        { channel: 'web' },
        { channel: 'phone' },
      ],
    },
    balance: {
      label: 'Balance',
      idempotent: true,
      routes: [{ channel: 'app' }, { channel: 'web' }, { channel: 'phone' }],
    },
  },
});

type Step =
  | { t: 'call'; op: 'transfer' | 'balance'; ok: boolean; ms: number; scope: string | undefined }
  | { t: 'probe'; ok: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'outage' }
  | { t: 'end' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant('call' as const),
      op: fc.constantFrom('transfer' as const, 'balance' as const),
      ok: fc.boolean(),
      ms: fc.constantFrom(0, 50, 2_000),
      scope: fc.constantFrom(undefined, 's1', 's2'),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ t: fc.constant('probe' as const), ok: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(100, 1_000, 5_000, 30_000) }),
    weight: 4,
  },
  { arbitrary: fc.record({ t: fc.constant('outage' as const) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('end' as const) }), weight: 1 },
);

async function runWorld(
  steps: readonly Step[],
  disposeMidway: boolean,
  scoped: boolean,
  log?: string[],
): Promise<void> {
  // The probes' jitter, fixed: a counterexample replays.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  let probeOk = true;
  const state = new Map<string, string>();
  let violations = 0;
  const appFails = { value: false };
  const handler = (channel: string) => (_input: unknown, ctx: { operation: string; scope?: string | undefined }) => {
    if (ctx.operation === 'transfer' && channel === 'app') {
      // Every channel keeps a breaker per scope unless `scopes.channels` says otherwise.
      const key = ctx.scope ?? '';
      if (state.get(key) === 'half-open') violations++;
      log?.push(`${time?.now()} app@${state.get(key)}`);
    }
    const fails = channel === 'app' && appFails.value;
    return new Promise((resolve, reject) =>
      setTimeout(() => (fails ? reject(new Error('down')) : resolve(channel)), callMs.value),
    );
  };
  const callMs = { value: 0 };
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker: { resetTimeout: 5_000, timeout: 1_000, consecutiveFailures: 2 },
    probe: { intervalMs: 1_000, timeoutMs: 500 },
    probes: { app: () => (probeOk ? Promise.resolve() : Promise.reject(new Error('no'))) },
    ...(scoped ? { scopes: { channels: ['app'] } } : {}),
    handlers: {
      transfer: { app: handler('app'), web: handler('web') },
      balance: { app: handler('app'), web: handler('web') },
    },
  });
  router.on('breaker', (e) => {
    log?.push(`${time?.now()} B:${e.operation}/${e.channel}@${e.scope}:${e.state}`);
    if (e.operation === 'transfer' && e.channel === 'app') state.set(e.scope ?? '', e.state);
  });
  let outageId: string | undefined;
  const pending: Promise<unknown>[] = [];
  for (const [i, s] of steps.entries()) {
    if (disposeMidway && i === steps.length - 3) router.dispose();
    try {
      if (s.t === 'call') {
        appFails.value = !s.ok;
        callMs.value = s.ms;
        pending.push(
          router
            .execute(s.op, {}, { scope: s.scope })
            .then((o) =>
              log?.push(
                `${time?.now()} ${s.op} ${o.kind} ${o.attempts.map((a) => `${a.channel}:${a.result}:${'why' in a ? a.why : ''}`).join(',')}`,
              ),
            )
            .catch(() => undefined),
        );
      } else if (s.t === 'probe') probeOk = s.ok;
      else if (s.t === 'advance') await time.advance(s.ms);
      else if (s.t === 'outage' && !outageId) outageId = router.declareOutage({ channels: ['app'], reason: 'x' }).id;
      else if (s.t === 'end' && outageId) {
        router.endOutage(outageId);
        outageId = undefined;
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === 'RouterDisposedError')) throw error;
    }
  }
  await time.advance(60_000);
  await Promise.all(pending);
  router.dispose();
  expect(time.pendingTimers()).toBe(0);
  time.uninstall();
  time = undefined;
  expect(violations).toBe(0);
}

describe('attack: no non-idempotent call is a half-open trial on a probed channel', () => {
  for (const scoped of [false, true]) {
    it(`random worlds (${scoped ? 'scoped' : 'unscoped'}): zero transfers on a half-open app breaker`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 80 }), fc.boolean(), (steps, disposeMidway) =>
          runWorld(steps, disposeMidway, scoped),
        ),
        { seed: 13, numRuns: 150 },
      );
    });
  }
});

describe('attack: a channel its probe found down', () => {
  it('is not given a scoped transfer: the probe opened the route, so no scope may call it either', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const ran: string[] = [];
    const router = createRouter({
      catalog,
      clock: time.clock,
      probe: { intervalMs: 1_000, timeoutMs: 500 },
      probes: { app: () => Promise.reject(new Error('app does not answer')) },
      handlers: {
        transfer: {
          app: async (_input, ctx) => {
            ran.push(`app@${ctx.scope}`);
            throw new Error('app is down');
          },
          web: async () => 'web',
        },
      },
    });
    // Three probe failures (the default consecutiveFailures): the app is down before anyone meets it.
    await time.advance(3_500);
    expect(router.getSnapshot().operations.transfer.available).not.toContain('app');
    expect(router.plan('transfer', { scope: 'office-1' }).willTry).not.toContain('app');
    const outcome = await time.settle(router.execute('transfer', {}, { scope: 'office-1' }));
    expect(ran).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'served', channel: 'web' });
    router.dispose();
  });
});

describe('attack: nextChangeAt under a clock that jumps', () => {
  const hoursCatalog = defineCatalog({
    channels: {
      app: { kind: 'digital', label: 'app' },
      office: {
        kind: 'in-person',
        label: 'office',
        hours: { timeZone: 'Europe/Paris', weekly: { sun: ['10:00-12:00'] } },
      },
    },
    operations: { transfer: { label: 'T', routes: [{ channel: 'app' }, { channel: 'office' }] } },
  });
  const DAY = 86_400_000;

  function jumpingRouter() {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const t = time;
    const offset = { ms: 0 };
    const clock = { now: () => t.now() + offset.ms };
    const router = createRouter({ catalog: hoursCatalog, clock, handlers: { transfer: { app: async () => 1 } } });
    return { router, offset, clock, t };
  }

  it('forward: once the clock passed nextChangeAt, the snapshot never says a change is due in the past', async () => {
    const { router, offset, clock, t } = jumpingRouter();
    expect(router.getSnapshot().nextChangeAt).toBe('2026-01-11T09:00:00.000Z');
    offset.ms = 7 * DAY;
    await t.advance(1);
    const next = router.getSnapshot().nextChangeAt;
    expect(next).toBeDefined();
    expect(Date.parse(next as string)).toBeGreaterThan(clock.now());
    router.dispose();
  });

  it('backward: the next change is the one after the new now, and subscribers hear it then', async () => {
    const { router, offset, clock, t } = jumpingRouter();
    const heard: string[] = [];
    router.subscribe(() => heard.push(router.getSnapshot().nextChangeAt ?? 'none'));
    router.getSnapshot();
    offset.ms = -28 * DAY; // now 2025-12-08T10:00Z, a Monday: the office opens on Sunday 14th
    await t.advance(1);
    expect(router.getSnapshot().nextChangeAt).toBe('2025-12-14T09:00:00.000Z');
    await t.advance(0); // the change just read is told in a microtask
    heard.length = 0;
    await t.advance(Date.parse('2025-12-14T09:00:00Z') - clock.now());
    expect(heard).toEqual(['2025-12-14T11:00:00.000Z']);
    router.dispose();
    expect(t.pendingTimers()).toBe(0);
  });
});

describe('attack: a scope whose transfer breaker opened, on a busy probed channel', () => {
  it('is closed by the probe after resetTimeout, though other scopes keep the channel busy', async () => {
    time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
    const failing = new Set<string>(['office-A']);
    let probes = 0;
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: { resetTimeout: 30_000 },
      probe: { intervalMs: 10_000 },
      probes: {
        app: () => {
          probes++;
        },
      },
      handlers: {
        transfer: {
          app: async (_input, ctx) => {
            if (failing.has(ctx.scope as string)) throw new Error('terminal down');
            return 'app';
          },
          web: async () => 'web',
        },
      },
    });
    for (let i = 0; i < 3; i++) await time.settle(router.execute('transfer', {}, { scope: 'office-A' }));
    expect(router.plan('transfer', { scope: 'office-A' }).willTry).toEqual(['web']);
    failing.clear();
    // Office B calls every 5 s: the channel is never idle. The app answers again.
    for (let t = 0; t < 90_000; t += 5_000) {
      await time.settle(router.execute('transfer', {}, { scope: 'office-B' }));
      await time.advance(5_000);
    }
    expect(probes).toBeGreaterThan(0);
    expect(router.plan('transfer', { scope: 'office-A' }).willTry).toEqual(['app', 'web']);
    router.dispose();
  });
});

describe('attack: hostile probes (these held)', () => {
  const hostile: Record<string, () => unknown> = {
    hangs: () => new Promise(() => {}),
    throws: () => {
      throw new Error('sync');
    },
    'then throws': () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
      then() {
        throw new Error('then');
      },
    }),
    'then getter throws': () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
      get then() {
        throw new Error('getter');
      },
    }),
  };
  for (const [name, probe] of Object.entries(hostile)) {
    it(`a probe that ${name} is a failure: the channel opens, signals abort, no timer outlives dispose`, async () => {
      time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
      const signals: AbortSignal[] = [];
      const events: boolean[] = [];
      const router = createRouter({
        catalog,
        clock: time.clock,
        probe: { intervalMs: 1_000, timeoutMs: 200 },
        probes: {
          app: (ctx) => {
            signals.push(ctx.signal);
            return probe();
          },
          web: () => undefined,
        },
        handlers: { transfer: { app: async () => 'app', web: async () => 'web' } },
      });
      router.on('probe', (e) => e.channel === 'app' && events.push(e.ok));
      await time.advance(3_500);
      expect(events).toEqual([false, false, false]);
      expect(signals.every((s) => s.aborted)).toBe(true);
      expect(router.getSnapshot().operations.transfer.available).toEqual(['web', 'phone']);
      expect(await time.settle(router.execute('transfer', {}))).toMatchObject({ kind: 'served', channel: 'web' });
      router.dispose();
      expect(time.pendingTimers()).toBe(0);
      await time.advance(10_000);
      expect(events).toHaveLength(3);
    });
  }
});

describe('attack: the new options, refused with a message that says what was wrong', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['probe.timeoutMs', { probe: { timeoutMs: Number.POSITIVE_INFINITY } }, 'probe.timeoutMs', /Infinity/],
    ['probe.intervalMs', { probe: { intervalMs: Number.NaN } }, 'probe.intervalMs', /NaN/],
    [
      'breaker.consecutiveFailures',
      { breaker: { consecutiveFailures: Number.NaN } },
      'breaker.consecutiveFailures',
      /NaN/,
    ],
    [
      'breaker.consecutiveFailures',
      { breaker: { consecutiveFailures: Number.POSITIVE_INFINITY } },
      'breaker.consecutiveFailures',
      /Infinity/,
    ],
    ['breaker.slowCallMs', { breaker: { slowCallMs: Number.NaN } }, 'breaker.slowCallMs', /NaN/],
  ];
  for (const [name, options, path, says] of cases) {
    it(`${name}: ${JSON.stringify(options, (_k, v) => (typeof v === 'number' ? String(v) : v))}`, () => {
      let error: unknown;
      try {
        createRouter({ catalog, ...options });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const issue = (error as ConfigError).issues.find((i) => i.path === path);
      expect(issue?.message).toMatch(says);
      expect(issue?.message).not.toMatch(/got number$|null/);
    });
  }
});
