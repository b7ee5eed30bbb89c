import type { BreakerHooks, BucketRotation, ResolvedBreakerOptions, RouteBreaker } from '../breaker.js';
import { createOpossumRoute, opossumInternalsKnown, seedWindow } from './opossum-route.js';

const NO_STATS = Object.freeze({ fires: 0, failures: 0, successes: 0 });

/**
 * A breaker that is a few counters until its first failure, and an opossum breaker from then on.
 * A breaker that has only ever succeeded cannot be open or half-open, so until then all it needs
 * is what opossum would have counted: fires and successes per bucket of the shared rotation. The
 * first failure makes the opossum breaker, copies those counts into its window and hands it the
 * failure: opening, half-opening and closing stay opossum's decisions. An office whose terminal
 * has never failed then costs a few hundred bytes instead of a whole `CircuitBreaker`.
 */
class LazyBreaker<A> implements RouteBreaker<A> {
  /** Fires and successes per bucket, as [fires, successes] pairs in a ring indexed by tick. */
  private counts: number[] | undefined;
  /** The rotation tick the ring was last brought up to. */
  private tick: number;
  private inner: RouteBreaker<A> | undefined;
  /** Keeps the shared rotation running while this breaker counts; never called (lazy). */
  private readonly member = (): void => {};

  constructor(
    private readonly name: string,
    private readonly options: ResolvedBreakerOptions,
    private readonly rotation: BucketRotation,
    private readonly hooks: BreakerHooks<A>,
  ) {
    this.tick = rotation.tick;
    rotation.on('rotate', this.member);
    rotation.lazy(this.member);
  }

  get counting(): boolean {
    return this.inner ? this.inner.counting : true;
  }
  get closed(): boolean {
    return this.inner ? this.inner.closed : true;
  }
  get opened(): boolean {
    return this.inner ? this.inner.opened : false;
  }
  get halfOpen(): boolean {
    return this.inner ? this.inner.halfOpen : false;
  }
  get pendingClose(): boolean {
    return this.inner ? this.inner.pendingClose : false;
  }
  /** Whether this breaker has become an opossum one (it had a failure). */
  get promoted(): boolean {
    return this.inner !== undefined;
  }

  get stats(): { fires: number; failures: number; successes: number } {
    if (this.inner) return this.inner.stats;
    const counts = this.ring();
    if (!counts) return { ...NO_STATS };
    let fires = 0;
    let successes = 0;
    for (let i = 0; i < counts.length; i += 2) {
      fires += counts[i] as number;
      successes += counts[i + 1] as number;
    }
    return { fires, failures: 0, successes };
  }

  fire(attempt: A): Promise<unknown> {
    return this.promote().fire(attempt);
  }

  countFire(): void {
    if (this.inner) {
      this.inner.countFire();
      return;
    }
    const counts = this.ring() ?? this.allocate();
    (counts[this.newest()] as number)++;
  }

  countSettled(failed: boolean): void {
    if (this.inner || failed) {
      this.promote().countSettled(failed);
      return;
    }
    const counts = this.ring() ?? this.allocate();
    (counts[this.newest() + 1] as number)++;
  }

  shutdown(): void {
    if (this.inner) this.inner.shutdown();
    else this.rotation.removeListener('rotate', this.member);
  }

  /** Index of the newest bucket's fires in the ring. */
  private newest(): number {
    return (this.tick % this.options.rollingCountBuckets) * 2;
  }

  private allocate(): number[] {
    this.counts = new Array<number>(this.options.rollingCountBuckets * 2).fill(0);
    this.tick = this.rotation.tick;
    return this.counts;
  }

  /** The ring brought up to the rotation's tick: each bucket it missed is emptied. */
  private ring(): number[] | undefined {
    const counts = this.counts;
    const behind = this.rotation.tick - this.tick;
    if (!counts || behind === 0) return counts;
    const buckets = this.options.rollingCountBuckets;
    for (let k = 1; k <= Math.min(behind, buckets); k++) {
      const i = ((this.tick + k) % buckets) * 2;
      counts[i] = 0;
      counts[i + 1] = 0;
    }
    this.tick = this.rotation.tick;
    return counts;
  }

  /** Makes the opossum breaker, with what was counted so far in its window. */
  private promote(): RouteBreaker<A> {
    if (this.inner) return this.inner;
    const inner = createOpossumRoute<A>(this.name, this.options, this.rotation, this.hooks);
    const counts = this.ring();
    if (counts) {
      const buckets = this.options.rollingCountBuckets;
      const newestFirst: { fires: number; successes: number }[] = [];
      for (let age = 0; age < buckets; age++) {
        const i = (((this.tick - age) % buckets) + buckets) % buckets;
        newestFirst.push({ fires: counts[i * 2] as number, successes: counts[i * 2 + 1] as number });
      }
      seedWindow(inner, newestFirst);
    }
    // After the opossum breaker joined the rotation, so its interval never stops in between.
    this.rotation.removeListener('rotate', this.member);
    this.counts = undefined;
    this.inner = inner;
    return inner;
  }
}

/**
 * The breaker a router gives a route or a scope: lazy while opossum's internals are the ones
 * `opossum-route.ts` expects, a plain opossum breaker (through `fire`) otherwise.
 */
export function createLazyBreaker<A>(
  name: string,
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<A>,
): RouteBreaker<A> {
  if (!opossumInternalsKnown()) return createOpossumRoute(name, options, rotation, hooks);
  return new LazyBreaker(name, options, rotation, hooks);
}
