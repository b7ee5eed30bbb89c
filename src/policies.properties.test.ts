// Policies as properties (fast-check: seeded, shrinking): random catalogues, random handler
// behaviours (succeed, fail, NotExecutedError, hang, hang deaf to the signal, reject), random
// idempotent flags, retry, hedge and deadline all set. Every run is in virtual time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import { NotExecutedError } from './errors.js';
import type { HandlerContext } from './handlers.js';
import type { OperationPolicy, RetryOptions } from './policy-options.js';
import { createRouter } from './router.js';
import { sleep } from './testing/sleep.js';
import { useVirtualTime } from './testing/virtual-time.js';

const SEED = 20261201;
const RUNS = 80;
/** The deadline fires from a timer: the call may end at most one tick (1 ms of fake time) after it. */
const TICK = 1;

type Kind = 'ok' | 'fail' | 'not-executed' | 'hang' | 'deaf' | 'reject';
interface Behaviour {
  kind: Kind;
  ms: number;
}

interface World {
  channels: string[];
  idempotent: boolean;
  /** Behaviour of each channel, try after try (cycled). */
  scripts: Behaviour[][];
  retry: RetryOptions | undefined;
  hedge: { afterMs: number; maxHedges: number } | undefined;
  timeoutMs: number | undefined;
  ctxTimeoutMs: (number | undefined)[];
  breakerTimeout: number | false;
  abortAt: (number | undefined)[];
}

const behaviourArb: fc.Arbitrary<Behaviour> = fc.record({
  kind: fc.constantFrom<Kind>('ok', 'fail', 'fail', 'not-executed', 'not-executed', 'hang', 'deaf', 'reject'),
  ms: fc.constantFrom(0, 0, 10, 150, 400, 1_200),
});

const worldArb: fc.Arbitrary<World> = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    idempotent: fc.boolean(),
    retry: fc.option(
      fc.record({
        maxRetries: fc.integer({ min: 0, max: 3 }),
        baseMs: fc.constantFrom(0, 50, 200),
        maxMs: fc.constantFrom(200, 1_000),
        jitter: fc.constantFrom('full' as const, 'decorrelated' as const, 'none' as const),
      }),
      { nil: undefined },
    ),
    hedge: fc.option(fc.record({ afterMs: fc.constantFrom(50, 200, 700), maxHedges: fc.integer({ min: 1, max: 3 }) }), {
      nil: undefined,
    }),
    timeoutMs: fc.option(fc.constantFrom(100, 500, 1_000, 3_000), { nil: undefined }),
    calls: fc.integer({ min: 1, max: 3 }),
    breakerTimeout: fc.constantFrom<number | false>(false, 300, 2_000),
  })
  .chain((w) =>
    fc.record({
      channels: fc.constant(Array.from({ length: w.n }, (_, i) => `c${i}`)),
      idempotent: fc.constant(w.idempotent),
      scripts: fc.array(fc.array(behaviourArb, { minLength: 1, maxLength: 4 }), { minLength: w.n, maxLength: w.n }),
      retry: fc.constant(w.retry),
      hedge: fc.constant(w.idempotent ? w.hedge : undefined),
      timeoutMs: fc.constant(w.timeoutMs),
      ctxTimeoutMs: fc.array(fc.option(fc.constantFrom(80, 600), { nil: undefined }), {
        minLength: w.calls,
        maxLength: w.calls,
      }),
      breakerTimeout: fc.constant(w.breakerTimeout),
      abortAt: fc.array(fc.option(fc.constantFrom(0, 30, 250, 900), { nil: undefined }), {
        minLength: w.calls,
        maxLength: w.calls,
      }),
    }),
  );

interface Run {
  key: string;
  kind: Kind;
  signal: AbortSignal;
  settled: boolean;
}

const refused = new Error('refused');

async function play(world: World) {
  const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const runs: Run[] = [];
  const tries = world.channels.map(() => 0);
  const handler = (i: number) => (_input: unknown, ctx: HandlerContext) => {
    const script = world.scripts[i] as Behaviour[];
    const n = tries[i] ?? 0;
    tries[i] = n + 1;
    const b = script[n % script.length] as Behaviour;
    const run: Run = { key: ctx.idempotencyKey, kind: b.kind, signal: ctx.signal, settled: false };
    runs.push(run);
    const end = (p: Promise<unknown>) =>
      p.finally(() => {
        run.settled = true;
      });
    const after = (ms: number) => (ms ? sleep(ms, ctx.signal) : Promise.resolve());
    switch (b.kind) {
      case 'ok':
        return end(after(b.ms).then(() => `ok-${i}`));
      case 'fail':
        return end(after(b.ms).then(() => Promise.reject(new Error('down'))));
      case 'not-executed':
        return end(after(b.ms).then(() => Promise.reject(new NotExecutedError())));
      case 'reject':
        return end(after(b.ms).then(() => Promise.reject(refused)));
      case 'hang':
        return end(sleep(3_600_000, ctx.signal));
      case 'deaf':
        // Never settles and ignores its signal: the router must still end the call, and abort it.
        return new Promise(() => {});
    }
  };
  const catalog = defineCatalog({
    channels: {
      ...Object.fromEntries(world.channels.map((c) => [c, { kind: 'digital' as const, label: c }])),
      phone: { kind: 'phone', label: 'phone', contact: { phone: '3639' } },
    },
    operations: {
      op: {
        label: 'Op',
        idempotent: world.idempotent,
        routes: [...world.channels.map((channel) => ({ channel })), { channel: 'phone' }],
      },
    },
  });
  const policy: OperationPolicy = {
    ...(world.hedge && { hedge: world.hedge }),
    ...(world.timeoutMs !== undefined && { timeoutMs: world.timeoutMs }),
  };
  const router = createRouter({
    catalog,
    clock: time.clock,
    breaker: { timeout: world.breakerTimeout, volumeThreshold: 2, resetTimeout: 5_000 },
    classify: (e) => (e === refused ? 'rejection' : undefined),
    handlers: { op: Object.fromEntries(world.channels.map((c, i) => [c, handler(i)])) },
    ...(world.retry && { retry: { ...world.retry, random: () => 0.5 } }),
    policies: { op: policy },
  });
  let outcomes = 0;
  router.on('served', () => outcomes++);
  router.on('referred', () => outcomes++);
  router.on('uncertain', () => outcomes++);
  let rejections = 0;
  const problems: string[] = [];
  const start = time.now();
  const aborts: ReturnType<typeof setTimeout>[] = [];
  const calls = world.ctxTimeoutMs.map((ctxTimeoutMs, n) => {
    const controller = new AbortController();
    const abortAt = world.abortAt[n];
    if (abortAt !== undefined) aborts.push(setTimeout(() => controller.abort(), abortAt));
    const key = `call-${n}`;
    const deadline = ctxTimeoutMs ?? world.timeoutMs;
    let settledAt: number | undefined;
    const check = () => {
      settledAt = time.now();
      if (deadline !== undefined && settledAt - start > deadline + TICK) {
        problems.push(`${key} ended ${settledAt - start} ms after it started, past its ${deadline} ms deadline`);
      }
      const mine = runs.filter((r) => r.key === key);
      for (const r of mine) if (!r.settled && !r.signal.aborted) problems.push(`${key}: a ${r.kind} run outlived it`);
      if (!world.idempotent) {
        const ran = mine.filter((r) => r.kind !== 'not-executed').length;
        if (ran > 1) problems.push(`${key}: a non-idempotent operation ran ${ran} times`);
      }
    };
    return router
      .execute(
        'op',
        {},
        { idempotencyKey: key, signal: controller.signal, ...(ctxTimeoutMs && { timeoutMs: ctxTimeoutMs }) },
      )
      .then(
        (outcome) => {
          check();
          return outcome;
        },
        (error: unknown) => {
          check();
          rejections++;
          if (error !== refused) problems.push(`${key} rejected with ${String(error)}`);
        },
      )
      .then(() => settledAt);
  });
  let settled = 0;
  for (const c of calls) void c.then(() => settled++);
  // Long enough for every breaker timeout, hedge and retry to play out; a deaf handler without
  // any deadline or timeout is the one call allowed to hang.
  for (let i = 0; i < 200 && settled < calls.length; i++) await time.advance(50);
  const hangable = world.breakerTimeout === false && world.timeoutMs === undefined;
  if (!hangable && settled < calls.length) problems.push(`${calls.length - settled} calls never ended`);
  if (settled === calls.length && outcomes + rejections !== calls.length) {
    problems.push(`${calls.length} calls, ${outcomes} outcomes and ${rejections} rejections`);
  }
  router.dispose();
  for (const a of aborts) clearTimeout(a);
  await time.advance(0);
  if (time.pendingTimers() > 0 && runs.every((r) => r.kind !== 'hang' || r.settled)) {
    problems.push(`${time.pendingTimers()} timers left after dispose`);
  }
  time.uninstall();
  return problems;
}

describe('policies are safe by construction (properties)', () => {
  it('a non-idempotent handler runs at most once per call; one outcome per call; no call outlives its deadline; no run outlives its call', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        expect(await play(world)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
