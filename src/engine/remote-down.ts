// Routes down on the word of another source (a fleet's quorum, a status feed), by source.
import { describeValue } from '../call-context.js';
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
  if (!isArray(routes)) {
    throw new ConfigError(method, [{ path: 'routes', message: 'expected an array of { operation, channel }' }]);
  }
  // Every route is checked before anything changes, so a bad list leaves the router as it was.
  const named = new Set<RouteState>();
  const issues: ConfigIssue[] = [];
  let list: unknown[];
  try {
    list = Array.from(routes);
  } catch {
    throw new ConfigError(method, [{ path: 'routes', message: 'could not be read' }]);
  }
  list.forEach((ref, i) => {
    // Each field read once, in a try: a getter or a proxy may throw, and a bigint or a cycle
    // has no JSON form to quote.
    let operation: unknown;
    let channel: unknown;
    try {
      if (isPlainObject(ref)) ({ operation, channel } = ref as { operation: unknown; channel: unknown });
    } catch {
      issues.push({ path: `routes[${i}]`, message: 'could not be read' });
      return;
    }
    const op = typeof operation === 'string' ? operations.get(operation) : undefined;
    const route = op?.routes.find((r) => r.channel === channel);
    if (route) named.add(route);
    else {
      issues.push({
        path: `routes[${i}]`,
        message: op
          ? `operation \`${op.id}\` has no route on channel ${jsonOrKind(channel)}`
          : `expected { operation, channel } naming a route of the catalogue, got ${jsonOrKind(ref)}`,
      });
    }
  });
  if (issues.length) throw new ConfigError(method, issues);
  return named;
}

/** A value as JSON when it has a JSON form (not a bigint, a cycle, a throwing getter), else its kind. */
function jsonOrKind(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {}
  return describeValue(value);
}

/** Array.isArray, false for a revoked proxy instead of a TypeError. */
function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
