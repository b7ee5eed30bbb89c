// The one place that reads opossum's internals: its rolling window and the function that rotates
// it, read for speed (counts carried into a new breaker, one shared rotation, a cheap `stats`).
// Each is checked on every opossum breaker made; when a future opossum stores them otherwise,
// the breaker falls back to its public `fire` and the counts made before it are dropped.
import type { Opossum } from './opossum.js';
import type { BucketRotation } from './rotation.js';

/** One bucket of opossum's rolling window (lib/status.js). */
export interface Bucket {
  fires: number;
  failures: number;
  successes: number;
  latencyTimes: number[];
}

/**
 * opossum keeps its rolling window under a private symbol, and rotates it with `rotateBucket`.
 * Undefined when a future opossum stores them otherwise.
 */
export function internalsOf(
  cb: Opossum,
  rotation: BucketRotation,
): { window: Bucket[]; rotate: () => void } | undefined {
  const status = cb.status;
  const rotate = (status as { rotateBucket?: () => void }).rotateBucket;
  if (typeof rotate !== 'function' || rotation.listenerCount('rotate', rotate) !== 1) return undefined;
  const key = Object.getOwnPropertySymbols(status).find((s) => s.description === 'window');
  const window = key && (status as Record<symbol, unknown>)[key];
  const b = Array.isArray(window) ? (window[0] as Partial<Bucket> | undefined) : undefined;
  return typeof b?.fires === 'number' && typeof b.failures === 'number' && Array.isArray(b.latencyTimes)
    ? { window: window as Bucket[], rotate }
    : undefined;
}

/**
 * Gives opossum's new breaker `cb` what was counted before it existed (`counts`: [fires,
 * successes] per bucket, a ring indexed by `tick`), joins its window to the shared rotation, and
 * makes its `stats` the cheap `sum`. Undefined, and nothing changed, without the internals.
 */
export function adoptWindow(
  cb: Opossum,
  rotation: BucketRotation,
  sum: () => { fires: number; failures: number; successes: number },
  counts: readonly number[] | undefined,
  tick: number,
): { window: Bucket[]; rotate: () => void } | undefined {
  const internals = internalsOf(cb, rotation);
  if (!internals) return undefined;
  rotation.lazy(internals.rotate);
  // opossum's fail() reads `stats`, which sums every counter of every bucket through
  // Object.keys and fills a percentiles object; it only reads fires and failures.
  Object.defineProperty(cb, 'stats', { get: sum, configurable: true });
  if (counts) {
    const buckets = counts.length / 2;
    // Newest first, each count in the bucket it was made in.
    internals.window.forEach((bucket, age) => {
      const i = (((tick - age) % buckets) + buckets) % buckets;
      bucket.fires += counts[i * 2] as number;
      bucket.successes += counts[i * 2 + 1] as number;
    });
  }
  return internals;
}
