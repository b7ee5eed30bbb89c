// What each field of the outages hash read as last time, so a field that did not change is not
// parsed again at every round trip: the hash is read whole each time, and 50,000 fields (garbage
// written by hand, or outages piling up) cost about 430 ms of CPU per round trip when each was
// checked by the schema again, and gave a fresh batch of warnings each time.

import type { Read, StoredOutage } from './schemas.js';

/** Up to this length a value is remembered as is; longer ones (garbage) by a cheap mark. */
const EXACT = 4_096;
const EDGE = 256;

export interface FieldRead {
  /** The value as read, for a valid outage or a short value: compared exactly. */
  readonly raw?: string;
  /** For a long invalid value: its length and edges, so megabytes are not retained. */
  readonly mark?: string;
  readonly read: Read<StoredOutage>;
  /** An invalid value that was warned about (or, among many, counted in a summary). */
  warned: boolean;
}

const markOf = (raw: string) => `${raw.length}\u0000${raw.slice(0, EDGE)}\u0000${raw.slice(-EDGE)}`;

export class FieldReads {
  private entries = new Map<string, FieldRead>();
  private seen = new Map<string, FieldRead>();

  /** The last read of `field` if its value is unchanged; `undefined` to parse it. */
  get(field: string, raw: string): FieldRead | undefined {
    const entry = this.entries.get(field);
    if (!entry) return undefined;
    const same = entry.raw !== undefined ? entry.raw === raw : entry.mark === markOf(raw);
    if (!same) return undefined;
    this.seen.set(field, entry);
    return entry;
  }

  set(field: string, raw: string, read: Read<StoredOutage>): FieldRead {
    // A valid outage is compared exactly, whatever its size: a changed declaration must be seen.
    const entry: FieldRead =
      read.ok || raw.length <= EXACT ? { raw, read, warned: false } : { mark: markOf(raw), read, warned: false };
    this.seen.set(field, entry);
    return entry;
  }

  /** After each full read: only the fields present in it are remembered. */
  endRead(): void {
    this.entries = this.seen;
    this.seen = new Map();
  }
}
