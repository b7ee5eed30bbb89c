// Hedging (Envoy's hedge_on_per_try_timeout, Polly's hedging strategy): a run of an idempotent
// operation that has not answered after `hedge.afterMs` starts the next usable route beside it.
// Its timer is an entry in the router's shared deadline queue of that length: one timer for
// every hedged call, not one per call.
import type { Deadline } from '../deadlines.js';
import { CancelledError } from '../errors.js';
import type { Attempt } from '../outcome.js';
import type { AttemptRun } from './attempt.js';

export interface HedgeHost {
  readonly disposed: boolean;
  /**
   * Starts the next usable route of the call (route-checks decide), if one is left; null: it
   * waits for a bulkhead's slot, and goes on by itself when it has one. `never`: the executor
   * takes its own Call, which this file sees only through the fields it reads and hands back
   * unchanged (importing Call here would make a cycle).
   */
  startNext(call: never): AttemptRun | null | undefined;
  resume(run: AttemptRun, ok: boolean, value: unknown): void;
}

/** What a hedge reads of its call. */
interface HedgedCall {
  readonly over: boolean;
  readonly cancelledBy: unknown;
  readonly expired: boolean;
  readonly policy: { hedges: number; readonly hedge: { readonly maxHedges: number } | undefined } | undefined;
}

export class HedgeTimer implements Deadline {
  declare at: number;
  declare done: boolean;
  constructor(
    private readonly host: HedgeHost,
    private readonly run: AttemptRun,
  ) {
    this.at = 0;
    this.done = false;
  }
  /** The run is still in flight after `afterMs`: the next usable route starts too, if the call may. */
  expire(): void {
    const run = this.run;
    const call = run.call as unknown as HedgedCall;
    const policy = call.policy;
    if (call.over || run.done || call.cancelledBy || call.expired || this.host.disposed || !policy?.hedge) return;
    if (policy.hedges >= policy.hedge.maxHedges) return;
    policy.hedges++;
    const next = this.host.startNext(call as never);
    const end = next?.syncEnd;
    if (next && end) this.host.resume(next, end.ok, end.value);
  }
  /** Listed for dispose(): the run it watches is cancelled on its own. */
  cancel(): void {}
}

/** A run of a hedged call ended: it is no longer in flight. Returns the call's current run. */
export function landed(flying: AttemptRun[], run: AttemptRun): AttemptRun | undefined {
  const i = flying.indexOf(run);
  if (i >= 0) flying.splice(i, 1);
  return flying[flying.length - 1];
}

/**
 * Another run answered for the call (a success, or a rejection that is the operation's own
 * answer): the ones still in flight are stopped, their signals aborted, and recorded as
 * cancelled hedges; whatever they answer later is ignored.
 */
export function abandonOthers(
  flying: AttemptRun[],
  call: { current: unknown; record(attempt: Attempt): unknown },
  ended: (run: AttemptRun, attempt: Attempt) => void,
): void {
  const reason = hedgeLost();
  for (const other of flying.splice(0)) {
    other.stop(reason, true);
    const attempt = tagged(
      { channel: other.channel, result: 'cancelled', durationMs: Date.now() - other.startedAt, error: reason },
      other,
    );
    call.record(attempt);
    ended(other, attempt);
  }
  call.current = undefined;
}

/** The abort reason of a run another answered for. */
export function hedgeLost(): CancelledError {
  const reason = new CancelledError('hedge');
  reason.message = 'Cancelled: another route answered first';
  return reason;
}

/** The attempt with its retry number and hedge mark, when it has them. */
export function tagged(attempt: Attempt, run: AttemptRun): Attempt {
  if (run.retry === 0 && !run.hedge) return attempt;
  return { ...attempt, ...(run.retry !== 0 && { retry: run.retry }), ...(run.hedge && { hedge: true as const }) };
}

/**
 * The hedge waiting for the next route's slot is the call's next step once its other runs have
 * ended: it goes on from there when its turn comes, and nothing else may drive the call
 * meanwhile (a retry here would run beside it, before its backend's Retry-After). A call that
 * is cancelled or out of time leaves the queue and ends. True when the call waits for it.
 */
export function waitsForQueuedHedge<
  C extends {
    queuedIn: { leave(call: C): void } | undefined;
    current: unknown;
    readonly cancelledBy: unknown;
    readonly expired: boolean;
  },
>(call: C, result: string): boolean {
  const queued = call.queuedIn;
  if (!queued) return false;
  if (!call.cancelledBy && !call.expired && result !== 'cancelled') {
    call.current = queued;
    return true;
  }
  queued.leave(call);
  call.queuedIn = undefined;
  return false;
}
