// The one rule for a route being down; the snapshot and the per-call checks both ask it.

/**
 * Down for everyone looking through this breaker: blocked by an outage, said down by another
 * source, or its breaker open or half-open. The snapshot asks it with the route's own breaker.
 */
export function isDown(
  route: { readonly blockedBy: unknown; readonly remoteDownSince: number | undefined },
  breakerDownSince: number | undefined,
): boolean {
  return route.blockedBy !== undefined || route.remoteDownSince !== undefined || breakerDownSince !== undefined;
}
