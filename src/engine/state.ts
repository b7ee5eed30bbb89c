// What the engine knows of each operation and route, built once from the catalogue and handlers.
import type { RouteBreaker } from '../breaker/route-breaker.js';
import type { AnyCatalog, Channel, Operation, Route } from '../catalog.js';
import type { Handler } from '../handlers.js';
import { ownValue } from '../internal/own.js';
import type { Outage } from '../outages.js';
import type { Alternative, ReferralCode } from '../outcome.js';
import type { ResolvedPolicy } from '../policy-options.js';
import type { ResolvedScopeOptions } from '../scopes.js';
import type { RouteView } from '../snapshot.js';
import type { StandardSchemaV1 } from '../standard-schema.js';
import type { AttemptRun } from './attempt.js';
import type { Bulkhead } from './bulkhead.js';

/** A breaker and what the router knows of it: the route's own, or one scope's. */
export interface Slot {
  breaker: RouteBreaker<AttemptRun> | undefined;
  /** In trouble by its breaker (open or half-open), since when. */
  breakerDownSince: number | undefined;
  /** Its breaker is half-open (announced: not held by an outage): offered, not down. */
  breakerHalfOpen: boolean;
  /** Its breaker half-opened while an outage held the route down. */
  halfOpenHeld: boolean;
  /**
   * Made on its first call when `breaker.maxConcurrent` is set; never otherwise, and then not even
   * a field: slots keep the shape they had before bulkheads existed.
   */
  bulkhead?: Bulkhead;
}

/** One scope's breaker on a scoped route (e.g. one office's counter terminal). */
export interface ScopeSlot extends Slot {
  readonly scope: string;
  readonly route: RouteState;
  /** Date.now of its last attempt: an idle, closed scope is evicted. */
  lastUsed: number;
}

/** What a scope without a breaker reads as: closed. */
export const CLOSED_SLOT: Slot = Object.freeze({
  breaker: undefined,
  breakerDownSince: undefined,
  breakerHalfOpen: false,
  halfOpenHeld: false,
});

export interface RouteState extends Omit<RouteView, 'breakerDownSince' | 'breakerHalfOpen'>, Slot {
  readonly op: OperationState;
  readonly index: number;
  readonly channel: string;
  readonly def: Route;
  readonly channelDef: Channel;
  readonly handler: Handler | undefined;
  readonly automated: boolean;
  blockedBy: Outage | undefined;
  remoteDownSince: number | undefined;
  /** The sources that currently say this route is down. */
  remoteSources: Set<string> | undefined;
  /** Calls that name a scope get a breaker per scope on this route. */
  readonly scoped: boolean;
  scopes: Map<string, ScopeSlot> | undefined;
  scopesDown: number;
  scopesDownSince: number | undefined;
  scopesHalfOpen: number;
  /**
   * The channel's probe record, when it has a probe: calls on it say it is not idle; `down` while
   * the probe's failures in a row opened the channel (scopes' breakers never saw them).
   */
  probe: { lastCall: number; down: boolean } | undefined;
  /** Run by another router (the server a page mirrors): planned and referred as automated, never run here. */
  remoteAutomated: boolean;
  /** Its latest success took `slowCallMs` or more. */
  slow: boolean;
  /** Its slots (its own, its scopes') whose bulkhead is full: the channel is degraded. */
  slotsFull: number;
  /** Its breaker is closed only by the channel's probe: a probed channel, a non-idempotent operation. */
  probeCloses: boolean;
}

export interface OperationState {
  readonly id: string;
  readonly def: Operation;
  readonly routes: RouteState[];
  readonly schema: StandardSchemaV1 | undefined;
  /** Its retry, hedge and deadline, when it has any. */
  readonly policy: ResolvedPolicy | undefined;
  /** Referral parts by locale and failed routes, valid for one state version and a time span. */
  readonly referrals: Map<string, ReferralParts>;
}

/** What a referral tells the person: the same for every call in the same state. */
export interface ReferralParts {
  readonly code: ReferralCode;
  readonly reason: string;
  readonly alternatives: readonly Alternative[];
  readonly retryAfter: string | undefined;
  readonly version: number;
  readonly from: number;
  readonly until: number;
}

/** Every operation's state, in the catalogue's order; handlers and schemas read as own properties. */
export function buildOperations(
  catalog: AnyCatalog,
  handlers: Record<string, Record<string, unknown> | undefined>,
  inputs: Record<string, StandardSchemaV1> | undefined,
  scopeOptions: ResolvedScopeOptions,
  policies?: ReadonlyMap<string, ResolvedPolicy>,
): Map<string, OperationState> {
  const operations = new Map<string, OperationState>();
  for (const [id, def] of Object.entries(catalog.operations) as [string, Operation][]) {
    const op: OperationState = {
      id,
      def,
      routes: [],
      schema: ownValue(inputs, id),
      policy: policies?.get(id),
      referrals: new Map(),
    };
    def.routes.forEach((route, index) => {
      const handler = ownValue(ownValue(handlers, id), route.channel) as Handler | undefined;
      op.routes.push({
        op,
        index,
        channel: route.channel,
        def: route,
        channelDef: ownValue(catalog.channels as Record<string, Channel>, route.channel) as Channel,
        handler,
        automated: handler !== undefined,
        breaker: undefined,
        breakerDownSince: undefined,
        breakerHalfOpen: false,
        blockedBy: undefined,
        halfOpenHeld: false,
        remoteDownSince: undefined,
        remoteSources: undefined,
        scoped: handler !== undefined && (scopeOptions.channels?.has(route.channel) ?? true),
        scopes: undefined,
        scopesDown: 0,
        scopesDownSince: undefined,
        scopesHalfOpen: 0,
        probe: undefined,
        probeCloses: false,
        slow: false,
        slotsFull: 0,
        remoteAutomated: false,
      });
    });
    operations.set(id, op);
  }
  return operations;
}
