// The options of `connectFleet`, checked and defaulted once. Names carry their unit (`…Ms`); the
// names without it are still accepted, deprecated, and may not be given together with the new ones.

import type { Cluster, Redis } from 'ioredis';
import * as z from 'zod/mini';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { parseWith } from '../validate.js';
import { NAME, NAME_RULE } from './keys.js';

export interface FleetOptions {
  /**
   * An ioredis client (`Redis` or `Cluster`), connected or connecting. The fleet uses it for its
   * reads and writes and opens one more connection from it (`duplicate()`) to subscribe; it
   * never closes yours. On a cluster every key of a fleet shares one slot (`{namespace}`).
   */
  redis: Redis | Cluster;
  /** Keys are `secours:{namespace}:…`; instances of one fleet share it. 1–64 letters, digits or `. _ -`. */
  namespace: string;
  /** This instance, unique in the fleet (host name, pod name). 1–64 letters, digits or `. _ -`. */
  instanceId: string;
  /**
   * Instances that must have seen a route's breaker open within `windowMs` for the route to go
   * down on every instance.
   * @default 2, or 1 while the fleet has a single live instance
   */
  quorum?: number;
  /**
   * How long a trip counts (ms). Also the longest a route stays down fleet-wide when no instance
   * that saw it open gets to try it again.
   * @default 60_000
   */
  windowMs?: number;
  /**
   * Every this many ms the instance says it is alive and reads the fleet's state again (on top
   * of reading it whenever another instance announces a change). An instance silent for three
   * heartbeats no longer counts as live. No round trip is ever repeated faster than this except
   * on a change to write or one announced by another instance.
   * @default 5_000
   */
  heartbeatMs?: number;
  /**
   * A round trip to Redis slower than this (ms) gives a `redis-slow` warning. Nothing waits for
   * it in the meantime.
   * @default 2_000
   */
  slowAfterMs?: number;
  /**
   * The longest `ready` waits (ms): when Redis has not answered by then, `ready` resolves `false`
   * and the fleet keeps trying in the background.
   * @default 5_000
   */
  readyTimeoutMs?: number;
  /** @deprecated use `windowMs` */
  window?: number;
  /** @deprecated use `heartbeatMs` */
  heartbeat?: number;
  /** @deprecated use `slowAfterMs` */
  slowAfter?: number;
}

export interface ParsedFleetOptions {
  readonly redis: Redis | Cluster;
  readonly namespace: string;
  readonly instanceId: string;
  readonly quorum: number | undefined;
  readonly windowMs: number;
  readonly heartbeatMs: number;
  readonly slowAfterMs: number;
  readonly readyTimeoutMs: number;
}

const ms = z.int().check(z.positive('must be more than 0'));
// Node clamps a timer longer than this to 1 ms: a round trip every millisecond instead of never.
// https://nodejs.org/api/timers.html#settimeoutcallback-delay-args
const TIMER_MAX_MS = 2_147_483_647;
const timer = ms.check(z.lte(TIMER_MAX_MS, `must be at most ${TIMER_MAX_MS} (what a timer can wait)`));
// Liveness is three heartbeats, believed up to an hour ahead (MAX_LIVENESS_MS): a longer
// heartbeat would leave the instance counted as gone between two of its own round trips.
const HEARTBEAT_MAX_MS = 1_200_000;
const heartbeat = ms.check(z.lte(HEARTBEAT_MAX_MS, `must be at most ${HEARTBEAT_MAX_MS} (20 minutes)`));
const optionsSchema = z.object({
  namespace: z.string().check(z.regex(NAME, `expected ${NAME_RULE}`)),
  instanceId: z.string().check(z.regex(NAME, `expected ${NAME_RULE}`)),
  quorum: z.optional(z.int().check(z.gte(1, 'must be at least 1'))),
  windowMs: z.optional(ms),
  heartbeatMs: z.optional(heartbeat),
  slowAfterMs: z.optional(timer),
  readyTimeoutMs: z.optional(timer),
  window: z.optional(ms),
  heartbeat: z.optional(heartbeat),
  slowAfter: z.optional(timer),
});
const RENAMED = { window: 'windowMs', heartbeat: 'heartbeatMs', slowAfter: 'slowAfterMs' } as const;
const KNOWN = new Set(['redis', ...Object.keys(optionsSchema.shape)]);
const REDIS_METHODS = ['pipeline', 'duplicate', 'publish', 'zrem', 'time', 'on', 'off'] as const;

export function parseOptions(options: unknown): ParsedFleetOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('fleet options', [{ path: '', message: 'expected { redis, namespace, instanceId }' }]);
  }
  const raw = options as Record<string, unknown>;
  const parsed = parseWith(optionsSchema, raw);
  const issues: ConfigIssue[] = [...parsed.issues];
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) issues.push({ path: key, message: 'unknown option' });
  for (const [old, current] of Object.entries(RENAMED)) {
    if (raw[old] !== undefined && raw[current] !== undefined) {
      issues.push({ path: old, message: `deprecated name of \`${current}\`; give only \`${current}\`` });
    }
  }
  const redis = raw.redis as Record<string, unknown> | undefined;
  const missing = REDIS_METHODS.filter((m) => typeof redis?.[m] !== 'function');
  if (missing.length) {
    issues.push({ path: 'redis', message: `expected an ioredis client (missing ${missing.join(', ')})` });
  }
  const o = parsed.data;
  if (!o || issues.length) throw new ConfigError('fleet options', issues);
  return Object.freeze({
    redis: raw.redis as Redis | Cluster,
    namespace: o.namespace,
    instanceId: o.instanceId,
    quorum: o.quorum,
    windowMs: o.windowMs ?? o.window ?? 60_000,
    heartbeatMs: o.heartbeatMs ?? o.heartbeat ?? 5_000,
    slowAfterMs: o.slowAfterMs ?? o.slowAfter ?? 2_000,
    readyTimeoutMs: o.readyTimeoutMs ?? 5_000,
  });
}
