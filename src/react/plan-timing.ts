// When a plan may change by time alone. The router already tells its subscribers at the
// snapshot's `nextChangeAt`, which covers the opening and closing of every channel of the
// catalogue (the referral alternatives' too: "3639, open until 20:00") and declared outages
// starting or ending; a breaker's half-open trial is a change of state it tells as well. What it
// does not cover: an alternative whose next opening or closing lies beyond what the hours look
// ahead (a week to close, two to open), which the router reads again only after
// AVAILABILITY_TTL — the plan then gains its `closesAt` or `opensAt` with no snapshot change.
import type { AnyCatalog, Channel } from '../catalog.js';
import { AVAILABILITY_TTL } from '../engine/route-checks.js';
import { ownValue } from '../internal/own.js';
import type { Plan } from '../options.js';
import type { Snapshot } from '../snapshot.js';

/**
 * The earliest instant after `now` (epoch ms) at which `plan` may read differently: the
 * snapshot's `nextChangeAt`, an alternative opening or closing, or the router's next reading of
 * hours that are beyond its horizon. Infinity when nothing is due. Instants already past are
 * left out: the router's own timer, which follows its clock, has them.
 */
export function nextPlanChange(plan: Plan, snapshot: Snapshot, catalog: AnyCatalog, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  const consider = (at: number) => {
    if (at > now && at < next) next = at;
  };
  if (snapshot.nextChangeAt !== undefined) consider(Date.parse(snapshot.nextChangeAt));
  const channels = catalog.channels as Readonly<Record<string, Channel>>;
  for (const a of plan.alternatives) {
    const boundary = a.openNow ? a.closesAt : a.opensAt;
    if (boundary !== undefined) consider(Date.parse(boundary));
    else if (ownValue(channels, a.channel)?.hours) consider(now + AVAILABILITY_TTL);
  }
  return next;
}
