// The fleet's decision, as a pure function of what Redis holds: which routes are down for
// everyone. No Redis here, so the rules are tested on their own.

export interface Trip {
  readonly operation: string;
  readonly channel: string;
  /** The scope (an office…) whose breaker opened, for a scoped breaker; absent for the route's own. */
  readonly scope?: string;
  readonly instance: string;
  /** When that instance saw the breaker open (ms, Redis time). */
  readonly at: number;
}

export interface QuorumInput {
  readonly trips: readonly Trip[];
  /**
   * Instance id → the time until which that instance says it is alive (ms, Redis time). Each
   * instance sets its own deadline from its own heartbeat, so liveness never depends on the
   * reader's settings.
   */
  readonly instances: ReadonlyMap<string, number>;
  /** Redis time (ms). */
  readonly now: number;
  /** A trip counts for this long after it was seen (ms). */
  readonly windowMs: number;
  /**
   * A deadline further ahead of `now` than this is not believed (a value written by hand or by
   * a broken client): that instance is not counted, rather than counted forever.
   */
  readonly maxAheadMs: number;
  /** The caller's quorum; when absent, 2, or 1 while the fleet has one live instance. */
  readonly quorum: number | undefined;
  /** The instance deciding: always counted as alive. */
  readonly self: string;
}

export interface RouteDown {
  readonly operation: string;
  readonly channel: string;
  /** For a scoped breaker's votes: the scope they are about. */
  readonly scope?: string;
  /** The live instances whose trips count, sorted. */
  readonly voters: readonly string[];
}

export interface QuorumDecision {
  readonly quorum: number;
  readonly liveInstances: number;
  /**
   * Routes at least `quorum` live instances saw open within the window, by their route-wide
   * breaker, sorted by operation then channel.
   */
  readonly down: readonly RouteDown[];
  /**
   * Scopes of a route (one office's counter…) at least `quorum` live instances saw open, sorted
   * by operation, channel, scope. Reported, never applied to the whole route: one office failing
   * everywhere says nothing about the others.
   */
  readonly scopes: readonly RouteDown[];
  /**
   * What this instance should mark down as the fleet's word: `down` without the routes it voted
   * for itself. Those are already down here by its own breaker, which must stay free to send
   * its half-open trial: the route would otherwise be skipped as remotely down, the trial would
   * never run, and the fleet could only recover when the window runs out.
   */
  readonly forSelf: readonly RouteDown[];
}

/** The instances alive at `now`: those whose own deadline is still ahead, within `maxAheadMs`, and `self`. */
export function liveSet(
  instances: ReadonlyMap<string, number>,
  now: number,
  maxAheadMs: number,
  self: string,
): Set<string> {
  const live = new Set<string>([self]);
  for (const [id, until] of instances) if (until > now && until <= now + maxAheadMs) live.add(id);
  return live;
}

export function decideQuorum(input: QuorumInput): QuorumDecision {
  const live = liveSet(input.instances, input.now, input.maxAheadMs, input.self);
  const quorum = input.quorum ?? (live.size <= 1 ? 1 : 2);
  const since = input.now - input.windowMs;
  const voters = new Map<string, { operation: string; channel: string; scope?: string; ids: Set<string> }>();
  for (const trip of input.trips) {
    // A departed instance's vote goes with it: only the live are counted, against a quorum
    // that is itself computed from the live.
    if (trip.at <= since || !live.has(trip.instance)) continue;
    // JSON keeps the parts apart whatever characters the ids hold.
    const key = JSON.stringify([trip.operation, trip.channel, trip.scope ?? null]);
    let entry = voters.get(key);
    if (!entry) {
      entry = { operation: trip.operation, channel: trip.channel, ids: new Set() };
      if (trip.scope !== undefined) entry.scope = trip.scope;
      voters.set(key, entry);
    }
    entry.ids.add(trip.instance);
  }
  const down: RouteDown[] = [];
  const scopes: RouteDown[] = [];
  for (const { ids, ...route } of voters.values()) {
    if (ids.size < quorum) continue;
    (route.scope === undefined ? down : scopes).push(
      Object.freeze({ ...route, voters: Object.freeze([...ids].sort()) }),
    );
  }
  const order = (a: RouteDown, b: RouteDown) =>
    compare(a.operation, b.operation) || compare(a.channel, b.channel) || compare(a.scope ?? '', b.scope ?? '');
  down.sort(order);
  scopes.sort(order);
  return Object.freeze({
    quorum,
    liveInstances: live.size,
    down: Object.freeze(down),
    scopes: Object.freeze(scopes),
    forSelf: Object.freeze(down.filter((r) => !r.voters.includes(input.self))),
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
