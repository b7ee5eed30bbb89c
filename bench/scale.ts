// A whole network in one process: a dozen operations × thousands of offices, a breaker per
// office on the counter route. Each size runs in a child process of its own (clean heap, GC
// exposed): heap and RSS after GC, idle CPU over 10 s, creation time, getSnapshot() after a
// change and unchanged. Prints the targets as PASS/FAIL.
// A command-line report: the console is its output (the library itself never prints).

import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createRouter, defineCatalog } from '../src/index.js';
import { fmtNs, percentile, printTargets, type Target, table, writeResults } from './harness.js';

const OPERATIONS = 12;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 10_000);
const MB = 1024 * 1024;

interface Result {
  routes: number;
  live: number;
  heapMB: number;
  rssMB: number;
  heapPerBreakerKB: number;
  createMs: number;
  declareMs: number;
  idleCpuPercent: number;
  /** The same process idle before the router existed (the runtime's own share, tsx's loader thread included). */
  baselineCpuPercent: number;
  snapshotChangedUs: { median: number; p90: number; max: number };
  snapshotUnchangedNs: number;
  sameObject: boolean;
}

const opIds = Array.from({ length: OPERATIONS }, (_, i) => `op-${i}`);
const catalog = defineCatalog({
  channels: {
    counter: { kind: 'in-person', label: { fr: 'le guichet', en: 'the counter' } },
    web: { kind: 'digital', label: { fr: 'le site', en: 'the website' } },
    phone: { kind: 'phone', label: { fr: 'le 3639', en: '3639' }, contact: { phone: '3639' } },
  },
  operations: Object.fromEntries(
    opIds.map((id) => [
      id,
      { label: id, idempotent: true, routes: [{ channel: 'counter' }, { channel: 'web' }, { channel: 'phone' }] },
    ]),
  ),
});

async function idleCpu(): Promise<number> {
  const cpu0 = process.cpuUsage();
  await sleep(IDLE_MS);
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) / 1000 / IDLE_MS) * 100;
}

async function child(routes: number): Promise<Result> {
  const gc = globalThis.gc as () => void;
  gc();
  const baselineCpuPercent = await idleCpu();
  const offices = Math.ceil(routes / OPERATIONS);
  const live = Math.round(routes / 10);
  const failing = new Set<string>();
  const ok = (_input: unknown, ctx: { user?: Readonly<Record<string, unknown>> }) =>
    failing.has(ctx.user?.office as string) ? Promise.reject(new Error('terminal down')) : Promise.resolve(1);
  const handlers = Object.fromEntries(opIds.map((id) => [id, { counter: ok, web: ok }]));
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const router = createRouter({
    catalog,
    handlers,
    breaker: { volumeThreshold: 3, resetTimeout: 3_600_000 },
    scopes: { channels: ['counter'], idleEvictMs: 3_600_000 },
  });
  const ctx = (office: number) => ({ scope: `office-${office}`, user: { office: `office-${office}` } });

  // Every (operation, office) pair is addressable: planning it keeps no state.
  let t = performance.now();
  for (let o = 0; o < offices; o++) for (const op of opIds) router.plan(op, ctx(o));
  const declareMs = performance.now() - t;

  // A tenth of them see traffic: one breaker each, made on the first call.
  t = performance.now();
  for (let k = 0; k < live; k++)
    await router.execute(opIds[k % OPERATIONS] as string, {}, ctx(Math.floor(k / OPERATIONS)));
  const createMs = performance.now() - t;

  gc();
  const mem = process.memoryUsage();
  const heapMB = (mem.heapUsed - heap0) / MB;

  // Idle: nothing runs but what the router keeps going (the shared bucket rotation, the sweep).
  const idleCpuPercent = await idleCpu();

  // Some offices' counters go down (the snapshot aggregates them), then changes one at a time.
  for (let o = 0; o < 20; o++) failing.add(`office-${o}`);
  for (let o = 0; o < 20; o++) for (let i = 0; i < 3; i++) await router.execute('op-0', {}, ctx(o));
  const changed: number[] = [];
  // The first changes are measured too: a live system does not warm up first.
  for (let i = 0; i < 101; i++) {
    router.setRemoteDown('bench', i % 2 ? [] : [{ operation: 'op-1', channel: 'web' }]);
    const s = performance.now();
    router.getSnapshot();
    changed.push((performance.now() - s) * 1000);
  }
  changed.sort((a, b) => a - b);
  const snapshot = router.getSnapshot();
  const reads = 1_000_000;
  let same = true;
  t = performance.now();
  for (let i = 0; i < reads; i++) same = router.getSnapshot() === snapshot && same;
  const snapshotUnchangedNs = ((performance.now() - t) * 1e6) / reads;
  const counter = snapshot.channels.counter;
  if (counter.status !== 'partial_outage' || counter.scopesDown !== 20) {
    throw new Error(`scale bench: expected 20 offices down, got ${JSON.stringify(counter)}`);
  }
  router.dispose();
  return {
    routes: offices * OPERATIONS,
    live,
    heapMB,
    rssMB: mem.rss / MB,
    heapPerBreakerKB: (heapMB * 1024) / live,
    createMs,
    declareMs,
    idleCpuPercent,
    baselineCpuPercent,
    snapshotChangedUs: {
      median: percentile(changed, 50),
      p90: percentile(changed, 90),
      max: percentile(changed, 100),
    },
    snapshotUnchangedNs,
    sameObject: same,
  };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await child(Number(process.argv[3]))));
} else {
  const sizes = (process.env.BENCH_SCALE_SIZES ?? '10000,100000').split(',').map(Number);
  console.log(`secours scale bench (${process.version}; idle measured over ${IDLE_MS / 1000} s)\n`);
  const results: Result[] = [];
  for (const n of sizes) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(n)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    results.push(JSON.parse(out) as Result);
  }
  console.log(
    table([
      [
        'scoped routes',
        'live breakers',
        'heap',
        'per breaker',
        'RSS',
        'created in',
        'declared in',
        'idle CPU (before the router)',
        'snapshot after change (median / p90 / max)',
        'unchanged',
      ],
      ...results.map((r) => [
        r.routes.toLocaleString('en'),
        r.live.toLocaleString('en'),
        `${r.heapMB.toFixed(1)} MB`,
        `${r.heapPerBreakerKB.toFixed(2)} KB`,
        `${r.rssMB.toFixed(0)} MB`,
        `${r.createMs.toFixed(0)} ms`,
        `${r.declareMs.toFixed(0)} ms`,
        `${r.idleCpuPercent.toFixed(2)}% (${r.baselineCpuPercent.toFixed(2)}%)`,
        `${r.snapshotChangedUs.median.toFixed(1)} / ${r.snapshotChangedUs.p90.toFixed(1)} / ${r.snapshotChangedUs.max.toFixed(1)} µs`,
        `${fmtNs(r.snapshotUnchangedNs)}${r.sameObject ? ', same object' : ', NEW OBJECT'}`,
      ]),
    ]),
  );
  const big = results.find((r) => r.routes >= 100_000) ?? (results[results.length - 1] as Result);
  const at = `${big.routes.toLocaleString('en')} scoped routes, ${big.live.toLocaleString('en')} live breakers`;
  const targets: Target[] = [
    { name: `heap < 150 MB (${at})`, pass: big.heapMB < 150, detail: `${big.heapMB.toFixed(1)} MB` },
    {
      name: `idle CPU < 1% of a core over ${IDLE_MS / 1000} s`,
      pass: big.idleCpuPercent < 1,
      detail: `${big.idleCpuPercent.toFixed(2)}% (the same process before the router: ${big.baselineCpuPercent.toFixed(2)}%)`,
    },
    { name: 'all live breakers created in < 1 s', pass: big.createMs < 1000, detail: `${big.createMs.toFixed(0)} ms` },
    {
      name: 'getSnapshot() after a change < 1 ms (p90)',
      // p90: the slowest tenth includes the first, cold recomputations and any GC pause that lands there.
      pass: big.snapshotChangedUs.p90 < 1000,
      detail: `median ${big.snapshotChangedUs.median.toFixed(1)} µs, p90 ${big.snapshotChangedUs.p90.toFixed(1)} µs, max ${big.snapshotChangedUs.max.toFixed(1)} µs over 101 changes`,
    },
    {
      name: 'getSnapshot() unchanged: same object, O(1)',
      pass: big.sameObject && big.snapshotUnchangedNs < 1000,
      detail: `${fmtNs(big.snapshotUnchangedNs)} per read`,
    },
  ];
  printTargets(targets);
  const file = writeResults('scale', { results, targets });
  console.log(`\nFigures written to ${file}`);
}
