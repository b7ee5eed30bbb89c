import { createOpossumRoute, seedWindow } from './opossum-route.js';
import type { ResolvedBreakerOptions } from './options.js';
import type { BucketRotation } from './rotation.js';
import type { BreakerHooks, RouteBreaker } from './route-breaker.js';

const NO_STATS = Object.freeze({ fires: 0, failures: 0, successes: 0 });

/**
 * Who a lazy breaker asks for its name and hooks when it becomes an opossum breaker: one object
 * for all the breakers of a router, so a breaker that never fails holds no closure and no name.
 */
export interface LazyBreakerOwner<A, K> {
  breakerName(key: K): string;
  breakerHooks(key: K): BreakerHooks<A>;
}

/**
 * A breaker that is a few counters until its first failure, and an opossum breaker from then on.
 * A breaker that has only ever succeeded cannot be open or half-open, so until then all it needs
 * is what opossum would have counted: fires and successes per bucket of the shared rotation. The
 * first failure makes the opossum breaker, copies those counts into its window and hands it the
 * failure: opening, half-opening and closing stay opossum's decisions. An office whose terminal
 * has never failed then costs a few hundred bytes instead of a whole `CircuitBreaker`.
 */
class LazyBreaker<A, K> implements RouteBreaker<A> {
  /** Fires and successes per bucket, as [fires, successes] pairs in a ring indexed by tick. */
  declare private counts: number[] | undefined;
  /** The rotation tick the ring was last brought up to. */
  declare private tick: number;
  declare private inner: RouteBreaker<A> | undefined;
  declare private readonly options: ResolvedBreakerOptions;
  declare private readonly rotation: BucketRotation;
  declare private readonly owner: LazyBreakerOwner<A, K>;
  declare private readonly key: K;

  // Plain assignments, not class fields: fields are defined one by one and then assigned again.
  constructor(options: ResolvedBreakerOptions, rotation: BucketRotation, owner: LazyBreakerOwner<A, K>, key: K) {
    this.counts = undefined;
    this.tick = rotation.tick;
    this.inner = undefined;
    this.options = options;
    this.rotation = rotation;
    this.owner = owner;
    this.key = key;
    rotation.join();
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

  /** A counted call cancelled by its caller proves nothing: no state changes. */
  countCancelled(): void {
    if (this.inner) (this.inner as { countCancelled?(): void }).countCancelled?.();
  }

  shutdown(): void {
    if (this.inner) this.inner.shutdown();
    else this.rotation.leave();
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
    const owner = this.owner;
    const inner = createOpossumRoute<A>(
      owner.breakerName(this.key),
      this.options,
      this.rotation,
      owner.breakerHooks(this.key),
    );
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
    this.rotation.leave();
    this.counts = undefined;
    this.inner = inner;
    return inner;
  }
}

/**
 * The breaker a router gives a route or a scope. Were opossum's internals not the ones
 * `opossum-route.ts` expects, the opossum breaker it becomes goes through `fire` (the counts made
 * before its first failure are then lost: it can only open sooner).
 */
export function createLazyBreaker<A, K>(
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  owner: LazyBreakerOwner<A, K>,
  key: K,
): RouteBreaker<A> {
  return new LazyBreaker(options, rotation, owner, key);
}
