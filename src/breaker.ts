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
  timeout?: number | false;
  /** Failure percentage in the rolling window above which the breaker opens. @default 50 */
  errorThresholdPercentage?: number;
  /**
   * Calls in the window before the breaker may open. opossum's own default, 0, opens on the
   * very first failure.
   * @default 5
   */
  volumeThreshold?: number;
  /** How long an open breaker waits before letting one trial call through (ms). @default 30_000 */
  resetTimeout?: number;
  /** Length of the rolling statistics window (ms). @default 10_000 */
  rollingCountTimeout?: number;
  /** Buckets in the rolling window. @default 10 */
  rollingCountBuckets?: number;
}

export type ResolvedBreakerOptions = Readonly<Required<Omit<BreakerOptions, 'timeout'>> & { timeout: number }>;

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
 */
export class BucketRotation {
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs: number) {}

  listenerCount(_event: string, listener: () => void): number {
    return this.listeners.has(listener) ? 1 : 0;
  }

  on(_event: string, listener: () => void): this {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(this.rotate, this.intervalMs);
      (this.timer as { unref?(): void }).unref?.();
    }
    return this;
  }

  removeListener(_event: string, listener: () => void): this {
    this.listeners.delete(listener);
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

  private rotate = (): void => {
    for (const listener of this.listeners) listener();
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
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly stats: { fires: number; failures: number; successes: number };
  open(): void;
  close(): void;
  shutdown(): void;
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
  return breaker as unknown as RouteBreaker<A>;
}
