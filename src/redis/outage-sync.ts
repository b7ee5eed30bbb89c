// Declared outages across the fleet. Redis holds the truth: a hash of current declarations and a
// set of ended ones (tombstones, so an instance that was away cannot revive an outage ended
// meanwhile). Each instance writes what was declared or ended on it, and applies what the
// others wrote; what it applies itself is never written back (no echo). Every time is Redis's.

import { ConfigError } from '../errors.js';
import type { OutageEvent } from '../events.js';
import type { Outage } from '../outages.js';
import type { Batch, Reply } from './batch.js';
import type { FleetContext } from './context.js';
import { FieldReads } from './field-reads.js';
import { readStoredOutage, type StoredOutage, toStoredJson } from './schemas.js';
import { END_OUTAGE, PUT_OUTAGE } from './scripts.js';
import { TOMBSTONE_CAP, TOMBSTONE_TTL_MS, Tombstones, tombstoneMember } from './tombstones.js';

interface Own {
  readonly outage: Outage;
  /** Set when first written: Redis time (µs), and the JSON written, kept as is for every rewrite. */
  stamp?: number;
  json?: string;
  /** Redis time (ms) of the last write, so a missing one is written again at most once a heartbeat. */
  putAt: number;
}
interface Applied {
  readonly stored: StoredOutage;
  readonly json: string;
}
type End = { readonly id: string; readonly stamp: number; readonly tombstone: boolean };

/** Declarations that ran out, by `id@stamp`, so they are forgotten once, not applied again. */
const FORGOTTEN_CAP = 10_000;
/** Up to this many invalid fields, each is warned about in turn; past it, the summary says it. */
const DRIP_LIMIT = 100;

export class OutageSync {
  /** Declared on this instance and not over: this instance answers for them in Redis. */
  private readonly own = new Map<string, Own>();
  /** Applied here from the fleet. */
  private readonly applied = new Map<string, Applied>();
  /** Ids to write: own declarations, or, after Redis lost its data, applied ones carried back. */
  private readonly toPut = new Set<string>();
  /** Ends and prunes still to write, by tombstone member. */
  private readonly toEnd = new Map<string, End>();
  private readonly forgotten = new Set<string>();
  readonly tombstones = new Tombstones();
  private readonly reads = new FieldReads();
  /** Invalid fields at the last read of the outages hash. */
  private invalidFields = 0;
  /** True while this code changes the router, so its own changes are not taken for the user's. */
  private applying = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly heartbeatMs: number,
  ) {
    // Outages the router held before it joined the fleet are this instance's word.
    for (const outage of ctx.router.getSnapshot().outages) this.adopt(outage);
  }

  onRouterOutage = (event: OutageEvent): void => {
    // What this code does to the router is not the user's word; an expiry never is this code's,
    // even when it happens while this code declares another outage.
    if (this.applying && !(event.type === 'ended' && event.expired)) return;
    const { outage } = event;
    if (event.type === 'declared') {
      this.adopt(outage);
      this.ctx.requestSync();
    } else if (event.type === 'ended') {
      const stamp = this.own.get(outage.id)?.stamp ?? this.applied.get(outage.id)?.stored.stamp;
      this.drop(outage.id);
      if (stamp === undefined) return;
      // One that ran out by itself is over everywhere at the same instant: nothing to tell.
      if (event.expired) this.forget(outage.id, stamp);
      else {
        this.toEnd.set(tombstoneMember(outage.id, stamp), { id: outage.id, stamp, tombstone: true });
        this.ctx.requestSync();
      }
    }
  };

  private adopt(outage: Outage): void {
    this.applied.delete(outage.id);
    this.own.set(outage.id, { outage, putAt: Number.NEGATIVE_INFINITY });
    this.toPut.add(outage.id);
  }

  private drop(id: string): void {
    this.own.delete(id);
    this.applied.delete(id);
    this.toPut.delete(id);
  }

  private forget(id: string, stamp: number): void {
    if (this.forgotten.size >= FORGOTTEN_CAP) this.forgotten.delete(this.forgotten.values().next().value as string);
    this.forgotten.add(`${id}@${stamp}`);
  }

  /** After a reconnection: write again everything this instance answers for. */
  republishOwn(): void {
    for (const id of this.own.keys()) this.toPut.add(id);
  }

  get pendingWrites(): number {
    return this.toPut.size + this.toEnd.size;
  }

  /**
   * Adds this instance's pending writes to the batch; returns how many changes the fleet should
   * hear of. `nowMs`, `nowUs`: Redis time at the start of this round trip.
   */
  collectWrites(batch: Batch, nowMs: number, nowUs: number): number {
    const { keys } = this.ctx;
    let changes = 0;
    for (const [member, end] of this.toEnd) {
      if (end.tombstone) changes++;
      batch.add(
        (p) => p.eval(END_OUTAGE, 2, keys.outages, keys.ended, end.id, end.stamp, member, end.tombstone ? '1' : '0'),
        (reply) => {
          if (!reply.error) this.toEnd.delete(member);
        },
      );
    }
    if (changes > 0) {
      batch.add((p) => p.zremrangebyrank(keys.ended, 0, -TOMBSTONE_CAP - 1));
    }
    batch.add((p) => p.zremrangebyscore(keys.ended, '-inf', nowMs - TOMBSTONE_TTL_MS));
    let seq = 0;
    for (const id of this.toPut) {
      const own = this.own.get(id);
      const carried = own ? undefined : this.applied.get(id);
      if (own) {
        own.stamp ??= nowUs + seq++;
        own.json ??= toStoredJson(own.outage, this.ctx.instanceId, own.stamp, nowMs);
      } else if (!carried) {
        this.toPut.delete(id);
        continue;
      }
      const stamp = (own?.stamp ?? carried?.stored.stamp) as number;
      const json = (own?.json ?? carried?.json) as string;
      changes++;
      batch.add(
        (p) => p.eval(PUT_OUTAGE, 2, keys.outages, keys.ended, id, json, stamp, tombstoneMember(id, stamp)),
        (reply) => {
          if (reply.error) return;
          this.toPut.delete(id);
          if (own && this.own.get(id) === own) own.putAt = nowMs;
          // Ended by another instance while this one could not hear it.
          if (reply.value === 0) this.endHere(id, true);
        },
      );
    }
    return changes;
  }

  /**
   * Applies what Redis holds. `lostData`: Redis came back empty (restarted without
   * persistence), so an outage missing from it was not ended, only forgotten: it is written
   * again, by whichever instance knows it, instead of ended here.
   */
  apply(hash: Reply, ended: Reply, nowMs: number, lostData: boolean): void {
    const { keys } = this.ctx;
    if (hash.error || !isStringRecord(hash.value)) {
      // A key of the wrong type: nothing can be concluded, so nothing changes here.
      this.wrongType(keys.outages, hash.error);
      return;
    }
    if (lostData) this.tombstones.reset();
    const bad = this.tombstones.apply(ended, nowMs);
    if (!bad) {
      this.wrongType(keys.ended, ended.error);
      return;
    }
    for (const b of bad) this.invalid(`${keys.ended} member`, b.member, b.problem);
    const ranOut = (until: number | undefined) => until !== undefined && until <= nowMs;

    const present = new Set<string>();
    const current = new Map<string, Applied>();
    // Invalid fields left unwarned past the per-round share are warned about on later round
    // trips while they are few; among many, the first round's summary said it once for all.
    const drip = this.invalidFields <= DRIP_LIMIT;
    this.invalidFields = 0;
    for (const [field, raw] of Object.entries(hash.value)) {
      present.add(field);
      const known = this.reads.get(field, raw);
      const entry = known ?? this.reads.set(field, raw, readStoredOutage(raw));
      const { read } = entry;
      if (!read.ok || read.value.id !== field) {
        this.invalidFields++;
        if (entry.warned) continue;
        const problem = read.ok ? 'id differs from its field' : read.problem;
        entry.warned = known && !drip ? true : this.invalid(`${keys.outages} field`, field, problem, raw);
        continue;
      }
      const stored = read.value;
      const over = this.tombstones.has(field, stored.stamp);
      if (over || ranOut(stored.until)) {
        // Whoever reads it first removes it; only that declaration, should a new one replace it.
        // An ended one gets its tombstone written again: it is back only because Redis lost the
        // tombstone (restarted empty) and an instance that had not heard of the end wrote it back.
        const member = tombstoneMember(field, stored.stamp);
        if (!this.toEnd.has(member)) this.toEnd.set(member, { id: field, stamp: stored.stamp, tombstone: over });
        if (!over) this.forget(field, stored.stamp);
        continue;
      }
      current.set(field, { stored, json: raw });
    }
    this.reads.endRead();

    for (const [id, a] of [...this.applied]) {
      const now = current.get(id);
      if (now && now.stored.stamp === a.stored.stamp) continue;
      if (lostData && !present.has(id)) {
        // Redis forgot it; this instance carries it back, as its declaring instance wrote it.
        if (!ranOut(a.stored.until)) this.toPut.add(id);
        continue;
      }
      if (this.toPut.has(id)) continue;
      // Present but unreadable: the last decision holds.
      if (!now && present.has(id) && !this.tombstones.has(id, a.stored.stamp)) continue;
      const expired = ranOut(a.stored.until);
      if (expired) this.forget(id, a.stored.stamp);
      this.endHere(id, !expired && !now);
    }
    for (const [id, own] of [...this.own]) {
      if (own.stamp === undefined || this.toPut.has(id)) continue;
      const until = own.outage.until === undefined ? undefined : Date.parse(own.outage.until);
      const now = current.get(id);
      if (this.tombstones.has(id, own.stamp)) this.endHere(id, true);
      else if (ranOut(until)) {
        // Over by Redis's clock: forgotten once; this host's router ends it by its own clock.
        this.own.delete(id);
        this.forget(id, own.stamp);
      } else if (now && now.stored.stamp > own.stamp) {
        // The id was declared again elsewhere, after this declaration: that one is the outage now.
        this.endHere(id, false);
      } else if (!present.has(id) && (lostData || own.putAt + this.heartbeatMs <= nowMs)) {
        // Missing without having been ended (lost, deleted by hand): this instance still answers
        // for it, at most once a heartbeat.
        this.toPut.add(id);
      }
    }

    let held: Set<string> | undefined;
    for (const [id, entry] of current) {
      if (this.own.has(id) || this.applied.has(id) || this.forgotten.has(`${id}@${entry.stored.stamp}`)) continue;
      held ??= new Set(this.ctx.router.getSnapshot().outages.map((o) => o.id));
      if (held.has(id)) {
        this.applied.set(id, entry);
        continue;
      }
      this.declareHere(entry);
    }
  }

  private declareHere(entry: Applied): void {
    const { stored } = entry;
    let outage: Outage;
    this.applying = true;
    try {
      outage = this.ctx.router.declareOutage(stored.input);
    } catch (error) {
      // Over by this host's clock though not yet by Redis's: an ordinary expiry, nothing to say.
      const expired =
        error instanceof ConfigError && error.issues.length > 0 && error.issues.every((i) => i.path === 'until');
      if (expired) this.forget(stored.id, stored.stamp);
      else {
        this.ctx.warn(
          'redis-foreign-outage',
          `Outage \`${stored.id}\` from instance \`${stored.by}\` does not fit this catalogue; ignored`,
          { once: `outage:${stored.id}@${stored.stamp}`, error },
        );
      }
      return;
    } finally {
      this.applying = false;
    }
    this.applied.set(stored.id, entry);
    this.ctx.emit('outage', { type: 'declared', outage, by: stored.by });
  }

  /** Ends here what the fleet says is over; `tell`: emit the fleet's `outage` event. */
  private endHere(id: string, tell: boolean): void {
    const by = this.own.has(id) ? this.ctx.instanceId : this.applied.get(id)?.stored.by;
    const known = this.own.has(id) || this.applied.has(id);
    this.drop(id);
    if (!known) return;
    let outage: Outage | undefined;
    this.applying = true;
    try {
      outage = this.ctx.router.endOutage(id);
    } finally {
      this.applying = false;
    }
    if (outage && tell) this.ctx.emit('outage', { type: 'ended', outage, by: by as string });
  }

  private wrongType(key: string, error: Error | undefined): void {
    this.ctx.warn('redis-invalid-value', `\`${key}\` in Redis is not what secours writes there; ignored`, {
      once: `type:${key}`,
      error,
    });
  }

  /** Whether the warning was given (now or before), rather than only counted in a summary. */
  private invalid(where: string, name: string, problem: string, raw = ''): boolean {
    return this.ctx.warn(
      'redis-invalid-value',
      `Invalid value in Redis at ${where} ${JSON.stringify(name.slice(0, 80))} (${problem.slice(0, 200)}); ignored`,
      { once: `${where}\u0000${name}\u0000${raw}` },
    );
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
