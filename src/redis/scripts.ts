// The fleet's writes that must be atomic, as Lua scripts (one slot's keys each, so they run on a
// cluster too). A stored outage's JSON starts with `{"stamp":…`, which they read without decoding.

/**
 * Writes a declaration unless that declaration was ended (0) or a newer declaration of the same
 * id is there (2). KEYS: outages, ended. ARGV: id, json, stamp, tombstone member.
 */
export const PUT_OUTAGE = `if redis.call('ZSCORE', KEYS[2], ARGV[4]) then return 0 end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local s = tonumber(string.match(old, '^{"stamp":(%d+)'))
  if s and s > tonumber(ARGV[3]) then return 2 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Ends a declaration: the tombstone first (ARGV[4] = '1'), then the field, unless it now holds a
 * newer declaration. One script, so a refused tombstone (out of memory…) leaves the field in
 * place and the end is retried, instead of a field gone with nothing saying it ended. With
 * ARGV[4] = '0' only the field goes (an outage that ran out). The tombstone is scored by Redis's
 * clock when it is written, so readers that read "since their last read" never miss one.
 * KEYS: outages, ended. ARGV: id, stamp, tombstone member, '1' | '0'.
 */
export const END_OUTAGE = `if ARGV[4] == '1' then
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[3])
end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local s = tonumber(string.match(old, '^{"stamp":(%d+)'))
  if not s or s <= tonumber(ARGV[2]) then redis.call('HDEL', KEYS[1], ARGV[1]) end
end
return 1`;

/**
 * Sets the epoch to the candidate if there is none and returns it with 1 when the key held
 * another type (then replaced, so loss detection goes on). KEYS: epoch. ARGV: candidate.
 */
export const EPOCH = `local wrong = 0
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'string' and t ~= 'none' then
  redis.call('DEL', KEYS[1])
  wrong = 1
end
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return {redis.call('GET', KEYS[1]), wrong}`;
