// The fleet's decision, as a pure function of what Redis holds: which routes are down for
// everyone. No Redis here, so the rules are tested on their own.

export interface Trip {
  readonly operation: string;
  readonly channel: string;
  readonly instance: string;
  /** When that instance saw the route's breaker open (ms, Redis time). */
  readonly at: number;
}

export interface QuorumInput {
  readonly trips: readonly Trip[];
  /** Instance id → last heartbeat (ms, Redis time). */
  readonly instances: ReadonlyMap<string, number>;
  readonly now: number;
  /** A trip counts for this long after it was seen (ms). */
  readonly window: number;
  /** An instance counts as alive for this long after its last heartbeat (ms). */
  readonly instanceTtl: number;
  /** The caller's quorum; when absent, 2, or 1 while the fleet has one instance. */
  readonly quorum: number | undefined;
  /** The instance deciding: always counted as alive. */
  readonly self: string;
}

export interface RouteDown {
  readonly operation: string;
  readonly channel: string;
  /** The instances whose trips count, sorted. */
  readonly voters: readonly string[];
}

export interface QuorumDecision {
  readonly quorum: number;
  readonly liveInstances: number;
  /** Routes at least `quorum` instances saw open within the window, sorted by operation then channel. */
  readonly down: readonly RouteDown[];
  /**
   * What this instance should mark down as the fleet's word: `down` without the routes it voted
   * for itself. Those are already down here by its own breaker, which must stay free to send
   * its half-open trial: the route would otherwise be skipped as remotely down, the trial would
   * never run, and the fleet could only recover when the window runs out.
   */
  readonly forSelf: readonly RouteDown[];
}

export function liveInstances(instances: ReadonlyMap<string, number>, now: number, ttl: number, self: string): number {
  let n = 0;
  for (const [id, at] of instances) if (id !== self && at > now - ttl) n++;
  return n + 1;
}

export function decideQuorum(input: QuorumInput): QuorumDecision {
  const live = liveInstances(input.instances, input.now, input.instanceTtl, input.self);
  const quorum = input.quorum ?? (live <= 1 ? 1 : 2);
  const since = input.now - input.window;
  const voters = new Map<string, { operation: string; channel: string; ids: Set<string> }>();
  for (const trip of input.trips) {
    if (trip.at <= since) continue;
    // JSON keeps the pair apart whatever characters the ids hold.
    const key = JSON.stringify([trip.operation, trip.channel]);
    let entry = voters.get(key);
    if (!entry) {
      entry = { operation: trip.operation, channel: trip.channel, ids: new Set() };
      voters.set(key, entry);
    }
    entry.ids.add(trip.instance);
  }
  const down: RouteDown[] = [];
  for (const { operation, channel, ids } of voters.values()) {
    if (ids.size >= quorum) down.push(Object.freeze({ operation, channel, voters: Object.freeze([...ids].sort()) }));
  }
  down.sort((a, b) => compare(a.operation, b.operation) || compare(a.channel, b.channel));
  return Object.freeze({
    quorum,
    liveInstances: live,
    down: Object.freeze(down),
    forSelf: Object.freeze(down.filter((r) => !r.voters.includes(input.self))),
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
