// The bulkhead's contract as properties (fast-check, seeded, in virtual time): random handlers
// (sync or async, answering, failing, throwing, hanging until a timeout or an abort), random
// limits and queues, breakers that open and half-open (trials through opossum's `fire`).
// Whatever happens: no slot ever has more than `maxConcurrent` handlers running, every call ends
// in one outcome, nothing is left running, and afterwards each slot admits exactly
// `maxConcurrent` calls again (a slot released twice, or never, shows there).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCatalog } from './catalog.js';
import type { HandlerContext } from './handlers.js';
import type { Outcome } from './outcome.js';
import { createRouter } from './router.js';
import { useVirtualTime, type VirtualTime } from './testing/virtual-time.js';

const SEED = 20261201;
const RUNS = 120;

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
  },
});
const CHANNELS = ['app', 'web'] as const;
type Automated = (typeof CHANNELS)[number];
const SCOPES = [undefined, 'paris'] as const;

type Behaviour =
  | { kind: 'value' }
  | { kind: 'throw' }
  | { kind: 'resolve'; ms: number }
  | { kind: 'reject'; ms: number }
  | { kind: 'hang' };

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant<Behaviour>({ kind: 'value' }),
  fc.constant<Behaviour>({ kind: 'throw' }),
  fc.integer({ min: 0, max: 1_500 }).map<Behaviour>((ms) => ({ kind: 'resolve', ms })),
  fc.integer({ min: 0, max: 1_500 }).map<Behaviour>((ms) => ({ kind: 'reject', ms })),
  fc.constant<Behaviour>({ kind: 'hang' }),
);

interface CallStep {
  app: Behaviour;
  web: Behaviour;
  scope: number;
  exclude: number | undefined;
  abortAfter: number | undefined;
  /** Virtual ms before the next call. */
  gap: number;
}

const callArb: fc.Arbitrary<CallStep> = fc.record({
  app: behaviourArb,
  web: behaviourArb,
  scope: fc.nat(1),
  exclude: fc.option(fc.nat(1), { nil: undefined }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined }),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 800 })),
});

const worldArb = fc.record({
  maxConcurrent: fc.integer({ min: 1, max: 4 }),
  maxQueued: fc.integer({ min: 0, max: 4 }),
  timeout: fc.option(fc.integer({ min: 200, max: 2_000 }), { nil: undefined }),
  end: fc.constantFrom('abort' as const, 'dispose' as const),
  calls: fc.array(callArb, { minLength: 1, maxLength: 30 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

const slotKey = (channel: string, scope: string | undefined) => `${channel}@${scope ?? ''}`;

async function simulate(world: World): Promise<string[]> {
  const violations: string[] = [];
  const time: VirtualTime = useVirtualTime({ now: '2026-01-05T10:00:00Z' });
  try {
    /** Handlers running per slot, as they see it: from their start until they settle or their signal aborts. */
    const running = new Map<string, number>();
    let mode: 'storm' | 'ok' | 'hang' = 'storm';
    const started: string[] = [];
    const handler = (channel: 'app' | 'web') => (input: unknown, ctx: HandlerContext) => {
      const key = slotKey(channel, ctx.scope);
      const now = (running.get(key) ?? 0) + 1;
      running.set(key, now);
      started.push(`${key}#${String(input)}`);
      if (now > world.maxConcurrent) violations.push(`${now} running on ${key} (max ${world.maxConcurrent})`);
      let over = false;
      const end = () => {
        if (over) return;
        over = true;
        running.set(key, (running.get(key) ?? 0) - 1);
      };
      const signal = ctx.signal;
      signal.addEventListener('abort', end, { once: true });
      const behaviour: Behaviour =
        mode === 'ok'
          ? { kind: 'value' }
          : mode === 'hang'
            ? { kind: 'hang' }
            : (world.calls[input as number] as CallStep)[channel];
      switch (behaviour.kind) {
        case 'value':
          end();
          return channel;
        case 'throw':
          end();
          throw new Error('sync throw');
        case 'hang':
          return new Promise(() => {});
        default:
          return new Promise((resolve, reject) =>
            setTimeout(() => {
              end();
              if (behaviour.kind === 'resolve') resolve(channel);
              else reject(new Error('async failure'));
            }, behaviour.ms),
          );
      }
    };
    const router = createRouter({
      catalog,
      clock: time.clock,
      breaker: {
        maxConcurrent: world.maxConcurrent,
        maxQueued: world.maxQueued,
        timeout: world.timeout ?? false,
        // Breakers that open at the first failure and half-open soon: trials go through opossum's fire.
        volumeThreshold: 1,
        consecutiveFailures: 1,
        resetTimeout: 1_000,
      },
      handlers: { balance: { app: handler('app'), web: handler('web') } },
    });
    let ended = 0;
    for (const e of ['served', 'referred', 'uncertain'] as const) router.on(e, () => ended++);

    const controllers: AbortController[] = [];
    const outcomes: Promise<Outcome>[] = [];
    for (const [i, step] of world.calls.entries()) {
      const abort = new AbortController();
      controllers.push(abort);
      if (step.abortAfter !== undefined) setTimeout(() => abort.abort(), step.abortAfter);
      const scope = SCOPES[step.scope];
      outcomes.push(
        router.execute('balance', i, {
          signal: abort.signal,
          ...(scope === undefined ? {} : { scope }),
          ...(step.exclude === undefined ? {} : { exclude: [CHANNELS[step.exclude] as Automated] }),
        }),
      );
      if (step.gap) await time.advance(step.gap);
    }
    if (world.end === 'dispose') router.dispose();
    else for (const c of controllers) c.abort();
    const settled = await time.settle(Promise.allSettled(outcomes), { limitMs: 60_000 });
    const rejected = settled.filter((s) => s.status === 'rejected');
    if (rejected.length) violations.push(`${rejected.length} calls rejected`);
    await time.advance(0);
    // dispose() drops the listeners: a trial that opossum settles after it is told to nobody.
    if (world.end === 'abort' && ended !== world.calls.length)
      violations.push(`${ended} outcome events for ${world.calls.length} calls`);
    for (const [key, n] of running) if (n !== 0) violations.push(`${n} still running on ${key}`);
    if (world.end === 'dispose' || violations.length) return violations;

    // Afterwards: breakers closed again by a trial each, then each slot takes exactly maxConcurrent.
    mode = 'ok';
    await time.advance(1_000);
    for (const scope of SCOPES) {
      for (const channel of CHANNELS) {
        const other: Automated = channel === 'app' ? 'web' : 'app';
        await router.execute('balance', 'trial', { exclude: [other], ...(scope ? { scope } : {}) });
      }
    }
    mode = 'hang';
    const last = new AbortController();
    const tail: Promise<Outcome>[] = [];
    for (const scope of SCOPES) {
      for (const channel of CHANNELS) {
        const other: Automated = channel === 'app' ? 'web' : 'app';
        const key = slotKey(channel, scope);
        const before = started.length;
        const ctx = { exclude: [other], signal: last.signal, ...(scope ? { scope } : {}) };
        for (let k = 0; k < world.maxConcurrent + world.maxQueued; k++)
          tail.push(router.execute('balance', 'after', ctx));
        const ran = started.slice(before).filter((s) => s.startsWith(key)).length;
        if (ran !== world.maxConcurrent)
          violations.push(`${ran} admitted on ${key} afterwards, not ${world.maxConcurrent}`);
        const over = await router.execute('balance', 'over', ctx);
        const skip = over.attempts.find((a) => a.channel === channel);
        if (!(skip?.result === 'skipped' && skip.why === 'busy')) {
          violations.push(`one past the queue on ${key}: ${JSON.stringify(over.attempts)}`);
        }
      }
    }
    last.abort();
    await time.settle(Promise.all(tail), { limitMs: 60_000 });
    await time.advance(0);
    for (const [key, n] of running) if (n !== 0) violations.push(`${n} still running on ${key} at the end`);
    router.dispose();
    return violations;
  } finally {
    time.uninstall();
  }
}

describe('bulkhead properties', () => {
  it('never more than maxConcurrent running per slot; every call one outcome; every slot released exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        expect(await simulate(world)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
