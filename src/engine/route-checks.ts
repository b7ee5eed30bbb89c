// Whether a route is usable, and whether it is down, for one call: the one answer execute, plan,
// the alternatives, the retry time and the referral's story all ask for.
import type { Channel, Route } from '../catalog.js';
import { type Availability, availability } from '../hours.js';
import type { SkipReason } from '../outcome.js';
import { isDown } from './down.js';
import { CLOSED_SLOT, type OperationState, type RouteState, type Slot } from './state.js';

/** What the checks read of a call. */
export interface CallView {
  readonly exclude: ReadonlySet<string> | undefined;
  readonly amount: number | undefined;
  readonly scope: string | undefined;
}

/** Hours are computed again at least this often, even when nothing opens or closes sooner. */
export const AVAILABILITY_TTL = 3_600_000;

/**
 * The breaker slot a call reads on a route: the route's own, or for a call that names a scope on
 * a scoped route, that scope's (closed when it has none yet).
 */
export function slotFor(route: RouteState, scope: string | undefined): Slot {
  if (scope === undefined || !route.scoped) return route;
  return route.scopes?.get(scope) ?? CLOSED_SLOT;
}

export function overLimit(route: Route, amount: number | undefined): boolean {
  const limits = route.limits;
  if (!limits || amount === undefined) return false;
  return (
    (limits.maxAmount !== undefined && amount > limits.maxAmount) ||
    (limits.minAmount !== undefined && amount < limits.minAmount)
  );
}

/** Excluded by the person, or over the route's limits for this amount. */
export function unusableFor(route: RouteState, call: CallView): boolean {
  return call.exclude?.has(route.channel) || overLimit(route.def, call.amount);
}

/** Down for this call: `isDown` with the breaker it would use (its scope's, on a scoped route). */
export function downFor(route: RouteState, call: CallView): boolean {
  const slot = slotFor(route, call.scope);
  return isDown(route, slot) || probedDown(route, slot);
}

/**
 * A probe that found the channel down opened the route's own breaker; a scope's breaker never
 * saw those failures, so a call through it is kept off the channel too.
 */
function probedDown(route: RouteState, slot: Slot): boolean {
  return slot !== route && route.probe?.down === true;
}

/** True when the call's scope has a breaker down on one of the operation's routes. */
export function scopeDownIn(op: OperationState, call: CallView): boolean {
  if (call.scope === undefined) return false;
  for (const r of op.routes) {
    const slot = r.scopesDown > 0 ? r.scopes?.get(call.scope) : undefined;
    if (slot && slot.breakerDownSince !== undefined && !slot.breakerHalfOpen) return true;
  }
  return false;
}

/** Opening hours, computed once per channel until the next opening or closing. */
export class OpeningHours {
  private readonly cache = new Map<string, { value: Availability; until: number }>();

  of(id: string, channel: Channel, now: number): Availability {
    if (!channel.hours) return availability(undefined, now);
    const cached = this.cache.get(id);
    if (cached && now >= cached.until - AVAILABILITY_TTL && now < cached.until) return cached.value;
    const value = availability(channel.hours, now);
    const until = Math.min(
      value.opensAt ?? Number.POSITIVE_INFINITY,
      value.closesAt ?? Number.POSITIVE_INFINITY,
      now + AVAILABILITY_TTL,
    );
    this.cache.set(id, { value, until });
    return value;
  }

  /** When the hours of this channel were last computed to change, if they were. */
  until(id: string): number | undefined {
    return this.cache.get(id)?.until;
  }
}

/** Why an automated route is not tried for this call now, or undefined to try it. */
export function skipReason(
  route: RouteState,
  call: CallView,
  hours: OpeningHours,
  now: () => number,
): SkipReason | undefined {
  // Checked as one on the hot path; which of the two only matters once it is true.
  if (unusableFor(route, call)) return call.exclude?.has(route.channel) ? 'excluded' : 'limit';
  if (route.blockedBy) return route.blockedBy.kind === 'maintenance' ? 'maintenance' : 'outage';
  // A closed office is not a failure: not tried, not counted, still offered with its hours.
  if (route.channelDef.hours && !hours.of(route.channel, route.channelDef, now()).openNow) return 'closed';
  if (route.remoteDownSince !== undefined) return 'remote';
  // Skipped without calling opossum, which would build an Error for each rejected call.
  const slot = slotFor(route, call.scope);
  if (probedDown(route, slot)) return 'breaker-open';
  const b = slot.breaker;
  // A breaker only its probe closes is skipped while half-open: no person's call is its trial.
  if (b && (b.refusing || (route.probeCloses && b.halfOpen))) return 'breaker-open';
  // Full, with no room to wait (`breaker.maxConcurrent`): not tried now, counted against nothing.
  if (slot.bulkhead?.refusing) return 'busy';
  return undefined;
}
