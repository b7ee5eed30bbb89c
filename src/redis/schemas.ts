// What may be read back from Redis. Anything else (a value corrupted by hand, written by another
// program or by a future version) is reported in a `warning` and ignored, never trusted.
// A stored outage is checked by the router's own declaration schema, so the fleet carries
// exactly what a router accepts: an id the router took can never fail to be read back.

import * as z from 'zod/mini';
import { ID } from '../catalog-schema.js';
import { type Outage, type OutageInput, outageIdSchema, outageInputSchema, toMs } from '../outages.js';
import { scopeProblem } from '../scopes.js';
import { parseWith } from '../validate.js';
import { NAME } from './keys.js';

// The catalogue's own rule for operation and channel ids (no length bound there, so none here): a
// route the router has must never be unreadable in a trip, or its votes would never count.
const catalogId = z.string().check(z.regex(ID));
export const instanceIdSchema = z.string().check(z.regex(NAME));
/** A time as `declareOutage` takes it (the fleet writes epoch ms, older versions wrote ISO strings). */
const time = z.nonoptional(outageInputSchema.shape.from);

const storedOutageSchema = z.extend(outageInputSchema, {
  id: outageIdSchema,
  /** Redis time (µs) when this declaration was first written: tells a reused id from the old one. */
  stamp: z.optional(z.int().check(z.gte(0))),
  declaredAt: time,
  by: instanceIdSchema,
});

/** An outage as one instance wrote it, times in epoch ms by Redis's clock. */
export interface StoredOutage {
  readonly id: string;
  readonly stamp: number;
  readonly by: string;
  readonly from: number;
  readonly until: number | undefined;
  /** What `declareOutage` is given on the other instances. */
  readonly input: OutageInput & { readonly id: string };
}

const scopeSchema = z.string().check(z.refine((s) => scopeProblem(s) === undefined, 'not a scope'));

/** A member of the trips set: who saw which route's breaker open (with its scope, for a scope's breaker). */
export const tripMemberSchema = z.union([
  z.tuple([catalogId, catalogId, instanceIdSchema]),
  z.tuple([catalogId, catalogId, instanceIdSchema, scopeSchema]),
]);

/** Scores come back from Redis as strings. */
const score = z.string().check(z.regex(/^-?\d+(\.\d+)?$/));

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

function problemOf(issues: readonly { path: string; message: string }[]): string {
  return issues.map((i) => (i.path ? `${i.message} at ${i.path}` : i.message)).join('; ');
}

export function readJson<S extends z.ZodMiniType>(schema: S, raw: string): Read<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = parseWith(schema, value);
  return parsed.data === undefined
    ? { ok: false, problem: problemOf(parsed.issues) }
    : { ok: true, value: parsed.data };
}

export function readStoredOutage(raw: string): Read<StoredOutage> {
  const read = readJson(storedOutageSchema, raw);
  if (!read.ok) return read;
  const { stamp, declaredAt, by, from, until, ...rest } = read.value;
  const fromMs = toMs(from ?? declaredAt);
  const untilMs = until === undefined ? undefined : toMs(until);
  // zod types an optional locale as `string | undefined`; it never writes an undefined one.
  const input = { ...rest, from: fromMs, ...(untilMs === undefined ? {} : { until: untilMs }) } as OutageInput & {
    readonly id: string;
  };
  return {
    ok: true,
    value: { id: rest.id, stamp: stamp ?? toMs(declaredAt) * 1000, by, from: fromMs, until: untilMs, input },
  };
}

/**
 * The stored form of an outage declared here. `nowMs` is Redis's clock: an outage declared to
 * start "now" starts at Redis's now for everyone, whatever this host's clock says.
 */
export function toStoredJson(outage: Outage, by: string, stamp: number, nowMs: number): string {
  const fromNow = outage.from === outage.declaredAt;
  // `stamp` first: the Lua scripts read it with a prefix match, without decoding the JSON.
  return JSON.stringify({
    stamp,
    id: outage.id,
    kind: outage.kind,
    channels: outage.channels,
    operations: outage.operations,
    systems: outage.systems,
    reason: outage.reason,
    from: fromNow ? nowMs : Date.parse(outage.from),
    ...(outage.until === undefined ? {} : { until: Date.parse(outage.until) }),
    declaredAt: nowMs,
    by,
  });
}

export function readScore(raw: string): Read<number> {
  const parsed = parseWith(score, raw);
  return parsed.data === undefined ? { ok: false, problem: 'not a number' } : { ok: true, value: Number(raw) };
}

export function readInstanceId(raw: string): Read<string> {
  return instanceIdSchema.safeParse(raw).success
    ? { ok: true, value: raw }
    : { ok: false, problem: 'not an instance id' };
}
