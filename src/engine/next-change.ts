// When the status changes by itself: the next opening or closing of a channel, or the next start
// or end of a declared outage. One timer for the whole router, re-armed each time the snapshot is
// computed, so a page hears that an office closed at 19:00 without anyone calling.
import type { Channel } from '../catalog.js';
import { MAX_DELAY } from '../deadlines.js';
import type { OpeningHours } from './route-checks.js';

export interface NextChangeHost {
  readonly disposed: boolean;
  now(): number;
  /** The status may show something new: recompute it and tell the subscribers. */
  changed(): void;
}

/** The next instant after `now` when a channel opens or closes; Infinity when none does. */
export function nextHoursChange(
  channels: Readonly<Record<string, Channel>>,
  ids: readonly string[],
  hours: OpeningHours,
  now: number,
): number {
  let next = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const channel = channels[id] as Channel;
    if (!channel.hours) continue;
    const a = hours.of(id, channel, now);
    const at = a.openNow ? a.closesAt : a.opensAt;
    if (at !== undefined && at > now && at < next) next = at;
  }
  return next;
}

export class NextChangeTimer {
  declare private timer: ReturnType<typeof setTimeout> | undefined;
  declare private at: number;
  /** The router's clock when `at` was computed: a clock now behind it went backwards. */
  declare private armedAt: number;
  declare private readonly host: NextChangeHost;

  constructor(host: NextChangeHost) {
    this.host = host;
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    this.armedAt = Number.NEGATIVE_INFINITY;
  }

  /** Fires `changed` at `at` (epoch ms by the router's clock); Infinity for never. */
  arm(at: number): void {
    const now = this.host.now();
    this.armedAt = now;
    if (at === this.at && this.timer) return;
    this.stop();
    this.at = at;
    if (this.host.disposed || !Number.isFinite(at)) return;
    // Timers follow the global clock; the router's may be injected. A clock that does not follow
    // the timers (frozen in a test) must not make this spin: at least 1 ms, and checked on fire.
    const delay = Math.min(MAX_DELAY, Math.max(1, at - now));
    this.timer = setTimeout(this.fire, delay);
    (this.timer as { unref?(): void }).unref?.();
  }

  private fire = (): void => {
    this.timer = undefined;
    if (this.host.disposed) return;
    const at = this.at;
    if (this.host.now() >= at) {
      this.at = Number.POSITIVE_INFINITY;
      this.host.changed();
    } else if (this.stale(this.host.now())) this.host.changed();
    else this.arm(at);
  };

  /**
   * True when `at` no longer says what is next: the clock passed it before the timer fired (it
   * jumped forward), or went back before the instant it was computed at (an earlier change may
   * now be due first).
   */
  stale(now: number): boolean {
    return now >= this.at || now < this.armedAt;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
