// One round trip with Redis: read Redis's clock, then in one pipeline on the fleet's slot write
// what changed here, say this instance is alive (the trips' script), check the epoch, and read
// the fleet's state.
// TIME goes on its own: on a cluster a pipeline must hold only the slot's keys for ioredis to
// follow a MOVED after a failover.

import type { Cluster, Redis } from 'ioredis';
import { Batch, type Reply, redisTimeUs } from './batch.js';
import type { FleetKeys } from './keys.js';
import type { OutageSync } from './outage-sync.js';
import { EPOCH } from './scripts.js';
import type { TripSync } from './trip-sync.js';

export interface RoundTripParts {
  readonly redis: Redis | Cluster;
  readonly keys: FleetKeys;
  readonly instanceId: string;
  readonly outages: OutageSync;
  readonly trips: TripSync;
  /**
   * True once the fleet is closed: a round trip queued while the client was connecting must not
   * write the closed instance's liveness and trips back when the client connects.
   */
  readonly stopped?: () => boolean;
}

export interface RoundTripResult {
  /** Redis time (ms) when it started. */
  readonly nowMs: number;
  /** Redis time minus local time (ms). */
  readonly skewMs: number;
  /** Changes written and announced to the others. */
  readonly changes: number;
  readonly epoch: Reply;
  readonly outages: Reply;
  readonly ended: Reply;
}

const none: Reply = { value: undefined };

/** Rejects, with every write still pending, when Redis is unreachable or refuses (see `Batch.exec`). */
export async function roundTrip(parts: RoundTripParts, epochCandidate: string): Promise<RoundTripResult> {
  const { redis, keys, outages, trips } = parts;
  const sentAt = Date.now();
  const nowUs = await redisTimeUs(redis);
  if (parts.stopped?.()) throw new Error('The fleet was closed during the round trip');
  const nowMs = Math.floor(nowUs / 1000);
  const skewMs = nowMs - Math.round((sentAt + Date.now()) / 2);
  const batch = new Batch(redis);
  // The trips' one script also renews this instance's liveness and prunes, in Redis time.
  const changes = outages.collectWrites(batch, nowMs, nowUs) + trips.collect(batch);
  if (changes > 0) batch.add((p) => p.publish(keys.channel, parts.instanceId));
  const r = { epoch: none, outages: none, ended: none };
  batch.add(
    (p) => p.eval(EPOCH, 1, keys.epoch, epochCandidate),
    (reply) => {
      r.epoch = reply;
    },
  );
  batch.add(
    (p) => p.hgetall(keys.outages),
    (reply) => {
      r.outages = reply;
    },
  );
  batch.add(
    (p) => outages.tombstones.read(p, keys.ended),
    (reply) => {
      r.ended = reply;
    },
  );
  await batch.exec();
  return { nowMs, skewMs, changes, ...r };
}

/** The epoch script's reply: the epoch in Redis, and whether the key held another type. */
export function readEpoch(reply: Reply): { epoch: string | undefined; wrongType: boolean } {
  const v = reply.value;
  if (reply.error || !Array.isArray(v)) return { epoch: undefined, wrongType: true };
  const [epoch, wrong] = v as [unknown, unknown];
  return { epoch: typeof epoch === 'string' && epoch.length > 0 ? epoch : undefined, wrongType: wrong === 1 };
}
