// biome-ignore-all lint/suspicious/noThenProperty: hostile thenables are what this suite is about
// The router's contract over hostile handlers (sync throws, throwing thenables, non-Error
// throws, hangs, re-entrant calls), callers that cancel, a dispose mid-flight, and catalogues
// whose ids are Object.prototype members. fast-check: seeded, in virtual time, bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyCatalog, parseCatalog } from '../catalog.js';
import { NotExecutedError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { createRouter, type Handler, type HandlerContext, type Router } from '../router.js';
import { useVirtualTime } from './virtual-time.js';

const SEED = 20261201;
const RUNS = 100;

const CHANNEL_IDS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'c0', 'c1'] as const;
const OPERATION_IDS = ['transfer', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable'] as const;

type Behaviour =
  | 'value'
  | 'async-value'
  | 'sync-throw'
  | 'reject'
  | 'then-throws'
  | 'then-getter-throws'
  | 'hang-until-signal'
  | 'never-settles'
  | 'reentrant'
  | 'not-executed';
const BEHAVIOURS: readonly Behaviour[] = [
  'value',
  'async-value',
  'sync-throw',
  'reject',
  'then-throws',
  'then-getter-throws',
  'hang-until-signal',
  'never-settles',
  'reentrant',
  'not-executed',
];
/** What gives the caller a value: only these may end in `served`. */
const SERVES = new Set<Behaviour>(['value', 'async-value', 'reentrant']);

/** Thrown values a careless backend client throws. */
const THROWN: readonly (() => unknown)[] = [
  () => null,
  () => undefined,
  () => 'plain string',
  () => 42,
  () => new Error('ECONNREFUSED core-7.internal'),
  () =>
    Object.defineProperties(
      {},
      {
        message: {
          get() {
            throw new Error('getter');
          },
          enumerable: true,
        },
        name: {
          get() {
            throw new Error('getter');
          },
        },
      },
    ),
];

interface World {
  catalog: AnyCatalog;
  /** op → channel → behaviour, for automated routes. */
  behaviours: Map<string, Map<string, { behaviour: Behaviour; thrown: number }>>;
  idempotent: Map<string, boolean>;
  breaker: { timeout: number | false; volumeThreshold: number; resetTimeout: number };
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    channels: fc.uniqueArray(fc.constantFrom(...CHANNEL_IDS), { minLength: 1, maxLength: 4 }),
    operations: fc.uniqueArray(fc.constantFrom(...OPERATION_IDS), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ channels, operations }) =>
    fc.record({
      channels: fc.constant(channels),
      ops: fc.tuple(
        ...operations.map((id) =>
          fc.record({
            id: fc.constant(id),
            idempotent: fc.boolean(),
            routes: fc.shuffledSubarray(channels, { minLength: 1 }),
            behaviours: fc.array(
              fc.option(fc.record({ behaviour: fc.constantFrom(...BEHAVIOURS), thrown: fc.nat(THROWN.length - 1) }), {
                nil: undefined,
              }),
              { minLength: channels.length, maxLength: channels.length },
            ),
          }),
        ),
      ),
      breaker: fc.record({
        timeout: fc.constantFrom<number | false>(false, 1_000, 5_000),
        volumeThreshold: fc.integer({ min: 1, max: 3 }),
        resetTimeout: fc.integer({ min: 1_000, max: 10_000 }),
      }),
    }),
  )
  .map(({ channels, ops, breaker }) => {
    // Object.fromEntries defines own properties whatever the id, as JSON.parse would.
    const catalog = parseCatalog({
      channels: Object.fromEntries(channels.map((id) => [id, { kind: 'digital', label: `Channel ${id}` }])),
      operations: Object.fromEntries(
        ops.map((op) => [
          op.id,
          { label: `Operation ${op.id}`, idempotent: op.idempotent, routes: op.routes.map((channel) => ({ channel })) },
        ]),
      ),
    });
    const behaviours = new Map<string, Map<string, { behaviour: Behaviour; thrown: number }>>();
    const idempotent = new Map<string, boolean>();
    for (const op of ops) {
      idempotent.set(op.id, op.idempotent);
      const map = new Map<string, { behaviour: Behaviour; thrown: number }>();
      op.routes.forEach((channel, i) => {
        const b = op.behaviours[i];
        if (b) map.set(channel, b);
      });
      behaviours.set(op.id, map);
    }
    return { catalog, behaviours, idempotent, breaker };
  });

type Step =
  | { do: 'call'; op: number; cancelAfterMs: number | undefined }
  | { do: 'advance'; ms: number }
  | { do: 'dispose' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      do: fc.constant('call' as const),
      op: fc.nat(3),
      cancelAfterMs: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ do: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ do: 'dispose' as const }) },
);

interface Run {
  key: string;
  op: string;
  channel: string;
  behaviour: Behaviour;
}

interface Observed {
  violations: string[];
  runs: Run[];
  pendingTimers: number;
}

const KNOWN_PROGRAMMER_ERRORS = new Set(['RouterDisposedError']);

async function simulate(world: World, steps: Step[]): Promise<Observed> {
  const obs: Observed = { violations: [], runs: [], pendingTimers: -1 };
  const time = useVirtualTime({ now: Date.parse('2026-01-05T10:00:00Z') });
  const operations = Object.keys(world.catalog.operations);
  let router: Router | undefined;
  const abortTimers: ReturnType<typeof setTimeout>[] = [];
  const calls: { key: string; op: string; settled: number; result?: Outcome; error?: unknown }[] = [];
  let inner = 0;

  const makeHandler =
    (op: string, channel: string, spec: { behaviour: Behaviour; thrown: number }): Handler =>
    (input: unknown, ctx: HandlerContext) => {
      obs.runs.push({ key: ctx.idempotencyKey, op, channel, behaviour: spec.behaviour });
      if (!Object.isFrozen(ctx)) obs.violations.push('handler context not frozen');
      const thrown = (THROWN[spec.thrown] as () => unknown)();
      switch (spec.behaviour) {
        case 'value':
          return `${op}@${channel}`;
        case 'async-value':
          return Promise.resolve(`${op}@${channel}`);
        case 'sync-throw':
          throw thrown;
        case 'reject':
          return Promise.reject(thrown);
        case 'then-throws':
          return {
            then() {
              throw thrown;
            },
          };
        case 'then-getter-throws':
          return Object.defineProperty({}, 'then', {
            get() {
              throw thrown;
            },
          });
        case 'hang-until-signal':
          return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        case 'never-settles':
          return { then() {} };
        case 'not-executed':
          throw new NotExecutedError('refused before doing anything');
        case 'reentrant': {
          const depth = (input as { depth?: number } | undefined)?.depth ?? 0;
          if (depth >= 2 || !router) return `${op}@${channel}`;
          const other = operations[(operations.indexOf(op) + 1) % operations.length] as string;
          const key = `inner-${++inner}`;
          return router.execute(other, { depth: depth + 1 }, { idempotencyKey: key }).then(
            (outcome) => {
              check(key, other, outcome);
              return `${op}@${channel}`;
            },
            (error: unknown) => {
              if (!KNOWN_PROGRAMMER_ERRORS.has((error as Error)?.name)) {
                obs.violations.push(`inner call rejected with ${String(error)}`);
              }
              return `${op}@${channel}`;
            },
          );
        }
      }
    };

  const check = (key: string, op: string, outcome: Outcome) => {
    if (!outcome || !['served', 'referred', 'uncertain'].includes(outcome.kind)) {
      obs.violations.push(`${key}: not an outcome`);
      return;
    }
    if (outcome.operation !== op) obs.violations.push(`${key}: outcome of ${outcome.operation}, not ${op}`);
    if (outcome.kind === 'served') {
      const ran = obs.runs.some((r) => r.key === key && r.channel === outcome.channel && SERVES.has(r.behaviour));
      if (!ran) obs.violations.push(`${key}: served by ${outcome.channel} though no handler there gave a value`);
    }
    if (JSON.stringify(outcome).includes('internal')) obs.violations.push(`${key}: internal text in the outcome`);
  };

  try {
    const handlers: Record<string, Record<string, Handler>> = Object.create(null);
    for (const [op, map] of world.behaviours) {
      for (const [channel, spec] of map) {
        handlers[op] ??= Object.create(null);
        Object.defineProperty(handlers[op], channel, {
          value: makeHandler(op, channel, spec),
          enumerable: true,
        });
      }
    }
    router = createRouter({
      catalog: world.catalog,
      handlers: handlers as never,
      breaker: world.breaker,
      clock: time.clock,
    }) as unknown as Router;
    const r = router;
    let n = 0;
    for (const step of steps) {
      if (step.do === 'advance') await time.advance(step.ms);
      else if (step.do === 'dispose') r.dispose();
      else {
        const op = operations[step.op % operations.length] as string;
        const key = `call-${++n}`;
        const controller = new AbortController();
        if (step.cancelAfterMs !== undefined) {
          abortTimers.push(setTimeout(() => controller.abort(), step.cancelAfterMs));
        }
        const record: (typeof calls)[number] = { key, op, settled: 0 };
        calls.push(record);
        let promise: Promise<Outcome>;
        try {
          promise = r.execute(op, {}, { idempotencyKey: key, signal: controller.signal });
        } catch (error) {
          obs.violations.push(`${key}: execute threw synchronously: ${String(error)}`);
          continue;
        }
        promise.then(
          (outcome) => {
            record.settled++;
            record.result = outcome;
            check(key, op, outcome);
          },
          (error: unknown) => {
            record.settled++;
            record.error = error;
            if (!KNOWN_PROGRAMMER_ERRORS.has((error as Error)?.name)) {
              obs.violations.push(`${key}: rejected with ${String((error as Error)?.name ?? error)}`);
            }
          },
        );
      }
    }
    // Dispose mid-flight, if the steps did not: every call still in flight ends as an outcome.
    r.dispose();
    await time.advance(0);
    for (const call of calls) {
      if (call.settled !== 1) obs.violations.push(`${call.key}: settled ${call.settled} times`);
    }
    for (const [key, count] of countRuns(obs.runs, world)) {
      if (count > 1) obs.violations.push(`${key}: non-idempotent handler ran ${count} times`);
    }
    for (const t of abortTimers) clearTimeout(t);
    obs.pendingTimers = time.pendingTimers();
  } finally {
    router?.dispose();
    time.uninstall();
  }
  return obs;
}

/** Runs per call of non-idempotent operations that may have happened (not a NotExecutedError). */
function countRuns(runs: readonly Run[], world: World): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of runs) {
    if (world.idempotent.get(r.op) || r.behaviour === 'not-executed') continue;
    counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  }
  return counts;
}

describe('hostile handlers, cancelling callers and prototype-named ids (property)', () => {
  it('exactly one outcome per call, non-idempotent work at most once, served only by a handler that gave a value, no timer after dispose', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (world, steps) => {
        const obs = await simulate(world, steps);
        expect(obs.violations).toEqual([]);
        expect(obs.pendingTimers).toBe(0);
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 60_000 },
    );
  });

  it('a referral-only route on a prototype-named channel is never served', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CHANNEL_IDS),
        fc.constantFrom(...OPERATION_IDS),
        fc.boolean(),
        async (channel, operation, idempotent) => {
          const catalog = parseCatalog({
            channels: Object.fromEntries([[channel, { kind: 'phone', label: 'phone' }]]),
            operations: Object.fromEntries([[operation, { label: 'op', idempotent, routes: [{ channel }] }]]),
          });
          const router = createRouter({ catalog, handlers: {} }) as unknown as Router;
          try {
            const outcome = await router.execute(operation, {});
            expect(outcome).toMatchObject({ kind: 'referred', code: 'manual' });
          } finally {
            router.dispose();
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
