import * as z from 'zod/mini';
import { _isoDateTime } from 'zod/v4/core';
import { type AnyCatalog, textSchema } from './catalog.js';
import { ConfigError, type ConfigIssue, knownList } from './errors.js';
import type { Text } from './i18n/text.js';
import { isPlainObject, parseWith, unsafeObjects } from './validate.js';

export type OutageKind = 'outage' | 'maintenance';
export type TimeInput = Date | string | number;

/** What `declareOutage` takes. Channels, operations and systems combine as described below. */
export interface OutageInput<Ch extends string = string, Op extends string = string> {
  /** Channels taken down. With `operations`, only those operations on these channels. */
  channels?: readonly Ch[] | undefined;
  /** Operations taken down: on the given channels, or on every channel when none is given. */
  operations?: readonly Op[] | undefined;
  /** Shared systems (a channel's `dependsOn`): every channel that depends on one goes down. */
  systems?: readonly string[] | undefined;
  /** What the person is told, e.g. `{ fr: 'Les guichets sont en panne.', en: 'Counters are down.' }`. */
  reason: Text;
  /** @default 'outage' */
  kind?: OutageKind | undefined;
  /** When it starts: a Date, an ISO string or epoch ms. @default now */
  from?: TimeInput | undefined;
  /** When it ends by itself; without it, it lasts until `endOutage`. */
  until?: TimeInput | undefined;
  /** Your own id (e.g. from an incident tool); one is generated otherwise. */
  id?: string | undefined;
}

export interface Outage<Ch extends string = string, Op extends string = string> {
  readonly id: string;
  readonly kind: OutageKind;
  readonly channels: readonly Ch[];
  readonly operations: readonly Op[];
  readonly systems: readonly string[];
  readonly reason: Text;
  /** ISO 8601. */
  readonly from: string;
  readonly until?: string;
  readonly declaredAt: string;
}

// The largest instant a Date can hold.
const MAX_TIME = 8.64e15;
const time = z.union(
  [
    z.date().check(z.refine((d) => !Number.isNaN(d.getTime()), 'expected a valid Date')),
    _isoDateTime(z.ZodMiniISODateTime, { offset: true, error: 'expected an ISO 8601 date-time' }),
    z.number().check(z.gte(0), z.lte(MAX_TIME)),
  ],
  { error: 'expected a Date, an ISO 8601 date-time with offset, or epoch ms' },
);
const ids = z.optional(z.array(z.string().check(z.minLength(1))));
/** An outage id: what an incident tool may use, and safe in a URL path segment and a Redis field. */
export const OUTAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const outageIdSchema = z.string().check(z.regex(OUTAGE_ID, 'expected 1–128 letters, digits or . _ : -'));
export const outageInputSchema = z.strictObject({
  channels: ids,
  operations: ids,
  systems: ids,
  reason: textSchema,
  kind: z.optional(z.enum(['outage', 'maintenance'])),
  from: z.optional(time),
  until: z.optional(time),
  id: z.optional(outageIdSchema),
});

export function toMs(value: TimeInput): number {
  return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
}

let counter = 0;
function newId(now: number): string {
  counter = (counter + 1) % 1_679_616;
  const random = Math.floor(Math.random() * 1_679_616).toString(36);
  return `out-${now.toString(36)}-${counter.toString(36)}${random}`;
}

/** Validates a declaration against the catalogue; every problem is reported at once. */
export function parseOutage(catalog: AnyCatalog, input: unknown, now: number): Outage {
  try {
    return readOutage(catalog, input, now);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A revoked proxy, a getter or a Date whose getTime throws: input that cannot be read is bad
    // input, and what it threw (maybe an internal message) is not repeated.
    throw new ConfigError('outage', [{ path: '', message: 'could not be read' }]);
  }
}

function readOutage(catalog: AnyCatalog, input: unknown, now: number): Outage {
  const parsed = parseWith(outageInputSchema, input);
  const issues: ConfigIssue[] = [...unsafeObjects(input), ...parsed.issues];
  // The ids are checked even when the form is wrong, so every problem is reported at once.
  const raw = isPlainObject(input) ? input : {};
  const systems = new Set<string>();
  for (const ch of Object.values(catalog.channels) as { dependsOn?: readonly string[] }[]) {
    for (const s of ch.dependsOn ?? []) systems.add(s);
  }
  const known = {
    channels: new Set(Object.keys(catalog.channels)),
    operations: new Set(Object.keys(catalog.operations)),
    systems,
  };
  for (const field of ['channels', 'operations', 'systems'] as const) {
    const list = raw[field];
    if (!Array.isArray(list)) continue;
    list.forEach((id, i) => {
      if (typeof id === 'string' && id && !known[field].has(id)) {
        issues.push({
          path: `${field}[${i}]`,
          message: `unknown ${field.slice(0, -1)} \`${id}\`; known: ${knownList([...known[field]])}`,
        });
      }
    });
  }
  const o = parsed.data;
  if (!o) throw new ConfigError('outage', issues);
  if (!o.channels?.length && !o.operations?.length && !o.systems?.length) {
    issues.push({ path: '', message: 'name at least one channel, operation or system' });
  }
  const from = o.from === undefined ? now : toMs(o.from);
  const until = o.until === undefined ? undefined : toMs(o.until);
  if (until !== undefined && until <= from) issues.push({ path: 'until', message: 'must be after `from`' });
  if (until !== undefined && until <= now) issues.push({ path: 'until', message: 'is already past' });
  if (issues.length) throw new ConfigError('outage', issues);
  return Object.freeze({
    id: o.id ?? newId(now),
    kind: o.kind ?? 'outage',
    channels: Object.freeze([...new Set(o.channels ?? [])]),
    operations: Object.freeze([...new Set(o.operations ?? [])]),
    systems: Object.freeze([...new Set(o.systems ?? [])]),
    // zod types an optional key as `string | undefined`; a parsed text holds only strings.
    reason: Object.freeze(typeof o.reason === 'string' ? o.reason : { ...o.reason }) as Text,
    from: new Date(from).toISOString(),
    ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
    declaredAt: new Date(now).toISOString(),
  });
}

/** The channels an outage covers: those named plus those depending on a named system. */
export function outageChannels(catalog: AnyCatalog, outage: Outage): Set<string> {
  const out = new Set<string>(outage.channels);
  if (outage.systems.length) {
    for (const [id, ch] of Object.entries(catalog.channels) as [string, { dependsOn?: readonly string[] }][]) {
      if (ch.dependsOn?.some((s) => outage.systems.includes(s))) out.add(id);
    }
  }
  return out;
}

/** Declared outages by id, with their times parsed once. */
export class OutageBook {
  private readonly all = new Map<string, { outage: Outage; from: number; until: number }>();

  add(outage: Outage): void {
    this.all.set(outage.id, {
      outage,
      from: Date.parse(outage.from),
      until: outage.until ? Date.parse(outage.until) : Number.POSITIVE_INFINITY,
    });
  }

  remove(id: string): Outage | undefined {
    const entry = this.all.get(id);
    this.all.delete(id);
    return entry?.outage;
  }

  get(id: string): Outage | undefined {
    return this.all.get(id)?.outage;
  }

  /** Active at `now`, in declaration order. */
  active(now: number): Outage[] {
    const out: Outage[] = [];
    for (const e of this.all.values()) if (e.from <= now && now < e.until) out.push(e.outage);
    return out;
  }

  /** Declared and not yet over (active or scheduled). */
  current(now: number): Outage[] {
    const out: Outage[] = [];
    for (const e of this.all.values()) if (now < e.until) out.push(e.outage);
    return out;
  }

  /** Removes and returns the outages over at `now`. */
  expire(now: number): Outage[] {
    const out: Outage[] = [];
    for (const [id, e] of this.all) {
      if (e.until <= now) {
        this.all.delete(id);
        out.push(e.outage);
      }
    }
    return out;
  }

  /** The next instant after `now` when an outage starts or ends; Infinity when none. */
  nextChange(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.all.values()) {
      if (e.from > now && e.from < next) next = e.from;
      if (e.until > now && e.until < next) next = e.until;
    }
    return next;
  }

  get size(): number {
    return this.all.size;
  }
}
