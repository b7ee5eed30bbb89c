import { isDown, isHalfOpen } from './engine/down.js';
import type { Text } from './i18n/text.js';
import type { Outage } from './outages.js';

/** Atlassian Statuspage's component statuses, which status pages and their readers know. */
export type ChannelStatus =
  | 'operational'
  | 'degraded_performance'
  | 'partial_outage'
  | 'major_outage'
  | 'under_maintenance';

export interface ChannelSnapshot {
  readonly status: ChannelStatus;
  /** Why, when a declared outage says so (both languages: the snapshot is not localised). */
  readonly reason?: Text;
  /** Since when (ISO 8601), when not operational. */
  readonly since?: string;
  /** Until when (ISO 8601), when a declared outage says so. */
  readonly until?: string;
  /** Scopes (e.g. offices) whose breaker on this channel is open or half-open, when some are. */
  readonly scopesDown?: number;
}

export interface OperationSnapshot<Ch extends string = string> {
  /**
   * `operational` on its first route; `degraded_performance` only off its first route;
   * `partial_outage` only by referral; `major_outage` not at all.
   */
  readonly status: ChannelStatus;
  /** Channels whose route for this operation is not down, in the operation's order. */
  readonly available: readonly Ch[];
}

/** Immutable: the same object until something changes, so `Object.is` tells a change. */
export interface Snapshot<Ch extends string = string, Op extends string = string> {
  /** Increases by one with each change. */
  readonly version: number;
  /** When this version was computed (ISO 8601, by the router's clock). */
  readonly at: string;
  readonly channels: { readonly [K in Ch]: ChannelSnapshot };
  readonly operations: { readonly [O in Op]: OperationSnapshot<Ch> };
  /** Outages declared and not over: active ones and scheduled ones. */
  readonly outages: readonly Outage<Ch, Op>[];
  /**
   * Per operation, the channels on which it is automated (a handler runs it), in the
   * operation's order; absent when none is: a page mirroring this status plans as this router would.
   */
  readonly automated?: { readonly [O in Op]?: readonly Ch[] };
  /**
   * When this status next changes by itself (ISO 8601): a channel opening or closing, a
   * declared outage starting or ending. Subscribers hear it then. Undefined when nothing is due.
   */
  readonly nextChangeAt?: string | undefined;
}

/** What the snapshot needs to know of one route. */
export interface RouteView {
  readonly channel: string;
  readonly automated: boolean;
  /** Automated on another router this one mirrors (`setRemoteAutomated`). */
  readonly remoteAutomated?: boolean;
  /** In trouble by its breaker (open or half-open), since when. */
  readonly breakerDownSince: number | undefined;
  /** Its breaker is half-open: not down (offered), shown `degraded_performance`. */
  readonly breakerHalfOpen: boolean;
  /** The active outage covering this route, if any. */
  readonly blockedBy: Outage | undefined;
  /** Down on the word of a source outside this router (a fleet, a status feed), since when. */
  readonly remoteDownSince: number | undefined;
  /** Scopes with a breaker on this route, and how many of them are down, since when. */
  readonly scopes: ReadonlyMap<string, unknown> | undefined;
  readonly scopesDown: number;
  readonly scopesDownSince: number | undefined;
  /** Its latest success was slow (`breaker.slowCallMs`): the channel is degraded. */
  readonly slow?: boolean;
  /** Scopes whose breaker is half-open: not down, but the channel is degraded. */
  readonly scopesHalfOpen: number;
  /** Its breakers (its own, its scopes') whose bulkhead is full (`breaker.maxConcurrent`): degraded. */
  readonly slotsFull: number;
}

export interface SnapshotInput {
  readonly channelIds: readonly string[];
  readonly operations: ReadonlyMap<string, readonly RouteView[]>;
  /** The active outage covering each whole channel. */
  readonly channelOutage: ReadonlyMap<string, Outage>;
  readonly outages: readonly Outage[];
  /** Share of a channel's live scopes down past which it is a major outage. */
  readonly majorOutageShare: number;
  /** Epoch ms of the next change by time alone; Infinity or undefined when none. */
  readonly nextChangeAt?: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Down by the route's own breaker, an outage or another source. */
function routeDown(route: RouteView): boolean {
  return isDown(route, route);
}

function fromOutage(outage: Outage): ChannelSnapshot {
  return {
    status: outage.kind === 'maintenance' ? 'under_maintenance' : 'major_outage',
    reason: outage.reason,
    since: outage.from,
    ...(outage.until ? { until: outage.until } : {}),
  };
}

const OPERATIONAL: ChannelSnapshot = Object.freeze({ status: 'operational' });

/**
 * No route down: operational, or `degraded_performance` when a breaker is half-open (since its
 * trouble began), the latest success of a route was slow, or a route's bulkhead is full.
 */
function halfOpenStatus(routes: readonly RouteView[]): ChannelSnapshot {
  let since = Number.POSITIVE_INFINITY;
  let halfOpen = false;
  for (const r of routes) {
    if (r.scopesHalfOpen > 0 || r.slow === true || r.slotsFull > 0) halfOpen = true;
    if (isHalfOpen(r, r)) {
      halfOpen = true;
      if ((r.breakerDownSince as number) < since) since = r.breakerDownSince as number;
    }
  }
  if (!halfOpen) return OPERATIONAL;
  return Object.freeze({ status: 'degraded_performance', ...(Number.isFinite(since) ? { since: iso(since) } : {}) });
}

/** The statuses, without version or time: two equal contents mean nothing changed. */
export function computeStatus(input: SnapshotInput): Status {
  const perChannel = new Map<string, RouteView[]>();
  // Null-prototype: ids are user-given, and `channels.constructor` must not answer for a channel.
  const operations: Record<string, OperationSnapshot> = Object.create(null);
  const automatedByOp: Record<string, readonly string[]> = Object.create(null);
  let anyAutomated = false;
  for (const [op, routes] of input.operations) {
    const available: string[] = [];
    const automated: string[] = [];
    let firstUp = false;
    let automatedUp = false;
    routes.forEach((route, i) => {
      let list = perChannel.get(route.channel);
      if (!list) {
        list = [];
        perChannel.set(route.channel, list);
      }
      list.push(route);
      const runs = route.automated || route.remoteAutomated === true;
      if (runs) automated.push(route.channel);
      if (routeDown(route)) return;
      available.push(route.channel);
      // A half-open first route may work, but is not yet known to: degraded, not operational.
      if (i === 0 && !isHalfOpen(route, route)) firstUp = true;
      if (runs) automatedUp = true;
    });
    const status: ChannelStatus = firstUp
      ? 'operational'
      : automatedUp
        ? 'degraded_performance'
        : available.length
          ? 'partial_outage'
          : 'major_outage';
    operations[op] = Object.freeze({ status, available: Object.freeze(available) });
    if (automated.length) {
      automatedByOp[op] = Object.freeze(automated);
      anyAutomated = true;
    }
  }
  const channels: Record<string, ChannelSnapshot> = Object.create(null);
  for (const id of input.channelIds) {
    channels[id] = channelSnapshot(perChannel.get(id) ?? [], input.channelOutage.get(id), input.majorOutageShare);
  }
  const next = input.nextChangeAt;
  // Frozen too: the snapshot is shared by every reader, and one that writes to it must not change it for the others.
  return {
    channels: Object.freeze(channels),
    operations: Object.freeze(operations),
    outages: Object.freeze(input.outages.slice()),
    ...(anyAutomated ? { automated: Object.freeze(automatedByOp) } : {}),
    ...(next !== undefined && Number.isFinite(next) ? { nextChangeAt: iso(next) } : {}),
  };
}

/**
 * One channel's status from the routes on it, whichever operations they serve: what the
 * snapshot shows, and what a referral shows beside each alternative without computing the rest.
 */
export function channelSnapshot(
  routes: readonly RouteView[],
  outage: Outage | undefined,
  majorOutageShare: number,
): ChannelSnapshot {
  if (outage) return Object.freeze(fromOutage(outage));
  const down = routes.filter(routeDown);
  let scopesLive = 0;
  let scopesDown = 0;
  let scopesSince = Number.POSITIVE_INFINITY;
  for (const r of routes) {
    scopesLive += r.scopes?.size ?? 0;
    scopesDown += r.scopesDown;
    if (r.scopesDownSince !== undefined && r.scopesDownSince < scopesSince) scopesSince = r.scopesDownSince;
  }
  if (down.length === 0) {
    // Counts kept as breakers change: this stays O(routes) however many scopes there are.
    if (scopesDown === 0) return halfOpenStatus(routes);
    return Object.freeze({
      status: scopesDown > scopesLive * majorOutageShare ? 'major_outage' : 'partial_outage',
      ...(Number.isFinite(scopesSince) ? { since: iso(scopesSince) } : {}),
      scopesDown,
    });
  }
  const blocking = down.find((r) => r.blockedBy)?.blockedBy;
  let since = Number.POSITIVE_INFINITY;
  for (const r of down) {
    const t = r.breakerDownSince ?? r.remoteDownSince ?? (r.blockedBy ? Date.parse(r.blockedBy.from) : Number.NaN);
    if (t < since) since = t;
  }
  const allMaintenance = down.length === routes.length && down.every((r) => r.blockedBy?.kind === 'maintenance');
  return Object.freeze({
    status: allMaintenance ? 'under_maintenance' : down.length === routes.length ? 'major_outage' : 'partial_outage',
    ...(blocking ? { reason: blocking.reason } : {}),
    ...(Number.isFinite(since) ? { since: iso(since) } : {}),
    ...(scopesDown > 0 ? { scopesDown } : {}),
  });
}

export type Status = Pick<Snapshot, 'channels' | 'operations' | 'outages' | 'automated' | 'nextChangeAt'>;

/**
 * A fingerprint of everything a status shows: the very object spread into the snapshot,
 * serialised whole, so a field added to the snapshot can never be left out of change detection.
 */
export function fingerprint(status: Status): string {
  return JSON.stringify(status);
}

/**
 * Whether `next` shows nothing new over `previous`: the same fingerprint and the same outage
 * objects (an outage ended and declared again with the same content is a new declaration, and
 * a subscriber holding the old one must hear of it).
 */
export function sameStatus(previous: Status, previousPrint: string, next: Status, nextPrint: string): boolean {
  if (previousPrint !== nextPrint || previous.outages.length !== next.outages.length) return false;
  return previous.outages.every((o, i) => o === next.outages[i]);
}
