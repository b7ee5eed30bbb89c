import * as z from 'zod/mini';
import { MAX_DELAY } from '../deadlines.js';
import { ConfigError } from '../errors.js';
import { int } from '../internal/int.js';
import { parseWith } from '../validate.js';

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
  /**
   * Failures in a row that open the breaker whatever the window's volume: at low traffic (a
   * few calls a minute) the window never reaches `volumeThreshold`, and a dead service would
   * never be skipped. `false` leaves only opossum's rate rule.
   * @default 3
   */
  consecutiveFailures?: number | false | undefined;
  /**
   * A success that took at least this long (ms) is slow: its channel shows
   * `degraded_performance`, and past `slowCallRate` in the window the breaker opens. `false`: off.
   * @default false
   */
  slowCallMs?: number | false | undefined;
  /** Share of slow calls (0–100) in the window, once it holds `volumeThreshold` calls, above which it opens. @default 50 */
  slowCallRate?: number | undefined;
  /**
   * A bulkhead: at most this many attempts in flight at once on each breaker (a route's, or one
   * scope's on a scoped route). A call over it is not run there: it waits in the queue
   * (`maxQueued`) or fails over at once (`{ result: 'skipped', why: 'busy' }`), counted against
   * nothing, while the channel shows `degraded_performance`. `Infinity` or unset: no limit.
   * @default Infinity
   * @example { maxConcurrent: 20, maxQueued: 10 }
   */
  maxConcurrent?: number | undefined;
  /**
   * Calls that may wait, first come first served, for a slot on a full bulkhead; one more is
   * skipped `busy`. A wait ends when a slot frees, or the call's signal aborts or the router is
   * disposed (then it ends `cancelled`). Only with a finite `maxConcurrent`.
   * @default 0
   */
  maxQueued?: number | undefined;
}

export type ResolvedBreakerOptions = Readonly<
  {
    [K in Exclude<keyof BreakerOptions, 'timeout' | 'consecutiveFailures' | 'slowCallMs' | 'maxConcurrent'>]-?: Exclude<
      BreakerOptions[K],
      undefined
    >;
  } & {
    timeout: number;
    /** Infinite when off. */
    consecutiveFailures: number;
    /** Infinite when off. */
    slowCallMs: number;
    /** Infinite when off. */
    maxConcurrent: number;
  }
>;

const positive = z.number().check(z.positive('must be more than 0'));
const count = int().check(z.positive('must be more than 0'));
// A timer longer than setTimeout can hold fires after 1 ms: a breaker would half-open at once,
// a window rotate every millisecond. These become timers as they are, so they stay within it.
const delay = z.number().check(z.positive('must be more than 0'), z.lte(MAX_DELAY));
/** opossum allocates every bucket of every breaker's window up front. */
const MAX_BUCKETS = 1000;
const breakerSchema = z.strictObject({
  timeout: z.optional(z.union([positive, z.literal(false)])),
  errorThresholdPercentage: z.optional(z.number().check(z.gte(0), z.lte(100))),
  volumeThreshold: z.optional(int().check(z.gte(0))),
  resetTimeout: z.optional(delay),
  rollingCountTimeout: z.optional(delay),
  rollingCountBuckets: z.optional(int().check(z.positive(), z.lte(MAX_BUCKETS))),
  consecutiveFailures: z.optional(z.union([count, z.literal(false)])),
  slowCallMs: z.optional(z.union([positive, z.literal(false)])),
  slowCallRate: z.optional(z.number().check(z.gte(0), z.lte(100))),
  maxConcurrent: z.optional(z.union([count, z.literal(Number.POSITIVE_INFINITY)])),
  // A bounded buffer: a number of calls, never Infinity.
  maxQueued: z.optional(int().check(z.gte(0))),
});

/** Copies, validates and completes the caller's options; never changes their object. */
export function resolveBreakerOptions(options: BreakerOptions | undefined): ResolvedBreakerOptions {
  const parsed = parseWith(breakerSchema, options ?? {}, ['breaker']);
  if (!parsed.data) throw new ConfigError('breaker options', parsed.issues);
  const o = parsed.data;
  const maxConcurrent = o.maxConcurrent ?? Number.POSITIVE_INFINITY;
  if ((o.maxQueued ?? 0) > 0 && maxConcurrent === Number.POSITIVE_INFINITY) {
    throw new ConfigError('breaker options', [{ path: 'breaker.maxQueued', message: 'needs breaker.maxConcurrent' }]);
  }
  return Object.freeze({
    timeout: o.timeout === false ? Number.POSITIVE_INFINITY : (o.timeout ?? 10_000),
    errorThresholdPercentage: o.errorThresholdPercentage ?? 50,
    volumeThreshold: o.volumeThreshold ?? 5,
    resetTimeout: o.resetTimeout ?? 30_000,
    rollingCountTimeout: o.rollingCountTimeout ?? 10_000,
    rollingCountBuckets: o.rollingCountBuckets ?? 10,
    consecutiveFailures: o.consecutiveFailures === false ? Number.POSITIVE_INFINITY : (o.consecutiveFailures ?? 3),
    slowCallMs: o.slowCallMs === false || o.slowCallMs === undefined ? Number.POSITIVE_INFINITY : o.slowCallMs,
    slowCallRate: o.slowCallRate ?? 50,
    maxConcurrent,
    maxQueued: o.maxQueued ?? 0,
  });
}
