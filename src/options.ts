// What createRouter, execute and plan accept, as the caller writes it.
import { type BreakerOptions, type ResolvedBreakerOptions, resolveBreakerOptions } from './breaker/options.js';
import {
  type AnyCatalog,
  type ChannelIdOf,
  ensureCatalog,
  type OperationIdOf,
  type RouteChannelOf,
} from './catalog.js';
import { ConfigError } from './errors.js';
import { checkHandlers, type Handlers } from './handlers.js';
import { checkMessages } from './i18n/check-messages.js';
import type { MessagesOption } from './i18n/messages.js';
import type { Locale } from './i18n/text.js';
import type { Alternative, Attempt, ReferralCode, SkipReason } from './outcome.js';
import { type Policies, type ResolvedPolicy, type RetryOptions, resolvePolicies } from './policy-options.js';
import { type ProbeOptions, type Probes, type ResolvedProbeOptions, resolveProbeOptions } from './probe-options.js';
import { type ResolvedScopeOptions, resolveScopeOptions, type ScopeOptions } from './scopes.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { capIssues } from './validate.js';

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
export type ErrorClass = Extract<Attempt['result'], 'rejection' | 'not-executed' | 'failure'>;
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
  /**
   * A health check per channel, run from one timer, never on a person's call: while the
   * channel's breakers are open or half-open, and when it saw no call for `probe.intervalMs`.
   * `breaker.consecutiveFailures` failures in a row open its routes' breakers; a success closes
   * them. On a probed channel, a non-idempotent route's breaker is closed only by its probe.
   */
  probes?: Probes<ChannelIdOf<C>> | undefined;
  probe?: ProbeOptions | undefined;
  /**
   * Sentences per locale (any BCP 47 tag), over the built-in `fr` and `en`: a whole catalogue
   * (`import { de } from 'secours/i18n/de'`) or a few sentences; a missing one falls back
   * through the locale's language, the catalogue's `defaultLocale`, then French.
   * @example { messages: { de, en: { manual: (label) => `${label}: see below.` } } }
   */
  messages?: MessagesOption | undefined;
  /** Router-wide retry on the same route, only where safe; see `RetryOptions`. @default none */
  retry?: RetryOptions | undefined;
  /** Router-wide budget of a whole call (ms), across failover, retries and hedges. @default none */
  timeoutMs?: number | undefined;
  /**
   * Per operation: `retry`, `hedge` (idempotent operations only) and `timeoutMs`, each over the
   * router-wide value.
   * @example { balance: { hedge: { afterMs: 200 } }, transfer: { timeoutMs: 8_000 } }
   */
  policies?: Policies<C> | undefined;
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
  /** Any BCP 47 tag. @default the catalogue's `defaultLocale`, else 'fr' */
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
  /**
   * This call's budget (ms), across failover, retries and hedges, over the operation's and the
   * router's `timeoutMs`. When spent the call ends: `uncertain` if a non-idempotent attempt was
   * in flight, else `referred` with code `'deadline'`.
   */
  timeoutMs?: number | undefined;
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

/**
 * The years 0000 to 9998: opening hours are read through Intl, which cannot format a year past
 * 9999 (a Date holds far more), and the next opening may be a few days ahead.
 */
const MIN_TIME = Date.parse('0000-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-01-01T00:00:00Z');

/** The clock's answer when it is epoch ms in the years the router can work in, else undefined. */
export function readClock(clock: Clock): number | undefined {
  try {
    const t = clock.now();
    return typeof t === 'number' && t >= MIN_TIME && t <= MAX_TIME ? t : undefined;
  } catch {
    return undefined;
  }
}

/** The router's options, checked and completed; the caller's object is never changed. */
export interface ResolvedRouterOptions {
  readonly catalog: AnyCatalog;
  readonly handlers: Record<string, Record<string, unknown> | undefined>;
  readonly inputs: Record<string, StandardSchemaV1> | undefined;
  readonly breaker: ResolvedBreakerOptions;
  readonly clock: Clock;
  readonly classify: Classify | undefined;
  readonly scopes: ResolvedScopeOptions;
  readonly probe: ResolvedProbeOptions;
  readonly messages: MessagesOption | undefined;
  /** Only the operations that have a policy. */
  readonly policies: ReadonlyMap<string, ResolvedPolicy>;
}

// Every key of RouterOptions, checked by the compiler both ways: an option added there and not
// here fails to compile instead of being refused by createRouter.
const ROUTER_OPTIONS: Readonly<Record<keyof RouterOptions<AnyCatalog>, true>> = {
  catalog: true,
  handlers: true,
  breaker: true,
  clock: true,
  classify: true,
  inputs: true,
  scopes: true,
  probes: true,
  probe: true,
  messages: true,
  retry: true,
  timeoutMs: true,
  policies: true,
};

/** Throws `ConfigError` listing every problem with the options. */
export function resolveRouterOptions(options: RouterOptions<AnyCatalog, Handlers<AnyCatalog>>): ResolvedRouterOptions {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('router options', [{ path: '', message: 'expected an object with a `catalog`' }]);
  }
  // Types catch a typo (`handler`) only in TypeScript: elsewhere it would silently drop the part.
  for (const path of Object.keys(options)) {
    if (!Object.hasOwn(ROUTER_OPTIONS, path))
      throw new ConfigError('router options', [{ path, message: 'unknown option' }]);
  }
  const raw = options.catalog;
  if (!raw || typeof raw !== 'object' || !raw.channels || !raw.operations) {
    throw new ConfigError('router options', [
      { path: 'catalog', message: 'expected a catalogue from defineCatalog, parseCatalog or a preset' },
    ]);
  }
  // A raw object that never went through defineCatalog or parseCatalog is validated here,
  // so a route naming an unknown channel is a ConfigError now, not a TypeError later.
  const catalog = ensureCatalog(raw);
  const breaker = resolveBreakerOptions(options.breaker);
  const clock = options.clock ?? { now: Date.now };
  const first = typeof clock?.now === 'function' ? readClock(clock) : undefined;
  if (first === undefined) {
    throw new ConfigError('router options', [
      {
        path: 'clock.now',
        message: 'expected a function returning epoch ms (a finite number in the years 0000 to 9998)',
      },
    ]);
  }
  const classify = options.classify;
  if (classify !== undefined && typeof classify !== 'function') {
    throw new ConfigError('router options', [{ path: 'classify', message: 'expected a function' }]);
  }
  const scopes = resolveScopeOptions(options.scopes, catalog);
  const handlers = (options.handlers ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const issues = checkHandlers(catalog, handlers, options.inputs ?? {});
  if (issues.length) throw new ConfigError('router options', issues);
  const inputs = options.inputs as Record<string, StandardSchemaV1> | undefined;
  const probe = resolveProbeOptions(catalog, options.probes as Record<string, unknown> | undefined, options.probe);
  const checked = checkMessages(options.messages);
  if (checked.issues.length) throw new ConfigError('router options', capIssues(checked.issues));
  const policies = resolvePolicies(catalog, options.retry, options.timeoutMs, options.policies);
  return { catalog, handlers, inputs, breaker, clock, classify, scopes, probe, messages: checked.messages, policies };
}
