// Breaker trips across the fleet. Each instance records in one sorted set which breakers it saw
// open and when (member `[operation, channel, instance]`, or `[operation, channel, instance,
// scope]` for a scope's breaker; score the time), removes its entry when its breaker closes or
// it leaves, and every instance decides from that set, with a quorum of live instances, which
// routes are down for all. One instance's trips alone never take a route down elsewhere.

import type { BreakerEvent } from '../events.js';
import type { RouteRef } from '../router.js';
import type { Batch, Reply } from './batch.js';
import type { FleetContext } from './context.js';
import type { FleetRoutesEvent } from './events.js';
import { decideQuorum, type Trip } from './quorum.js';
import { readInstanceId, readJson, readScore, tripMemberSchema } from './schemas.js';
import { readTripRound, type TripRoundReply, tripRoundCalls, WRITES_PER_CALL } from './trip-script.js';
import { TripWarnings } from './trip-warnings.js';

export interface TripOptions {
  readonly quorum: number | undefined;
  readonly windowMs: number;
  readonly heartbeatMs: number;
}

/**
 * The furthest ahead a liveness deadline is believed (ms): three heartbeats of at most 20
 * minutes. Further than that is a value no instance wrote; it would otherwise count forever.
 */
export const MAX_LIVENESS_MS = 3_600_000;

interface OpenBreaker {
  readonly operation: string;
  readonly channel: string;
  readonly scope: string | undefined;
  /** When the breaker opened (performance.now: only the age matters, Redis gives the time). */
  readonly at: number;
}

/** The Redis side of `close()`: what it needs of a client. */
interface Leaving {
  zrem(key: string, ...members: string[]): Promise<unknown>;
}

const member = (operation: string, channel: string, instance: string, scope: string | undefined) =>
  JSON.stringify(scope === undefined ? [operation, channel, instance] : [operation, channel, instance, scope]);

export class TripSync {
  /** Breakers open (or half-open) here, by member. */
  private readonly open = new Map<string, OpenBreaker>();
  private readonly toAdd = new Set<string>();
  private readonly toRemove = new Set<string>();
  /** Members of this instance's that Redis held at the last read. */
  private ownInRedis = new Set<string>();
  private reply: Reply | undefined;
  private readonly warnings: TripWarnings;
  /** What the fleet decided at the last good read, as the `routes` event and `decision` show it. */
  private view: FleetRoutesEvent | undefined;

  constructor(
    private readonly ctx: FleetContext,
    private readonly options: TripOptions,
  ) {
    this.warnings = new TripWarnings(ctx);
    this.voteAlreadyOpen();
  }

  onRouterBreaker = (event: BreakerEvent): void => {
    const key = member(event.operation, event.channel, this.ctx.instanceId, event.scope);
    if (event.state === 'open') {
      // Each reopening after a failed trial counts afresh: the breaker is still broken.
      this.markOpen(key, event.operation, event.channel, event.scope);
    } else if (event.state === 'closed') {
      if (!this.open.delete(key)) return;
      this.toAdd.delete(key);
      this.toRemove.add(key);
    } else return;
    this.ctx.requestSync();
  };

  /** After a reconnection or a loss of data: write again what this instance saw. */
  republishOwn(): void {
    for (const key of this.open.keys()) this.toAdd.add(key);
  }

  get pendingWrites(): number {
    return this.toAdd.size + this.toRemove.size;
  }

  get current(): FleetRoutesEvent | undefined {
    return this.view;
  }

  /**
   * Adds this round's one command: trips written, liveness deadline renewed, expired entries
   * pruned and everything read back, all at one instant of Redis time. Returns the number of
   * changes others should hear about.
   */
  collect(batch: Batch): number {
    const { keys, instanceId } = this.ctx;
    const now = performance.now();
    const add: [string, number][] = [];
    for (const key of this.toAdd) {
      const open = this.open.get(key);
      if (open) add.push([key, Math.max(0, Math.round(now - open.at))]);
      else this.toAdd.delete(key);
    }
    const remove = [...this.toRemove];
    this.reply = undefined;
    const calls = tripRoundCalls(keys, {
      self: instanceId,
      ttlMs: Math.min(3 * this.options.heartbeatMs, MAX_LIVENESS_MS),
      windowMs: this.options.windowMs,
      maxAheadMs: MAX_LIVENESS_MS,
      add,
      remove,
    });
    for (const call of calls) {
      const sent = call.add.map((key) => [key, this.open.get(key)] as const);
      batch.add(call.queue, (reply) => {
        if (call.last) this.reply = reply;
        if (reply.error) return;
        for (const [key, open] of sent) if (this.open.get(key) === open) this.toAdd.delete(key);
        for (const key of call.remove) if (!this.open.has(key)) this.toRemove.delete(key);
      });
    }
    return add.length + remove.length;
  }

  /**
   * Decides from what this round read and tells the router what the fleet says is down. When
   * Redis answered with an error (OOM, READONLY, NOPERM, a cluster redirect…), the last decision
   * stands: an unreadable set is not an empty one, and lifting quorum-held routes on it would
   * send every instance back to a broken backend. The next heartbeat tries again.
   */
  apply(): void {
    const { router, instanceId, keys } = this.ctx;
    const reply = this.reply;
    const round = reply && !reply.error ? readTripRound(reply.value) : undefined;
    if (!round) {
      this.warnings.unavailable(reply?.error);
      return;
    }
    this.warnings.available();
    const own: string[] = [];
    const trips = this.readTrips(round, own);
    const instances = this.readInstances(round);
    if (!trips || !instances) return;
    // Trips of this instance's that it does not hold (from before a restart under the same id)
    // are withdrawn: they would vote for a breaker that is closed. By the member as stored, so
    // one spelt differently (JSON with spaces) is removed once instead of missed every round.
    this.ownInRedis = new Set(own);
    for (const raw of own) if (!this.open.has(raw)) this.toRemove.add(raw);
    const decision = decideQuorum({
      quorum: this.options.quorum,
      windowMs: this.options.windowMs,
      maxAheadMs: MAX_LIVENESS_MS,
      trips,
      instances,
      now: round.now,
      self: instanceId,
    });
    const routes: RouteRef[] = [];
    const foreign: string[] = [];
    const operations = router.catalog.operations as Record<string, { routes: readonly { channel: string }[] }>;
    for (const r of decision.forSelf) {
      const op = Object.hasOwn(operations, r.operation) ? operations[r.operation] : undefined;
      if (op?.routes.some((x) => x.channel === r.channel)) routes.push({ operation: r.operation, channel: r.channel });
      else foreign.push(`${r.operation}/${r.channel}`);
    }
    this.warnings.foreignRoutes(foreign);
    // Scope votes are kept and reported per scope, never applied: the router can only hold a
    // whole route down, and one office failing everywhere says nothing about the others.
    // The router tells a real change from a repeated list itself.
    router.setRemoteDown('fleet', routes as never);
    const before = this.view;
    if (
      !before ||
      before.quorum !== decision.quorum ||
      before.liveInstances !== decision.liveInstances ||
      JSON.stringify([before.down, before.scopes]) !== JSON.stringify([decision.down, decision.scopes])
    ) {
      this.view = Object.freeze({
        down: decision.down,
        scopes: decision.scopes,
        quorum: decision.quorum,
        liveInstances: decision.liveInstances,
      });
      this.ctx.emit('routes', this.view);
    }
    if (round.ghostsRemoved > 0) this.warnings.ghosts(keys.instances, round.ghostsRemoved);
  }

  /**
   * On `close()`: this instance's votes and liveness leave with it, so the others decide at
   * once without them. Best effort; without Redis they stop counting at its deadline anyway.
   */
  leave(redis: Leaving): Promise<unknown> {
    const { keys, instanceId } = this.ctx;
    const own = [...new Set([...this.open.keys(), ...this.toRemove, ...this.ownInRedis])];
    const removals: Promise<unknown>[] = [redis.zrem(keys.instances, instanceId)];
    for (let i = 0; i < own.length; i += WRITES_PER_CALL) {
      removals.push(redis.zrem(keys.trips, ...own.slice(i, i + WRITES_PER_CALL)));
    }
    return Promise.all(removals);
  }

  /** Leaves the router as if the fleet had never spoken. */
  clear(): void {
    if (!this.ctx.router.isDisposed) this.ctx.router.setRemoteDown('fleet', []);
  }

  private markOpen(key: string, operation: string, channel: string, scope: string | undefined): void {
    this.open.set(key, { operation, channel, scope, at: performance.now() });
    this.toRemove.delete(key);
    this.toAdd.add(key);
  }

  /**
   * Route breakers already open when the fleet connects are voted at once; the router says which
   * through `plan` (skipped as `breaker-open`). A scope's breaker open before then is voted at its
   * next opening: the router does not list its scopes.
   */
  private voteAlreadyOpen(): void {
    const { router, instanceId } = this.ctx;
    if (router.isDisposed) return;
    for (const operation of Object.keys(router.catalog.operations)) {
      for (const s of router.plan(operation as never).skipped) {
        if (s.why === 'breaker-open') {
          this.markOpen(member(operation, s.channel, instanceId, undefined), operation, s.channel, undefined);
        }
      }
    }
  }

  /** `own`: this instance's members, as stored, are pushed there. */
  private readTrips(round: TripRoundReply, own: string[]): Trip[] | undefined {
    const { keys } = this.ctx;
    const flat = pairs(round.trips);
    if (!flat) return this.warnings.wrongShape(keys.trips);
    const read: Trip[] = [];
    const bad = this.warnings.batch(keys.trips);
    for (const [entry, raw] of flat) {
      const parsed = readJson(tripMemberSchema, entry);
      const at = readScore(raw);
      if (!parsed.ok || !at.ok) {
        bad.add(entry, parsed.ok ? 'bad score' : parsed.problem);
        continue;
      }
      const [operation, channel, instance, scope] = parsed.value as [string, string, string, string?];
      if (instance === this.ctx.instanceId) own.push(entry);
      read.push(
        scope === undefined
          ? { operation, channel, instance, at: at.value }
          : { operation, channel, instance, scope, at: at.value },
      );
    }
    bad.done();
    return read;
  }

  private readInstances(round: TripRoundReply): Map<string, number> | undefined {
    const { keys } = this.ctx;
    const flat = pairs(round.instances);
    if (!flat) return this.warnings.wrongShape(keys.instances);
    const alive = new Map<string, number>();
    const bad = this.warnings.batch(keys.instances);
    for (const [id, raw] of flat) {
      const ok = readInstanceId(id);
      const at = readScore(raw);
      if (!ok.ok || !at.ok) bad.add(id, ok.ok ? 'bad score' : ok.problem);
      else alive.set(id, at.value);
    }
    bad.done();
    return alive;
  }
}

/** `[member, score]` pairs from a ZRANGE … WITHSCORES reply, or undefined for any other shape. */
function pairs(flat: unknown): [string, string][] | undefined {
  if (!Array.isArray(flat) || flat.length % 2 !== 0 || !flat.every((x) => typeof x === 'string')) return undefined;
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}
