// Hedging (Envoy's hedge_on_per_try_timeout, Polly's hedging strategy): a run of an idempotent
// operation that has not answered after `hedge.afterMs` starts the next usable route beside it.
// Its timer is an entry in the router's shared deadline queue of that length: one timer for
// every hedged call, not one per call.
import type { Deadline } from '../deadlines.js';

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
