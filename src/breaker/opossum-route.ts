// The one file that touches opossum. opossum 9 ships no type declarations and @types/opossum
// describes opossum 8, so the part used here is declared here; and the two internals read for
// speed (the rolling window, its rotation) are checked once, with `fire` as the fallback.
import OpossumModule from 'opossum';
import type { ResolvedBreakerOptions } from './options.js';
import type { BucketRotation } from './rotation.js';
import type { BreakerHooks, RouteBreaker } from './route-breaker.js';

/** One bucket of opossum's rolling window (lib/status.js). */
interface Bucket {
  fires: number;
  failures: number;
  successes: number;
  latencyTimes: number[];
}

/** The options of opossum 9 set here (lib/circuit.js). */
interface OpossumOptions {
  name: string;
  timeout: false;
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeout: number;
  rollingCountTimeout: number;
  rollingCountBuckets: number;
  rollingPercentilesEnabled: false;
  enableSnapshots: false;
  rotateBucketController: unknown;
  errorFilter(error: unknown, ...args: unknown[]): boolean;
}

/** The part of opossum 9's `CircuitBreaker` used here. */
interface Opossum {
  fire(...args: unknown[]): Promise<unknown>;
  readonly closed: boolean;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly stats: { fires: number; failures: number; successes: number };
  readonly status: object;
  close(): void;
  shutdown(): void;
  on(event: 'open' | 'halfOpen' | 'close', listener: () => void): unknown;
}

const CircuitBreaker = OpossumModule as unknown as new (
  action: (...args: never[]) => Promise<unknown>,
  options: OpossumOptions,
) => Opossum;

/**
 * opossum keeps its rolling window under a private symbol, and rotates it with `rotateBucket`.
 * Both found per breaker; undefined when a future opossum stores them otherwise.
 */
export function internalsOf(
  cb: Opossum,
  rotation: BucketRotation,
): { window: Bucket[]; rotate: () => void } | undefined {
  const status = cb.status;
  const rotate = (status as { rotateBucket?: unknown }).rotateBucket;
  if (typeof rotate !== 'function' || rotation.listenerCount('rotate', rotate as () => void) !== 1) return undefined;
  for (const key of Object.getOwnPropertySymbols(status)) {
    if (key.description !== 'window') continue;
    const window = (status as Record<symbol, unknown>)[key];
    if (!Array.isArray(window) || window.length === 0) return undefined;
    const b = window[0] as Partial<Bucket> | undefined;
    const ok = typeof b?.fires === 'number' && typeof b.failures === 'number' && Array.isArray(b.latencyTimes);
    return ok ? { window: window as Bucket[], rotate: rotate as () => void } : undefined;
  }
  return undefined;
}

/** The argument of a replayed failure (see `countSettled`): never reaches the handler. */
const REPLAYED = Symbol('secours.replayed');

/**
 * opossum's `fire` costs a Promise, a semaphore Promise, two event emissions, an argument copy
 * and a latency sample kept per call (even with percentiles off). While the breaker is closed the
 * router runs a call itself and counts it in opossum's own window, which opossum keeps reading and
 * acting on. A success is a count (and, half-open, opossum's own `close()`); a failure is
 * replayed through `fire` with an action that throws at once, so opossum's own `fail()` decides,
 * synchronously, whether the breaker opens: its rule is not copied here. A half-open trial still
 * goes through `fire`.
 */
class OpossumRoute<A> implements RouteBreaker<A> {
  readonly counting: boolean;
  private readonly window: Bucket[];
  private readonly rotateWindow: (() => void) | undefined;
  private tick: number;

  constructor(
    private readonly cb: Opossum,
    private readonly rotation: BucketRotation,
  ) {
    const internals = internalsOf(cb, rotation);
    this.counting = internals !== undefined;
    this.window = internals?.window ?? [];
    this.rotateWindow = internals?.rotate;
    this.tick = rotation.tick;
    if (this.rotateWindow) rotation.lazy(this.rotateWindow);
    // opossum's fail() reads `stats`, which sums every counter of every bucket through Object.keys
    // and fills a percentiles object: the part of a failure that costs most. It only reads fires and
    // failures; this breaker's own sum of the window gives them without allocating per bucket.
    if (internals) Object.defineProperty(cb, 'stats', { get: () => this.sum(), configurable: true });
  }

  private sum(): { fires: number; failures: number; successes: number } {
    let fires = 0;
    let failures = 0;
    let successes = 0;
    for (const bucket of this.window) {
      fires += bucket.fires;
      failures += bucket.failures;
      successes += bucket.successes;
    }
    return { fires, failures, successes };
  }

  /** Rotates the window for each tick it missed; past a window's length, all it held is gone. */
  private catchUp(): void {
    const behind = this.rotation.tick - this.tick;
    if (behind === 0 || !this.rotateWindow) return;
    this.tick = this.rotation.tick;
    for (let i = Math.min(behind, this.window.length); i > 0; i--) this.rotateWindow();
  }

  fire(attempt: A): Promise<unknown> {
    this.catchUp();
    return this.cb.fire(attempt);
  }
  get closed(): boolean {
    return this.cb.closed;
  }
  get opened(): boolean {
    return this.cb.opened;
  }
  get halfOpen(): boolean {
    return this.cb.halfOpen;
  }
  get pendingClose(): boolean {
    return this.cb.pendingClose;
  }
  get stats(): { fires: number; failures: number; successes: number } {
    this.catchUp();
    if (this.counting) return this.sum();
    const { fires, failures, successes } = this.cb.stats;
    return { fires, failures, successes };
  }

  countFire(): void {
    this.catchUp();
    const bucket = this.window[0];
    if (bucket) bucket.fires++;
  }

  /**
   * Without the window (a future opossum, `counting` false) only a lazy breaker's first failure
   * comes here: it is replayed through `fire` all the same, the public way.
   */
  countSettled(failed: boolean): void {
    const cb = this.cb;
    this.catchUp();
    const bucket = this.window[0];
    if (!failed) {
      if (bucket) bucket.successes++;
      // opossum's own 'success' listener.
      if (cb.halfOpen) cb.close();
      return;
    }
    if (cb.opened) {
      // Nothing to decide on an open breaker: count it, as the window would have.
      if (bucket) bucket.failures++;
      return;
    }
    if (cb.halfOpen && !cb.pendingClose) {
      // While a trial runs, opossum's fire refuses a second call; its rule for a failure while
      // half-open is to open again.
      if (bucket) bucket.failures++;
      (cb as unknown as { open(): void }).open();
      return;
    }
    // fire counts the call again: the count made at its start moves to the replay.
    if (bucket) bucket.fires--;
    cb.fire(REPLAYED).catch(noop);
    // opossum keeps a latency sample per failure even with percentiles off; this window holds counts.
    bucket?.latencyTimes.pop();
  }

  /** A counted call cancelled by its caller proves nothing: no state changes. */
  countCancelled(): void {
    this.catchUp();
  }

  shutdown(): void {
    this.cb.shutdown();
  }
}

function noop(): void {}

/**
 * Copies counts made before the breaker existed into its window, newest bucket first, so
 * opossum's rule reads the same window it would have counted itself. Without the window (a future
 * opossum), false: the caller keeps using `fire`, correct but slower.
 */
export function seedWindow<A>(breaker: RouteBreaker<A>, counts: { fires: number; successes: number }[]): boolean {
  if (!(breaker instanceof OpossumRoute) || !breaker.counting) return false;
  const window = (breaker as unknown as { window: Bucket[] }).window;
  for (let i = 0; i < counts.length && i < window.length; i++) {
    const bucket = window[i] as Bucket;
    bucket.fires += (counts[i] as { fires: number }).fires;
    bucket.successes += (counts[i] as { successes: number }).successes;
  }
  return true;
}

/**
 * An opossum breaker set up for scale: no interval of its own (shared rotation), no snapshots,
 * no percentiles (their cost grows with the traffic in the window), no timeout timer (the router
 * enforces timeouts).
 */
export function createOpossumRoute<A>(
  name: string,
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<A>,
): RouteBreaker<A> {
  const cb = new CircuitBreaker(
    (attempt: A | typeof REPLAYED) => {
      // A replayed failure throws at once: opossum's catch runs its fail() synchronously.
      if (attempt === REPLAYED) throw REPLAYED;
      return hooks.action(attempt);
    },
    {
      name,
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeout,
      rollingCountTimeout: options.rollingCountTimeout,
      rollingCountBuckets: options.rollingCountBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // opossum only calls listenerCount, on and removeListener on it.
      rotateBucketController: rotation,
      // opossum passes the fired arguments after the error.
      errorFilter: (error, attempt) => attempt !== REPLAYED && hooks.isRejection(error, attempt as A),
    },
  );
  cb.on('open', () => hooks.onState('open'));
  cb.on('halfOpen', () => hooks.onState('half-open'));
  cb.on('close', () => hooks.onState('closed'));
  return new OpossumRoute<A>(cb, rotation);
}
