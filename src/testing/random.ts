import { ConfigError } from '../errors.js';

/**
 * A seeded pseudo-random generator: every random choice in `secours/testing` comes from one,
 * so a failing run replays exactly from its seed. Not for anything that must be unpredictable.
 */
export interface Random {
  /** The seed it started from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability `p` (0–1). */
  chance(p: number): boolean;
  /** An exponentially distributed wait with the given mean: the gap between Poisson arrivals. */
  exponential(mean: number): number;
  /** A new generator whose sequence depends on this seed and `label` only, not on how many numbers were drawn. */
  fork(label: string): Random;
}

/** FNV-1a: turns a label into 32 bits, so forks of one seed are independent of draw order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32: 32 bits of state, fast, and good enough for simulations; the same seed gives the
 * same sequence on every platform (integer arithmetic only).
 * @example const random = createRandom(42); random.chance(0.1);
 */
export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) {
    throw new ConfigError('seed', [{ path: 'seed', message: `expected an integer, got ${String(seed)}` }]);
  }
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    // 1 - next() is in (0, 1]: never log(0).
    exponential: (mean) => -Math.log(1 - next()) * mean,
    fork: (label) => createRandom((hash(label) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0),
  };
}
