// Warnings about the trip half of the fleet, bounded: a set holding 20,000 garbage members gives
// one summary per round, and again only when the summary changes. Nothing here keeps a value
// read from Redis beyond a few truncated samples of the last summary.

import type { FleetContext } from './context.js';

const SAMPLES = 3;
const SAMPLE_LENGTH = 80;

export interface InvalidBatch {
  add(entry: string, problem: string): void;
  /** Warns once for the whole round, if anything was added and the summary is new. */
  done(): void;
}

export class TripWarnings {
  /** Key → the last summary warned about (bounded: a count and a few truncated samples). */
  private readonly last = new Map<string, string>();
  private down = false;

  constructor(private readonly ctx: FleetContext) {}

  /** Redis answered the round with an error: warned once until it answers again. */
  unavailable(error: Error | undefined): void {
    if (this.down) return;
    this.down = true;
    const wrongType = error?.message.startsWith('WRONGTYPE') ?? false;
    this.ctx.warn(
      wrongType ? 'redis-invalid-value' : 'redis-unavailable',
      wrongType
        ? `\`${this.ctx.keys.trips}\` or \`${this.ctx.keys.instances}\` in Redis is not what secours writes there; the fleet's last decision on routes stands`
        : "Redis refused the fleet's trips and instances; the fleet's last decision on routes stands, and the next heartbeat tries again",
      error === undefined ? {} : { error },
    );
  }

  available(): void {
    this.down = false;
  }

  wrongShape(key: string): undefined {
    this.ctx.warn('redis-invalid-value', `\`${key}\` in Redis is not what secours writes there; ignored`, {
      once: `type:${key}`,
    });
    return undefined;
  }

  batch(key: string): InvalidBatch {
    let count = 0;
    const samples: string[] = [];
    return {
      add(entry, problem) {
        count++;
        if (samples.length < SAMPLES)
          samples.push(`${entry.slice(0, SAMPLE_LENGTH)} (${problem.slice(0, SAMPLE_LENGTH)})`);
      },
      done: () => {
        this.summary(
          key,
          count,
          () =>
            `Invalid value${count === 1 ? '' : 's'} in Redis at ${key}: ${count} member${count === 1 ? '' : 's'}, e.g. ${samples.join('; ')}; ignored`,
          samples,
          'redis-invalid-value',
        );
      },
    };
  }

  foreignRoutes(routes: readonly string[]): void {
    this.summary(
      'foreign-routes',
      routes.length,
      () =>
        `The fleet says ${routes.length === 1 ? 'a route is' : `${routes.length} routes are`} down that this catalogue does not have (${routes.slice(0, SAMPLES).join(', ')}); ignored`,
      routes.slice(0, SAMPLES),
      'redis-foreign-route',
    );
  }

  ghosts(key: string, removed: number): void {
    this.ctx.warn(
      'redis-invalid-value',
      `Removed ${removed} instance entr${removed === 1 ? 'y' : 'ies'} from ${key} whose liveness deadline was more than an hour ahead of Redis time; no instance writes that`,
    );
  }

  private summary(key: string, count: number, message: () => string, samples: readonly string[], code: string): void {
    if (count === 0) {
      this.last.delete(key);
      return;
    }
    const fingerprint = `${count}\u0000${samples.join('\u0000')}`;
    if (this.last.get(key) === fingerprint) return;
    this.last.set(key, fingerprint);
    this.ctx.warn(code, message());
  }
}
