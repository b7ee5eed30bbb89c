// The router against the breakers people would use instead, on the same jobs, in one process:
// a bare call, opossum (default options, and tuned), cockatiel `wrap(fallback, breaker)` with and
// without a timeout policy, and `router.execute` / `router.plan`. Every case runs in interleaved
// rounds (see harness.ts). Prints ns/op, ratios per path and the targets as PASS/FAIL.
// A command-line report: the console is its output (the library itself never prints).
//
// The router is the built package (`dist/`, what a user runs; `npm run bench:compare` builds it
// first), not the sources through tsx: tsx keeps function names by wrapping every closure the
// call path makes in a `__name()` call, which cost the router ~0.4 µs per call with a ctx and
// nothing in the package.

import {
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  fallback,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';
import type * as Secours from '../src/index.js';
import type { BreakerOptions } from '../src/index.js';
import {
  type Case,
  type Figure,
  fmtNs,
  fmtRatio,
  printTargets,
  runRounds,
  type Target,
  table,
  writeResults,
} from './harness.js';

// Read through a variable: the typecheck (run before the build) must not need dist/ to exist.
const built = '../dist/index.js';
const { createRouter, defineCatalog } = (await import(built)) as typeof Secours;

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);

// One preallocated error: the cases measure the libraries, not the cost of building a stack.
const boom = new Error('backend down');
const ok = () => Promise.resolve(1);
const fail = () => Promise.reject(boom);

// ---- opossum -------------------------------------------------------------------------------

function opossum(action: () => Promise<number>, options: CircuitBreaker.Options, open = false) {
  const b = new CircuitBreaker(action, options);
  b.fallback(() => 0);
  if (open) b.open();
  return b;
}
// errorThresholdPercentage 100: the failure path stays on a closed circuit (default options otherwise).
const LONG = { resetTimeout: 3_600_000 };
const TUNED = { timeout: false as const, rollingPercentilesEnabled: false };
const opDefaultOk = opossum(ok, {});
const opTunedOk = opossum(ok, TUNED);
const opDefaultFail = opossum(fail, { errorThresholdPercentage: 100 });
const opTunedFail = opossum(fail, { ...TUNED, errorThresholdPercentage: 100 });
const opDefaultOpen = opossum(ok, LONG, true);
const opTunedOpen = opossum(ok, { ...TUNED, ...LONG }, true);

// ---- cockatiel -----------------------------------------------------------------------------

/** What the cases call of a cockatiel policy. */
interface Executes {
  execute(fn: () => Promise<number>): Promise<unknown>;
}

function cockatiel(withTimeout: boolean, isolated = false): Executes {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: 3_600_000,
    breaker: new ConsecutiveBreaker(Number.MAX_SAFE_INTEGER),
  });
  if (isolated) breaker.isolate();
  const fb = fallback(handleAll, 0);
  return withTimeout ? wrap(fb, breaker, timeout(10_000, TimeoutStrategy.Aggressive)) : wrap(fb, breaker);
}
// Retry: 3 tries at most, zero backoff (so the case measures overhead), wrapped like the others.
const ckRetry = wrap(
  fallback(handleAll, 0),
  retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(0) }),
  circuitBreaker(handleAll, { halfOpenAfter: 3_600_000, breaker: new ConsecutiveBreaker(Number.MAX_SAFE_INTEGER) }),
);
const ck = cockatiel(false);
const ckT = cockatiel(true);
const ckOpen = cockatiel(false, true);
const ckTOpen = cockatiel(true, true);

// ---- secours -------------------------------------------------------------------------------

const catalog = defineCatalog({
  channels: {
    api: { kind: 'digital', label: { fr: "l'API", en: 'the API' } },
    backup: { kind: 'digital', label: { fr: "l'API de secours", en: 'the backup API' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
    counter: {
      kind: 'in-person',
      label: { fr: 'le guichet', en: 'the counter' },
      hours: { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-18:00'], tue: ['09:00-18:00'] } },
    },
  },
  operations: {
    stamp: { label: { fr: 'Timbre', en: 'Stamp' }, routes: [{ channel: 'api' }, { channel: 'phone' }] },
    balance: {
      label: { fr: 'Solde', en: 'Balance' },
      idempotent: true,
      routes: [{ channel: 'api' }, { channel: 'backup' }, { channel: 'phone' }, { channel: 'counter' }],
    },
  },
});

function router(breaker: BreakerOptions, handlers: { api: () => Promise<number>; backup?: () => Promise<number> }) {
  return createRouter({ catalog, handlers: { stamp: { api: handlers.api }, balance: handlers }, breaker });
}
// Defaults (timeout 10 s, enforced): the success path.
const rOk = router({}, { api: ok });
// Never opens, window long enough to hold what setup puts in it.
const KEEP_CLOSED: BreakerOptions = { errorThresholdPercentage: 100, rollingCountTimeout: 600_000 };
const rFail = router(KEEP_CLOSED, { api: fail });
// Fails every other try: each call fails once, then succeeds on its first retry.
let flakyTries = 0;
const flaky = () => (flakyTries++ % 2 === 0 ? fail() : ok());
const rRetry = createRouter({
  catalog,
  handlers: { balance: { api: flaky } },
  breaker: KEEP_CLOSED,
  retry: { maxRetries: 2, baseMs: 0, jitter: 'none' },
});
let fullFailing = false;
const rFailFull = router(KEEP_CLOSED, { api: () => (fullFailing ? fail() : ok()) });
// The first route's breaker opens at once and stays open for the whole run.
const TRIP: BreakerOptions = { volumeThreshold: 1, resetTimeout: 3_600_000 };
const rFailover = router(TRIP, { api: fail, backup: ok });
const rDown = router(TRIP, { api: fail, backup: fail });

async function trip(r: typeof rOk, until: (plan: ReturnType<typeof rOk.plan>) => boolean) {
  for (let i = 0; i < 10 && !until(r.plan('balance')); i++) await r.execute('balance', {});
  if (!until(r.plan('balance'))) throw new Error('bench setup: the breakers did not open');
}

const WINDOW_FILL = 100_000;
const cases: Case[] = [
  { name: 'bare await fn()', fn: ok },
  { name: 'opossum default: success', fn: () => opDefaultOk.fire() },
  { name: 'opossum tuned: success', fn: () => opTunedOk.fire() },
  { name: 'cockatiel: success', fn: () => ck.execute(ok) },
  { name: 'cockatiel+timeout: success', fn: () => ckT.execute(ok) },
  { name: 'router: success', fn: () => rOk.execute('stamp', {}) },
  // What a service passes on every call: the person's locale (a tag read once, not per call).
  { name: 'router: success, ctx with locale', fn: () => rOk.execute('stamp', {}, { locale: 'en-GB' }) },
  { name: 'opossum default: failure', fn: () => opDefaultFail.fire() },
  { name: 'opossum tuned: failure', fn: () => opTunedFail.fire() },
  { name: 'cockatiel: failure', fn: () => ck.execute(fail) },
  { name: 'cockatiel+timeout: failure', fn: () => ckT.execute(fail) },
  { name: 'router: failure', fn: () => rFail.execute('balance', {}) },
  {
    name: `router: failure, ${WINDOW_FILL / 1000}k calls in window`,
    fn: () => rFailFull.execute('balance', {}),
    setup: async () => {
      for (let i = 0; i < WINDOW_FILL; i++) await rFailFull.execute('balance', {});
      fullFailing = true;
    },
  },
  { name: 'opossum default: open', fn: () => opDefaultOpen.fire() },
  { name: 'opossum tuned: open', fn: () => opTunedOpen.fire() },
  { name: 'cockatiel: open', fn: () => ckOpen.execute(ok) },
  { name: 'cockatiel+timeout: open', fn: () => ckTOpen.execute(ok) },
  {
    name: 'router: open → failover',
    fn: () => rFailover.execute('balance', {}),
    setup: () => trip(rFailover, (p) => p.skipped.length === 1),
  },
  {
    name: 'router: all down → referral',
    fn: () => rDown.execute('balance', {}),
    setup: () => trip(rDown, (p) => p.skipped.length === 2),
  },
  { name: 'router: plan()', fn: () => rOk.plan('balance') },
  { name: 'cockatiel: retry, 2nd try succeeds', fn: () => ckRetry.execute(flaky) },
  { name: 'router: retry, 2nd try succeeds', fn: () => rRetry.execute('balance', {}) },
];

console.log(`secours bench: router vs opossum vs cockatiel (${process.version}, ${rounds} rounds)\n`);
// BENCH_ONLY=regex runs a subset while working on one path (the targets then print only what they can).
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const figures = await runRounds(only ? cases.filter((c) => only.test(c.name)) : cases, { rounds });
if (only) {
  for (const f of figures) console.log(`${f.name}: ${fmtNs(f.median)} (${fmtNs(f.min)}–${fmtNs(f.max)})`);
  process.exit(0);
}
const by = new Map(figures.map((f) => [f.name, f]));
const get = (name: string) => by.get(name) as Figure;
const bare = get('bare await fn()').median;

console.log(
  table([
    ['case', 'median', 'min–max', '× bare'],
    ...figures.map((f) => [f.name, fmtNs(f.median), `${fmtNs(f.min)}–${fmtNs(f.max)}`, fmtRatio(f.median / bare)]),
  ]),
);

const paths = [
  { path: 'success', router: 'router: success', peer: 'success' },
  { path: 'failure (closed)', router: 'router: failure', peer: 'failure' },
  { path: 'failure, full window', router: `router: failure, ${WINDOW_FILL / 1000}k calls in window`, peer: 'failure' },
  { path: 'open → failover', router: 'router: open → failover', peer: 'open' },
  { path: 'all down → referral', router: 'router: all down → referral', peer: 'open' },
];
const peers = ['opossum default', 'opossum tuned', 'cockatiel', 'cockatiel+timeout'];
const ratios: Record<string, Record<string, number>> = {};
console.log(`\nRouter ÷ peer, per path (below 1: the router is faster)`);
console.log(
  table([
    ['path', 'router', ...peers],
    ...paths.map((p) => {
      const r = get(p.router).median;
      ratios[p.path] = Object.fromEntries(peers.map((peer) => [peer, r / get(`${peer}: ${p.peer}`).median]));
      return [p.path, fmtNs(r), ...peers.map((peer) => fmtRatio(ratios[p.path]?.[peer] as number))];
    }),
  ]),
);

const m = (name: string) => get(name).median;
const ratioTarget = (name: string, a: string, b: string, limit: number): Target => {
  const x = m(a) / m(b);
  return { name, pass: x <= limit, detail: `${fmtRatio(x)} (${fmtNs(m(a))} ÷ ${fmtNs(m(b))}), limit ${limit}×` };
};
const flat = m(`router: failure, ${WINDOW_FILL / 1000}k calls in window`) / m('router: failure');
const targets: Target[] = [
  ratioTarget('execute success ≤ 0.5× opossum fire (default)', 'router: success', 'opossum default: success', 0.5),
  ratioTarget('execute success ≤ 0.1× cockatiel with timeout', 'router: success', 'cockatiel+timeout: success', 0.1),
  ratioTarget('execute success ≤ 1.5× cockatiel without timeout', 'router: success', 'cockatiel: success', 1.5),
  ratioTarget('a ctx with a locale costs ≤ 1.5× no ctx', 'router: success, ctx with locale', 'router: success', 1.5),
  ratioTarget('failure on closed breaker ≤ 0.3× opossum default', 'router: failure', 'opossum default: failure', 0.3),
  {
    name: `failure flat in traffic (window with ${WINDOW_FILL.toLocaleString('en')} calls ÷ empty ≤ 1.25)`,
    pass: flat <= 1.25,
    detail: fmtRatio(flat),
  },
  ratioTarget(
    'retry (fail once, then succeed) ≤ 1× cockatiel retry',
    'router: retry, 2nd try succeeds',
    'cockatiel: retry, 2nd try succeeds',
    1,
  ),
  ratioTarget(
    'all down → referral ≤ 0.2× opossum forced open',
    'router: all down → referral',
    'opossum default: open',
    0.2,
  ),
];
printTargets(targets);
const file = writeResults('compare', { rounds, figures, ratios, targets });
console.log(`\nFigures written to ${file}`);
for (const r of [rOk, rFail, rRetry, rFailFull, rFailover, rDown]) r.dispose();
for (const b of [opDefaultOk, opTunedOk, opDefaultFail, opTunedFail, opDefaultOpen, opTunedOpen]) b.shutdown();
