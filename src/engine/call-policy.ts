// What a call with a policy carries besides a plain call: its deadline, its retries, its wait
// and the runs it has in flight at once. Made only for an operation with a policy or a call
// with `ctx.timeoutMs`: a plain call pays for none of it.
import type { Deadline, Deadlines } from '../deadlines.js';
import { TimeoutError } from '../errors.js';
import type { ResolvedHedge, ResolvedPolicy, ResolvedRetry } from '../policy-options.js';
import type { AttemptRun } from './attempt.js';
import { type HedgeHost, HedgeTimer, hedgeLost } from './hedge.js';

/** What the policy needs of its call and of the engine. */
export interface PolicyHost {
  readonly deadlines: Deadlines;
  /** The wait before a retry is over (or cut short): the call goes on. */
  wake(call: PolicyCall): void;
}

export interface PolicyCall {
  cancel(by: 'signal' | 'dispose'): void;
  expired: boolean;
  readonly over: boolean;
  /** Its run in flight, or the bulkhead whose queue it waits in. */
  readonly current: AttemptRun | { cancel(by: 'signal' | 'dispose', call: PolicyCall): void } | undefined;
}

/** The call's deadline, as one entry in the router's shared deadline queues: no timer of its own. */
class CallDeadline implements Deadline {
  declare at: number;
  declare done: boolean;
  constructor(
    private readonly call: PolicyCall,
    private readonly policy: CallPolicy,
  ) {
    this.at = 0;
    this.done = false;
  }
  expire(): void {
    this.policy.expire();
  }
  /** Listed for dispose(), like the runs: it cancels the call. */
  cancel(by: 'dispose'): void {
    this.call.cancel(by);
  }
}

/** A retry's wait, listed (never timed) in the deadline queues so dispose() finds it. */
class Wait implements Deadline {
  declare at: number;
  declare done: boolean;
  declare timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly call: PolicyCall) {
    this.at = 0;
    this.done = false;
    this.timer = undefined;
  }
  expire(): void {}
  cancel(by: 'dispose'): void {
    this.call.cancel(by);
  }
}

export class CallPolicy {
  declare readonly retry: ResolvedRetry | undefined;
  declare readonly hedge: ResolvedHedge | undefined;
  /** ms; undefined for no deadline. */
  declare readonly timeoutMs: number | undefined;
  declare readonly deadline: CallDeadline | undefined;
  /** Retries taken per route index, made at the first. */
  declare private tries: number[] | undefined;
  declare lastWait: number;
  /**
   * Routes a run of this call started on, when it hedges: a retry of the first route goes on
   * past routes its hedges already tried, which a second try there would repeat without the
   * retry's count or its backend's Retry-After.
   */
  declare private ran: Set<number> | undefined;
  /** The route a retry goes back to: the one route run again. */
  declare private retrying: number;
  /** Every run in flight, in start order, when the operation hedges. */
  declare readonly flying: AttemptRun[];
  declare hedges: number;
  /** Its hedge timers, let go with the call (else each would stay queued until it fires). */
  declare private timers: Deadline[] | undefined;
  declare private wait: Wait | undefined;
  declare private readonly host: PolicyHost;
  declare private readonly call: PolicyCall;

  constructor(host: PolicyHost, call: PolicyCall, policy: ResolvedPolicy | undefined, timeoutMs: number | undefined) {
    this.host = host;
    this.call = call;
    this.retry = policy?.retry;
    this.hedge = policy?.hedge;
    this.timeoutMs = timeoutMs ?? policy?.timeoutMs;
    this.deadline = this.timeoutMs === undefined ? undefined : new CallDeadline(call, this);
    this.tries = undefined;
    this.lastWait = 0;
    this.ran = undefined;
    this.retrying = -1;
    this.flying = [];
    this.hedges = 0;
    this.timers = undefined;
    this.wait = undefined;
  }

  /** A run starts: its retry number; when hedging, its place among the runs in flight and its hedge timer. */
  started(run: AttemptRun, route: number, host: HedgeHost): void {
    run.retry = this.triesOn(route);
    const hedge = this.hedge;
    if (!hedge) return;
    this.ran ??= new Set();
    this.ran.add(route);
    if (this.retrying === route) this.retrying = -1;
    run.hedge = this.flying.length > 0;
    this.flying.push(run);
    if (this.hedges >= hedge.maxHedges) return;
    const timer = new HedgeTimer(host, run);
    this.host.deadlines.add(hedge.afterMs, timer);
    if (this.timers) this.timers.push(timer);
    else this.timers = [timer];
  }

  /** The deadline passed: every run in flight is cut short; a waiting call stops waiting. */
  expire(): void {
    const call = this.call;
    if (call.over) return;
    call.expired = true;
    if (this.wait) {
      this.wakeUp();
      return;
    }
    const error = new TimeoutError(this.timeoutMs as number);
    const current = call.current;
    if (current && !('stop' in current)) {
      // Waiting in a bulkhead's queue: it leaves it and goes on, out of time.
      current.cancel('signal', call);
      if (!this.flying.length) return;
    }
    const flying = this.flying.length ? this.flying.slice() : current && 'stop' in current ? [current] : [];
    for (const run of flying) run.stop(error);
  }

  /** Starts the deadline: from now, in the queue of its length. */
  arm(now: number): void {
    if (this.deadline) this.host.deadlines.add(this.timeoutMs as number, this.deadline, now);
  }

  /** The deadline has passed (read from Date.now, as the queues do), or fired. */
  spentAt(now: number): boolean {
    const d = this.deadline;
    return d !== undefined && (d.done || now >= d.at);
  }

  /** Whether waiting `ms` from `now` still ends before the deadline. */
  fits(now: number, ms: number): boolean {
    return this.deadline === undefined || now + ms < this.deadline.at;
  }

  triesOn(route: number): number {
    return this.tries?.[route] ?? 0;
  }

  /** Whether this call already ran the route and is not going back to it for a retry. */
  ranBefore(route: number): boolean {
    return this.ran !== undefined && this.retrying !== route && this.ran.has(route);
  }

  countTry(route: number): number {
    this.retrying = route;
    this.tries ??= [];
    const n = (this.tries[route] ?? 0) + 1;
    this.tries[route] = n;
    return n;
  }

  get waiting(): boolean {
    return this.wait !== undefined;
  }

  /** Waits `ms`, then wakes the call; a cancellation or the deadline wakes it sooner. */
  sleep(ms: number): void {
    const wait = new Wait(this.call);
    this.wait = wait;
    this.host.deadlines.add(Number.POSITIVE_INFINITY, wait);
    // A timer per wait: waits are jittered, so no shared queue orders them; only failures pay.
    wait.timer = setTimeout(() => this.wakeUp(), ms);
  }

  /** Ends the wait now, if there is one; the call goes on (to see why it was woken). */
  wakeUp(): void {
    const wait = this.wait;
    if (!wait) return;
    this.wait = undefined;
    clearTimeout(wait.timer);
    this.host.deadlines.settle(Number.POSITIVE_INFINITY, wait);
    this.host.wake(this.call);
  }

  /** The call is over: its deadline, its timers, its wait and any run still in flight let go. */
  release(): void {
    // Normally none are left in flight (a winner abandons the others first); the last guard
    // that no handler outlives its call with its signal still live.
    for (const run of this.flying.splice(0)) run.stop(hedgeLost(), true);
    if (this.deadline) this.host.deadlines.settle(this.timeoutMs as number, this.deadline);
    if (this.timers) for (const t of this.timers) this.host.deadlines.settle((this.hedge as ResolvedHedge).afterMs, t);
    const wait = this.wait;
    if (wait) {
      this.wait = undefined;
      clearTimeout(wait.timer);
      this.host.deadlines.settle(Number.POSITIVE_INFINITY, wait);
    }
  }
}
