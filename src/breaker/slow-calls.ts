// The slow-call rate of a breaker (after resilience4j's): calls and slow successes per bucket of
// the shared rotation, in a ring, so the rate covers the same window as opossum's counts.
import type { ResolvedBreakerOptions } from './options.js';

export class SlowCalls {
  /** [calls, slow successes] per bucket. */
  declare private readonly ring: number[];
  declare private readonly options: ResolvedBreakerOptions;

  constructor(options: ResolvedBreakerOptions) {
    this.options = options;
    this.ring = new Array<number>(options.rollingCountBuckets * 2).fill(0);
  }

  /** Counts a settled call in the bucket of `tick`; true when the window is now past the rate. */
  count(tick: number, failed: boolean, slow: boolean): boolean {
    const ring = this.ring;
    const i = (tick % this.options.rollingCountBuckets) * 2;
    (ring[i] as number)++;
    if (!slow || failed) return false;
    (ring[i + 1] as number)++;
    let calls = 0;
    let slowCalls = 0;
    for (let k = 0; k < ring.length; k += 2) {
      calls += ring[k] as number;
      slowCalls += ring[k + 1] as number;
    }
    return calls >= this.options.volumeThreshold && (slowCalls / calls) * 100 > this.options.slowCallRate;
  }

  /** The rotation moved from `tick - behind` to `tick`: the buckets of the ticks missed are emptied. */
  rotate(tick: number, behind: number): void {
    const buckets = this.options.rollingCountBuckets;
    for (let k = Math.min(behind, buckets); k > 0; k--) {
      const i = ((tick - k + 1) % buckets) * 2;
      this.ring[i] = 0;
      this.ring[i + 1] = 0;
    }
  }
}
