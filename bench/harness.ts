// A small round-robin harness: every case runs once per round, in an order that rotates from
// round to round, so a noisy neighbour or a GC pause spreads over all cases instead of landing
// on one. Each sample times a batch of sequential awaited calls; a case reports the median of
// its samples and their min–max.
// It prints the tables of the benches that use it: the console is their output.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Case {
  readonly name: string;
  /** One call; awaited when it returns a promise. */
  readonly fn: () => unknown;
  /** Runs once, before the first timed round (e.g. fills a breaker's window). */
  readonly setup?: () => Promise<void> | void;
}

export interface Figure {
  readonly name: string;
  /** ns per call: median, min and max over the rounds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
  readonly callsPerRound: number;
}

const now = () => process.hrtime.bigint();

async function batch(fn: () => unknown, calls: number): Promise<number> {
  const start = now();
  for (let i = 0; i < calls; i++) {
    const r = fn();
    if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') await r;
  }
  return Number(now() - start) / calls;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export interface RunOptions {
  rounds?: number;
  /** Target time of one sample; the batch size is calibrated once per case. */
  sampleMs?: number;
}

export async function runRounds(cases: readonly Case[], options: RunOptions = {}): Promise<Figure[]> {
  const rounds = options.rounds ?? 15;
  const sampleMs = options.sampleMs ?? 40;
  for (const c of cases) await c.setup?.();
  // Warm up (lets the JIT optimise every path) and calibrate the batch size.
  const sizes = new Map<Case, number>();
  for (const c of cases) {
    let calls = 100;
    for (;;) {
      const ns = await batch(c.fn, calls);
      if (ns * calls >= sampleMs * 1e5 || calls >= 1 << 22) {
        sizes.set(c, Math.max(50, Math.round((sampleMs * 1e6) / ns)));
        break;
      }
      calls *= 4;
    }
  }
  const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length] as Case;
      samples.get(c)?.push(await batch(c.fn, sizes.get(c) as number));
    }
  }
  return cases.map((c) => {
    const xs = samples.get(c) as number[];
    return {
      name: c.name,
      median: median(xs),
      min: Math.min(...xs),
      max: Math.max(...xs),
      rounds,
      callsPerRound: sizes.get(c) as number,
    };
  });
}

/** Nearest-rank percentile of an ascending list (p in 0–100): 50 and 90 of 101 samples are [50] and [90]. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const fmtNs = (ns: number) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
export const fmtRatio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export interface Target {
  readonly name: string;
  readonly pass: boolean;
  /** What was measured, against what limit. */
  readonly detail: string;
}

export function printTargets(targets: readonly Target[]): void {
  console.log('\nTargets');
  for (const t of targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`);
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function writeResults(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        ...(data as object),
      },
      null,
      2,
    )}\n`,
  );
  return file;
}
