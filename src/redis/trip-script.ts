// One Lua script per round trip for the trip half of the fleet: it reads Redis time and, at that
// instant, writes this instance's trips and liveness deadline, reads the trips and instances
// back and prunes what ran out. Every time the fleet scores or compares is Redis time, taken in
// Redis: a host clock minutes off (or an uncorrected first round) can neither score nor prune.
// One keyed command, both keys under the fleet's hash tag, so a Cluster redirect is followed.
// Scripts that call TIME before writing replicate by effects (Redis 5+, the only mode since 7):
// https://redis.io/docs/latest/develop/interact/programmability/eval-intro/#script-replication

import type { ChainableCommander } from 'ioredis';

// KEYS: trips, instances.
// ARGV: self, ttlMs, windowMs, maxAheadMs, nAdd, (member, ageMs) × nAdd, nRemove, member × nRemove.
// Returns: { seconds, microseconds, ghostsRemoved, trips WITHSCORES, instances WITHSCORES }.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local i = 6
for _ = 1, tonumber(ARGV[5]) do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i + 1]), ARGV[i])
  i = i + 2
end
local nRemove = tonumber(ARGV[i])
i = i + 1
for _ = 1, nRemove do
  redis.call('ZREM', KEYS[1], ARGV[i])
  i = i + 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
-- Read before pruning, so what is pruned for being invalid is still seen and reported once.
local trips = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local instances = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
-- An instance entry stays a minute past its deadline: not live, but still read and reported if invalid.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
local ghosts = redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. string.format('%d', now + tonumber(ARGV[4])), '+inf')
return { t[1], t[2], ghosts, trips, instances }
`;

export interface TripRound {
  readonly self: string;
  /** How long this instance says it is alive from now (ms). */
  readonly ttlMs: number;
  readonly windowMs: number;
  readonly maxAheadMs: number;
  /** Trips to write: member and how long ago (ms) the breaker opened. */
  readonly add: readonly (readonly [member: string, ageMs: number])[];
  readonly remove: readonly string[];
}

export function queueTripRound(p: ChainableCommander, keys: { trips: string; instances: string }, r: TripRound): void {
  const args: (string | number)[] = [r.self, r.ttlMs, r.windowMs, r.maxAheadMs, r.add.length];
  for (const [member, age] of r.add) args.push(member, age);
  args.push(r.remove.length, ...r.remove);
  p.eval(SCRIPT, 2, keys.trips, keys.instances, ...args);
}

export interface TripRoundReply {
  /** Redis time when the script ran (ms). */
  readonly now: number;
  readonly ghostsRemoved: number;
  readonly trips: unknown;
  readonly instances: unknown;
}

/** Undefined when the reply is not the script's: a caller treats that like an error reply. */
export function readTripRound(value: unknown): TripRoundReply | undefined {
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [s, us, ghosts, trips, instances] = value as unknown[];
  const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
  if (!Number.isFinite(now) || typeof ghosts !== 'number') return undefined;
  return { now, ghostsRemoved: ghosts, trips, instances };
}
