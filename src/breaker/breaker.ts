// The breaker of a route or a scope: counters until its first failure, opossum from then on.
// What it reads of opossum's internals, for speed, is in opossum-window.ts.
import { newOpossum, type Opossum, REPLAYED } from './opossum.js';
import { adoptWindow, type Bucket } from './opossum-window.js';
import type { ResolvedBreakerOptions } from './options.js';
import type { BucketRotation } from './rotation.js';
import type { BreakerHooks, RouteBreaker } from './route-breaker.js';
import { SlowCalls } from './slow-calls.js';

function noop(): void {}

/** Who a breaker asks for its name and hooks when it becomes an opossum breaker. */
export interface BreakerOwner<A, K> {
  breakerName(key: K): string;
  breakerHooks(key: K): BreakerHooks<A>;
}

/**
 * A few counters until its first failure, an opossum breaker from then on. A breaker that has
 * only ever succeeded cannot be open or half-open, so until then all it needs is what opossum
 * would have counted, fires and successes per bucket of the shared rotation: an office whose
 * terminal never failed costs a few hundred bytes, not a `CircuitBreaker`. The first failure
 * makes the opossum breaker, copies those counts into its window and hands it the failure.
 *
 * From then on, while opossum's breaker is closed, the router still runs each call itself and
 * this counts it in opossum's own window (opossum's `fire` costs two Promises, two events and a
 * latency sample kept per call). A success is a count (and, half-open, opossum's own `close()`);
 * a failure is replayed through `fire` with an action that throws at once, so opossum's own
 * `fail()` decides, synchronously, whether it opens: its rule is not copied here. A half-open
 * trial goes through `fire`.
 */
class Breaker<A, K> implements RouteBreaker<A> {
  /** Before the first failure: fires and successes per bucket, [fires, successes] pairs in a ring. */
  declare private counts: number[] | undefined;
  /** The rotation tick the counts (or opossum's window) were last brought up to. */
  declare private tick: number;
  declare private cb: Opossum | undefined;
  /** Shut down while still counters: a call that settles later must not bring it back. */
  declare private shut: boolean;
  /** opossum's window and rotation, once it exists and they are the ones expected. */
  declare private window: Bucket[] | undefined;
  declare private rotateWindow: (() => void) | undefined;
  /** Failures in a row since the last success or opening (see `consecutiveFailures`). */
  declare private streak: number;
  declare closedOnlyByProbe: boolean;
  /** With `slowCallMs` set: the window's calls and slow successes. */
  declare private slowCalls: SlowCalls | undefined;
  declare private readonly options: ResolvedBreakerOptions;
  declare private readonly rotation: BucketRotation;
  declare private readonly owner: BreakerOwner<A, K>;
  declare private readonly key: K;

  // Plain assignments, not class fields: fields are defined one by one and then assigned again.
  constructor(options: ResolvedBreakerOptions, rotation: BucketRotation, owner: BreakerOwner<A, K>, key: K) {
    this.counts = undefined;
    this.tick = rotation.tick;
    this.cb = undefined;
    this.shut = false;
    this.window = undefined;
    this.rotateWindow = undefined;
    this.streak = 0;
    this.closedOnlyByProbe = false;
    this.slowCalls = undefined;
    this.options = options;
    this.rotation = rotation;
    this.owner = owner;
    this.key = key;
    rotation.join();
  }

  /** True while the router may run calls itself and count them here instead of through `fire`. */
  get counting(): boolean {
    return !this.cb || this.window !== undefined;
  }
  get closed(): boolean {
    return !this.cb || this.cb.closed;
  }
  get opened(): boolean {
    return this.cb?.opened === true;
  }
  get halfOpen(): boolean {
    return this.cb?.halfOpen === true;
  }
  get pendingClose(): boolean {
    return this.cb?.pendingClose === true;
  }
  get refusing(): boolean {
    const cb = this.cb;
    return cb !== undefined && !cb.closed && (cb.opened || (cb.halfOpen && !cb.pendingClose));
  }

  get stats(): { fires: number; failures: number; successes: number } {
    const cb = this.cb;
    if (cb && !this.window) {
      const { fires, failures, successes } = cb.stats;
      return { fires, failures, successes };
    }
    this.catchUp();
    return this.sum();
  }

  fire(attempt: A): Promise<unknown> {
    this.catchUp();
    return this.opossum().fire(attempt);
  }

  countFire(): void {
    this.catchUp();
    const bucket = this.window?.[0];
    if (bucket) bucket.fires++;
    else if (!this.cb) (this.ring()[this.newest()] as number)++;
  }

  countSettled(failed: boolean, slow = false): void {
    this.catchUp();
    if (this.options.slowCallMs !== Number.POSITIVE_INFINITY && this.countSlow(failed, slow)) return;
    if (!failed) this.streak = 0;
    if (!this.cb) {
      // A shut-down opossum breaker has no listeners left: it says nothing, and neither does this.
      if (this.shut) return;
      if (!failed) {
        (this.ring()[this.newest() + 1] as number)++;
        return;
      }
      this.opossum();
    }
    const cb = this.cb as Opossum;
    const bucket = this.window?.[0];
    if (!failed) {
      if (bucket) bucket.successes++;
      // opossum's own 'success' listener; a breaker only a probe closes stays half-open.
      if (cb.halfOpen && !this.closedOnlyByProbe) cb.close();
      return;
    }
    if (cb.opened || (cb.halfOpen && !cb.pendingClose)) {
      // Nothing to decide while open; while a trial runs, opossum's fire refuses a second call,
      // and its rule for a failure while half-open is to open again.
      if (bucket) bucket.failures++;
      cb.open();
      return;
    }
    // fire counts the call again: the count made at its start moves to the replay.
    if (bucket) bucket.fires--;
    cb.fire(REPLAYED).catch(noop);
    // opossum keeps a latency sample per failure even with percentiles off; this window holds counts.
    bucket?.latencyTimes.pop();
  }

  /**
   * Counts a settled call for the slow-call rate; true when that rate opened the breaker (the
   * call is then counted as opossum would count it, in the window, and nothing else is decided).
   */
  private countSlow(failed: boolean, slow: boolean): boolean {
    this.slowCalls ??= new SlowCalls(this.options);
    if (!this.slowCalls.count(this.tick, failed, slow) || !this.closed) return false;
    const cb = this.opossum();
    const bucket = this.window?.[0];
    if (bucket) bucket.successes++;
    this.streak = 0;
    cb.open();
    return true;
  }

  /** A counted call cancelled by its caller proves nothing: no state changes. */
  countCancelled(): void {
    this.catchUp();
  }

  open(): void {
    this.catchUp();
    this.opossum().open();
  }

  close(): void {
    if (!this.cb?.halfOpen) return;
    this.cb.close();
    // On probation, as a half-open trial would be: the probe may not see what a call meets
    // (one operation failing on a channel that answers), so the next failure opens it again.
    this.streak = this.options.consecutiveFailures - 1;
  }

  shutdown(): void {
    if (this.cb) this.cb.shutdown();
    else if (!this.shut) this.rotation.leave();
    this.shut = true;
  }

  /** Index of the newest bucket's fires in the ring. */
  private newest(): number {
    return (this.tick % this.options.rollingCountBuckets) * 2;
  }

  private ring(): number[] {
    this.counts ??= new Array<number>(this.options.rollingCountBuckets * 2).fill(0);
    return this.counts;
  }

  /** Brings the counts or opossum's window up to the rotation's tick, one bucket per tick missed. */
  private catchUp(): void {
    const behind = this.rotation.tick - this.tick;
    if (behind === 0) return;
    this.tick = this.rotation.tick;
    const buckets = this.options.rollingCountBuckets;
    this.slowCalls?.rotate(this.tick, behind);
    const counts = this.counts;
    if (counts) {
      // The buckets of the ticks missed, at most all of them, are emptied.
      for (let k = Math.min(behind, buckets); k > 0; k--) {
        const i = ((this.tick - k + 1) % buckets) * 2;
        counts[i] = 0;
        counts[i + 1] = 0;
      }
    } else if (this.rotateWindow) for (let i = Math.min(behind, buckets); i > 0; i--) this.rotateWindow();
  }

  private sum(): { fires: number; failures: number; successes: number } {
    let fires = 0;
    let failures = 0;
    let successes = 0;
    if (this.window) {
      for (const bucket of this.window) {
        fires += bucket.fires;
        failures += bucket.failures;
        successes += bucket.successes;
      }
    } else if (this.counts) {
      for (let i = 0; i < this.counts.length; i += 2) {
        fires += this.counts[i] as number;
        successes += this.counts[i + 1] as number;
      }
    }
    return { fires, failures, successes };
  }

  /** The opossum breaker, made on first need with what was counted so far in its window. */
  opossum(): Opossum {
    if (this.cb) return this.cb;
    const cb = newOpossum(
      this.owner.breakerName(this.key),
      this.options,
      this.rotation,
      this.owner.breakerHooks(this.key),
    );
    const o = this.options;
    const internals = adoptWindow(cb, this.rotation, () => this.sum(), this.counts, this.tick);
    if (internals) {
      this.window = internals.window;
      this.rotateWindow = internals.rotate;
    }
    // Without the window, the counts made so far are lost: the breaker can only open sooner.
    this.counts = undefined;
    this.cb = cb;
    // Failures in a row open it through opossum's public open(), before opossum's own rule
    // (which then finds it open): the rate rule itself is opossum's, untouched. Every failure,
    // fired or replayed, goes through opossum's fail(), which emits 'failure' first.
    cb.on('failure', () => {
      if (++this.streak >= o.consecutiveFailures && cb.closed) cb.open();
    });
    cb.on('success', () => {
      this.streak = 0;
    });
    cb.on('open', () => {
      this.streak = 0;
    });
    // After the opossum breaker joined the rotation, so its interval never stops in between.
    this.rotation.leave();
    return cb;
  }
}

/** The breaker a router gives a route or a scope: counters until its first failure. */
export function createBreaker<A, K>(
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  owner: BreakerOwner<A, K>,
  key: K,
): RouteBreaker<A> {
  return new Breaker(options, rotation, owner, key);
}

/** An opossum breaker from the start, with these hooks. */
export function createOpossumBreaker<A>(
  name: string,
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<A>,
): RouteBreaker<A> {
  const b = new Breaker<A, undefined>(
    options,
    rotation,
    { breakerName: () => name, breakerHooks: () => hooks },
    undefined,
  );
  b.opossum();
  return b;
}
