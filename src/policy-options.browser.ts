// The browser build's stand-in for policy-options.ts (see tsup.config.ts): retries, hedges and
// deadlines serve servers, and their code stays out of the browser core (its size budget). A
// router that sets none works as everywhere; one that sets any is told where they run.
import { ConfigError } from './errors.js';
import type { ResolvedPolicy } from './policy-options.js';

export const SERVER_ONLY = 'not in the browser build of secours: use its server build';

export function resolvePolicies(
  _catalog: unknown,
  retry: unknown,
  timeoutMs: unknown,
  policies: unknown,
): ReadonlyMap<string, ResolvedPolicy> {
  if (retry === undefined && timeoutMs === undefined && policies === undefined) return new Map();
  throw new ConfigError('router options', [{ path: 'policies', message: SERVER_ONLY }]);
}
