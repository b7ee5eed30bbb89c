// The fleet's warnings, bounded: a warning about one thing (`once`) is given once, remembered by
// a short digest rather than by the thing itself (a corrupt value may be megabytes), and past a
// few of one code in a round trip the rest are counted into one summary.

import { createHash } from 'node:crypto';
import type { Warning } from '../events.js';

/** Individual warnings of one code per round trip; the rest make one summary. */
export const WARNINGS_PER_ROUND = 5;
/** Digests remembered; the oldest are forgotten first (then warned about again, once). */
const REMEMBERED = 10_000;
/** Digest at most this much of each end of a key: enough to tell values apart, cheap for huge ones. */
const EDGE = 4_096;

export class Warnings {
  private readonly given = new Set<string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly emit: (warning: Warning) => void) {}

  /** Returns whether it was given (now or, for `once`, before), rather than only counted. */
  warn(code: string, message: string, options: { once?: string; error?: unknown } = {}): boolean {
    const digest = options.once === undefined ? undefined : digestOf(`${code}\u0000${options.once}`);
    if (digest !== undefined && this.given.has(digest)) return true;
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    // Counted in the summary, not given: it is given on a later round trip.
    if (count > WARNINGS_PER_ROUND) return false;
    if (digest !== undefined) {
      if (this.given.size >= REMEMBERED) this.given.delete(this.given.values().next().value as string);
      this.given.add(digest);
    }
    this.emit(options.error === undefined ? { code, message } : { code, message, error: options.error });
    return true;
  }

  /** At the end of each round trip: one summary per code that gave more than its share. */
  endRound(): void {
    const over = [...this.counts].filter(([, n]) => n > WARNINGS_PER_ROUND);
    this.counts.clear();
    for (const [code, n] of over) {
      this.emit({ code, message: `…and ${n - WARNINGS_PER_ROUND} more \`${code}\` warnings in this round trip` });
    }
  }

  /** How many digests are remembered (for tests of the bound). */
  get remembered(): number {
    return this.given.size;
  }
}

function digestOf(key: string): string {
  const hash = createHash('sha256');
  if (key.length <= 2 * EDGE) hash.update(key);
  else hash.update(`${key.length}\u0000${key.slice(0, EDGE)}\u0000${key.slice(-EDGE)}`);
  return hash.digest('base64');
}
