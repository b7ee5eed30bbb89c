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
  /**
   * Refuses a call now: open, or half-open with its trial under way. One read on the hot path,
   * where four getters were not inlined.
   */
  readonly refusing: boolean;
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
   * closes a half-open breaker; a failure may open it, by opossum's own rule. `slow`: a success
   * that took `slowCallMs` or more; past `slowCallRate` of the window's calls, it opens.
   */
  countSettled(failed: boolean, slow?: boolean): void;
  /** A counted call cancelled by its caller: it proves nothing, so it changes no state. */
  countCancelled(): void;
  /**
   * Closed only by `close()` (a probe), never by a call: a success while half-open leaves it
   * half-open. Set on a probed channel's non-idempotent routes.
   */
  closedOnlyByProbe: boolean;
  /** Opens it now (opossum's `open()`), as a probe that keeps failing says. */
  open(): void;
  /**
   * Closes it if half-open (opossum's `close()`), as a probe that succeeded says; the next
   * failure then opens it again. No-op otherwise: an open breaker waits its `resetTimeout`.
   */
  close(): void;
  shutdown(): void;
}
