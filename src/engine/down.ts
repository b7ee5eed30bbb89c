// The one rule for a route being down; the snapshot and the per-call checks both ask it.

/** What the rule reads of a breaker: since when it is in trouble, and whether it is half-open. */
export interface BreakerView {
  readonly breakerDownSince: number | undefined;
  readonly breakerHalfOpen: boolean;
}

/**
 * Down for everyone looking through this breaker: blocked by an outage, said down by another
 * source, or its breaker open. A half-open breaker is not down: the route may work, and its
 * trial is the next call that reaches it. The snapshot asks it with the route's own breaker.
 */
export function isDown(
  route: { readonly blockedBy: unknown; readonly remoteDownSince: number | undefined },
  breaker: BreakerView,
): boolean {
  return (
    route.blockedBy !== undefined ||
    route.remoteDownSince !== undefined ||
    (breaker.breakerDownSince !== undefined && !breaker.breakerHalfOpen)
  );
}

/** Half-open and not otherwise down: offered, shown `degraded_performance`. */
export function isHalfOpen(
  route: { readonly blockedBy: unknown; readonly remoteDownSince: number | undefined },
  breaker: BreakerView,
): boolean {
  return breaker.breakerHalfOpen && route.blockedBy === undefined && route.remoteDownSince === undefined;
}
