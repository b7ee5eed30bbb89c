// Routes down on the word of another source (a fleet's quorum, a status feed), by source.
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { RouteRef } from '../options.js';
import { isPlainObject } from '../validate.js';
import type { OperationState, RouteState } from './state.js';

/**
 * Replaces what `source` says is down with `routes`. Every route is checked before anything
 * changes, so a bad list leaves the state as it was (ConfigError naming each). True if anything
 * changed.
 */
export function setRemoteDown(
  operations: ReadonlyMap<string, OperationState>,
  source: string,
  routes: readonly RouteRef[],
  now: number,
): boolean {
  if (typeof source !== 'string' || source === '') {
    throw new ConfigError('setRemoteDown', [{ path: 'source', message: 'expected a non-empty string' }]);
  }
  const named = namedRoutes(operations, routes, 'setRemoteDown');
  let changed = false;
  for (const op of operations.values()) {
    for (const r of op.routes) {
      const had = r.remoteSources?.has(source) ?? false;
      const has = named.has(r);
      if (had === has) continue;
      changed = true;
      if (has) {
        r.remoteSources ??= new Set();
        r.remoteSources.add(source);
      } else r.remoteSources?.delete(source);
      const down = (r.remoteSources?.size ?? 0) > 0;
      r.remoteDownSince = down ? (r.remoteDownSince ?? now) : undefined;
    }
  }
  return changed;
}

/**
 * The routes another router runs (the server a page mirrors): `plan` and referrals count them
 * as automated, `execute` never runs them (no handler here). Replaces the previous list; checked
 * whole first. True if anything changed.
 */
export function setRemoteAutomated(
  operations: ReadonlyMap<string, OperationState>,
  routes: readonly RouteRef[],
): boolean {
  const named = namedRoutes(operations, routes, 'setRemoteAutomated');
  let changed = false;
  for (const op of operations.values()) {
    for (const r of op.routes) {
      const has = named.has(r) && !r.automated;
      if (r.remoteAutomated === has) continue;
      r.remoteAutomated = has;
      changed = true;
    }
  }
  return changed;
}

/** The routes a list names, every one checked before anything changes (ConfigError naming each). */
function namedRoutes(
  operations: ReadonlyMap<string, OperationState>,
  routes: readonly RouteRef[],
  method: string,
): Set<RouteState> {
  if (!Array.isArray(routes)) {
    throw new ConfigError(method, [{ path: 'routes', message: 'expected an array of { operation, channel }' }]);
  }
  const named = new Set<RouteState>();
  const issues: ConfigIssue[] = [];
  routes.forEach((ref, i) => {
    const op = isPlainObject(ref) && typeof ref.operation === 'string' ? operations.get(ref.operation) : undefined;
    const route = op?.routes.find((r) => r.channel === (ref as RouteRef).channel);
    if (route) named.add(route);
    else {
      issues.push({
        path: `routes[${i}]`,
        message: op
          ? `operation \`${op.id}\` has no route on channel ${JSON.stringify((ref as RouteRef).channel)}`
          : `expected { operation, channel } naming a route of the catalogue, got ${JSON.stringify(ref)}`,
      });
    }
  });
  if (issues.length) throw new ConfigError(method, issues);
  return named;
}
