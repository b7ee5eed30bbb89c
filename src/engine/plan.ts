// What execute would decide now, without running anything: the same checks, the same referral.
import type { Plan } from '../options.js';
import type { SkipReason } from '../outcome.js';
import type { Call } from './call.js';
import type { Referrals } from './referral.js';
import { type OpeningHours, skipReason } from './route-checks.js';

export function planCall(call: Call, hours: OpeningHours, referrals: Referrals, now: () => number): Plan {
  const op = call.op;
  const willTry: string[] = [];
  const skipped: { channel: string; why: SkipReason }[] = [];
  for (const route of op.routes) {
    if (!route.automated && !route.remoteAutomated) continue;
    const why = skipReason(route, call, hours, now);
    // A plan is a forecast: a route full this instant frees in moments, and a call made next
    // would try it or queue for it; meanwhile the snapshot shows its channel degraded.
    if (why && why !== 'busy') skipped.push({ channel: route.channel, why });
    else willTry.push(route.channel);
  }
  const parts = referrals.parts(op, call, undefined);
  const plan: Record<string, unknown> = { operation: op.id, willTry, skipped, alternatives: parts.alternatives };
  if (willTry.length === 0) {
    plan.code = parts.code;
    plan.reason = parts.reason;
    if (parts.retryAfter) plan.retryAfter = parts.retryAfter;
  }
  return plan as unknown as Plan;
}
