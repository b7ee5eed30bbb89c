// What one execute call needs of the engine around it: the router's parts an Executor reads,
// kept apart so execute.ts holds only the call's own steps.
import type { Deadlines } from '../deadlines.js';
import type { RouterEvents } from '../events.js';
import type { SafeEmitter } from '../internal/safe-emitter.js';
import type { CallContext, Classify } from '../options.js';
import type { Breakers } from './breakers.js';
import type { Call } from './call.js';
import type { Referrals } from './referral.js';
import type { OpeningHours } from './route-checks.js';
import type { SignalWatch } from './signals.js';
import type { OperationState, RouteState } from './state.js';

export interface ExecuteHost {
  readonly disposed: boolean;
  readonly deadlines: Deadlines;
  /** ms; infinite for none. */
  readonly timeout: number;
  /** A success that took this long (ms) is slow; infinite when off. */
  readonly slowCallMs: number;
  readonly classify: Classify | undefined;
  readonly events: SafeEmitter<RouterEvents>;
  readonly breakers: Breakers;
  /** Attempts in flight per breaker slot (infinite for no bulkhead), and calls that may wait. */
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly referrals: Referrals;
  readonly hours: OpeningHours;
  readonly signals: SignalWatch;
  now(): number;
  /** The operation and the call, checked (throws the programmer's error). */
  parse(operation: string, ctx: CallContext | undefined, method: string): Call;
  /** The input through the operation's schema, if it has one (throws InvalidInputError). */
  validate(op: OperationState, input: unknown): unknown;
  refreshOutages(): void;
  /** Something the snapshot shows may have changed. */
  invalidate(): void;
  /** A success on the route was slow, or not: its channel shows `degraded_performance` while slow. */
  markSlow(route: RouteState, slow: boolean): void;
}
