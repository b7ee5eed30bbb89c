import * as z from 'zod/mini';
import type { AnyCatalog } from './catalog.js';
import { MAX_DELAY } from './deadlines.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { parseWith } from './validate.js';

/**
 * Breakers per scope: a call that names a scope (`{ scope: 'office-75001' }`) gets, on each
 * scoped route, a breaker of its own for that scope, so one office's broken terminal does not
 * close every counter in the country. Made on the scope's first call, dropped once idle and closed.
 */
export interface ScopeOptions<Ch extends string = string> {
  /**
   * The channels whose routes are kept per scope. Routes on other channels keep one breaker
   * whatever the scope (a website fails for everyone at once).
   * @default every channel
   * @example { channels: ['counter', 'postage-machine'] }
   */
  channels?: readonly Ch[] | undefined;
  /**
   * A channel is `major_outage` when more than this share of its live scopes (those with a
   * breaker) are down, `partial_outage` when some are.
   * @default 0.5
   */
  majorOutageShare?: number | undefined;
  /**
   * A scope's breaker is dropped after this long without a call, once closed (ms). Keep it
   * longer than the breaker's window, or an idle scope forgets failures it would have counted.
   * @default 300_000
   */
  idleEvictMs?: number | undefined;
}

export interface ResolvedScopeOptions {
  /** undefined: every channel. */
  readonly channels: ReadonlySet<string> | undefined;
  readonly majorOutageShare: number;
  readonly idleEvictMs: number;
}

const scopeSchema = z.strictObject({
  channels: z.optional(z.array(z.string())),
  majorOutageShare: z.optional(z.number().check(z.gte(0), z.lte(1))),
  // The sweep is a timer of half this: past what setTimeout holds it would fire every millisecond.
  idleEvictMs: z.optional(z.number().check(z.positive('must be more than 0'), z.lte(MAX_DELAY))),
});

export function resolveScopeOptions(options: ScopeOptions | undefined, catalog: AnyCatalog): ResolvedScopeOptions {
  const parsed = parseWith(scopeSchema, options ?? {}, ['scopes']);
  if (!parsed.data) throw new ConfigError('router options', parsed.issues);
  const o = parsed.data;
  const issues: ConfigIssue[] = [];
  o.channels?.forEach((ch, i) => {
    if (!Object.hasOwn(catalog.channels, ch)) {
      issues.push({
        path: `scopes.channels[${i}]`,
        message: `unknown channel \`${ch}\`; known channels: ${Object.keys(catalog.channels).join(', ')}`,
      });
    }
  });
  if (issues.length) throw new ConfigError('router options', issues);
  return Object.freeze({
    channels: o.channels ? new Set(o.channels) : undefined,
    majorOutageShare: o.majorOutageShare ?? 0.5,
    idleEvictMs: o.idleEvictMs ?? 300_000,
  });
}

export const MAX_SCOPE_LENGTH = 200;

/** Why a scope is not acceptable, or undefined when it is. */
export function scopeProblem(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return `expected a string, got ${scope === null ? 'null' : typeof scope}`;
  if (scope === '') return 'expected a non-empty string';
  if (scope.length > MAX_SCOPE_LENGTH) return `must have at most ${MAX_SCOPE_LENGTH} characters, got ${scope.length}`;
  return undefined;
}
