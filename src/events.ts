import type { BreakerState } from './breaker/route-breaker.js';
import type { Outage } from './outages.js';
import type { Attempt, Referred, Served, Uncertain } from './outcome.js';
import type { Snapshot } from './snapshot.js';

export interface AttemptEvent<Op extends string = string, Ch extends string = string> {
  readonly operation: Op;
  readonly attempt: Attempt<Ch>;
}

export interface BreakerEvent<Op extends string = string, Ch extends string = string> {
  readonly operation: Op;
  readonly channel: Ch;
  readonly state: BreakerState;
  /** ISO 8601, by the router's clock. */
  readonly at: string;
  /** The scope whose breaker this is, for a scoped route called with one. */
  readonly scope?: string;
}

export interface OutageEvent<Op extends string = string, Ch extends string = string> {
  /** `declared` when declared, `started` when it takes effect, `ended` when ended or expired. */
  readonly type: 'declared' | 'started' | 'ended';
  readonly outage: Outage<Ch, Op>;
  /** On `ended`: true when it ran out at its `until`, false when `endOutage` ended it. */
  readonly expired?: boolean;
}

export interface ProbeEvent<Ch extends string = string> {
  readonly channel: Ch;
  /** True when the probe resolved in time. */
  readonly ok: boolean;
  readonly durationMs: number;
  /** ISO 8601, by the router's clock: when it ended. */
  readonly at: string;
}

export interface Warning {
  /** Stable, e.g. `classify-threw`. */
  readonly code: string;
  readonly message: string;
  readonly error?: unknown;
}

/** Event name → listener, for eventemitter3's typed emitter. */
export interface RouterEvents<Op extends string = string, Ch extends string = string> {
  served: (outcome: Served<Op, Ch>) => void;
  referred: (outcome: Referred<Op, Ch>) => void;
  uncertain: (outcome: Uncertain<Op, Ch>) => void;
  attempt: (event: AttemptEvent<Op, Ch>) => void;
  breaker: (event: BreakerEvent<Op, Ch>) => void;
  outage: (event: OutageEvent<Op, Ch>) => void;
  probe: (event: ProbeEvent<Ch>) => void;
  snapshot: (snapshot: Snapshot<Ch, Op>) => void;
  /** Something went wrong that the library recovered from; never printed by the library. */
  warning: (warning: Warning) => void;
}
