// Hedging (Envoy's hedge_on_per_try_timeout, Polly's hedging strategy): a run of an idempotent
// operation that has not answered after `hedge.afterMs` starts the next usable route beside it.
// Its timer is an entry in the router's shared deadline queue of that length: one timer for
// every hedged call, not one per call.
import type { Deadline } from '../deadlines.js';
import { CancelledError } from '../errors.js';
import type { Attempt } from '../outcome.js';
import type { AttemptRun } from './attempt.js';

export interface HedgeHost {
  /** `run` is still in flight after `afterMs`: start the next usable route, if the call may. */
  hedgeDue(run: object): void;
}

export class HedgeTimer implements Deadline {
  declare at: number;
  declare done: boolean;
  constructor(
    private readonly host: HedgeHost,
    private readonly run: object,
  ) {
    this.at = 0;
    this.done = false;
  }
  expire(): void {
    this.host.hedgeDue(this.run);
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
): void {
  const reason = new CancelledError('hedge');
  for (const other of flying.splice(0)) {
    other.abandon(reason);
    const attempt: Attempt = {
      channel: other.channel,
      result: 'cancelled',
      durationMs: Date.now() - other.startedAt,
      error: reason,
    };
    call.record(tagged(attempt, other));
  }
  call.current = undefined;
}

/** The attempt with its retry number and hedge mark, when it has them. */
export function tagged(attempt: Attempt, run: AttemptRun): Attempt {
  if (run.retry === 0 && !run.hedge) return attempt;
  return { ...attempt, ...(run.retry !== 0 && { retry: run.retry }), ...(run.hedge && { hedge: true as const }) };
}
