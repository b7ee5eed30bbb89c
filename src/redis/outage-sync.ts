// Declared outages across the fleet. Redis holds the truth: a hash of current outages and a set
// of ended ones (tombstones, so an instance that was away cannot revive an outage ended
// meanwhile). Each instance writes what was declared or ended on it, and applies what the
// others wrote; what it applies itself is never written back (no echo).

import type { OutageEvent } from '../events.js';
import { OUTAGE_ID, type Outage, type OutageInput } from '../outages.js';
import type { Batch, Reply } from './batch.js';
import type { FleetContext } from './context.js';
import { readJson, type StoredOutage, storedOutageSchema, toStored } from './schemas.js';

/** Writes the outage unless it was ended meanwhile; 0 tells the writer it was. */
const PUT_UNLESS_ENDED = `if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

export class OutageSync {
  /** Declared on this instance and not over: this instance answers for them in Redis. */
  private readonly own = new Map<string, StoredOutage>();
  /** Applied here from the fleet. */
  private readonly applied = new Map<string, StoredOutage>();
  /** Own outages still to write. */
  private readonly toPut = new Set<string>();
  /** Ended here, still to write as ended. */
  private readonly toEnd = new Set<string>();
  /** Over or ended, still in the hash: removed by the next round trip. */
  private readonly toPrune = new Set<string>();
  /** True while this code changes the router, so its own changes are not taken for the user's. */
  private applying = false;

  constructor(private readonly ctx: FleetContext) {
    // Outages the router held before it joined the fleet are this instance's word.
    for (const outage of ctx.router.getSnapshot().outages) this.adopt(outage);
  }

  onRouterOutage = (event: OutageEvent): void => {
    if (this.applying) return;
    const { outage } = event;
    if (event.type === 'declared') {
      this.adopt(outage);
      this.ctx.requestSync();
    } else if (event.type === 'ended') {
      this.own.delete(outage.id);
      this.applied.delete(outage.id);
      this.toPut.delete(outage.id);
      // One that ran out by itself is over everywhere at the same instant: nothing to tell.
      if (!event.expired) {
        this.toEnd.add(outage.id);
        this.ctx.requestSync();
      }
    }
  };

  private adopt(outage: Outage): void {
    this.own.set(outage.id, toStored(outage, this.ctx.instanceId));
    this.applied.delete(outage.id);
    this.toEnd.delete(outage.id);
    this.toPut.add(outage.id);
  }

  /** After a reconnection: write again everything this instance answers for. */
  republishOwn(): void {
    for (const id of this.own.keys()) this.toPut.add(id);
  }

  get pendingWrites(): number {
    return this.toPut.size + this.toEnd.size + this.toPrune.size;
  }

  /** Adds this instance's pending writes to the batch; returns how many changes the fleet should hear of. */
  collectWrites(batch: Batch, now: number): number {
    const { keys } = this.ctx;
    let changes = 0;
    for (const id of this.toEnd) {
      changes++;
      batch.add((p) => p.zadd(keys.ended, now, id));
      batch.add(
        (p) => p.hdel(keys.outages, id),
        (reply) => {
          if (!reply.error) this.toEnd.delete(id);
        },
      );
    }
    for (const id of this.toPut) {
      const stored = this.own.get(id) ?? this.applied.get(id);
      if (!stored) {
        this.toPut.delete(id);
        continue;
      }
      changes++;
      batch.add(
        (p) => p.eval(PUT_UNLESS_ENDED, 2, keys.outages, keys.ended, id, JSON.stringify(stored)),
        (reply) => {
          if (reply.error) return;
          this.toPut.delete(id);
          // Ended by another instance while this one could not hear it.
          if (reply.value === 0) this.endHere(id);
        },
      );
    }
    for (const id of this.toPrune) {
      batch.add(
        (p) => p.hdel(keys.outages, id),
        (reply) => {
          if (!reply.error) this.toPrune.delete(id);
        },
      );
    }
    return changes;
  }

  /**
   * Applies what Redis holds. `lostData`: Redis came back empty (restarted without
   * persistence), so an outage missing from it was not ended, only forgotten: it is written
   * again instead of ended here.
   */
  apply(hash: Reply, ended: Reply, now: number, lostData: boolean): void {
    // By Redis's clock, the fleet's one clock.
    const ranOut = (o: { until?: string | undefined }) => o.until !== undefined && Date.parse(o.until) <= now;
    const { keys } = this.ctx;
    if (hash.error || ended.error || !isStringRecord(hash.value) || !isStringArray(ended.value)) {
      // A key of the wrong type: nothing can be concluded, so nothing changes here.
      const which = hash.error || !isStringRecord(hash.value) ? keys.outages : keys.ended;
      this.ctx.warn('redis-invalid-value', `\`${which}\` in Redis is not what secours writes there; ignored`, {
        once: `type:${which}`,
        error: hash.error ?? ended.error,
      });
      return;
    }
    const endedIds = new Set<string>();
    for (const id of ended.value) {
      if (OUTAGE_ID.test(id)) endedIds.add(id);
      else this.invalid(`${keys.ended} member ${JSON.stringify(id).slice(0, 80)}`, 'not an outage id');
    }
    const current = new Map<string, StoredOutage>();
    for (const [field, raw] of Object.entries(hash.value)) {
      const read = readJson(storedOutageSchema, raw);
      if (!read.ok || read.value.id !== field) {
        this.invalid(
          `${keys.outages} field ${JSON.stringify(field).slice(0, 80)}`,
          read.ok ? 'id differs from its field' : read.problem,
          raw,
        );
        continue;
      }
      if (endedIds.has(field) || ranOut(read.value)) {
        this.toPrune.add(field);
        continue;
      }
      current.set(field, read.value);
    }

    if (lostData) {
      for (const [id, stored] of [...this.own, ...this.applied]) {
        if (!current.has(id) && !endedIds.has(id) && !ranOut(stored)) {
          // Kept as the declaring instance wrote it; this one only carries it back.
          if (!this.own.has(id)) this.own.set(id, stored);
          this.applied.delete(id);
          this.toPut.add(id);
        }
      }
    } else {
      for (const id of [...this.applied.keys()]) if (!current.has(id) && !this.toPut.has(id)) this.endHere(id);
      for (const id of [...this.own.keys()]) {
        if (this.toPut.has(id)) continue;
        if (endedIds.has(id)) this.endHere(id);
        // Missing without having been ended (deleted by hand): this instance still answers for it.
        else if (!current.has(id)) this.toPut.add(id);
      }
    }

    let held: Set<string> | undefined;
    for (const [id, stored] of current) {
      if (this.own.has(id) || this.applied.has(id) || this.toEnd.has(id)) continue;
      held ??= new Set(this.ctx.router.getSnapshot().outages.map((o) => o.id));
      if (held.has(id)) {
        this.applied.set(id, stored);
        continue;
      }
      this.declareHere(stored);
    }
  }

  private declareHere(stored: StoredOutage): void {
    const { by, declaredAt: _, ...rest } = stored;
    let outage: Outage;
    this.applying = true;
    try {
      outage = this.ctx.router.declareOutage(rest as OutageInput);
    } catch (error) {
      this.ctx.warn(
        'redis-foreign-outage',
        `Outage \`${stored.id}\` from instance \`${by}\` does not fit this catalogue; ignored`,
        { once: `outage:${stored.id}`, error },
      );
      return;
    } finally {
      this.applying = false;
    }
    this.applied.set(stored.id, stored);
    this.ctx.emit('outage', { type: 'declared', outage, by });
  }

  private endHere(id: string): void {
    const stored = this.own.get(id) ?? this.applied.get(id);
    this.own.delete(id);
    this.applied.delete(id);
    this.toPut.delete(id);
    if (!stored) return;
    let outage: Outage | undefined;
    this.applying = true;
    try {
      outage = this.ctx.router.endOutage(id);
    } finally {
      this.applying = false;
    }
    if (outage) this.ctx.emit('outage', { type: 'ended', outage, by: stored.by });
  }

  private invalid(where: string, problem: string, raw?: string): void {
    this.ctx.warn('redis-invalid-value', `Invalid value in Redis at ${where} (${problem}); ignored`, {
      once: `${where}\u0000${raw ?? ''}`,
    });
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
