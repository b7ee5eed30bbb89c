// One execute call, top-down: parse the call, apply outages that started or ended, then for each
// route: may it be tried (one decision), run the attempt, decide what its end means (served,
// uncertain, rethrow, next route), and when no route served, the referral.
//
// No async frame and no promise per attempt: a handler's own promise is the only one waited on,
// and a call that ends synchronously resolves at once.
import { describeValue } from '../call-context.js';
import type { Deadlines } from '../deadlines.js';
import { InvalidInputError, RouterDisposedError } from '../errors.js';
import type { CallContext } from '../options.js';
import { type Attempt, type Outcome, Served } from '../outcome.js';
import { type AttemptHost, AttemptRun } from './attempt.js';
import { Bulkhead, type WaitingCall } from './bulkhead.js';
import type { Call } from './call.js';
import { CallPolicy, type PolicyHost } from './call-policy.js';
import { classifyError, type Failure } from './classify.js';
import type { ExecuteHost } from './execute-host.js';
import { abandonOthers, type HedgeHost, landed, tagged, waitsForQueuedHedge } from './hedge.js';
import type { Instrumentation } from './instrumentation.js';
import { retryStep } from './retry.js';
import { skipReason } from './route-checks.js';
import type { RouteState, ScopeSlot } from './state.js';
import { uncertainOutcome } from './uncertain.js';

export type { ExecuteHost } from './execute-host.js';

/** `ended`'s answer while the call waits: for a retry's wait, or for another run in flight. */
const WAITING = null;

export class Executor implements AttemptHost, PolicyHost, HedgeHost {
  declare readonly deadlines: Deadlines;
  declare readonly timeout: number;
  declare readonly slowCallMs: number;
  /** `secours/otel`'s hooks, when installed (see instrumentation.ts). */
  declare instrumentation: Instrumentation | undefined;
  declare private readonly now: () => number;

  declare private readonly host: ExecuteHost;
  /** A call whose bulkhead wait ended goes on (made once, not per wait). */
  declare private readonly afterWait: (call: Call) => void;
  /** A run another answered for: its slot and its span end with it, as `ended` does for the others. */
  declare private readonly abandoned: (run: AttemptRun, attempt: Attempt) => void;
  /** A slot's bulkhead, made on its first call; undefined when no limit is set. */
  declare private readonly newBulkhead: ((route: RouteState) => Bulkhead) | undefined;

  constructor(host: ExecuteHost) {
    this.host = host;
    // Its bulkhead wait ended (a slot, or cancelled): the route is checked again and the call
    // goes on; over meanwhile (a hedge won, its deadline passed), the slot goes to the next.
    this.afterWait = (call) => {
      call.queuedIn = undefined;
      if (!call.over) this.proceed(call, undefined, false, undefined);
    };
    this.abandoned = (run, attempt) => {
      run.freeSlot();
      this.instrumentation?.attemptEnded(run, attempt);
    };
    // The bulkhead gives `afterWait` back only the calls it was given: Calls.
    const afterWait = this.afterWait as (call: WaitingCall) => void;
    this.newBulkhead =
      host.maxConcurrent === Number.POSITIVE_INFINITY
        ? undefined
        : (route) => new Bulkhead(host.maxConcurrent, host.maxQueued, route, () => host.invalidate(), afterWait);
    this.deadlines = host.deadlines;
    this.timeout = host.timeout;
    this.slowCallMs = host.slowCallMs;
    this.instrumentation = undefined;
    this.now = () => host.now();
  }

  execute(operation: string, input: unknown, ctx: CallContext | undefined): Promise<Outcome> {
    const host = this.host;
    let call: Call;
    try {
      if (host.disposed) throw new RouterDisposedError('execute');
      call = host.parse(operation, ctx, 'execute');
      call.input = call.op.schema ? host.validate(call.op, input) : input;
      const policy = call.op.policy;
      if (policy !== undefined || call.timeoutMs !== undefined) {
        call.policy = new CallPolicy(this, call, policy, call.timeoutMs);
      }
    } catch (error) {
      // Programmer errors reject like everything else a promise-returning call does.
      return Promise.reject(error);
    }
    host.refreshOutages();
    call.policy?.arm(Date.now());
    const signal = call.signal;
    if (!signal || call.cancelledBy) return this.start(call);
    try {
      host.signals.watch(signal, call);
    } catch (error) {
      return Promise.reject(
        new InvalidInputError(call.op.id, [
          { path: 'ctx.signal', message: `addEventListener threw: ${describeValue(error)}` },
        ]),
      );
    }
    return this.start(call).finally(() => host.signals.unwatch(signal, call));
  }

  private start(call: Call): Promise<Outcome> {
    const hooks = this.instrumentation;
    if (hooks === undefined) return this.begin(call);
    hooks.callStarted(call, call.op.id);
    const outcome = this.begin(call);
    hooks.callSettling(call, outcome);
    return outcome;
  }

  private begin(call: Call): Promise<Outcome> {
    let outcome: Outcome | undefined;
    try {
      outcome = this.drive(call);
    } catch (error) {
      if (call.policy) call.finish();
      return Promise.reject(error);
    }
    if (!outcome) return call.pending();
    if (call.policy) call.finish();
    return Promise.resolve(outcome);
  }

  /**
   * Tries the routes from `call.next` on. Returns the outcome when the call ended synchronously,
   * or undefined while an attempt is in flight (its end calls `resume`).
   */
  private drive(call: Call): Outcome | undefined {
    for (;;) {
      const run = this.startNext(call);
      if (run === WAITING) return undefined;
      if (!run) break;
      const end = run.syncEnd;
      // In flight: its end comes back through `resume`, never before `start` made the promise.
      if (!end) return undefined;
      const outcome = this.ended(run, end.ok, end.value);
      if (outcome === WAITING) return undefined;
      if (outcome) return outcome;
    }
    // A hedge found no route left: the runs in flight will end the call.
    if (call.policy?.flying.length) return undefined;
    const host = this.host;
    const outcome = host.referrals.referral(call.op, call, call.attempts ?? [], call.failed);
    if (host.events.listening.referred) host.events.emit('referred', outcome);
    return outcome;
  }

  /**
   * Starts the next usable route from `call.next` (skipped ones are recorded), or returns
   * undefined when none is left or the call may not go on (cancelled, disposed, out of time).
   */
  startNext(call: Call): AttemptRun | typeof WAITING | undefined {
    const host = this.host;
    const routes = call.op.routes;
    const policy = call.policy;
    while (call.next < routes.length) {
      const route = routes[call.next++] as RouteState;
      if (!route.automated) continue;
      // Tried already by a hedge of this call, and failed: its own retries were its say.
      if (policy?.ranBefore(route.index)) continue;
      if (call.cancelledBy) break;
      if (host.disposed) {
        call.cancelledBy = 'dispose';
        break;
      }
      if (policy?.spentAt(Date.now())) {
        call.expired = true;
        break;
      }
      const skip = skipReason(route, call, host.hours, this.now);
      if (skip) {
        call.record({ channel: route.channel, result: 'skipped', why: skip });
        // Busy: certainly not run here, and not offered back to this person.
        if (skip === 'busy') {
          call.failed ??= new Set();
          call.failed.add(route.channel);
          host.breakers.slotOf(route, call.scope).bulkhead?.turnedAway();
        }
        continue;
      }
      const slot = host.breakers.slotOf(route, call.scope);
      if (!slot.bulkhead && this.newBulkhead) slot.bulkhead = this.newBulkhead(route);
      const bulkhead = slot.bulkhead;
      if (bulkhead && !bulkhead.enter(call)) {
        // Waiting for a slot: back to this route when the wait ends (`afterWait`).
        call.current = bulkhead;
        call.queuedIn = bulkhead;
        call.next--;
        return WAITING;
      }
      const breaker = slot.breaker ?? host.breakers.breakerOf(slot);
      const run = new AttemptRun(this, route, breaker, call, ++call.runs);
      run.bulkhead = bulkhead;
      // A real call on a probed channel: it is not idle.
      if (route.probe) route.probe.lastCall = run.startedAt;
      if ((slot as ScopeSlot).scope !== undefined) (slot as ScopeSlot).lastUsed = run.startedAt;
      if (policy) policy.started(run, route.index, this);
      if (!(breaker.counting && breaker.closed)) {
        // A half-open trial: opossum's `fire` decides and counts.
        breaker.fire(run).then(
          (value) => this.resume(run, true, value),
          (error) => this.resume(run, false, error),
        );
        return run;
      }
      run.startCounted();
      return run;
    }
    return undefined;
  }

  /** An attempt in flight ended: settle the call or go on to the next route. */
  resume(run: AttemptRun, ok: boolean, value: unknown): void {
    // An abandoned half-open trial, answered by opossum after the call was over.
    if (!(run.call as Call).over) this.proceed(run.call as Call, run, ok, value);
  }

  /** A retry's wait is over, or was cut short: the call goes on from the route it waited for. */
  wake(call: object): void {
    if (!(call as Call).over) this.proceed(call as Call, undefined, false, undefined);
  }

  /** After an attempt's end (or a wait), settles the call's promise once it has its answer. */
  private proceed(call: Call, run: AttemptRun | undefined, ok: boolean, value: unknown): void {
    let outcome: Outcome | undefined | null;
    try {
      outcome = run ? this.ended(run, ok, value) : undefined;
      if (outcome === undefined) outcome = this.drive(call);
    } catch (error) {
      if (call.policy) call.finish();
      (call.reject as (error: unknown) => void)(error);
      return;
    }
    if (!outcome) return;
    if (call.policy) call.finish();
    (call.resolve as (outcome: Outcome) => void)(outcome);
  }

  classify(error: unknown, run: AttemptRun): Failure {
    const events = this.host.events;
    return classifyError(error, { operation: run.operation, channel: run.channel }, this.host.classify, (c, m, e) =>
      events.warn(c, m, e),
    );
  }

  /**
   * Records an attempt's end; returns the outcome when the call is over, WAITING while it waits
   * (a retry's wait, another run in flight), undefined to go on to the next route. Throws a
   * rejection.
   */
  private ended(run: AttemptRun, ok: boolean, value: unknown): Outcome | undefined | null {
    const events = this.host.events;
    const call = run.call as Call;
    const op = call.op;
    const route = run.route as RouteState;
    const policy = call.policy;
    call.current = undefined;
    // Whatever way it ended, once (this runs once per attempt): the slot goes to the next waiter.
    run.freeSlot();
    if (policy?.hedge) call.current = landed(policy.flying, run);
    if (ok) {
      let attempt: Attempt = { channel: route.channel, result: 'success', durationMs: Date.now() - run.startedAt };
      if (this.slowCallMs !== Number.POSITIVE_INFINITY)
        this.host.markSlow(route, attempt.durationMs >= this.slowCallMs);
      if (policy) attempt = tagged(attempt, run);
      const attempts = call.record(attempt);
      this.instrumentation?.attemptEnded(run, attempt);
      if (events.listening.attempt) events.emit('attempt', { operation: op.id, attempt });
      // The first success wins: the others are stopped before the outcome holds the attempts.
      if (policy?.flying.length) abandonOthers(policy.flying, call, this.abandoned);
      const outcome = new Served(op.id, route.channel, value, route.index !== 0, attempts);
      if (events.listening.served) events.emit('served', outcome);
      return outcome;
    }
    // Refused by opossum before it ran (another trial took the half-open slot): a failure.
    run.result ??= this.classify(value, run);
    const result = run.result;
    let attempt: Attempt = { channel: route.channel, result, durationMs: Date.now() - run.startedAt, error: value };
    if (policy) attempt = tagged(attempt, run);
    const attempts = call.record(attempt);
    this.instrumentation?.attemptEnded(run, attempt);
    if (events.listening.attempt) events.emit('attempt', { operation: op.id, attempt });
    if (result === 'rejection') {
      if (policy?.flying.length) abandonOthers(policy.flying, call, this.abandoned);
      throw value;
    }
    call.failed ??= new Set();
    call.failed.add(route.channel);
    // Another route of this call is still running: its end decides.
    if (policy?.flying.length) return WAITING;
    if (waitsForQueuedHedge(call, result)) return WAITING;
    // Certainly not executed: safe to try again even for a non-idempotent operation.
    if (result === 'not-executed') return policy?.retry ? retryStep(this, policy, route, call, value) : undefined;
    // A failure, a timeout or a cancellation may have happened: a non-idempotent call stops.
    if (!op.def.idempotent) return uncertainOutcome(this.host, op, route, call, attempts, call.failed);
    if (result === 'cancelled') call.next = op.routes.length;
    else if (policy?.retry) return retryStep(this, policy, route, call, value);
    return undefined;
  }

  get disposed(): boolean {
    return this.host.disposed;
  }

  /** Whether the route may be tried now for this call (route-checks' one answer). */
  usable(route: RouteState, call: Call): boolean {
    return !this.host.disposed && !skipReason(route, call, this.host.hours, this.now);
  }
}
