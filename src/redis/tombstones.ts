// The ended outages the fleet remembers, so an instance that was away cannot revive one. Redis
// keeps them in a sorted set scored by when they ended (Redis time, ms); each instance reads only
// what ended since its last read and keeps a bounded copy. A member names the declaration it
// ended (`[id, stamp]`): an id declared again after its end is a new declaration, not ended.

import type { ChainableCommander } from 'ioredis';
import { OUTAGE_ID } from '../outages.js';
import type { Reply } from './batch.js';
import { readScore } from './schemas.js';

const DAY = 86_400_000;
/** Ended outages are remembered this long, so an instance away for less cannot revive one. */
export const TOMBSTONE_TTL_MS = 7 * DAY;
/** At most this many are kept, in Redis and here (10 ends a minute for a week). */
export const TOMBSTONE_CAP = 100_000;
/**
 * Each read goes back this far before the last one: an end scored by one node's clock may land
 * just after a read scored by another's (cluster failover).
 */
const OVERLAP_MS = 1_000;
/** Read at most this many per round trip, oldest first; the rest on the next round trip. */
const READ_LIMIT = TOMBSTONE_CAP;

export const tombstoneMember = (id: string, stamp: number) => JSON.stringify([id, stamp]);

export type BadMember = { member: string; problem: string };

export class Tombstones {
  /** `[id, stamp]` member → when it ended. */
  private readonly ended = new Map<string, number>();
  /** Members written by older versions (the id alone): they end every declaration before them. */
  private readonly legacy = new Map<string, number>();
  /** Ended-at score to read from next time; `-inf` reads everything. */
  private since = Number.NEGATIVE_INFINITY;
  /** The last read stopped at READ_LIMIT: more to read at once. */
  behind = false;

  /** The read of what changed, for the round trip's pipeline. */
  read(p: ChainableCommander, key: string): void {
    const from = this.since === Number.NEGATIVE_INFINITY ? '-inf' : String(this.since);
    p.zrangebyscore(key, from, '+inf', 'WITHSCORES', 'LIMIT', 0, READ_LIMIT);
  }

  /** Read everything again on the next round trip (Redis lost its data). */
  reset(): void {
    this.since = Number.NEGATIVE_INFINITY;
  }

  /**
   * Takes in a read's reply; returns the members that are not tombstones, or `undefined` when
   * the reply is not a sorted set's at all. `readAtMs`: Redis time when the round trip started.
   */
  apply(reply: Reply, readAtMs: number): BadMember[] | undefined {
    const flat = reply.value;
    if (reply.error || !Array.isArray(flat) || flat.length % 2 !== 0) return undefined;
    const bad: BadMember[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i];
      const score = readScore(String(flat[i + 1]));
      if (typeof member !== 'string' || !score.ok) {
        bad.push({ member: String(member), problem: 'bad score' });
        continue;
      }
      last = score.value;
      if (OUTAGE_ID.test(member)) {
        this.legacy.set(member, Math.max(score.value, this.legacy.get(member) ?? 0));
      } else if (isMember(member)) {
        this.ended.set(member, score.value);
      } else bad.push({ member, problem: 'not an ended outage' });
    }
    this.behind = flat.length / 2 >= READ_LIMIT;
    this.since = this.behind ? last : Math.max(this.since, readAtMs - OVERLAP_MS);
    this.trim(readAtMs);
    return bad;
  }

  /** Whether this declaration of `id` was ended. */
  has(id: string, stamp: number): boolean {
    if (this.ended.has(tombstoneMember(id, stamp))) return true;
    const before = this.legacy.get(id);
    // A legacy end (ms) ends the declarations first written before it.
    return before !== undefined && stamp <= before * 1000;
  }

  get size(): number {
    return this.ended.size + this.legacy.size;
  }

  private trim(nowMs: number): void {
    const oldest = nowMs - TOMBSTONE_TTL_MS;
    for (const map of [this.ended, this.legacy]) {
      for (const [member, at] of map) if (at < oldest) map.delete(member);
    }
    // Maps iterate in insertion order, which is mostly end order: the first are the oldest.
    for (const map of [this.legacy, this.ended]) {
      for (const member of map.keys()) {
        if (this.size <= TOMBSTONE_CAP) break;
        map.delete(member);
      }
    }
  }
}

function isMember(member: string): boolean {
  if (!member.startsWith('[')) return false;
  try {
    const value: unknown = JSON.parse(member);
    return (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      Number.isSafeInteger(value[1]) &&
      (value[1] as number) >= 0
    );
  } catch {
    return false;
  }
}
