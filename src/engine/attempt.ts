// One handler run: its context, its deadline, and how its end is told. It knows the engine only
// through `AttemptHost`, and its call and route only through the fields it reads.
import type { RouteBreaker } from '../breaker/route-breaker.js';
import type { Deadline, Deadlines } from '../deadlines.js';
import { CancelledError, TimeoutError } from '../errors.js';
import type { Handler, HandlerContext } from '../handlers.js';
import type { Locale } from '../i18n/text.js';
import type { Failure, Result } from './classify.js';
import type { Instrumentation } from './instrumentation.js';

/** What an attempt needs of the engine. */
export interface AttemptHost {
  readonly deadlines: Deadlines;
  /** ms; infinite for none. */
  readonly timeout: number;
  /** A success that took this long (ms) is slow; infinite when off. */
  readonly slowCallMs: number;
  /** How a handler's error reads (the `classify` option, or the default). */
  classify(error: unknown, run: AttemptRun): Failure;
  /** An attempt that went asynchronous ended: the call goes on. */
  resume(run: AttemptRun, ok: boolean, value: unknown): void;
  /** Telemetry hooks, when installed: the handler runs through them. */
  readonly instrumentation: Instrumentation | undefined;
}

/** What an attempt reads of its call. */
export interface AttemptCall {
  readonly input: unknown;
  readonly locale: Locale;
  readonly amount: number | undefined;
  readonly user: Readonly<Record<string, unknown>> | undefined;
  readonly scope: string | undefined;
  cancelledBy: 'signal' | 'dispose' | undefined;
  /** Its attempt in flight, or the bulkhead it waits in (see Call; an attempt's own cancel ignores the call). */
  current: { cancel(by: 'signal' | 'dispose', call: never): void } | undefined;
  idempotencyKey(): string;
}

/** What an attempt reads of its route. */
export interface AttemptRoute {
  readonly op: { readonly id: string };
  readonly channel: string;
  readonly handler: Handler | undefined;
}

/**
 * What a handler gets as `ctx`: a frozen object, not the engine's attempt record, so nothing of
 * the engine leaks through it. Every field is own data, so `{...ctx}` and `JSON.stringify(ctx)`
 * carry them (the idempotency key above all: a handler that forwards a copy to its backend
 * forwards what keeps the call from running twice), except `signal`: a getter on the prototype,
 * made on first read, because Node makes an AbortSignal in about 2 µs, four times a whole call,
 * and most handlers never read it. (An object literal with getters would carry it in a copy,
 * but V8 builds one in ~0.7 µs, against ~30 ns for this class.)
 */
class HandlerCtx implements HandlerContext {
  declare readonly operation: string;
  declare readonly channel: string;
  declare readonly attempt: number;
  declare readonly idempotencyKey: string;
  declare readonly locale: Locale;
  declare readonly amount: number | undefined;
  declare readonly user: Readonly<Record<string, unknown>> | undefined;
  declare readonly scope: string | undefined;
  readonly #run: AttemptRun;

  constructor(run: AttemptRun) {
    const call = run.call;
    this.#run = run;
    this.operation = run.route.op.id;
    this.channel = run.route.channel;
    this.attempt = run.attempt;
    this.idempotencyKey = call.idempotencyKey();
    this.locale = call.locale;
    this.amount = call.amount;
    this.user = call.user;
    this.scope = call.scope;
    Object.freeze(this);
  }

  get signal(): AbortSignal {
    return this.#run.signal;
  }
}

const FIRED = 0;
const COUNTED = 1;
const STARTING = 2;

/**
 * On a closed breaker the engine runs the handler itself and counts it in the breaker
 * (`startCounted`); a half-open breaker's trial goes through opossum's `fire`, which watches the
 * promise `start` returns. Either way the run's `result` is decided once, when it ends.
 */
export class AttemptRun implements Deadline {
  declare at: number;
  declare done: boolean;
  /** How it ended: set once, by a timeout, a cancellation, or the handler settling. */
  declare result: Result | undefined;
  declare readonly startedAt: number;
  /** FIRED: run by opossum's `fire`; COUNTED: by the engine; STARTING: counted, handler still on the stack. */
  declare private mode: number;
  /** Set when a counted run ended before `startCounted` returned. */
  declare syncEnd: { ok: boolean; value: unknown } | undefined;
  /** An AbortController once `signal` was read; the abort reason if it came first. */
  declare private abortState: AbortController | Error | undefined;
  /** The promise opossum watches, in FIRED mode. */
  declare private fired: { resolve(value: unknown): void; reject(error: unknown): void } | undefined;
  declare private readonly host: AttemptHost;
  declare readonly route: AttemptRoute;
  declare readonly breaker: RouteBreaker<AttemptRun>;
  declare readonly call: AttemptCall;
  declare readonly attempt: number;
  /** The bulkhead slot it holds (`breaker.maxConcurrent`), released when it ends; set by the engine as it is made. */
  declare bulkhead: { release(): void } | undefined;
  /** Its retry number on this route (1 for the first retry); 0 for a first try. */
  declare retry: number;
  /** Started by a hedge, beside a run still in flight. */
  declare hedge: boolean;
  /** Ended by the call (its deadline, or a hedge that won), not by the route: counted as neither. */
  declare private cut: boolean;

  // Plain assignments, not class fields: fields are defined one by one and then assigned again.
  constructor(host: AttemptHost, route: AttemptRoute, breaker: RouteBreaker<AttemptRun>, call: AttemptCall, n: number) {
    this.at = 0;
    this.done = false;
    this.result = undefined;
    this.startedAt = Date.now();
    this.mode = FIRED;
    this.syncEnd = undefined;
    this.abortState = undefined;
    this.fired = undefined;
    this.host = host;
    this.route = route;
    this.breaker = breaker;
    this.call = call;
    this.attempt = n;
    this.retry = 0;
    this.hedge = false;
    this.cut = false;
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

  /** For opossum's `fire`. */
  start(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.fired = { resolve, reject };
      this.run();
    });
  }

  /** Runs the handler outside opossum, counted in its breaker; see `syncEnd`. */
  startCounted(): void {
    this.mode = STARTING;
    this.breaker.countFire();
    this.run();
    this.mode = COUNTED;
  }

  private run(): void {
    this.call.current = this;
    this.host.deadlines.add(this.host.timeout, this, this.startedAt);
    let result: unknown;
    try {
      const handler = this.route.handler as Handler;
      const hooks = this.host.instrumentation;
      const ctx = new HandlerCtx(this);
      result = hooks ? hooks.attemptStarted(this, handler, this.call.input, ctx) : handler(this.call.input, ctx);
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
    this.host.deadlines.settle(this.host.timeout, this);
    this.end(ok, value);
  }

  /** Called by the deadline queue, which has already marked this run done. */
  expire(): void {
    const error = new TimeoutError(this.host.timeout);
    this.result = 'timeout';
    this.abort(error);
    this.end(false, error);
  }

  cancel(by: 'signal' | 'dispose'): void {
    if (this.done) return;
    this.host.deadlines.settle(this.host.timeout, this);
    const error = new CancelledError(by);
    this.result = 'cancelled';
    this.call.cancelledBy ??= by;
    this.abort(error);
    this.end(false, error);
  }

  /**
   * Stopped by its call, not by its route: the call's deadline passed (it ends as a timeout,
   * ambiguous) or, for a hedge, another run answered first (whatever it answers later is
   * ignored). Its signal is aborted and its breaker counts neither success nor failure; a
   * half-open trial is told to opossum as failed, opossum's only word for it.
   */
  /** Its bulkhead slot goes to the next waiter, once, however the run ended for the call. */
  freeSlot(): void {
    const slot = this.bulkhead;
    this.bulkhead = undefined;
    slot?.release();
  }

  stop(reason: Error, hedge?: boolean): void {
    if (this.done) return;
    this.host.deadlines.settle(this.host.timeout, this);
    this.done = true;
    this.result = hedge ? 'cancelled' : 'timeout';
    this.cut = true;
    this.abort(reason);
    if (!hedge) this.end(false, reason);
    else if (this.mode === FIRED) this.fired?.reject(reason);
    else this.breaker.countCancelled();
  }

  private end(ok: boolean, value: unknown): void {
    // Classified here, once: opossum's errorFilter and the engine read `result`.
    this.result ??= ok ? 'success' : this.host.classify(value, this);
    if (this.mode === FIRED) {
      if (ok) this.fired?.resolve(value);
      else this.fired?.reject(value);
      return;
    }
    // A cancellation says nothing of the route: neither a success (which would close a breaker
    // that half-opened meanwhile) nor a failure. A rejection is the operation's answer.
    if (this.result === 'cancelled' || this.cut) this.breaker.countCancelled();
    else {
      const slowCallMs = this.host.slowCallMs;
      const slow = ok && slowCallMs !== Number.POSITIVE_INFINITY && Date.now() - this.startedAt >= slowCallMs;
      this.breaker.countSettled(!ok && this.result !== 'rejection', slow);
    }
    if (this.mode === STARTING) this.syncEnd = { ok, value };
    else this.host.resume(this, ok, value);
  }

  private abort(reason: Error): void {
    if (this.abortState instanceof AbortController) this.abortState.abort(reason);
    else this.abortState = reason;
  }
}
