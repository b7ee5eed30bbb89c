// The outcome of a call that may have happened: a non-idempotent attempt failed ambiguously
// (a failure, a timeout, a cancellation, a deadline cutting it short).
import type { RouterEvents } from '../events.js';
import type { SafeEmitter } from '../internal/safe-emitter.js';
import { type Attempt, Uncertain } from '../outcome.js';
import type { Call } from './call.js';
import type { Referrals } from './referral.js';
import type { OperationState, RouteState } from './state.js';

export function uncertainOutcome(
  host: { readonly referrals: Referrals; readonly events: SafeEmitter<RouterEvents> },
  op: OperationState,
  route: RouteState,
  call: Call,
  attempts: Attempt[],
  failed: Set<string>,
): Uncertain {
  const reference = call.idempotencyKey();
  const words = host.referrals.words(call.locale);
  const label = words.text(op.def.label) as string;
  // Doing it again elsewhere is safe only once the person knows the first did not go through.
  const alternatives = host.referrals
    .parts(op, call, failed)
    .alternatives.map((a) =>
      Object.freeze({ ...a, afterCheck: true as const, instructions: words.messages.afterCheck(a.instructions) }),
    );
  const outcome = new Uncertain(
    op.id,
    route.channel,
    reference,
    words.messages.uncertain(label, reference),
    Object.freeze(alternatives),
    attempts,
    words.text(route.def.checkInstructions),
  );
  host.events.emit('uncertain', outcome);
  return outcome;
}
