import type { Warning } from '../events.js';
import type { Outage } from '../outages.js';
import type { RouteDown } from './quorum.js';

export interface FleetOutageEvent {
  /** `declared`: an outage from another instance is now applied here; `ended`: ended by another instance. */
  readonly type: 'declared' | 'ended';
  readonly outage: Outage;
  /** The instance that declared it. */
  readonly by: string;
}

export interface FleetRoutesEvent {
  /** Routes the fleet's quorum of live instances says are down, with who saw them open. */
  readonly down: readonly RouteDown[];
  /**
   * Scopes of routes (an office's counter…) a quorum of live instances saw open by that scope's
   * breaker. Reported only: a scope's votes never take the route down for other scopes.
   */
  readonly scopes: readonly RouteDown[];
  /** The quorum in force and the instances alive when it was decided. */
  readonly quorum: number;
  readonly liveInstances: number;
}

/** Event name → listener, for eventemitter3's typed emitter. */
export interface FleetEvents {
  /**
   * Redis is unreachable, refuses the fleet's commands (OOM, READONLY, NOPERM, NOAUTH, MOVED,
   * CLUSTERDOWN, LOADING…) or is slow (`redis-unavailable`, once per spell; `redis-slow`, once
   * until a round trip is fast again), a value read from it is not valid (`redis-invalid-value`), an outage or route from it does not
   * fit this catalogue (`redis-foreign-outage`, `redis-foreign-route`), Redis lost its data
   * (`redis-lost-data`). Each time the instance goes on with what it knows. At most a few of
   * one code per round trip; the rest are counted in one summary warning.
   */
  warning: (warning: Warning) => void;
  /** An outage declared or ended elsewhere in the fleet was applied here. */
  outage: (event: FleetOutageEvent) => void;
  /** The fleet's decision changed: the routes down by its quorum, the quorum or the live instances. */
  routes: (event: FleetRoutesEvent) => void;
  /**
   * A round trip to Redis completed: local changes written, the fleet's state read and applied.
   * Never emitted for a round trip Redis refused.
   */
  synced: (event: { readonly at: string }) => void;
}
