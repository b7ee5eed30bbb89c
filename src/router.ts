import { EventEmitter } from 'eventemitter3';
import {
  type BreakerOptions,
  type BreakerState,
  BucketRotation,
  createBreaker,
  type ResolvedBreakerOptions,
  type RouteBreaker,
  resolveBreakerOptions,
} from './breaker.js';
import { checkCallContext, describeValue } from './call-context.js';
import {
  type AnyCatalog,
  type Channel,
  type ChannelIdOf,
  ensureCatalog,
  type Operation,
  type OperationIdOf,
  type Route,
  type RouteChannelOf,
} from './catalog.js';
import { type Deadline, Deadlines, MAX_DELAY } from './deadlines.js';
import {
  CancelledError,
  ConfigError,
  type ConfigIssue,
  InvalidInputError,
  isNotExecutedError,
  RouterDisposedError,
  TimeoutError,
  UnknownOperationError,
} from './errors.js';
import type { RouterEvents } from './events.js';
import { type Availability, availability } from './hours.js';
import { messages } from './messages.js';
import { type Outage, OutageBook, type OutageInput, outageChannels, parseOutage } from './outages.js';
import {
  type Alternative,
  type Attempt,
  type Outcome,
  type ReferralCode,
  Referred,
  Served,
  type SkipReason,
  Uncertain,
} from './outcome.js';
import { type ResolvedScopeOptions, resolveScopeOptions, type ScopeOptions } from './scopes.js';
import { computeStatus, fingerprint, type RouteView, type Snapshot, sameStatus } from './snapshot.js';
import { type StandardSchemaV1, validateSync } from './standard-schema.js';
import { DEFAULT_LOCALE, type Locale, localise } from './text.js';
import { isPlainObject } from './validate.js';

/** Where "now" comes from for opening hours and outages. Timers stay the global ones. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
}

/** What the router passes to a handler, besides the input. */
export interface HandlerContext<Op extends string = string, Ch extends string = string> {
  /** Aborted on timeout, on the caller's signal and on `dispose()`: pass it to fetch. */
  readonly signal: AbortSignal;
  /** The caller's key, or one generated for this call: send it to the backend. */
  readonly idempotencyKey: string;
  readonly operation: Op;
  readonly channel: Ch;
  /** 1 for the first handler run in this call, 2 for the next after failover… */
  readonly attempt: number;
  readonly locale: Locale;
  readonly amount: number | undefined;
  readonly user: Readonly<Record<string, unknown>> | undefined;
  /** The call's scope (an office, a terminal), when it named one. */
  readonly scope: string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a handler's input type is the caller's choice
export type Handler<I = any, V = unknown> = (input: I, ctx: HandlerContext) => V | PromiseLike<V>;

export type Handlers<C extends AnyCatalog> = {
  readonly [O in OperationIdOf<C>]?: { readonly [Ch in RouteChannelOf<C, O>]?: Handler };
};

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

// Every key of RouterOptions: an option added there and not here is refused by createRouter.
const ROUTER_OPTIONS = /^(catalog|handlers|breaker|clock|classify|inputs|scopes)$/;

/** What a call says about the person and the request. */
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

// biome-ignore lint/suspicious/noExplicitAny: inference helpers over the caller's handler types
type AnyFn = (...args: any[]) => any;
type Values<T> = T[keyof T];
type HandlersOf<H, O> = O extends keyof H ? NonNullable<H[O]> : never;
type InputFromHandlers<M> = [M] extends [never]
  ? unknown
  : Values<{ [K in keyof M]-?: NonNullable<M[K]> extends (input: infer I, ...rest: never[]) => unknown ? I : never }>;
type ValueFromHandlers<M> = [M] extends [never]
  ? unknown
  : Values<{ [K in keyof M]-?: NonNullable<M[K]> extends AnyFn ? Awaited<ReturnType<NonNullable<M[K]>>> : never }>;
type Fallback<T> = [T] extends [never] ? unknown : T;
export type InputOf<C extends AnyCatalog, H, O extends OperationIdOf<C>, S> = O extends keyof S
  ? NonNullable<S[O]> extends StandardSchemaV1<infer I, unknown>
    ? I
    : unknown
  : Fallback<InputFromHandlers<HandlersOf<H, O>>>;
export type ValueOf<H, O> = Fallback<ValueFromHandlers<HandlersOf<H, O>>>;

type Kind = ErrorClass | 'timeout' | 'cancelled';

/** A breaker and what the router knows of it: the route's own, or one scope's. */
interface Slot {
  breaker: RouteBreaker<AttemptRun> | undefined;
  /** Down by its breaker (open or half-open), since when. */
  breakerDownSince: number | undefined;
  /** Its breaker half-opened while an outage held the route down. */
  halfOpenHeld: boolean;
}

/** One scope's breaker on a scoped route (e.g. one office's counter terminal). */
interface ScopeSlot extends Slot {
  readonly scope: string;
  /** Date.now of its last attempt: an idle, closed scope is evicted. */
  lastUsed: number;
}

/** What a scope without a breaker reads as: closed. */
const CLOSED_SLOT: Slot = Object.freeze({ breaker: undefined, breakerDownSince: undefined, halfOpenHeld: false });

interface RouteState extends Omit<RouteView, 'breakerDownSince'>, Slot {
  readonly op: OperationState;
  readonly index: number;
  readonly channel: string;
  readonly def: Route;
  readonly channelDef: Channel;
  readonly handler: Handler | undefined;
  readonly automated: boolean;
  blockedBy: Outage | undefined;
  remoteDownSince: number | undefined;
  /** The sources that currently say this route is down. */
  remoteSources: Set<string> | undefined;
  /** Calls that name a scope get a breaker per scope on this route. */
  readonly scoped: boolean;
  scopes: Map<string, ScopeSlot> | undefined;
  scopesDown: number;
  scopesDownSince: number | undefined;
}

interface OperationState {
  readonly id: string;
  readonly def: Operation;
  readonly routes: RouteState[];
  readonly schema: StandardSchemaV1 | undefined;
  /** Referral parts by locale and failed routes, valid for one state version and a time span. */
  readonly referrals: Map<string, ReferralParts>;
}

/** The snapshot's channels, as far as an alternative reads them. */
type Channels = Record<string, { status: Alternative['status'] }>;

/** What a referral tells the person: the same for every call in the same state. */
interface ReferralParts {
  readonly code: ReferralCode;
  readonly reason: string;
  readonly alternatives: readonly Alternative[];
  readonly retryAfter: string | undefined;
  readonly version: number;
  readonly from: number;
  readonly until: number;
}

function newKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  // randomUUID needs a secure context in browsers; getRandomValues does not.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Captures a new promise's settle functions without allocating an executor closure per call. */
let capturedResolve: ((value: Outcome) => void) | undefined;
let capturedReject: ((error: unknown) => void) | undefined;
const capture = (resolve: (value: Outcome) => void, reject: (error: unknown) => void) => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/** One call to `execute` (or `plan`): what it knows of the person, and how far it got. */
class Call {
  declare readonly locale: Locale;
  declare readonly exclude: ReadonlySet<string> | undefined;
  declare readonly amount: number | undefined;
  declare readonly user: Readonly<Record<string, unknown>> | undefined;
  declare readonly scope: string | undefined;
  /** The caller's signal, checked: it cancels the call. */
  declare signal: AbortSignal | undefined;
  declare cancelledBy: 'signal' | 'dispose' | undefined;
  declare current: AttemptRun | undefined;
  declare readonly op: OperationState;
  declare input: unknown;
  /** Index of the next route to consider. */
  declare next: number;
  declare runs: number;
  /** Made with the first attempt: most calls end with exactly one. */
  declare attempts: Attempt[] | undefined;
  declare failed: Set<string> | undefined;
  declare resolve: ((outcome: Outcome) => void) | undefined;
  declare reject: ((error: unknown) => void) | undefined;
  declare private key: string | undefined;
  // Plain assignments, not class fields: fields are defined one by one and then assigned again.
  constructor(
    op: OperationState,
    locale: Locale,
    exclude: ReadonlySet<string> | undefined,
    amount: number | undefined,
    user: Readonly<Record<string, unknown>> | undefined,
    givenKey: string | undefined,
    scope: string | undefined,
  ) {
    this.locale = locale;
    this.exclude = exclude;
    this.amount = amount;
    this.user = user;
    this.scope = scope;
    this.signal = undefined;
    this.cancelledBy = undefined;
    this.current = undefined;
    this.op = op;
    this.input = undefined;
    this.next = 0;
    this.runs = 0;
    this.attempts = undefined;
    this.failed = undefined;
    this.resolve = undefined;
    this.reject = undefined;
    this.key = givenKey;
  }
  record(attempt: Attempt): Attempt[] {
    if (this.attempts) this.attempts.push(attempt);
    else this.attempts = [attempt];
    return this.attempts;
  }
  /** Made once the first attempt goes asynchronous; a call that ends synchronously needs none. */
  pending(): Promise<Outcome> {
    const promise = new Promise<Outcome>(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
    capturedResolve = capturedReject = undefined;
    return promise;
  }
  /** Generated only when a handler or an outcome needs it. */
  idempotencyKey(): string {
    if (this.key === undefined) this.key = newKey();
    return this.key;
  }
  cancel(by: 'signal' | 'dispose'): void {
    this.cancelledBy ??= by;
    this.current?.cancel(by);
  }
}

/**
 * What a handler gets as `ctx`: a frozen plain object, not the router's attempt record, so
 * nothing of the router leaks through it. `signal` and `idempotencyKey` are enumerable getters,
 * made on first read (an AbortSignal costs microseconds in Node 20 and a UUID a third of a whole
 * call, and most handlers need neither), so `{...ctx}` and `JSON.stringify(ctx)` still carry
 * them: a handler that forwards a copy to its backend forwards the key that keeps the call from
 * running twice. (`structuredClone(ctx)` cannot work: an AbortSignal is not cloneable.)
 */
function handlerContext(run: AttemptRun): HandlerContext {
  const call = run.call;
  return Object.freeze({
    operation: run.route.op.id,
    channel: run.route.channel,
    attempt: run.attempt,
    locale: call.locale,
    amount: call.amount,
    user: call.user,
    scope: call.scope,
    get signal(): AbortSignal {
      return run.signal;
    },
    get idempotencyKey(): string {
      return call.idempotencyKey();
    },
  });
}

const FIRED = 0;
const COUNTED = 1;
const STARTING = 2;

/**
 * One handler run: its context, its deadline entry, and how it reports its end. On a closed
 * breaker the router runs it directly and counts it in opossum's window (`counted`); otherwise
 * (a half-open trial) opossum's `fire` runs it and watches the promise `start` returns.
 */
class AttemptRun implements Deadline {
  declare at: number;
  declare done: boolean;
  declare kind: Kind | undefined;
  declare readonly startedAt: number;
  /** FIRED: run by opossum's `fire`; COUNTED: by the router; STARTING: counted, handler still on the stack. */
  declare private mode: number;
  /** Set when a counted run ended before `startCounted` returned. */
  declare syncEnd: { ok: boolean; value: unknown } | undefined;
  /** An AbortController once `signal` was read; the abort reason if it came first. */
  declare private abortState: AbortController | Error | undefined;
  /** The promise opossum watches, in FIRED mode. */
  declare private fired: { resolve(value: unknown): void; reject(error: unknown): void } | undefined;
  declare private readonly router: RouterImpl;
  declare readonly route: RouteState;
  declare readonly breaker: RouteBreaker<AttemptRun>;
  declare readonly call: Call;
  declare readonly attempt: number;

  // Plain assignments, not class fields (see Call).
  constructor(router: RouterImpl, route: RouteState, breaker: RouteBreaker<AttemptRun>, call: Call, attempt: number) {
    this.at = 0;
    this.done = false;
    this.kind = undefined;
    this.startedAt = Date.now();
    this.mode = FIRED;
    this.syncEnd = undefined;
    this.abortState = undefined;
    this.fired = undefined;
    this.router = router;
    this.route = route;
    this.breaker = breaker;
    this.call = call;
    this.attempt = attempt;
  }

  get operation(): string {
    return this.route.op.id;
  }
  get channel(): string {
    return this.route.channel;
  }
  /** Made on first read: most handlers that ignore it cost no AbortController. */
  get signal(): AbortSignal {
    let controller = this.abortState;
    if (!(controller instanceof AbortController)) {
      const reason = controller;
      controller = new AbortController();
      if (reason) controller.abort(reason);
      this.abortState = controller;
    }
    return controller.signal;
  }

  /** Run by opossum's `fire`: a half-open breaker's trial. */
  get trial(): boolean {
    return this.mode === FIRED;
  }

  /** For opossum's `fire`. */
  start(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.fired = { resolve, reject };
      this.run();
    });
  }

  /** Runs the handler outside opossum, counted in its window; see `syncEnd`. */
  startCounted(): void {
    this.mode = STARTING;
    this.breaker.countFire();
    this.run();
    this.mode = COUNTED;
  }

  private run(): void {
    this.call.current = this;
    this.router.deadlines.add(this.router.breakerOptions.timeout, this, this.startedAt);
    let result: unknown;
    try {
      result = (this.route.handler as Handler)(this.call.input, handlerContext(this));
      if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
        // Inside the try: a `then` getter or a `then` that throws is the handler failing, like a throw.
        if (typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(
            (value: unknown) => this.settled(true, value),
            (error: unknown) => this.settled(false, error),
          );
          return;
        }
      }
    } catch (error) {
      this.settled(false, error);
      return;
    }
    this.settled(true, result);
  }

  /** The handler settled; ignored once the run timed out or was cancelled. */
  private settled(ok: boolean, value: unknown): void {
    if (this.done) return;
    this.router.deadlines.settle(this.router.breakerOptions.timeout, this);
    this.end(ok, value);
  }

  /** Called by the deadline queue, which has already marked this run done. */
  expire(): void {
    const error = new TimeoutError(this.router.breakerOptions.timeout);
    this.kind = 'timeout';
    this.abort(error);
    this.end(false, error);
  }

  cancel(by: 'signal' | 'dispose'): void {
    if (this.done) return;
    this.router.deadlines.settle(this.router.breakerOptions.timeout, this);
    const error = new CancelledError(by);
    this.kind = 'cancelled';
    this.call.cancelledBy ??= by;
    this.abort(error);
    this.end(false, error);
  }

  private end(ok: boolean, value: unknown): void {
    if (this.mode === FIRED) {
      if (ok) this.fired?.resolve(value);
      else this.fired?.reject(value);
      return;
    }
    // A cancellation says nothing of the route: neither a success (which would close a breaker
    // that half-opened meanwhile) nor a failure.
    if (this.kind === 'cancelled') this.breaker.countCancelled();
    // What opossum's errorFilter would say: a rejection is the operation's answer, not the route's fault.
    else this.breaker.countSettled(!ok && this.router.countsAgainst(value, this));
    if (this.mode === STARTING) this.syncEnd = { ok, value };
    else this.router.resume(this, ok, value);
  }

  private abort(reason: Error): void {
    if (this.abortState instanceof AbortController) this.abortState.abort(reason);
    else this.abortState = reason;
  }
}

const AVAILABILITY_TTL = 3_600_000;

/**
 * The router. Created by `createRouter`; its public face is `Router`.
 */
class RouterImpl {
  readonly deadlines = new Deadlines();
  readonly breakerOptions: ResolvedBreakerOptions;
  readonly emitter = new EventEmitter<RouterEvents>();
  /**
   * Events that may have a listener: set by on/once, cleared by off when the last one goes
   * (a spent `once` leaves it set, which only costs a look at the emitter).
   */
  readonly listening: { [E in keyof RouterEvents]?: boolean } = Object.create(null);
  private readonly catalog: AnyCatalog;
  private readonly clock: Clock;
  private readonly classifyFn: Classify | undefined;
  private readonly rotation: BucketRotation;
  private readonly operations = new Map<string, OperationState>();
  /** Each operation's routes, as the snapshot reads them. */
  private readonly routeViews = new Map<string, readonly RouteView[]>();
  private readonly channelIds: string[];
  private readonly outages = new OutageBook();
  private readonly channelOutage = new Map<string, Outage>();
  private readonly started = new Set<string>();
  private readonly availabilityCache = new Map<string, { value: Availability; until: number }>();
  private readonly listeners = new Set<() => void>();
  private nextOutageChange = Number.POSITIVE_INFINITY;
  private outageTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private clockWarned = false;
  private snapshot: Snapshot;
  private snapshotPrint: string;
  private dirty = false;
  private notifyQueued = false;
  private notifiedVersion: number;
  /** Bumped by every change of state; referral parts computed in an older one are stale. */
  private version = 0;
  private readonly scopeOptions: ResolvedScopeOptions;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly signalCalls = new WeakMap<AbortSignal, { calls: Set<Call>; onAbort: () => void }>();

  constructor(options: RouterOptions<AnyCatalog, Handlers<AnyCatalog>>) {
    if (!options || typeof options !== 'object') {
      throw new ConfigError('router options', [{ path: '', message: 'expected an object with a `catalog`' }]);
    }
    // Types catch a typo (`handler`) only in TypeScript: elsewhere it would silently drop the part.
    for (const path of Object.keys(options)) {
      if (!ROUTER_OPTIONS.test(path)) throw new ConfigError('router options', [{ path, message: 'unknown option' }]);
    }
    const { catalog } = options;
    if (!catalog || typeof catalog !== 'object' || !catalog.channels || !catalog.operations) {
      throw new ConfigError('router options', [
        { path: 'catalog', message: 'expected a catalogue from defineCatalog, parseCatalog or a preset' },
      ]);
    }
    // A raw object that never went through defineCatalog or parseCatalog is validated here,
    // so a route naming an unknown channel is a ConfigError now, not a TypeError later.
    this.catalog = ensureCatalog(catalog);
    this.breakerOptions = resolveBreakerOptions(options.breaker);
    this.clock = options.clock ?? { now: Date.now };
    const first = typeof this.clock?.now === 'function' ? readClock(this.clock) : undefined;
    if (first === undefined) {
      throw new ConfigError('router options', [
        {
          path: 'clock.now',
          message: 'expected a function returning epoch ms (a finite number in the years 0000 to 9998)',
        },
      ]);
    }
    if (options.classify !== undefined && typeof options.classify !== 'function') {
      throw new ConfigError('router options', [{ path: 'classify', message: 'expected a function' }]);
    }
    this.classifyFn = options.classify;
    this.scopeOptions = resolveScopeOptions(options.scopes, this.catalog);
    this.rotation = new BucketRotation(
      Math.max(1, Math.floor(this.breakerOptions.rollingCountTimeout / this.breakerOptions.rollingCountBuckets)),
    );
    this.channelIds = Object.keys(this.catalog.channels);
    const handlers = (options.handlers ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const issues = checkHandlers(this.catalog, handlers, options.inputs ?? {});
    if (issues.length) throw new ConfigError('router options', issues);
    for (const [id, def] of Object.entries(this.catalog.operations) as [string, Operation][]) {
      const op: OperationState = {
        id,
        def,
        routes: [],
        schema: ownValue(options.inputs as Record<string, StandardSchemaV1> | undefined, id),
        referrals: new Map(),
      };
      def.routes.forEach((route, index) => {
        const handler = ownValue(ownValue(handlers, id), route.channel) as Handler | undefined;
        op.routes.push({
          op,
          index,
          channel: route.channel,
          def: route,
          channelDef: ownValue(this.catalog.channels as Record<string, Channel>, route.channel) as Channel,
          handler,
          automated: handler !== undefined,
          breaker: undefined,
          breakerDownSince: undefined,
          blockedBy: undefined,
          halfOpenHeld: false,
          remoteDownSince: undefined,
          remoteSources: undefined,
          scoped: handler !== undefined && (this.scopeOptions.channels?.has(route.channel) ?? true),
          scopes: undefined,
          scopesDown: 0,
          scopesDownSince: undefined,
        });
      });
      this.operations.set(id, op);
      this.routeViews.set(id, op.routes);
    }
    const status = computeStatus(this.statusInput());
    this.snapshotPrint = fingerprint(status);
    this.snapshot = Object.freeze({ version: 1, at: new Date(this.now()).toISOString(), ...status });
    this.notifiedVersion = 1;
  }

  /**
   * The injected clock, checked: a clock that starts answering NaN, Infinity or a non-number
   * (or throws) is a programmer error that must not turn into a RangeError in the middle of a
   * call. The router warns once (`clock-invalid`) and reads Date.now instead until the clock
   * answers sensibly again.
   */
  private now(): number {
    const t = readClock(this.clock);
    if (t !== undefined) return t;
    if (!this.clockWarned) {
      this.clockWarned = true;
      this.warn('clock-invalid', 'The clock option returned something other than epoch ms; Date.now is used instead');
    }
    return Date.now();
  }

  // ---- execute ----------------------------------------------------------------------------

  execute(operation: string, input: unknown, ctx: CallContext | undefined): Promise<Outcome> {
    let call: Call;
    try {
      if (this.disposed) throw new RouterDisposedError('execute');
      const op = this.operationOf(operation);
      call = this.callOf(op, ctx, 'execute');
      call.input = op.schema ? this.validateInput(op, input) : input;
    } catch (error) {
      // Programmer errors reject like everything else a promise-returning call does.
      return Promise.reject(error);
    }
    this.refreshOutages();
    const signal = call.signal;
    if (!signal) return this.start(call);
    if (call.cancelledBy) return this.start(call);
    try {
      this.watch(signal, call);
    } catch (error) {
      return Promise.reject(
        new InvalidInputError(call.op.id, [
          { path: 'ctx.signal', message: `addEventListener threw: ${describeValue(error)}` },
        ]),
      );
    }
    return this.start(call).finally(() => this.unwatch(signal, call));
  }

  /**
   * One abort listener per signal, however many calls share it: a long-lived signal (a
   * server's shutdown signal) on many concurrent calls would otherwise pass Node's listener
   * limit and print a leak warning.
   */
  private watch(signal: AbortSignal, call: Call): void {
    let watched = this.signalCalls.get(signal);
    if (!watched) {
      const calls = new Set<Call>();
      const onAbort = () => {
        this.signalCalls.delete(signal);
        for (const c of calls) c.cancel('signal');
      };
      watched = { calls, onAbort };
      signal.addEventListener('abort', onAbort, { once: true });
      this.signalCalls.set(signal, watched);
    }
    watched.calls.add(call);
  }

  private unwatch(signal: AbortSignal, call: Call): void {
    const watched = this.signalCalls.get(signal);
    if (!watched?.calls.delete(call) || watched.calls.size > 0) return;
    this.signalCalls.delete(signal);
    try {
      signal.removeEventListener('abort', watched.onAbort);
    } catch {
      // A signal that accepted a listener and refuses to drop it: the listener only finds an empty set.
    }
  }

  private start(call: Call): Promise<Outcome> {
    let outcome: Outcome | undefined;
    try {
      outcome = this.drive(call);
    } catch (error) {
      return Promise.reject(error);
    }
    return outcome ? Promise.resolve(outcome) : call.pending();
  }

  /**
   * Tries the routes from `call.next` on. Returns the outcome when the call ended synchronously,
   * or undefined while an attempt is in flight (its end calls `resume`). No async frame, no
   * promise per attempt: a handler's own promise is the only one waited on.
   */
  private drive(call: Call): Outcome | undefined {
    const routes = call.op.routes;
    while (call.next < routes.length) {
      const route = routes[call.next++] as RouteState;
      if (!route.automated) continue;
      if (call.cancelledBy) break;
      if (this.disposed) {
        call.cancelledBy = 'dispose';
        break;
      }
      const skip = this.skipReason(route, call);
      if (skip) {
        call.record({ channel: route.channel, result: 'skipped', why: skip });
        continue;
      }
      const slot = this.slotOf(route, call.scope, true);
      const breaker = slot.breaker ?? this.breakerOf(route, slot);
      const run = new AttemptRun(this, route, breaker, call, ++call.runs);
      if ((slot as ScopeSlot).scope !== undefined) (slot as ScopeSlot).lastUsed = run.startedAt;
      if (!(breaker.counting && breaker.closed)) {
        // A half-open trial: opossum's `fire` decides and counts.
        breaker.fire(run).then(
          (value) => this.resume(run, true, value),
          (error) => this.resume(run, false, error),
        );
        return undefined;
      }
      run.startCounted();
      const end = run.syncEnd;
      // In flight: its end comes back through `resume`, never before `start` made the promise.
      if (!end) return undefined;
      const outcome = this.ended(run, end.ok, end.value);
      if (outcome) return outcome;
    }
    const outcome = this.referral(call.op, call, call.attempts ?? [], call.failed);
    if (this.listening.referred) this.emit('referred', outcome);
    return outcome;
  }

  /** An attempt in flight ended: settle the call or go on to the next route. */
  resume(run: AttemptRun, ok: boolean, value: unknown): void {
    const call = run.call;
    let outcome: Outcome | undefined;
    try {
      outcome = this.ended(run, ok, value) ?? this.drive(call);
    } catch (error) {
      (call.reject as (error: unknown) => void)(error);
      return;
    }
    if (outcome) (call.resolve as (outcome: Outcome) => void)(outcome);
  }

  /** Records an attempt's end; returns the outcome when the call is over. Throws a rejection. */
  private ended(run: AttemptRun, ok: boolean, value: unknown): Outcome | undefined {
    const call = run.call;
    const op = call.op;
    const route = run.route;
    call.current = undefined;
    if (ok) {
      const attempt: Attempt = { channel: route.channel, result: 'success', durationMs: Date.now() - run.startedAt };
      const attempts = call.record(attempt);
      this.emitAttempt(op, attempt);
      const outcome = new Served(op.id, route.channel, value, route.index !== 0, attempts);
      if (this.listening.served) this.emit('served', outcome);
      return outcome;
    }
    const kind = this.classify(value, run);
    const attempt: Attempt = {
      channel: route.channel,
      result: kind,
      durationMs: Date.now() - run.startedAt,
      error: value,
    };
    const attempts = call.record(attempt);
    this.emitAttempt(op, attempt);
    if (kind === 'rejection') throw value;
    call.failed ??= new Set();
    call.failed.add(route.channel);
    if (kind === 'not-executed') return undefined;
    // A failure, a timeout or a cancellation may have happened: a non-idempotent call stops.
    if (!op.def.idempotent) return this.uncertain(op, route, call, attempts, call.failed);
    if (kind === 'cancelled') call.next = op.routes.length;
    return undefined;
  }

  /** Whether a handler's error counts against its breaker (opossum's errorFilter, inverted). */
  countsAgainst(error: unknown, run: AttemptRun): boolean {
    const kind = this.classify(error, run);
    // A rejection is the operation's answer: not the route's fault. A cancellation is the
    // caller's, but a half-open trial that opossum saw "succeed" would close the breaker on no
    // evidence: a cancelled trial counts as failed, so the breaker opens again.
    if (kind === 'cancelled') return run.trial;
    return kind !== 'rejection';
  }

  private uncertain(op: OperationState, route: RouteState, call: Call, attempts: Attempt[], failed: Set<string>) {
    const reference = call.idempotencyKey();
    const label = localise(op.def.label, call.locale) as string;
    const outcome = new Uncertain(
      op.id,
      route.channel,
      reference,
      messages.uncertain(call.locale, label, reference),
      this.referralParts(op, call, failed).alternatives,
      attempts,
    );
    if (this.listening.uncertain) this.emit('uncertain', outcome);
    return outcome;
  }

  private referral(op: OperationState, call: Call, attempts: Attempt[], failed: Set<string> | undefined): Referred {
    const parts = this.referralParts(op, call, failed);
    return new Referred(op.id, parts.code, parts.reason, parts.alternatives, parts.retryAfter, attempts);
  }

  /**
   * The code, reason, alternatives and retry time of a referral. They depend only on the
   * router's state, the locale, the routes that failed in this call and the opening hours, so
   * they are kept per operation until the state changes (`version`) or an opening hour passes.
   * Calls with exclusions, an amount, a cancellation or a scope with a breaker down compute
   * them afresh.
   */
  private referralParts(op: OperationState, call: Call, failed: Set<string> | undefined): ReferralParts {
    const now = this.now();
    let key: string | undefined;
    if (!call.exclude && call.amount === undefined && !call.cancelledBy && !this.scopeDownIn(op, call)) {
      // A scoped call sees its scope's breakers (none down here), not the routes' own.
      key = call.scope === undefined ? call.locale : `${call.locale}@`;
      if (failed) for (const r of op.routes) if (failed.has(r.channel)) key += `,${r.index}`;
      const cached = op.referrals.get(key);
      if (cached && cached.version === this.version && now >= cached.from && now < cached.until) return cached;
    }
    // Read first: it may recompute outages and bump the version.
    const channels = this.getSnapshot().channels as Channels;
    const { code, reason } = this.why(op, call, failed, now);
    const alternatives = this.alternatives(op, call, failed, now, channels);
    const retryAfter = this.retryAfter(op, call, now);
    let until = Number.POSITIVE_INFINITY;
    for (const r of op.routes) {
      const hours = r.channelDef.hours ? this.availabilityCache.get(r.channel) : undefined;
      if (hours && hours.until < until) until = hours.until;
    }
    const parts: ReferralParts = { code, reason, alternatives, retryAfter, version: this.version, from: now, until };
    if (key !== undefined) {
      // Bounded by the locales × the subsets of routes that can fail in one call.
      if (op.referrals.size > 64) op.referrals.clear();
      op.referrals.set(key, parts);
    }
    return parts;
  }

  /** True when the call's scope has a breaker down on one of the operation's routes. */
  private scopeDownIn(op: OperationState, call: Call): boolean {
    if (call.scope === undefined) return false;
    for (const r of op.routes) {
      if (r.scopesDown > 0 && r.scopes?.get(call.scope)?.breakerDownSince !== undefined) return true;
    }
    return false;
  }

  /** The story told to the person, from the most telling cause in the operation's order. */
  private why(
    op: OperationState,
    call: Call,
    failed: Set<string> | undefined,
    now: number,
  ): { code: ReferralCode; reason: string } {
    const locale = call.locale;
    const label = localise(op.def.label, locale) as string;
    if (call.cancelledBy) return { code: 'cancelled', reason: messages.cancelled(locale) };
    const automated = op.routes.filter((r) => r.automated);
    const outage = op.routes.find((r) => r.blockedBy && (r.automated || r.index === 0))?.blockedBy;
    const unavailable = automated.filter(
      (r) => failed?.has(r.channel) || (this.downFor(r, call) && !call.exclude?.has(r.channel)),
    );
    if (outage && (unavailable.length === 0 || automated.some((r) => r.blockedBy))) {
      return { code: 'outage', reason: localise(outage.reason, locale) as string };
    }
    if (unavailable.length) {
      const where = messages.list(
        locale,
        unavailable.map((r) => localise(r.channelDef.label, locale) as string),
      );
      return { code: 'unavailable', reason: messages.unavailable(locale, label, where) };
    }
    const closed = automated.filter(
      (r) =>
        r.channelDef.hours && !this.unusableFor(r, call) && !this.availabilityOf(r.channel, r.channelDef, now).openNow,
    );
    if (closed.length) {
      const where = messages.list(
        locale,
        closed.map((r) => localise(r.channelDef.label, locale) as string),
      );
      return { code: 'closed', reason: messages.closed(locale, label, where) };
    }
    if (automated.length) return { code: 'not-for-this-request', reason: messages.notForThisRequest(locale, label) };
    return { code: 'manual', reason: messages.manual(locale, label) };
  }

  /** When an automated route this person could use may work again. */
  private retryAfter(op: OperationState, call: Call, now: number): string | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const r of op.routes) {
      if (!r.automated || this.unusableFor(r, call)) continue;
      const downSince = this.slotOf(r, call.scope, false).breakerDownSince;
      if (r.blockedBy) {
        if (r.blockedBy.until) at = Math.min(at, Date.parse(r.blockedBy.until));
      } else if (downSince !== undefined) {
        at = Math.min(at, downSince + this.breakerOptions.resetTimeout);
      } else if (r.channelDef.hours) {
        const opensAt = this.availabilityOf(r.channel, r.channelDef, now).opensAt;
        if (opensAt !== undefined) at = Math.min(at, opensAt);
      }
    }
    return Number.isFinite(at) ? new Date(at).toISOString() : undefined;
  }

  /** Excluded by the person, or over the route's limits for this amount. */
  private unusableFor(route: RouteState, call: Call): boolean {
    return call.exclude?.has(route.channel) || overLimit(route.def, call.amount);
  }

  /** Down by another source, or by the breaker this call would use (its scope's, on a scoped route). */
  private downFor(route: RouteState, call: Call): boolean {
    return route.remoteDownSince !== undefined || this.slotOf(route, call.scope, false).breakerDownSince !== undefined;
  }

  private skipReason(route: RouteState, call: Call): SkipReason | undefined {
    // Checked as one on the hot path; which of the two only matters once it is true.
    if (this.unusableFor(route, call)) return call.exclude?.has(route.channel) ? 'excluded' : 'limit';
    if (route.blockedBy) return route.blockedBy.kind === 'maintenance' ? 'maintenance' : 'outage';
    // A closed office is not a failure: not tried, not counted, still offered with its hours.
    if (route.channelDef.hours && !this.availabilityOf(route.channel, route.channelDef, this.now()).openNow) {
      return 'closed';
    }
    if (route.remoteDownSince !== undefined) return 'remote';
    const b = this.slotOf(route, call.scope, false).breaker;
    // Skipped without calling opossum, which would build an Error for each rejected call.
    if (b && !b.closed && (b.opened || (b.halfOpen && !b.pendingClose))) return 'breaker-open';
    return undefined;
  }

  private classify(error: unknown, run: AttemptRun): Kind {
    if (run.kind) return run.kind;
    let kind: ErrorClass | undefined;
    if (this.classifyFn) {
      try {
        kind = this.classifyFn(error, { operation: run.operation, channel: run.channel });
      } catch (thrown) {
        this.warn('classify-threw', 'The classify option threw; the error counts as a failure', thrown);
      }
      if (kind !== undefined && kind !== 'rejection' && kind !== 'not-executed' && kind !== 'failure') {
        this.warn(
          'classify-invalid',
          `The classify option returned ${String(kind)}; expected rejection, not-executed or failure`,
        );
        kind = undefined;
      }
    }
    run.kind = kind ?? (isNotExecutedError(error) ? 'not-executed' : 'failure');
    return run.kind;
  }

  /**
   * The breaker slot a call uses on a route: the route's own, or, for a call that names a scope
   * on a scoped route, that scope's (made when `create`, else read as closed when absent).
   */
  private slotOf(route: RouteState, scope: string | undefined, create: boolean): Slot {
    if (scope === undefined || !route.scoped) return route;
    let slot = route.scopes?.get(scope);
    if (slot) return slot;
    if (!create) return CLOSED_SLOT;
    slot = { scope, breaker: undefined, breakerDownSince: undefined, halfOpenHeld: false, lastUsed: 0 };
    route.scopes ??= new Map();
    route.scopes.set(scope, slot);
    this.scheduleSweep();
    // The share of scopes down changed.
    if (route.scopesDown > 0) this.invalidate();
    return slot;
  }

  private breakerOf(route: RouteState, slot: Slot): RouteBreaker<AttemptRun> {
    const scope = (slot as ScopeSlot).scope;
    const name = scope === undefined ? `${route.op.id}/${route.channel}` : `${route.op.id}/${route.channel}@${scope}`;
    slot.breaker = createBreaker<AttemptRun>(name, this.breakerOptions, this.rotation, {
      action: (run) => run.start(),
      isRejection: (error, run) => !this.countsAgainst(error, run),
      onState: (state) => this.onBreakerState(route, state, slot),
    });
    return slot.breaker;
  }

  private onBreakerState(route: RouteState, state: BreakerState, slot: Slot = route): void {
    // An outage holds: the breaker may half-open underneath, but the route stays down and the
    // half-open is announced when the outage ends (see applyOutages).
    if (state === 'half-open' && route.blockedBy) {
      slot.halfOpenHeld = true;
      return;
    }
    slot.halfOpenHeld = false;
    const now = this.now();
    const wasDown = slot.breakerDownSince !== undefined;
    if (state === 'closed') slot.breakerDownSince = undefined;
    else if (state === 'open') slot.breakerDownSince = slot.breakerDownSince ?? now;
    const scope = (slot as ScopeSlot).scope;
    if (scope !== undefined) {
      const isDown = slot.breakerDownSince !== undefined;
      if (isDown !== wasDown) {
        route.scopesDown += isDown ? 1 : -1;
        if (route.scopesDown === 0) route.scopesDownSince = undefined;
        else route.scopesDownSince ??= now;
      }
    }
    if (this.disposed) return;
    this.emit('breaker', {
      operation: route.op.id,
      channel: route.channel,
      state,
      at: new Date(now).toISOString(),
      ...(scope === undefined ? {} : { scope }),
    });
    this.invalidate();
  }

  /** Drops the breakers of scopes that are closed and saw no call for `idleEvictMs`. */
  private sweep = (): void => {
    this.sweepTimer = undefined;
    const idleBefore = Date.now() - this.scopeOptions.idleEvictMs;
    let kept = 0;
    for (const op of this.operations.values()) {
      for (const route of op.routes) {
        if (!route.scopes) continue;
        for (const [scope, slot] of route.scopes) {
          if (slot.lastUsed > idleBefore || slot.breakerDownSince !== undefined || slot.halfOpenHeld) continue;
          if (slot.breaker && !slot.breaker.closed) continue;
          slot.breaker?.shutdown();
          route.scopes.delete(scope);
          // The share of scopes down changed.
          if (route.scopesDown > 0) this.invalidate();
        }
        kept += route.scopes.size;
      }
    }
    if (kept > 0) this.scheduleSweep();
  };

  /** One unref'd timer while some scope has a breaker; none otherwise: called only when one exists. */
  private scheduleSweep(): void {
    if (this.sweepTimer || this.disposed) return;
    this.sweepTimer = setTimeout(this.sweep, Math.max(1000, Math.floor(this.scopeOptions.idleEvictMs / 2)));
    (this.sweepTimer as { unref?(): void }).unref?.();
  }

  private emitAttempt(op: OperationState, attempt: Attempt): void {
    if (this.listening.attempt) this.emit('attempt', { operation: op.id, attempt });
  }

  /**
   * A listener that throws must not take a call's outcome with it (the operation may have run):
   * its error becomes a `warning`; one thrown by a warning listener is dropped.
   */
  private emit<E extends keyof RouterEvents>(event: E, arg: Parameters<RouterEvents[E]>[0]): void {
    // Most events have no listener on the hot path: skip the emitter's work.
    if (!this.listening[event]) return;
    try {
      (this.emitter.emit as (event: E, arg: unknown) => boolean).call(this.emitter, event, arg);
    } catch (error) {
      if (event !== 'warning') this.warn('listener-threw', `A listener of the \`${event}\` event threw`, error);
    }
  }

  private warn(code: string, message: string, error?: unknown): void {
    this.emit('warning', error === undefined ? { code, message } : { code, message, error });
  }

  // ---- alternatives and plan --------------------------------------------------------------

  private alternatives(
    op: OperationState,
    call: Call,
    failed: Set<string> | undefined,
    now: number,
    channels: Channels,
  ): readonly Alternative[] {
    const open: Alternative[] = [];
    const closed: Alternative[] = [];
    for (const route of op.routes) {
      const ch = route.channelDef;
      if (ch.internal || failed?.has(route.channel)) continue;
      // isDown, with the breaker the call would use (its scope's, on a scoped route).
      if (route.blockedBy || this.downFor(route, call)) continue;
      if (this.unusableFor(route, call)) continue;
      const hours = this.availabilityOf(route.channel, ch, now);
      const alternative: Record<string, unknown> = {
        channel: route.channel,
        kind: ch.kind,
        label: localise(ch.label, call.locale),
      };
      const instructions = localise(route.def.instructions, call.locale);
      if (instructions !== undefined) alternative.instructions = instructions;
      if (ch.contact) alternative.contact = ch.contact;
      alternative.status = ownValue(channels, route.channel)?.status ?? 'operational';
      alternative.openNow = hours.openNow;
      if (hours.opensAt !== undefined) alternative.opensAt = new Date(hours.opensAt).toISOString();
      if (hours.closesAt !== undefined) alternative.closesAt = new Date(hours.closesAt).toISOString();
      (hours.openNow ? open : closed).push(Object.freeze(alternative) as unknown as Alternative);
    }
    return Object.freeze(open.concat(closed));
  }

  /** Opening hours change rarely: computed once per channel until the next opening or closing. */
  private availabilityOf(id: string, channel: Channel, now: number): Availability {
    if (!channel.hours) return availability(undefined, now);
    const cached = this.availabilityCache.get(id);
    if (cached && now >= cached.until - AVAILABILITY_TTL && now < cached.until) return cached.value;
    const value = availability(channel.hours, now);
    const until = Math.min(
      value.opensAt ?? Number.POSITIVE_INFINITY,
      value.closesAt ?? Number.POSITIVE_INFINITY,
      now + AVAILABILITY_TTL,
    );
    this.availabilityCache.set(id, { value, until });
    return value;
  }

  plan(operation: string, ctx: CallContext | undefined): Plan {
    if (this.disposed) throw new RouterDisposedError('plan');
    const op = this.operationOf(operation);
    const call = this.callOf(op, ctx, 'plan');
    this.refreshOutages();
    const willTry: string[] = [];
    const skipped: { channel: string; why: SkipReason }[] = [];
    for (const route of op.routes) {
      if (!route.automated) continue;
      const why = this.skipReason(route, call);
      if (why) skipped.push({ channel: route.channel, why });
      else willTry.push(route.channel);
    }
    const parts = this.referralParts(op, call, undefined);
    const plan: Record<string, unknown> = { operation: op.id, willTry, skipped, alternatives: parts.alternatives };
    if (willTry.length === 0) {
      plan.code = parts.code;
      plan.reason = parts.reason;
      if (parts.retryAfter) plan.retryAfter = parts.retryAfter;
    }
    return plan as unknown as Plan;
  }

  // ---- validation -------------------------------------------------------------------------

  private operationOf(operation: string): OperationState {
    const op = typeof operation === 'string' ? this.operations.get(operation) : undefined;
    // describeValue, not String(): an object whose toString throws is still an unknown operation.
    if (op) return op;
    const name =
      typeof operation === 'string' || typeof operation === 'symbol' ? String(operation) : describeValue(operation);
    throw new UnknownOperationError(name, [...this.operations.keys()]);
  }

  private callOf(op: OperationState, ctx: CallContext | undefined, method: string): Call {
    if (ctx === undefined) return new Call(op, DEFAULT_LOCALE, undefined, undefined, undefined, undefined, undefined);
    const c = checkCallContext(op.id, ctx, method, this.catalog.channels, this.channelIds);
    const call = new Call(op, c.locale, c.exclude, c.amount, c.user, c.idempotencyKey, c.scope);
    if (c.signal !== undefined) {
      call.signal = c.signal;
      if (c.aborted) call.cancelledBy = 'signal';
    }
    return call;
  }

  private validateInput(op: OperationState, input: unknown): unknown {
    const result = validateSync(op.schema as StandardSchemaV1, input);
    if (result.issues) throw new InvalidInputError(op.id, result.issues);
    return result.value;
  }

  // ---- outages ----------------------------------------------------------------------------

  declareOutage(input: OutageInput): Outage {
    if (this.disposed) throw new RouterDisposedError('declareOutage');
    const now = this.now();
    const outage = parseOutage(this.catalog, input, now);
    if (this.outages.get(outage.id)) {
      throw new ConfigError('outage', [
        { path: 'id', message: `an outage with id \`${outage.id}\` is already declared` },
      ]);
    }
    this.outages.add(outage);
    this.emit('outage', { type: 'declared', outage });
    this.applyOutages(now);
    return outage;
  }

  endOutage(id: string): Outage | undefined {
    if (this.disposed) throw new RouterDisposedError('endOutage');
    const outage = this.outages.remove(id);
    if (!outage) return undefined;
    this.started.delete(id);
    this.emit('outage', { type: 'ended', outage, expired: false });
    this.applyOutages(this.now());
    return outage;
  }

  /** Cheap on the hot path: recomputes only when an outage started or ended since last time. */
  private refreshOutages(): void {
    if (this.nextOutageChange !== Number.POSITIVE_INFINITY) {
      const now = this.now();
      if (now >= this.nextOutageChange) this.applyOutages(now);
    }
  }

  private applyOutages(now: number): void {
    for (const outage of this.outages.expire(now)) {
      this.started.delete(outage.id);
      this.emit('outage', { type: 'ended', outage, expired: true });
    }
    const active = this.outages.active(now);
    for (const outage of active) {
      if (!this.started.has(outage.id)) {
        this.started.add(outage.id);
        this.emit('outage', { type: 'started', outage });
      }
    }
    this.channelOutage.clear();
    for (const op of this.operations.values()) for (const r of op.routes) r.blockedBy = undefined;
    // An outage beats maintenance: a person must hear the stronger reason.
    const ordered = active.filter((o) => o.kind === 'outage').concat(active.filter((o) => o.kind !== 'outage'));
    for (const outage of ordered) {
      const channels = outageChannels(this.catalog, outage);
      const allChannels = channels.size === 0;
      if (outage.operations.length === 0) {
        for (const ch of channels) if (!this.channelOutage.has(ch)) this.channelOutage.set(ch, outage);
      }
      for (const op of this.operations.values()) {
        if (outage.operations.length && !outage.operations.includes(op.id)) continue;
        for (const r of op.routes) if ((allChannels || channels.has(r.channel)) && !r.blockedBy) r.blockedBy = outage;
      }
    }
    for (const op of this.operations.values()) {
      for (const r of op.routes) {
        if (r.blockedBy) continue;
        if (r.halfOpenHeld) this.onBreakerState(r, 'half-open');
        if (r.scopes)
          for (const slot of r.scopes.values()) if (slot.halfOpenHeld) this.onBreakerState(r, 'half-open', slot);
      }
    }
    this.nextOutageChange = this.outages.nextChange(now);
    this.scheduleOutageTimer(now);
    this.invalidate();
  }

  private scheduleOutageTimer(now: number): void {
    if (this.outageTimer) clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    if (this.disposed || !Number.isFinite(this.nextOutageChange)) return;
    // A clock that does not follow the timers (frozen in a test) must not make this spin.
    const delay = Math.min(MAX_DELAY, Math.max(1, this.nextOutageChange - now));
    this.outageTimer = setTimeout(() => {
      this.outageTimer = undefined;
      const at = this.now();
      if (at >= this.nextOutageChange) this.applyOutages(at);
      else this.scheduleOutageTimer(at);
    }, delay);
    (this.outageTimer as { unref?(): void }).unref?.();
  }

  // ---- routes down by another source --------------------------------------------------------

  setRemoteDown(source: string, routes: readonly RouteRef[]): void {
    if (this.disposed) throw new RouterDisposedError('setRemoteDown');
    if (typeof source !== 'string' || source === '') {
      throw new ConfigError('setRemoteDown', [{ path: 'source', message: 'expected a non-empty string' }]);
    }
    if (!isArray(routes)) {
      throw new ConfigError('setRemoteDown', [
        { path: 'routes', message: 'expected an array of { operation, channel }' },
      ]);
    }
    // Every route is checked before anything changes, so a bad list leaves the router as it was.
    const named = new Set<RouteState>();
    const issues: ConfigIssue[] = [];
    let list: unknown[];
    try {
      list = Array.from(routes);
    } catch {
      throw new ConfigError('setRemoteDown', [{ path: 'routes', message: 'could not be read' }]);
    }
    list.forEach((ref, i) => {
      // Each field read once, in a try: a getter or a proxy may throw, and a bigint or a cycle
      // has no JSON form to quote.
      let operation: unknown;
      let channel: unknown;
      try {
        if (isPlainObject(ref)) ({ operation, channel } = ref as { operation: unknown; channel: unknown });
      } catch {
        issues.push({ path: `routes[${i}]`, message: 'could not be read' });
        return;
      }
      const op = typeof operation === 'string' ? this.operations.get(operation) : undefined;
      const route = op?.routes.find((r) => r.channel === channel);
      if (route) named.add(route);
      else {
        issues.push({
          path: `routes[${i}]`,
          message: op
            ? `operation \`${op.id}\` has no route on channel ${jsonOrKind(channel)}`
            : `expected { operation, channel } naming a route of the catalogue, got ${jsonOrKind(ref)}`,
        });
      }
    });
    if (issues.length) throw new ConfigError('setRemoteDown', issues);
    const now = this.now();
    let changed = false;
    for (const op of this.operations.values()) {
      for (const r of op.routes) {
        const had = r.remoteSources?.has(source) ?? false;
        const has = named.has(r);
        if (had === has) continue;
        changed = true;
        if (has) {
          r.remoteSources ??= new Set();
          r.remoteSources.add(source);
        } else r.remoteSources?.delete(source);
        const down = (r.remoteSources?.size ?? 0) > 0;
        r.remoteDownSince = down ? (r.remoteDownSince ?? now) : undefined;
      }
    }
    if (changed) this.invalidate();
  }

  // ---- snapshot ---------------------------------------------------------------------------

  private statusInput() {
    return {
      channelIds: this.channelIds,
      operations: this.routeViews,
      channelOutage: this.channelOutage,
      outages: this.outages.current(this.now()),
      majorOutageShare: this.scopeOptions.majorOutageShare,
    };
  }

  private invalidate(): void {
    this.dirty = true;
    this.version++;
    if (!this.notifyQueued && !this.disposed) {
      this.notifyQueued = true;
      queueMicrotask(this.notify);
    }
  }

  private notify = (): void => {
    this.notifyQueued = false;
    if (this.disposed) return;
    const snapshot = this.getSnapshot();
    if (snapshot.version === this.notifiedVersion) return;
    this.notifiedVersion = snapshot.version;
    this.emit('snapshot', snapshot);
    for (const listener of [...this.listeners]) {
      // Unsubscribed by an earlier listener of this round: its unsubscribe has returned.
      if (!this.listeners.has(listener)) continue;
      try {
        listener();
      } catch (error) {
        this.warn('listener-threw', 'A snapshot listener threw', error);
      }
    }
  };

  getSnapshot = (): Snapshot => {
    if (!this.disposed) this.refreshOutages();
    if (this.dirty) {
      this.dirty = false;
      const status = computeStatus(this.statusInput());
      const print = fingerprint(status);
      if (!sameStatus(this.snapshot, this.snapshotPrint, status, print)) {
        this.snapshotPrint = print;
        this.snapshot = Object.freeze({
          version: this.snapshot.version + 1,
          at: new Date(this.now()).toISOString(),
          ...status,
        });
      }
    }
    return this.snapshot;
  };

  subscribe = (listener: () => void): (() => void) => {
    if (typeof listener !== 'function') {
      throw new ConfigError('subscribe', [{ path: 'listener', message: 'expected a function' }]);
    }
    // One entry per subscription: two of the same function end one at a time.
    const entry = () => listener();
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  };

  // ---- lifecycle --------------------------------------------------------------------------

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.outageTimer) clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    for (const entry of this.deadlines.pending()) (entry as AttemptRun).cancel('dispose');
    this.deadlines.clear();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const op of this.operations.values()) {
      for (const r of op.routes) {
        r.breaker?.shutdown();
        if (r.scopes) for (const slot of r.scopes.values()) slot.breaker?.shutdown();
      }
    }
    this.rotation.stop();
    this.listeners.clear();
    this.emitter.removeAllListeners();
  }
}

/** eventemitter3 throws a bare TypeError for a listener that is not a function. */
function checkListener(method: string, listener: unknown): void {
  if (typeof listener !== 'function')
    throw new ConfigError(method, [{ path: 'listener', message: 'expected a function' }]);
}

/** A value as JSON when it has a JSON form (not a bigint, a cycle, a throwing getter), else its kind. */
function jsonOrKind(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {}
  return describeValue(value);
}

/** Array.isArray, false for a revoked proxy instead of a TypeError. */
function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * The years 0000 to 9998: opening hours are read through Intl, which cannot format a year past
 * 9999 (a Date holds far more), and the next opening may be a few days ahead.
 */
const MIN_TIME = Date.parse('0000-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-01-01T00:00:00Z');

/** The clock's answer when it is epoch ms in the years the router can work in, else undefined. */
function readClock(clock: Clock): number | undefined {
  try {
    const t = clock.now();
    return typeof t === 'number' && t >= MIN_TIME && t <= MAX_TIME ? t : undefined;
  } catch {
    return undefined;
  }
}

/** A record's own value at a user-given key: never one inherited from Object.prototype. */
function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function overLimit(route: Route, amount: number | undefined): boolean {
  const limits = route.limits;
  if (!limits || amount === undefined) return false;
  return (
    (limits.maxAmount !== undefined && amount > limits.maxAmount) ||
    (limits.minAmount !== undefined && amount < limits.minAmount)
  );
}

function checkHandlers(
  catalog: AnyCatalog,
  handlers: Record<string, Record<string, unknown> | undefined>,
  inputs: object,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // A Map (or any object whose entries are not own properties) would read as no handlers at all.
  if (!isPlainObject(handlers))
    return [{ path: 'handlers', message: 'expected a plain object of operation → channels' }];
  const operations = catalog.operations as Record<string, Operation>;
  for (const [opId, map] of Object.entries(handlers)) {
    const op = Object.hasOwn(operations, opId) ? operations[opId] : undefined;
    if (!op) {
      issues.push({
        path: `handlers.${opId}`,
        message: `unknown operation \`${opId}\`; known operations: ${Object.keys(operations).join(', ')}`,
      });
      continue;
    }
    if (map === undefined) continue;
    if (!isPlainObject(map)) {
      issues.push({ path: `handlers.${opId}`, message: 'expected a plain object of channel → handler' });
      continue;
    }
    const routeChannels = op.routes.map((r) => r.channel);
    for (const [ch, fn] of Object.entries(map)) {
      if (!routeChannels.includes(ch)) {
        issues.push({
          path: `handlers.${opId}.${ch}`,
          message: `\`${opId}\` has no route on channel \`${ch}\`; its routes: ${routeChannels.join(', ')}`,
        });
      } else if (fn !== undefined && typeof fn !== 'function') {
        issues.push({
          path: `handlers.${opId}.${ch}`,
          message: `expected a function, got ${fn === null ? 'null' : typeof fn}`,
        });
      }
    }
  }
  for (const [opId, schema] of Object.entries(inputs)) {
    if (!Object.hasOwn(operations, opId))
      issues.push({ path: `inputs.${opId}`, message: `unknown operation \`${opId}\`` });
    else if (schema !== undefined && typeof (schema as StandardSchemaV1)?.['~standard']?.validate !== 'function') {
      issues.push({ path: `inputs.${opId}`, message: 'expected a Standard Schema (zod, valibot, arktype…)' });
    }
  }
  return issues;
}

/** The router's public face, typed by its catalogue and handlers. */
export interface Router<C extends AnyCatalog = AnyCatalog, H extends Handlers<C> = Handlers<C>, S = unknown> {
  /**
   * Runs the operation on its first automated route that works, failing over as its rules
   * allow, and resolves to exactly one outcome. Rejects only for programmer errors and for a
   * handler error classified as `'rejection'`.
   */
  execute<O extends OperationIdOf<C>>(
    operation: O,
    input: InputOf<C, H, O, S>,
    ctx?: CallContext<ChannelIdOf<C>>,
  ): Promise<Outcome<O, RouteChannelOf<C, O>, ValueOf<H, O>>>;
  /** The decision `execute` would take now, without running anything. */
  plan<O extends OperationIdOf<C>>(operation: O, ctx?: CallContext<ChannelIdOf<C>>): Plan<O, RouteChannelOf<C, O>>;
  /** The current status; the same object until something changes. Bound: pass it as is. */
  getSnapshot(): Snapshot<ChannelIdOf<C>, OperationIdOf<C>>;
  /** Calls `listener` once per real change; returns the unsubscribe function. Bound. */
  subscribe(listener: () => void): () => void;
  declareOutage(input: OutageInput<ChannelIdOf<C>, OperationIdOf<C>>): Outage<ChannelIdOf<C>, OperationIdOf<C>>;
  /** Ends an outage now; returns it, or undefined if no such outage is declared. */
  endOutage(id: string): Outage<ChannelIdOf<C>, OperationIdOf<C>> | undefined;
  /**
   * The routes that `source` (a fleet's quorum, a status feed) says are down, replacing what it
   * said before: they are skipped (`'remote'`) and shown down until no source names them. An
   * empty list clears the source. Throws `ConfigError` naming every unknown route.
   */
  setRemoteDown(source: string, routes: readonly RouteRefOf<C>[]): void;
  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  once<E extends keyof RouterEvents>(event: E, listener: RouterEvents<OperationIdOf<C>, ChannelIdOf<C>>[E]): this;
  /** Stops every timer and breaker and cancels calls in flight (they end as outcomes). */
  dispose(): void;
  readonly isDisposed: boolean;
  readonly catalog: C;
}

/**
 * Creates a router over a catalogue. Throws `ConfigError` listing every problem with the options.
 * @example
 * const router = createRouter({ catalog: laPoste, handlers: { transfer: { app: (input, ctx) => api.transfer(input, ctx) } } });
 */
export function createRouter<
  const C extends AnyCatalog,
  // No default: a default would replace the constraint as the contextual type of handlers.
  H extends Handlers<C>,
  const S extends Inputs<C> = Record<never, never>,
>(options: RouterOptions<C, H, S>): Router<C, H, S> {
  let impl: RouterImpl;
  try {
    impl = new RouterImpl(options as unknown as RouterOptions<AnyCatalog, Handlers<AnyCatalog>>);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A getter that throws, a revoked proxy: options that cannot be read are bad options, and
    // the thrown value (maybe an internal message) is not repeated.
    throw new ConfigError('router options', [
      { path: '', message: `could not be read (${describeValue(error)} thrown)` },
    ]);
  }
  const router = {
    execute: (operation: string, input: unknown, ctx?: CallContext) => impl.execute(operation, input, ctx),
    plan: (operation: string, ctx?: CallContext) => impl.plan(operation, ctx),
    getSnapshot: impl.getSnapshot,
    subscribe: impl.subscribe,
    declareOutage: (input: OutageInput) => impl.declareOutage(input),
    endOutage: (id: string) => impl.endOutage(id),
    setRemoteDown: (source: string, routes: readonly RouteRef[]) => impl.setRemoteDown(source, routes),
    on(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      checkListener('on', listener);
      impl.emitter.on(event, listener as never);
      impl.listening[event] = true;
      return router;
    },
    off(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      impl.emitter.off(event, listener as never);
      impl.listening[event] = impl.emitter.listenerCount(event) > 0;
      return router;
    },
    once(event: keyof RouterEvents, listener: (...args: never[]) => void) {
      checkListener('once', listener);
      impl.emitter.once(event, listener as never);
      impl.listening[event] = true;
      return router;
    },
    dispose: () => impl.dispose(),
    get isDisposed() {
      return impl.isDisposed;
    },
    catalog: options.catalog,
  };
  return router as unknown as Router<C, H, S>;
}
