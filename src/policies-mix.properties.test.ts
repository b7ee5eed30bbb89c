// Every policy at once, as properties (fast-check, seeded, virtual time): retry, hedge and
// deadline with a bulkhead (`breaker.maxConcurrent`/`maxQueued`), several calls sharing the
// slots, handlers that answer, fail, throw synchronously, say NotExecutedError with or without
// a Retry-After, hang, or resolve late deaf to their signal, and a caller's abort or dispose()
// at random instants. Whatever happens: one outcome per call; a non-idempotent handler runs at
// most once per call unless the earlier run certainly did not happen; one idempotency key per
// call; no retry before the Retry-After asked for; no call outlives its deadline by more than a
// tick; no run outlives its call with its signal live; a late answer is never the outcome; no
// timer left once the router is disposed.

import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { otelSdk } from '../test/helpers/otel.js';
import { defineCatalog } from './catalog.js';
import { NotExecutedError } from './errors.js';
import type { HandlerContext } from './handlers.js';
import { instrument } from './otel/index.js';
import type { OperationPolicy, RetryOptions } from './policy-options.js';
import { createRouter } from './router.js';
import { sleep } from './testing/sleep.js';
import { useVirtualTime } from './testing/virtual-time.js';

const SEED = Number(process.env.ATK_SEED ?? 20261202);
const RUNS = Number(process.env.ATK_RUNS ?? 150);
const TICK = 1;

type Kind = 'ok' | 'fail' | 'throw' | 'not-executed' | 'retry-after' | 'hang' | 'late' | 'reject';
interface Behaviour {
  kind: Kind;
  ms: number;
}

interface World {
  channels: string[];
  idempotent: boolean;
  scripts: Behaviour[][];
  retry: RetryOptions | undefined;
  hedge: { afterMs: number; maxHedges: number } | undefined;
  timeoutMs: number | undefined;
  maxConcurrent: number;
  maxQueued: number;
  breakerTimeout: number | false;
  starts: number[];
  ctxTimeoutMs: (number | undefined)[];
  abortAt: (number | undefined)[];
  /** A call that leaves out the first route holds the second's slot while others start on the first. */
  excludeFirst: boolean[];
  disposeAt: number | undefined;
}

const behaviourArb: fc.Arbitrary<Behaviour> = fc.record({
  kind: fc.constantFrom<Kind>('ok', 'fail', 'throw', 'not-executed', 'retry-after', 'hang', 'late', 'reject'),
  ms: fc.constantFrom(0, 10, 60, 150, 400),
});

const worldArb: fc.Arbitrary<World> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    idempotent: fc.boolean(),
    retry: fc.option(
      fc.record({
        maxRetries: fc.integer({ min: 1, max: 3 }),
        baseMs: fc.constantFrom(0, 20, 100),
        maxMs: fc.constantFrom(100, 300),
        jitter: fc.constantFrom('full' as const, 'decorrelated' as const, 'none' as const),
      }),
      { nil: undefined },
    ),
    hedge: fc.option(fc.record({ afterMs: fc.constantFrom(5, 30, 120), maxHedges: fc.integer({ min: 1, max: 2 }) }), {
      nil: undefined,
    }),
    timeoutMs: fc.option(fc.constantFrom(100, 350, 800), { nil: undefined }),
    calls: fc.integer({ min: 1, max: 5 }),
    maxConcurrent: fc.integer({ min: 1, max: 2 }),
    maxQueued: fc.integer({ min: 0, max: 3 }),
    breakerTimeout: fc.constantFrom<number | false>(false, 250),
    disposeAt: fc.option(fc.constantFrom(40, 200, 600), { nil: undefined, freq: 4 }),
  })
  .chain((w) =>
    fc.record({
      channels: fc.constant(Array.from({ length: w.n }, (_, i) => `c${i}`)),
      idempotent: fc.constant(w.idempotent),
      scripts: fc.array(fc.array(behaviourArb, { minLength: 1, maxLength: 4 }), { minLength: w.n, maxLength: w.n }),
      retry: fc.constant(w.retry),
      hedge: fc.constant(w.idempotent ? w.hedge : undefined),
      timeoutMs: fc.constant(w.timeoutMs),
      maxConcurrent: fc.constant(w.maxConcurrent),
      maxQueued: fc.constant(w.maxQueued),
      breakerTimeout: fc.constant(w.breakerTimeout),
      starts: fc.array(fc.constantFrom(0, 0, 20, 70), { minLength: w.calls, maxLength: w.calls }),
      ctxTimeoutMs: fc.array(fc.option(fc.constantFrom(50, 300), { nil: undefined, freq: 3 }), {
        minLength: w.calls,
        maxLength: w.calls,
      }),
      abortAt: fc.array(fc.option(fc.constantFrom(0, 15, 90, 260), { nil: undefined, freq: 3 }), {
        minLength: w.calls,
        maxLength: w.calls,
      }),
      excludeFirst: fc.array(fc.boolean(), { minLength: w.calls, maxLength: w.calls }),
      disposeAt: fc.constant(w.disposeAt),
    }),
  );

interface Run {
  key: string;
  channel: number;
  kind: Kind;
  at: number;
  /** When this run said not-executed with a Retry-After: no run of its call on its route before. */
  notBefore: number | undefined;
  signal: AbortSignal;
  settled: boolean;
  /** Its signal was aborted before it answered: the router cannot know whether it happened. */
  cut: boolean;
}

const refused = new Error('refused');

async function play(world: World): Promise<string[]> {
  const time = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  const t0 = time.now();
  const runs: Run[] = [];
  const problems: string[] = [];
  const tries = world.channels.map(() => 0);
  const handler = (i: number) => (_input: unknown, ctx: HandlerContext) => {
    const script = world.scripts[i] as Behaviour[];
    const n = tries[i] ?? 0;
    tries[i] = n + 1;
    const b = script[n % script.length] as Behaviour;
    const now = time.now() - t0;
    const key = ctx.idempotencyKey;
    for (const r of runs) {
      if (r.key === key && r.channel === i && r.notBefore !== undefined && now < r.notBefore) {
        problems.push(`${key}: c${i} ran again at ${now}, before the ${r.notBefore} its backend asked for`);
      }
    }
    const run: Run = {
      key,
      channel: i,
      kind: b.kind,
      at: now,
      notBefore: undefined,
      signal: ctx.signal,
      settled: false,
      cut: false,
    };
    runs.push(run);
    const end = (p: Promise<unknown>) =>
      p.finally(() => {
        run.cut = ctx.signal.aborted;
        run.settled = true;
      });
    const after = (ms: number) => (ms ? sleep(ms, ctx.signal) : Promise.resolve());
    switch (b.kind) {
      case 'ok':
        return end(after(b.ms).then(() => `ok-${i}`));
      case 'fail':
        return end(after(b.ms).then(() => Promise.reject(new Error('down'))));
      case 'throw':
        run.settled = true;
        throw new Error('sync');
      case 'not-executed':
        return end(after(b.ms).then(() => Promise.reject(new NotExecutedError())));
      case 'retry-after':
        return end(
          after(b.ms).then(() => {
            run.notBefore = time.now() - t0 + 40;
            return Promise.reject(new NotExecutedError('later', { retryAfterMs: 40 }));
          }),
        );
      case 'reject':
        return end(after(b.ms).then(() => Promise.reject(refused)));
      case 'hang':
        return end(sleep(3_600_000, ctx.signal));
      case 'late':
        // Deaf to its signal, answers long after: never the outcome once its call is over.
        return end(new Promise((resolve) => setTimeout(resolve, 500 + b.ms, `late-${i}`)));
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
    breaker: {
      timeout: world.breakerTimeout,
      volumeThreshold: 2,
      resetTimeout: 300,
      maxConcurrent: world.maxConcurrent,
      maxQueued: world.maxQueued,
    },
    classify: (e) => (e === refused ? 'rejection' : undefined),
    handlers: { op: Object.fromEntries(world.channels.map((c, i) => [c, handler(i)])) },
    ...(world.retry && { retry: { ...world.retry, random: () => 0.5 } }),
    policies: { op: policy },
  });
  // Every attempt span started is ended, hedge losers and runs the deadline cut short included.
  const open = new Set<Span>();
  let attemptSpans = 0;
  const watch: SpanProcessor = {
    onStart(span) {
      if ((span as unknown as ReadableSpan).name.startsWith('secours.attempt')) {
        open.add(span);
        attemptSpans++;
      }
    },
    onEnd(span) {
      open.delete(span as unknown as Span);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const sdk = otelSdk([watch]);
  instrument(router, { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider });
  let outcomes = 0;
  router.on('served', () => outcomes++);
  router.on('referred', () => outcomes++);
  router.on('uncertain', () => outcomes++);
  let rejections = 0;
  let settled = 0;
  const timers: ReturnType<typeof setTimeout>[] = [];
  if (world.disposeAt !== undefined) timers.push(setTimeout(() => router.dispose(), world.disposeAt));
  world.starts.forEach((startAt, n) => {
    const fire = () => {
      const controller = new AbortController();
      const abortAt = world.abortAt[n];
      if (abortAt !== undefined) timers.push(setTimeout(() => controller.abort(), abortAt));
      const ctxTimeoutMs = world.ctxTimeoutMs[n];
      const key = `call-${n}`;
      const deadline = ctxTimeoutMs ?? world.timeoutMs;
      const start = time.now();
      const check = (outcome: { kind: string; channel?: string; value?: unknown } | undefined) => {
        const elapsed = time.now() - start;
        if (deadline !== undefined && elapsed > deadline + TICK) {
          problems.push(`${key} ended ${elapsed} ms after it started, past its ${deadline} ms deadline`);
        }
        const mine = runs.filter((r) => r.key === key);
        for (const r of mine) if (!r.settled && !r.signal.aborted) problems.push(`${key}: a ${r.kind} run outlived it`);
        if (!world.idempotent) {
          const ran = mine.filter((r) => r.kind !== 'not-executed' && r.kind !== 'retry-after').length;
          if (ran > 1) problems.push(`${key}: a non-idempotent operation ran ${ran} times`);
          // A run that may have happened makes the outcome uncertain; only certain non-runs may refer.
          const certain = (r: Run) => (r.kind === 'not-executed' || r.kind === 'retry-after') && r.settled && !r.cut;
          const maybe = mine.filter((r) => !certain(r)).length;
          if (outcome?.kind === 'referred' && maybe > 0)
            problems.push(`${key}: referred after a run that may have happened`);
          if (outcome?.kind === 'uncertain' && maybe === 0)
            problems.push(`${key}: uncertain though nothing may have run`);
        }
        if (outcome?.kind === 'served' && typeof outcome.value === 'string' && outcome.value.startsWith('late')) {
          const winner = mine.find(
            (r) => r.kind === 'late' && `late-${r.channel}` === outcome.value && r.signal.aborted,
          );
          if (winner) problems.push(`${key}: served by a late answer after its run was stopped`);
        }
      };
      let p: Promise<unknown>;
      try {
        p = router.execute(
          'op',
          {},
          {
            idempotencyKey: key,
            signal: controller.signal,
            ...(ctxTimeoutMs && { timeoutMs: ctxTimeoutMs }),
            // The catalogue's channels are made at run time: its type knows only `phone`.
            ...(world.excludeFirst[n] && { exclude: ['c0'] as unknown as ['phone'] }),
          },
        );
      } catch (error) {
        problems.push(`${key}: execute threw ${String(error)}`);
        return;
      }
      p.then(
        (outcome) => check(outcome as { kind: string }),
        (error: unknown) => {
          check(undefined);
          rejections++;
          if (error !== refused && (error as Error).name !== 'RouterDisposedError') {
            problems.push(`${key} rejected with ${String(error)}`);
          }
        },
      ).finally(() => settled++);
    };
    timers.push(setTimeout(fire, startAt));
  });
  for (let i = 0; i < 100 && settled < world.starts.length; i++) await time.advance(25);
  const hangable = world.breakerTimeout === false && world.timeoutMs === undefined && world.disposeAt === undefined;
  if (!hangable && settled < world.starts.length) problems.push(`${world.starts.length - settled} calls never ended`);
  // dispose() lets go of the listeners: before it, each outcome is told once.
  if (
    world.disposeAt === undefined &&
    settled === world.starts.length &&
    outcomes + rejections !== world.starts.length
  ) {
    problems.push(`${world.starts.length} calls, ${outcomes} outcomes and ${rejections} rejections`);
  }
  if (outcomes + rejections > world.starts.length)
    problems.push(`${outcomes} outcomes told for ${world.starts.length} calls`);
  if (settled === world.starts.length) {
    if (open.size > 0) problems.push(`${open.size} attempt spans never ended`);
    if (attemptSpans !== runs.length) problems.push(`${attemptSpans} attempt spans for ${runs.length} runs`);
  }
  router.dispose();
  for (const t of timers) clearTimeout(t);
  await time.advance(2_000);
  if (time.pendingTimers() > 0) problems.push(`${time.pendingTimers()} timers left after dispose`);
  time.uninstall();
  await sdk.shutdown();
  return problems;
}

describe('retry, hedge, deadline and a bulkhead together (properties)', () => {
  it('one outcome per call, at most once, Retry-After kept, deadline kept, nothing left running', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        expect(await play(world)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
