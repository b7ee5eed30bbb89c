import CircuitBreaker from 'opossum';
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';
import { parseWith } from './validate.js';

/** Breaker settings, with opossum's option names. One set per router. */
export interface BreakerOptions {
  /**
   * How long a handler may run before the attempt counts as a timeout (ms); `false` for none.
   * Enforced by the router, not by opossum: one shared timer per timeout value, not one per call.
   * @default 10_000
   */
  timeout?: number | false | undefined;
  /** Failure percentage in the rolling window above which the breaker opens. @default 50 */
  errorThresholdPercentage?: number | undefined;
  /**
   * Calls in the window before the breaker may open. opossum's own default, 0, opens on the
   * very first failure.
   * @default 5
   */
  volumeThreshold?: number | undefined;
  /** How long an open breaker waits before letting one trial call through (ms). @default 30_000 */
  resetTimeout?: number | undefined;
  /** Length of the rolling statistics window (ms). @default 10_000 */
  rollingCountTimeout?: number | undefined;
  /** Buckets in the rolling window. @default 10 */
  rollingCountBuckets?: number | undefined;
}

export type ResolvedBreakerOptions = Readonly<
  { [K in Exclude<keyof BreakerOptions, 'timeout'>]-?: Exclude<BreakerOptions[K], undefined> } & { timeout: number }
>;

const positive = z.number().check(z.positive('must be more than 0'));
const breakerSchema = z.strictObject({
  timeout: z.optional(z.union([positive, z.literal(false)])),
  errorThresholdPercentage: z.optional(z.number().check(z.gte(0), z.lte(100))),
  volumeThreshold: z.optional(z.int().check(z.gte(0))),
  resetTimeout: z.optional(positive),
  rollingCountTimeout: z.optional(positive),
  rollingCountBuckets: z.optional(z.int().check(z.positive())),
});

/** Copies, validates and completes the caller's options; never changes their object. */
export function resolveBreakerOptions(options: BreakerOptions | undefined): ResolvedBreakerOptions {
  const parsed = parseWith(breakerSchema, options ?? {}, ['breaker']);
  if (!parsed.data) throw new ConfigError('breaker options', parsed.issues);
  const o = parsed.data;
  return Object.freeze({
    timeout: o.timeout === false ? Number.POSITIVE_INFINITY : (o.timeout ?? 10_000),
    errorThresholdPercentage: o.errorThresholdPercentage ?? 50,
    volumeThreshold: o.volumeThreshold ?? 5,
    resetTimeout: o.resetTimeout ?? 30_000,
    rollingCountTimeout: o.rollingCountTimeout ?? 10_000,
    rollingCountBuckets: o.rollingCountBuckets ?? 10,
  });
}

/**
 * Rotates the statistics windows of every breaker of a router with one interval, running only
 * while some breaker exists. It stands in for the EventEmitter opossum expects as
 * `rotateBucketController`: opossum subscribes a breaker only when
 * `listenerCount('rotate', itsListener)` is 0, a second argument eventemitter3 ignores, so with
 * an eventemitter3 controller only the first breaker would ever rotate. This one counts per
 * listener.
 *
 * A listener marked `lazy` is not called on each tick: its breaker catches up (calls it once
 * per tick missed, at most a window's worth) when it is next read or counted in. Ten thousand
 * idle breakers then cost one counter increment a tick instead of ten thousand bucket
 * allocations, and the result is the same: a window is only ever read after catching up.
 */
export class BucketRotation {
  private readonly listeners = new Set<() => void>();
  /** Listeners called on every tick: those not marked lazy. */
  private readonly eager = new Set<() => void>();
  /** Ticks so far. */
  tick = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs: number) {}

  listenerCount(_event: string, listener: () => void): number {
    return this.listeners.has(listener) ? 1 : 0;
  }

  on(_event: string, listener: () => void): this {
    if (!this.listeners.has(listener)) this.eager.add(listener);
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(this.rotate, this.intervalMs);
      (this.timer as { unref?(): void }).unref?.();
    }
    return this;
  }

  removeListener(_event: string, listener: () => void): this {
    this.listeners.delete(listener);
    this.eager.delete(listener);
    if (this.listeners.size === 0) this.stop();
    return this;
  }

  get size(): number {
    return this.listeners.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Its owner calls it itself when behind `tick` (see the class comment). */
  lazy(listener: () => void): void {
    this.eager.delete(listener);
  }

  private rotate = (): void => {
    this.tick++;
    for (const listener of this.eager) listener();
  };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerHooks<A> {
  /** Runs the attempt; opossum counts how it settles. */
  action(attempt: A): Promise<unknown>;
  /** True when an error is the operation's own answer, which must not count as a failure. */
  isRejection(error: unknown, attempt: A): boolean;
  onState(state: BreakerState): void;
}

/** The part of opossum the router uses; opossum's types stay out of our public ones. */
export interface RouteBreaker<A> {
  fire(attempt: A): Promise<unknown>;
  readonly closed: boolean;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly stats: { fires: number; failures: number; successes: number };
  /**
   * True when the router may run a call itself while the breaker is closed and report it with
   * `countFire` / `countSettled`, instead of going through `fire`.
   */
  readonly counting: boolean;
  /** What opossum's `fire` counts when a call starts on a closed breaker. */
  countFire(): void;
  /**
   * What opossum counts when that call settles: a success (or an error its filter lets through)
   * closes a half-open breaker; a failure may open it, by opossum's own rule.
   */
  countSettled(failed: boolean): void;
  /** A counted call cancelled by its caller: it proves nothing, so it changes no state. */
  countCancelled(): void;
  shutdown(): void;
}

/** One bucket of opossum's rolling window (lib/status.js). */
interface Bucket {
  fires: number;
  failures: number;
  successes: number;
}

/**
 * opossum keeps its rolling window under a private symbol. Found once per breaker; if a future
 * opossum stores it otherwise, the router falls back to `fire` and stays correct, only slower.
 */
function windowOf(status: object): Bucket[] | undefined {
  for (const key of Object.getOwnPropertySymbols(status)) {
    if (key.description !== 'window') continue;
    const window = (status as Record<symbol, unknown>)[key];
    const first = Array.isArray(window) ? (window[0] as Partial<Bucket> | undefined) : undefined;
    if (typeof first?.fires === 'number' && typeof first.failures === 'number') return window as Bucket[];
  }
  return undefined;
}

/**
 * opossum's `fire` costs a Promise, a semaphore Promise, two event emissions, an argument copy
 * and a latency sample pushed per call (kept even with percentiles off, so the window's memory
 * grows with its traffic), and on each failure a sum of the whole window through `Object.keys`.
 * While the breaker is closed the router runs the call itself and counts it in opossum's own
 * window, which opossum keeps rotating, reading and acting on: the state machine (open,
 * half-open after `resetTimeout`, the single trial call, close) stays opossum's. A half-open
 * breaker's trial call still goes through `fire`.
 */
class OpossumRoute<A> implements RouteBreaker<A> {
  readonly counting: boolean;
  private readonly window: Bucket[];
  /** opossum's own rotation of this window, called here when behind the shared tick. */
  private readonly rotateWindow: (() => void) | undefined;
  private tick: number;

  constructor(
    private readonly cb: CircuitBreaker,
    private readonly threshold: number,
    private readonly rotation: BucketRotation,
  ) {
    const window = windowOf(cb.status);
    this.counting = window !== undefined;
    this.window = window ?? [];
    this.tick = rotation.tick;
    const rotate = (cb.status as unknown as { rotateBucket?: unknown }).rotateBucket;
    if (window && typeof rotate === 'function' && rotation.listenerCount('rotate', rotate as () => void) === 1) {
      this.rotateWindow = rotate as () => void;
      rotation.lazy(this.rotateWindow);
    }
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
    return this.cb.stats;
  }

  countFire(): void {
    this.catchUp();
    (this.window[0] as Bucket).fires++;
  }

  countSettled(failed: boolean): void {
    const cb = this.cb;
    this.catchUp();
    if (!failed) {
      (this.window[0] as Bucket).successes++;
      // opossum's own 'success' listener.
      if (cb.halfOpen) cb.close();
      return;
    }
    (this.window[0] as Bucket).failures++;
    // opossum's fail(): the same rule over the same window, summed without allocating.
    if (cb.warmUp) return;
    const halfOpen = cb.halfOpen;
    let fires = 0;
    let failures = 0;
    for (const bucket of this.window) {
      fires += bucket.fires;
      failures += bucket.failures;
    }
    if (fires < cb.volumeThreshold && !halfOpen) return;
    if ((failures / fires) * 100 > this.threshold || halfOpen) cb.open();
  }

  countCancelled(): void {
    this.catchUp();
  }

  shutdown(): void {
    this.cb.shutdown();
  }
}

/**
 * An opossum breaker set up for scale: no interval of its own (shared rotation), no snapshots,
 * no percentiles (their cost grows with the traffic in the window), no timeout timer (the router
 * enforces timeouts).
 */
export function createBreaker<A>(
  name: string,
  options: ResolvedBreakerOptions,
  rotation: BucketRotation,
  hooks: BreakerHooks<A>,
): RouteBreaker<A> {
  const breaker = new CircuitBreaker(hooks.action, {
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
    rotateBucketController: rotation as unknown as CircuitBreaker.Options['rotateBucketController'],
    // opossum passes the fired arguments after the error; its types declare only the error.
    errorFilter: ((error: unknown, attempt: A) => hooks.isRejection(error, attempt)) as (error: unknown) => boolean,
  });
  breaker.on('open', () => hooks.onState('open'));
  breaker.on('halfOpen', () => hooks.onState('half-open'));
  breaker.on('close', () => hooks.onState('closed'));
  return new OpossumRoute<A>(breaker, options.errorThresholdPercentage, rotation);
}
