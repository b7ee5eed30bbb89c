// The engine's one opening for telemetry (`secours/otel`): told when a call starts and ends and
// when each handler run starts and ends, and handed the handler to run, so that a tracer can make
// the attempt's span the active context while it runs (the spans of the handler's HTTP client are
// then its children). Not installed, it costs one field read at each of those points.
//
// Only types and the symbol are read by the core; `routeState` is imported by `secours/otel`
// alone, so the browser core carries none of it.
import type { BreakerState } from '../breaker/route-breaker.js';
import type { Handler, HandlerContext } from '../handlers.js';
import type { Attempt, Outcome } from '../outcome.js';

/**
 * The router's internal method that installs hooks (or removes them, given undefined). Not part
 * of the public API. `Symbol.for`: a router and the `secours/otel` of another copy of the
 * package (an ESM and a CJS one) still find each other.
 */
export const INSTRUMENT: unique symbol = Symbol.for('secours.instrument');

/** What a hook sees of one handler run: `call` is the same object for every run of a call. */
export interface RunView {
  readonly call: object;
  readonly operation: string;
  readonly channel: string;
  /** 1 for the call's first handler run. */
  readonly attempt: number;
}

/**
 * Telemetry hooks. The engine calls them bare, on the call path: they must never throw (bytes
 * in the browser core are dear, so the guard is theirs: `secours/otel` catches everything and
 * turns it into a warning). The objects given are keys, for a WeakMap: only the fields above
 * are meant to be read.
 */
export interface Instrumentation {
  /** A call passed its checks (unknown operations and bad input never get here). */
  callStarted(call: object, operation: string): void;
  /**
   * A handler is about to run: `handler(input, ctx)` must be called exactly once, synchronously,
   * and what it returns (or throws) returned (or thrown) as is.
   */
  attemptStarted(run: RunView, handler: Handler, input: unknown, ctx: HandlerContext): unknown;
  /**
   * A run ended, as recorded in the outcome's attempts (a half-open breaker's refusal ends a run
   * that never started).
   */
  attemptEnded(run: RunView, attempt: Attempt): void;
  /**
   * The promise `execute` returns for the call, once its first attempt is under way: the hook
   * handles its rejection too, so that watching it never makes one unhandled.
   */
  callSettling(call: object, outcome: Promise<Outcome>): void;
}

/**
 * What the engine lets an integration read of a route (a `RouteState`, seen from below: the
 * attempt imports this file, so this one imports nothing of the engine's state).
 */
export interface RouteRead {
  readonly channel: string;
  readonly automated: boolean;
  readonly breaker: { readonly opened: boolean; readonly halfOpen: boolean } | undefined;
}

/** What installing hooks gives back: what the engine lets an integration read. */
export interface Instrumented {
  readonly operations: ReadonlyMap<string, { readonly routes: readonly RouteRead[] }>;
  readonly events: { warn(code: string, message: string, error?: unknown): void };
}

/** The state of a route's own breaker (a scoped route's per-scope breakers are not its own). */
export function routeState(route: RouteRead): BreakerState {
  const breaker = route.breaker;
  // Made on the route's first call: none yet is a closed one.
  if (breaker === undefined) return 'closed';
  return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
}
