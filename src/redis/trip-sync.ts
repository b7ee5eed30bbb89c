// Breaker trips across the fleet. Each instance records in one sorted set which routes it saw
// open and when (member `[operation, channel, instance]`, score the time), removes its entry when
// its breaker closes, and every instance decides from that set, with a quorum, which routes are
// down for all. One instance's trips alone never take a route down elsewhere.

import type { BreakerEvent } from '../events.js';
import type { RouteRef } from '../router.js';
import type { Batch, Reply } from './batch.js';
import type { FleetContext } from './context.js';
import type { FleetRoutesEvent } from './events.js';
import { decideQuorum, type Trip } from './quorum.js';
import { readInstanceId, readJson, readScore, tripMemberSchema } from './schemas.js';

export interface TripOptions {
  readonly quorum: number | undefined;
  readonly window: number;
  readonly instanceTtl: number;
}

interface OpenRoute {
  readonly operation: string;
  readonly channel: string;
  /** When the breaker opened (local ms). */
  readonly at: number;
}

const member = (operation: string, channel: string, instance: string) => JSON.stringify([operation, channel, instance]);

export class TripSync {
  /** Routes whose breaker is open (or half-open) here, by member. */
  private readonly open = new Map<string, OpenRoute>();
  private readonly toAdd = new Set<string>();
  private readonly toRemove = new Set<string>();
  /** What the fleet decided at the last round trip, as the `routes` event and `decision` show it. */
  private view: FleetRoutesEvent | undefined;

  constructor(
    private readonly ctx: FleetContext,
    private readonly options: TripOptions,
  ) {}

  onRouterBreaker = (event: BreakerEvent): void => {
    const key = member(event.operation, event.channel, this.ctx.instanceId);
    if (event.state === 'open') {
      // Each reopening after a failed trial counts afresh: the route is still broken.
      this.open.set(key, { operation: event.operation, channel: event.channel, at: Date.now() });
      this.toRemove.delete(key);
      this.toAdd.add(key);
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

  /** `skew`: Redis time minus local time, so every instance scores on one clock. */
  collectWrites(batch: Batch, skew: number): number {
    const { keys } = this.ctx;
    let changes = 0;
    for (const key of this.toAdd) {
      const open = this.open.get(key);
      if (!open) {
        this.toAdd.delete(key);
        continue;
      }
      changes++;
      batch.add(
        (p) => p.zadd(keys.trips, Math.round(open.at + skew), key),
        (reply) => {
          if (!reply.error && this.open.get(key) === open) this.toAdd.delete(key);
        },
      );
    }
    for (const key of this.toRemove) {
      changes++;
      batch.add(
        (p) => p.zrem(keys.trips, key),
        (reply) => {
          if (!reply.error && !this.open.has(key)) this.toRemove.delete(key);
        },
      );
    }
    return changes;
  }

  /** Decides from the trips and instances read, and tells the router what the fleet says is down. */
  apply(trips: Reply, instances: Reply, now: number): void {
    const { keys, router } = this.ctx;
    const read: Trip[] = [];
    for (const [entry, raw] of pairs(trips, keys.trips, this.ctx)) {
      const parsed = readJson(tripMemberSchema, entry);
      const at = readScore(raw);
      if (!parsed.ok || !at.ok) {
        this.invalid(`${keys.trips} member ${entry.slice(0, 80)}`, parsed.ok ? 'bad score' : parsed.problem);
        continue;
      }
      const [operation, channel, instance] = parsed.value;
      read.push({ operation, channel, instance, at: at.value });
    }
    const alive = new Map<string, number>();
    for (const [id, raw] of pairs(instances, keys.instances, this.ctx)) {
      const ok = readInstanceId(id);
      const at = readScore(raw);
      if (!ok.ok || !at.ok)
        this.invalid(`${keys.instances} member ${id.slice(0, 80)}`, ok.ok ? 'bad score' : ok.problem);
      else alive.set(id, at.value);
    }
    const decision = decideQuorum({ ...this.options, trips: read, instances: alive, now, self: this.ctx.instanceId });
    const routes: RouteRef[] = [];
    for (const r of decision.forSelf) {
      const op = (router.catalog.operations as Record<string, { routes: readonly { channel: string }[] }>)[r.operation];
      if (
        op &&
        Object.hasOwn(router.catalog.operations, r.operation) &&
        op.routes.some((x) => x.channel === r.channel)
      ) {
        routes.push({ operation: r.operation, channel: r.channel });
      } else {
        this.ctx.warn(
          'redis-foreign-route',
          `The fleet says ${r.operation}/${r.channel} is down, a route this catalogue does not have; ignored`,
          { once: `route:${r.operation}/${r.channel}` },
        );
      }
    }
    // The router tells a real change from a repeated list itself.
    router.setRemoteDown('fleet', routes as never);
    const before = this.view;
    if (
      !before ||
      before.quorum !== decision.quorum ||
      before.liveInstances !== decision.liveInstances ||
      JSON.stringify(before.down) !== JSON.stringify(decision.down)
    ) {
      this.view = { down: decision.down, quorum: decision.quorum, liveInstances: decision.liveInstances };
      this.ctx.emit('routes', this.view);
    }
  }

  /** Leaves the router as if the fleet had never spoken. */
  clear(): void {
    if (!this.ctx.router.isDisposed) this.ctx.router.setRemoteDown('fleet', []);
  }

  private invalid(where: string, problem: string): void {
    this.ctx.warn('redis-invalid-value', `Invalid value in Redis at ${where} (${problem}); ignored`, { once: where });
  }
}

/** `[member, score]` pairs from a ZRANGE … WITHSCORES reply; a reply of the wrong type is warned about. */
function pairs(reply: Reply, key: string, ctx: FleetContext): [string, string][] {
  const flat = reply.value;
  if (reply.error || !Array.isArray(flat) || flat.length % 2 !== 0 || !flat.every((x) => typeof x === 'string')) {
    ctx.warn('redis-invalid-value', `\`${key}\` in Redis is not what secours writes there; ignored`, {
      once: `type:${key}`,
      error: reply.error,
    });
    return [];
  }
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}
