// The router's contract as properties over random catalogues, handler behaviours and timelines
// (fast-check: seeded, shrinking to a minimal case). Every run is in virtual time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Alternative, type AnyCatalog, defineCatalog, isNotExecutedError, type Outcome } from '../index.js';
import { createRouter, type Handler, type HandlerContext } from '../router.js';
import type { Snapshot } from '../snapshot.js';
import { type Behaviour, createChaos } from './chaos.js';
import { sleep } from './sleep.js';
import { useVirtualTime } from './virtual-time.js';

const SEED = 20260405;
const RUNS = 100;

const SYSTEMS = ['s1', 's2'] as const;
const HOURS = {
  timeZone: 'Europe/Paris',
  weekly: { mon: ['09:00-17:00'], tue: ['09:00-12:00', '14:00-17:00'], sat: ['10:00-12:00'] },
};

interface World {
  catalog: AnyCatalog;
  automated: Set<string>;
  latency: number;
  breaker: { timeout: number; volumeThreshold: number; resetTimeout: number; errorThresholdPercentage: number };
  start: number;
}

const worldArb: fc.Arbitrary<World> = fc.integer({ min: 2, max: 5 }).chain((nChannels) => {
  const channels = Array.from({ length: nChannels }, (_, i) => `c${i}`);
  const channelArb = fc.record({
    kind: fc.constantFrom('digital', 'self-service', 'phone', 'in-person'),
    hours: fc.constantFrom(false, false, true),
    dependsOn: fc.subarray([...SYSTEMS]),
  });
  const routeArb = (ch: string) =>
    fc.record({ channel: fc.constant(ch), max: fc.option(fc.constantFrom(50, 200), { nil: undefined }) });
  const opArb = fc
    .shuffledSubarray(channels, { minLength: 1 })
    .chain((chs) => fc.tuple(fc.tuple(...chs.map(routeArb)), fc.boolean()));
  return fc
    .record({
      channelDefs: fc.tuple(...channels.map(() => channelArb)),
      ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
      automated: fc.subarray(channels, { minLength: Math.min(2, nChannels) }),
      latency: fc.integer({ min: 0, max: 2_000 }),
      breaker: fc.record({
        timeout: fc.integer({ min: 500, max: 5_000 }),
        volumeThreshold: fc.integer({ min: 1, max: 3 }),
        resetTimeout: fc.integer({ min: 1_000, max: 60_000 }),
        errorThresholdPercentage: fc.constantFrom(1, 50),
      }),
      // Any instant of a week in January 2026, so opening hours sometimes close routes.
      start: fc.integer({ min: Date.parse('2026-01-05T00:00:00Z'), max: Date.parse('2026-01-12T00:00:00Z') }),
    })
    .map(({ channelDefs, ops, automated, latency, breaker, start }) => {
      const catalog = defineCatalog({
        channels: Object.fromEntries(
          channelDefs.map((c, i) => [
            `c${i}`,
            {
              kind: c.kind,
              label: `Channel ${i}`,
              ...(c.hours ? { hours: HOURS } : {}),
              ...(c.dependsOn.length ? { dependsOn: c.dependsOn } : {}),
            },
          ]),
        ),
        operations: Object.fromEntries(
          ops.map(([routes, idempotent], i) => [
            `o${i}`,
            {
              label: `Operation ${i}`,
              idempotent,
              routes: routes.map((r) =>
                r.max === undefined ? { channel: r.channel } : { channel: r.channel, limits: { maxAmount: r.max } },
              ),
            },
          ]),
        ),
      } as never) as AnyCatalog;
      return { catalog, automated: new Set(automated), latency, breaker, start };
    });
});

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant<Behaviour>({ kind: 'up' }),
  fc.constant<Behaviour>({ kind: 'down' }),
  fc.integer({ min: 0, max: 8_000 }).map<Behaviour>((ms) => ({ kind: 'slow', ms })),
  fc.constantFrom(0.2, 0.5, 0.9).map<Behaviour>((rate) => ({ kind: 'flaky', rate })),
  fc.constant<Behaviour>({ kind: 'hang' }),
  fc.constant<Behaviour>({ kind: 'fail' }),
  fc.integer({ min: 0, max: 1_000 }).map<Behaviour>((ms) => ({ kind: 'not-executed', ms })),
);

type Step =
  | { do: 'chaos'; channel: number; behaviour: Behaviour }
  | { do: 'call'; op: number; exclude: number[]; amount: number | undefined }
  | {
      do: 'declare';
      channels: number[];
      systems: string[];
      ops: number[];
      forMs: number | undefined;
      maintenance: boolean;
    }
  | { do: 'end'; which: number }
  | { do: 'advance'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ do: fc.constant('chaos' as const), channel: fc.nat(4), behaviour: behaviourArb }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      do: fc.constant('call' as const),
      op: fc.nat(2),
      exclude: fc.uniqueArray(fc.nat(4), { maxLength: 2 }),
      amount: fc.option(fc.constantFrom(10, 100, 500), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('declare' as const),
      channels: fc.uniqueArray(fc.nat(4), { maxLength: 2 }),
      systems: fc.subarray([...SYSTEMS]),
      ops: fc.uniqueArray(fc.nat(2), { maxLength: 1 }),
      forMs: fc.option(fc.integer({ min: 1_000, max: 3_600_000 }), { nil: undefined }),
      maintenance: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('end' as const), which: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({ do: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 120_000 }) }),
  },
);

interface Observed {
  outcomes: {
    key: string;
    op: string;
    exclude: string[];
    amount: number | undefined;
    outcome: Outcome;
    available: readonly string[];
  }[];
  /** Handler runs that may have executed (anything but a not-executed answer), per call. */
  mayHaveRun: Map<string, number>;
  /** Outcome events per call. */
  events: Map<string, number>;
  violations: string[];
  pendingAfterDispose: number;
}

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);

async function simulate(world: World, steps: Step[], seed: number): Promise<Observed> {
  const { catalog } = world;
  const channels = Object.keys(catalog.channels);
  const operations = Object.keys(catalog.operations);
  const obs: Observed = {
    outcomes: [],
    mayHaveRun: new Map(),
    events: new Map(),
    violations: [],
    pendingAfterDispose: -1,
  };
  const time = useVirtualTime({ now: world.start });
  try {
    const chaos = createChaos(catalog, { seed });
    const handlers: Record<string, Record<string, Handler>> = {};
    for (const op of operations) {
      for (const route of (catalog.operations[op] as { routes: readonly { channel: string }[] }).routes) {
        if (!world.automated.has(route.channel)) continue;
        handlers[op] ??= {};
        (handlers[op] as Record<string, Handler>)[route.channel] = async (_input: unknown, ctx: HandlerContext) => {
          await sleep(world.latency, ctx.signal);
          return route.channel;
        };
      }
    }
    // Outside the chaos wrapper: counts what the backend may have done, whatever chaos injected:
    // every run except one that answered "not executed".
    const wrapped = chaos.wrap(handlers as never) as Record<string, Record<string, Handler>>;
    const ran = (key: string) => obs.mayHaveRun.set(key, (obs.mayHaveRun.get(key) ?? 0) + 1);
    for (const map of Object.values(wrapped)) {
      for (const [ch, inner] of Object.entries(map)) {
        map[ch] = async (input: unknown, ctx: HandlerContext) => {
          try {
            const value = await inner(input, ctx);
            ran(ctx.idempotencyKey);
            return value;
          } catch (error) {
            if (!isNotExecutedError(error)) ran(ctx.idempotencyKey);
            throw error;
          }
        };
      }
    }
    const router = createRouter({ catalog, clock: time.clock, breaker: world.breaker, handlers: wrapped });
    let current = '';
    for (const e of ['served', 'referred', 'uncertain'] as const) {
      router.on(e, () => obs.events.set(current, (obs.events.get(current) ?? 0) + 1));
    }

    // Independent model of what is down: the breakers' announced states and the declared outages.
    const breakerState = new Map<string, string>();
    router.on('breaker', (e) => breakerState.set(`${e.operation}/${e.channel}`, e.state));
    const declared: {
      id: string;
      channels: Set<string>;
      ops: string[];
      from: number;
      until: number;
      ended: boolean;
    }[] = [];
    const systemsOf = (ch: string) => (catalog.channels[ch] as { dependsOn?: readonly string[] }).dependsOn ?? [];

    let last: Snapshot = router.getSnapshot();
    const seen: Snapshot[] = [last];
    router.subscribe(() => seen.push(router.getSnapshot()));
    const check = (where: string) => {
      const snap = router.getSnapshot();
      if (router.getSnapshot() !== snap) obs.violations.push(`${where}: getSnapshot changed with nothing in between`);
      seen.push(snap);
      const now = time.now();
      for (const op of operations) {
        const routes = (catalog.operations[op] as { routes: readonly { channel: string }[] }).routes;
        const expected = routes
          .filter((r) => {
            const b = breakerState.get(`${op}/${r.channel}`);
            // Half-open is not down: offered, its trial the next call.
            const byBreaker = b === 'open';
            const byOutage = declared.some(
              (o) =>
                !o.ended &&
                o.from <= now &&
                now < o.until &&
                (o.channels.size === 0 || o.channels.has(r.channel)) &&
                (o.ops.length === 0 || o.ops.includes(op)),
            );
            return !byBreaker && !byOutage;
          })
          .map((r) => r.channel);
        const actual = (snap.operations as Record<string, { available: readonly string[] }>)[op]?.available;
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          obs.violations.push(
            `${where}: ${op} available ${JSON.stringify(actual)}, model says ${JSON.stringify(expected)}`,
          );
        }
      }
      last = snap;
    };

    let n = 0;
    for (const step of steps) {
      if (step.do === 'chaos') {
        const ch = pick(channels, step.channel) as string;
        chaos.set(ch, step.behaviour);
      } else if (step.do === 'advance') {
        await time.advance(step.ms);
      } else if (step.do === 'declare') {
        const chs = [...new Set(step.channels.map((i) => pick(channels, i) as string))];
        const ops = [...new Set(step.ops.map((i) => pick(operations, i) as string))];
        const known = new Set(channels.flatMap(systemsOf));
        const systems = step.systems.filter((x) => known.has(x));
        if (chs.length === 0 && systems.length === 0 && ops.length === 0) continue;
        const id = `o-${declared.length}`;
        const until = step.forMs === undefined ? undefined : time.now() + step.forMs;
        router.declareOutage({
          id,
          reason: 'down',
          ...(chs.length ? { channels: chs } : {}),
          ...(systems.length ? { systems } : {}),
          ...(ops.length ? { operations: ops } : {}),
          kind: step.maintenance ? 'maintenance' : 'outage',
          ...(until === undefined ? {} : { until }),
        });
        const covered = new Set(chs);
        for (const ch of channels) if (systemsOf(ch).some((s) => systems.includes(s))) covered.add(ch);
        declared.push({
          id,
          channels: covered,
          ops,
          from: time.now(),
          until: until ?? Number.POSITIVE_INFINITY,
          ended: false,
        });
      } else if (step.do === 'end') {
        const o = pick(declared, step.which);
        if (o) {
          router.endOutage(o.id);
          o.ended = true;
        }
      } else {
        const op = pick(operations, step.op) as string;
        const exclude = [...new Set(step.exclude.map((i) => pick(channels, i) as string))];
        current = `call-${++n}`;
        let outcome: Outcome;
        try {
          outcome = await time.settle(
            (router.execute as (o: string, i: unknown, c: object) => Promise<Outcome>)(
              op,
              {},
              {
                idempotencyKey: current,
                exclude,
                ...(step.amount === undefined ? {} : { amount: step.amount }),
              },
            ),
          );
        } catch (error) {
          obs.violations.push(`${current}: execute threw ${String(error)}`);
          continue;
        }
        const available =
          (router.getSnapshot().operations as Record<string, { available: readonly string[] }>)[op]?.available ?? [];
        obs.outcomes.push({ key: current, op, exclude, amount: step.amount, outcome, available });
      }
      check(`after ${step.do}`);
    }
    // Versions: never backwards, one version per object, and a change whenever the content changed.
    const print = (s: Snapshot) => JSON.stringify([s.channels, s.operations, s.outages.map((o) => o.id)]);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1] as Snapshot;
      const b = seen[i] as Snapshot;
      if (a === b) continue;
      if (b.version <= a.version) obs.violations.push(`version went from ${a.version} to ${b.version}`);
      if (b.version === a.version + 1 && print(a) === print(b))
        obs.violations.push(`version ${b.version} without a change`);
      if (print(a) !== print(b) && b.version === a.version)
        obs.violations.push(`content changed at version ${a.version}`);
    }
    // A call still running when the router is disposed must leave nothing behind either.
    const lastOp = operations[0] as string;
    current = 'last';
    const inFlight = (router.execute as (o: string, i: unknown, c: object) => Promise<Outcome>)(
      lastOp,
      {},
      { idempotencyKey: 'last' },
    );
    await time.advance(1);
    router.dispose();
    const settled = await inFlight.then(
      (o) => o.kind,
      (error: unknown) => `threw ${String(error)}`,
    );
    if (settled.startsWith('threw')) obs.violations.push(`in-flight call at dispose ${settled}`);
    obs.pendingAfterDispose = time.pendingTimers();
  } finally {
    time.uninstall();
  }
  return obs;
}

function offeredProblems(o: Observed['outcomes'][number], catalog: AnyCatalog): string[] {
  if (o.outcome.kind === 'served') return [];
  const routes = (
    catalog.operations[o.op] as { routes: readonly { channel: string; limits?: { maxAmount?: number } }[] }
  ).routes;
  return o.outcome.alternatives.flatMap((a: Alternative) => {
    const route = routes.find((r) => r.channel === a.channel);
    const problems: string[] = [];
    if (!route) problems.push(`${a.channel} is not a route of ${o.op}`);
    if (o.exclude.includes(a.channel)) problems.push(`${a.channel} offered though excluded`);
    if (route?.limits?.maxAmount !== undefined && o.amount !== undefined && o.amount > route.limits.maxAmount) {
      problems.push(`${a.channel} offered over its limit`);
    }
    if (!o.available.includes(a.channel)) problems.push(`${a.channel} offered while down`);
    return problems;
  });
}

/** Checks `check` on every generated case; fast-check shrinks a failure to its smallest case. */
async function holds(check: (world: World, obs: Observed) => void) {
  const tally = { runs: 0, served: 0, referred: 0, uncertain: 0 };
  await fc.assert(
    fc.asyncProperty(
      worldArb,
      fc.array(stepArb, { minLength: 1, maxLength: 40 }),
      fc.nat(1000),
      async (world, steps, seed) => {
        const obs = await simulate(world, steps, seed);
        tally.runs++;
        for (const o of obs.outcomes) tally[o.outcome.kind]++;
        check(world, obs);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
  // The generators reach every kind of outcome, so the properties are not checked on trivia.
  expect(tally.runs).toBe(RUNS);
  expect(tally.served).toBeGreaterThan(RUNS / 2);
  expect(tally.referred).toBeGreaterThan(RUNS);
  expect(tally.uncertain).toBeGreaterThan(5);
}

describe(`properties of the router (fast-check, seed ${SEED}, ${RUNS} cases each)`, () => {
  it('every call ends in exactly one outcome, and no call throws an operational failure', async () => {
    await holds((_world, obs) => {
      expect(obs.violations.filter((v) => v.includes('threw'))).toEqual([]);
      for (const o of obs.outcomes) expect(['served', 'referred', 'uncertain']).toContain(o.outcome.kind);
      const calls = [...obs.events].filter(([k]) => k.startsWith('call-'));
      expect(calls).toHaveLength(obs.outcomes.length);
      for (const [call, count] of calls) expect({ call, count }).toEqual({ call, count: 1 });
    });
  });

  it("a non-idempotent operation's handlers together run at most once per call", async () => {
    await holds((world, obs) => {
      for (const o of obs.outcomes) {
        if ((world.catalog.operations[o.op] as { idempotent: boolean }).idempotent) continue;
        expect({ call: o.key, ran: obs.mayHaveRun.get(o.key) ?? 0 }).toEqual({
          call: o.key,
          ran: Math.min(obs.mayHaveRun.get(o.key) ?? 0, 1),
        });
      }
    });
  });

  it('no alternative offered is down, excluded or over its limit', async () => {
    await holds((world, obs) => {
      for (const o of obs.outcomes) expect(offeredProblems(o, world.catalog)).toEqual([]);
    });
  });

  it('the snapshot agrees with the breakers and the outages after every step, and its version moves with it', async () => {
    await holds((_world, obs) => {
      expect(obs.violations.filter((v) => !v.includes('threw'))).toEqual([]);
    });
  });

  it('after dispose() no timer remains, even with a call in flight', async () => {
    await holds((_world, obs) => {
      expect(obs.pendingAfterDispose).toBe(0);
    });
  });
});
