// What createRouter, execute and plan accept, as the caller writes it.
import type { BreakerOptions } from './breaker/options.js';
import type { AnyCatalog, ChannelIdOf, OperationIdOf, RouteChannelOf } from './catalog.js';
import type { Handlers } from './handlers.js';
import type { Alternative, ReferralCode, SkipReason } from './outcome.js';
import type { ScopeOptions } from './scopes.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { Locale } from './text.js';

/** Where "now" comes from for opening hours and outages. Timers stay the global ones. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
}

/**
 * How an error thrown by a handler is read:
 * - `'rejection'`: the operation's own answer (insufficient funds, a 4xx): does not count against
 *   the breaker, no failover, and `execute` rethrows it unchanged;
 * - `'not-executed'`: certainly did not happen: counts against the breaker, and even a
 *   non-idempotent operation fails over;
 * - `'failure'`: counts against the breaker; ambiguous for a non-idempotent operation.
 * Return `undefined` for the default (`NotExecutedError` → not-executed, anything else → failure).
 */
export type ErrorClass = 'rejection' | 'not-executed' | 'failure';
export type Classify = (error: unknown, where: { operation: string; channel: string }) => ErrorClass | undefined;

/** An input schema per operation. */
export type Inputs<C extends AnyCatalog> = { readonly [O in OperationIdOf<C>]?: StandardSchemaV1 };

export interface RouterOptions<
  C extends AnyCatalog,
  H extends Handlers<C> = Handlers<C>,
  S extends Inputs<C> = Inputs<C>,
> {
  /** From `defineCatalog`, `parseCatalog` or a preset. */
  catalog: C;
  /** `handlers[operation][channel]`: a route with a handler is automated, one without is a referral. */
  handlers?: H | undefined;
  /** opossum's option names, with defaults fit for a service (see `BreakerOptions`). */
  breaker?: BreakerOptions | undefined;
  /** @default { now: Date.now } */
  clock?: Clock | undefined;
  /** @default NotExecutedError → 'not-executed', anything else → 'failure' */
  classify?: Classify | undefined;
  /** An input schema per operation (zod, valibot… any Standard Schema), checked before anything runs. */
  inputs?: S | undefined;
  /** Breakers per scope (e.g. per office) for calls that name one; see `ScopeOptions`. */
  scopes?: ScopeOptions<ChannelIdOf<C>> | undefined;
}

/** One route: an operation on a channel. */
export interface RouteRef<Op extends string = string, Ch extends string = string> {
  readonly operation: Op;
  readonly channel: Ch;
}

/** A route of this catalogue: the channel must be one of the operation's routes. */
export type RouteRefOf<C extends AnyCatalog> = {
  [O in OperationIdOf<C>]: RouteRef<O, RouteChannelOf<C, O>>;
}[OperationIdOf<C>];

export interface CallContext<Ch extends string = string> {
  /** @default 'fr' */
  locale?: Locale | undefined;
  /** Sent to every handler of this call; one is generated when absent. */
  idempotencyKey?: string | undefined;
  /** Cancels the call: it then ends as `uncertain` (if a non-idempotent handler ran) or `referred`. */
  signal?: AbortSignal | undefined;
  /** Channels this person cannot use (no app, no phone): never tried, never offered. */
  exclude?: readonly Ch[] | undefined;
  /** Checked against each route's limits. */
  amount?: number | undefined;
  /** Anything about the person the handlers need; passed through untouched. */
  user?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Where the call happens (an office, a terminal, a region): on scoped routes it gets a
   * breaker of its own, so one scope's failures do not stop the others. A non-empty string of
   * at most 200 characters.
   * @example { scope: 'office-75001' }
   */
  scope?: string | undefined;
}

/** What `plan` says: the decision `execute` would take now, without running anything. */
export interface Plan<Op extends string = string, Ch extends string = string> {
  readonly operation: Op;
  /** Automated routes that would be tried, in order. Empty: the person must be referred. */
  readonly willTry: readonly Ch[];
  readonly skipped: readonly { readonly channel: Ch; readonly why: SkipReason }[];
  /** What the person would be offered if nothing automated served. */
  readonly alternatives: readonly Alternative<Ch>[];
  /** When nothing would be tried: why, as `execute` would say it. */
  readonly code?: ReferralCode;
  readonly reason?: string;
  readonly retryAfter?: string;
}

/** The largest instant a Date can hold, either side of 1970. */
const MAX_TIME = 8.64e15;

/** The clock's answer when it is epoch ms a Date can hold, else undefined. */
export function readClock(clock: Clock): number | undefined {
  try {
    const t = clock.now();
    return typeof t === 'number' && t >= -MAX_TIME && t <= MAX_TIME ? t : undefined;
  } catch {
    return undefined;
  }
}
