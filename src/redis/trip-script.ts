// One Lua script per round trip for the trip half of the fleet: it reads Redis time and, at that
// instant, writes this instance's trips and liveness deadline, reads the trips and instances
// back and prunes what ran out. Every time the fleet scores or compares is Redis time, taken in
// Redis: a host clock minutes off (or an uncorrected first round) can neither score nor prune.
// One keyed command, both keys under the fleet's hash tag, so a Cluster redirect is followed.
// Scripts that call TIME before writing replicate by effects (Redis 5+, the only mode since 7):
// https://redis.io/docs/latest/develop/interact/programmability/eval-intro/#script-replication

import type { ChainableCommander } from 'ioredis';

// KEYS: trips, instances.
// ARGV: self, ttlMs, windowMs, maxAheadMs, read (1 or 0), nAdd, (member, ageMs) × nAdd, nRemove,
// member × nRemove.
// Returns: { seconds, microseconds, ghostsRemoved, trips WITHSCORES, instances WITHSCORES }, or
// { seconds, microseconds } when read is 0 (a chunk of writes ahead of the last call).
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local i = 7
for _ = 1, tonumber(ARGV[6]) do
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
if ARGV[5] ~= '1' then return { t[1], t[2] } end
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

/** Writes per call: thousands of scoped breakers opening at once must not become one call of 200k arguments. */
export const WRITES_PER_CALL = 500;

export interface TripCall {
  readonly queue: (p: ChainableCommander) => void;
  /** The trips this call writes and removes, to be forgotten once it succeeded. */
  readonly add: readonly string[];
  readonly remove: readonly string[];
  /** The last call reads back and prunes: its reply is the round's. */
  readonly last: boolean;
}

/** The round as calls of the script: chunks of writes first, then the one that reads back. */
export function tripRoundCalls(keys: { trips: string; instances: string }, r: TripRound): TripCall[] {
  const writes = [...r.add.map((a) => ['add', a] as const), ...r.remove.map((m) => ['remove', m] as const)];
  const chunks = Math.max(1, Math.ceil(writes.length / WRITES_PER_CALL));
  const calls: TripCall[] = [];
  for (let c = 0; c < chunks; c++) {
    const chunk = writes.slice(c * WRITES_PER_CALL, (c + 1) * WRITES_PER_CALL);
    const add: (readonly [string, number])[] = [];
    const remove: string[] = [];
    for (const [kind, w] of chunk) {
      if (kind === 'add') add.push(w);
      else remove.push(w);
    }
    const last = c === chunks - 1;
    const args: (string | number)[] = [r.self, r.ttlMs, r.windowMs, r.maxAheadMs, last ? 1 : 0, add.length];
    for (const [member, age] of add) args.push(member, age);
    args.push(remove.length, ...remove);
    calls.push({
      queue: (p) => p.eval(SCRIPT, 2, keys.trips, keys.instances, ...args),
      add: add.map(([member]) => member),
      remove,
      last,
    });
  }
  return calls;
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
